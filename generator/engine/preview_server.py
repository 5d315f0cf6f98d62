"""The preview's web server in a process of its own: `python -m handbook.engine.preview_server`.

The process MkDocs' `serve` started becomes this once it has forked the preview's builder
(preview_builder.py): Python starts afresh in it, so the first build's heap lives only in the
builder. This is the dev server MkDocs would have run, set up as the plugin and MkDocs set
theirs up (the same address, folder, watched paths, faster polling, error pages and live-reload
nonce, and MkDocs' log lines), except that each rebuild is a request to the builder. On the way
out (Ctrl-C, SIGTERM, the builder gone) it stops the builder, which runs the plugins'
on_shutdown, and removes the site folder, as `mkdocs serve` does.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

from ..fork import HELD
from .mkdocs_csp import allow_live_reload
from .preview import poll_faster, watch_settings
from .preview_builder import SETTINGS, Builder, RebuildFailed


def serve(settings: dict[str, Any]) -> None:
    engine = settings["engine"]
    _log_as_cli(engine, settings["level"], settings["color"])
    livereload: Any = importlib.import_module(f"{engine}.livereload")
    livereload.traceback = _Traceback(livereload.traceback)  # its rebuild loop's
    builder = Builder(settings["builder"], settings["requests"], settings["answers"])
    root = settings["root"]
    server = livereload.LiveReloadServer(builder=builder.build, host=settings["host"],
                                         port=settings["port"], root=root,
                                         mount_path=settings["mount_path"])
    builder.server = server

    def error_page(code: int) -> bytes | None:  # what `mkdocs serve` shows for 404 and 500
        page = os.path.join(root, f"{code}.html")
        if code in (404, 500) and os.path.isfile(page):
            with open(page, "rb") as found:
                return found.read()
        return None

    server.error_handler = error_page
    poll_faster(server)
    for path in settings["watch"]:
        server.watch(path)
    if settings.get("settings"):  # the project's mkdocs.yml, watched as the plugin did
        watch_settings(server, Path(settings["settings"]))
    allow_live_reload(server, settings["nonce"])
    signal.signal(signal.SIGTERM, _stop)
    try:
        try:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)  # held since the fork
            server.serve()
        except KeyboardInterrupt:
            logging.getLogger(f"{engine}.commands.serve").info("Shutting down...")
        finally:
            server.shutdown()
    finally:  # a second Ctrl-C or SIGTERM ends the process at once, without a traceback
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        builder.stop()
        shutil.rmtree(root, ignore_errors=True)


def _log_as_cli(engine: str, level: int, color: bool) -> None:
    """The engine's log as its command line set it up (`State` and `color_option` in its
    __main__): its lines on stderr in its format, in colour only if it used colour (not into
    a pipe or file, nor with NO_COLOR), at the level it ran with."""
    logger = logging.getLogger(engine)
    logger.setLevel(level)
    logger.propagate = False
    stream = logging.StreamHandler()
    stream.setFormatter(importlib.import_module(f"{engine}.__main__").ColorFormatter()
                        if color else logging.Formatter("%(levelname)-8s-  %(message)s"))
    logger.addHandler(stream)


class _Traceback:
    """The dev server's `traceback` module, but for a failed rebuild's own exception: it
    prints the traceback of whatever a rebuild raised, and the builder printed the real one
    already; the request's (RebuildFailed) would be a second, about nothing."""

    def __init__(self, module: Any) -> None:
        self.module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self.module, name)

    def print_exc(self, *args: Any, **kwargs: Any) -> None:
        if not isinstance(sys.exc_info()[1], RebuildFailed):
            self.module.print_exc(*args, **kwargs)


def _stop(signum: int, frame: Any) -> None:
    """SIGTERM: the same way out as Ctrl-C (`mkdocs serve` died and left its folder)."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    serve(json.loads(os.environ.pop(SETTINGS)))
