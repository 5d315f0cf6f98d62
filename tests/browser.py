"""Real headless Chromium for tests, and a local HTTP server for a built site.

Outside CI a missing Chromium skips the test with a reason; with CI=true it fails it, so a
green CI run always means the browser tests really ran.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        message = "Chromium is not installed (Debian package `chromium`)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must install it (see .ci/run)")
        pytest.skip(message)
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path, handler_class: type[_QuietHandler] | None = None) -> Iterator[str]:
    """Serve `folder` on a free loopback port; yields the base URL."""
    handler = functools.partial(handler_class or _QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def browser_page() -> Iterator[object]:
    """A fresh page in a real headless Chromium."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            page = browser.new_page()
            yield page
        finally:
            browser.close()


# Recorded before any page script runs: every Content-Security-Policy violation the page reports.
CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(
  e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || "")));
"""


class Watch:
    """What a page did that it must not: dialogs opened, CSP violations, console CSP errors."""

    def __init__(self, page: object) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.console: list[str] = []
        page.add_init_script(CSP_WATCH)  # type: ignore[attr-defined]
        page.on("dialog", self._dialog)  # type: ignore[attr-defined]
        page.on("console", self._console)  # type: ignore[attr-defined]

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    def _console(self, message: object) -> None:
        text = message.text  # type: ignore[attr-defined]
        if "Content Security Policy" in text:
            self.console.append(text)

    def violations(self) -> list[str]:
        """CSP violations on the current page (events) and so far (console)."""
        for _ in range(5):  # a live-reload preview may navigate again while we ask
            try:
                events = self.page.evaluate("window.__csp || []")  # type: ignore[attr-defined]
                break
            except Exception as error:  # playwright's Error: "Execution context was destroyed"
                if "context was destroyed" not in str(error):
                    raise
                self.page.wait_for_load_state("load")  # type: ignore[attr-defined]
        else:
            raise AssertionError("the page kept navigating; no CSP report could be read")
        return list(events) + self.console
