"""The preview's live reload under the Content-Security-Policy (site_overrides/main.html).

`mkdocs serve` adds an inline script to every page it serves, different on every request, so
the policy cannot name it by hash; it refuses inline scripts, so the preview would never reload.
While serving, the policy also allows scripts carrying a nonce made once per process, and the
server's injected script is given that nonce. A built site has no nonce: `script-src 'self'`.
"""

from __future__ import annotations

import secrets
from typing import Any

NONCE = secrets.token_urlsafe(18)  # one per `mkdocs serve` process: its rebuilds share it
CONFIG_KEY = "handbook_script_nonce"  # config.extra key main.html reads


def allow_live_reload(server: Any, nonce: str = NONCE) -> None:
    """Give the script MkDocs' LiveReloadServer injects before `</body>` the preview's nonce
    (the builder's, when the server runs in a process of its own: preview_server.py)."""
    inject = server._inject_js_into_html  # MkDocs 1.6; the test of the preview covers it

    def with_nonce(content: bytes, epoch: float) -> bytes:
        page = inject(content, epoch)
        at = page.rfind(b"<script>")  # the injected one: the last bare <script> of the page
        if at < 0:
            return page
        return page[:at] + b'<script nonce="' + nonce.encode() + b'">' + page[at + 8:]

    server._inject_js_into_html = with_nonce
