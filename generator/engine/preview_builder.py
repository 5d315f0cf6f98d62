"""The preview's rebuilds in a process of their own, so that they may use every core.

`mkdocs serve` rebuilds in the process that runs its web server and its watcher, and a process
running other threads must not fork (`fork.can_fork`: a child could inherit a lock another
thread holds). So every rebuild of the preview converted and rendered its pages on one core: a
new cohort title (56 pages on the bench set) or an edited template (every page) waited for
one process while the other cores idled.

Now, once the first build is done and before the server has started a thread (`on_serve`, the
last plugin to run it), the plugin forks a builder: a process with one thread, which holds all
the first build left in memory (the generator's caches, the preview's view of the navigation,
its search index) and makes every later rebuild, sharing its pages out among forked workers as
`handbook build` does (mkdocs_parallel.py). The process MkDocs started then becomes the web
server by starting Python afresh (preview_server.py; same process id, so Ctrl-C, `kill` and
whoever waits for it see no difference): the first build's heap is not kept twice, and the
server asks the builder for each rebuild and waits for its answer. Where that start fails, the
process stays MkDocs' server and asks the builder the same way.

The builder ends with the server: when the server closes its pipe (the builder runs the
plugins' `on_shutdown` first), with a SIGTERM, or with the server's death (PR_SET_PDEATHSIG).
A Ctrl-C during a rebuild stops it and its workers at once; between rebuilds the builder leaves
it to the server, which closes the pipe. Linux only, like every fork here; elsewhere, or with a
thread already running, MkDocs' server rebuilds in its own process, as before. No MkDocs
import: the dev server is reached through the object MkDocs hands over.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

import click

from ..fork import can_fork, hold_signals, release_signals, stop_children
from .preview import SETTINGS_FILE, rebuild

FAILED, AGAIN = 1, 2  # the bits of the builder's answer
STOP_SECONDS = 10.0  # the builder's time to end once asked, before it is killed
SETTINGS = "HANDBOOK_PREVIEW_SERVER"  # what the server is set up with (preview_server.py)


class RebuildFailed(Exception):
    """The builder's rebuild failed: the dev server reports it as a failed rebuild of its own
    (the error is above, printed by the builder)."""


class Builder:
    """The server's side of the builder process: its pid and its two pipes."""

    def __init__(self, pid: int, requests: int, answers: int, server: Any = None) -> None:
        self.pid, self.requests, self.answers, self.server = pid, requests, answers, server
        self.waiting = False  # for the answer to a request: the builder is building

    def build(self) -> None:
        """The dev server's rebuild (`server.builder`): ask the builder, wait for its answer."""
        self.waiting = True
        try:
            os.write(self.requests, b"b")
            answer = os.read(self.answers, 1)
        except BrokenPipeError:
            answer = b""
        self.waiting = False
        if not answer:  # its end of the pipe closed: it is ending, or has ended
            status = self.reap()
            raise SystemExit(f"The preview's build process ended unexpectedly ({status}); "
                             "start `handbook serve` again.")
        if answer[0] & AGAIN:
            rebuild(self.server)
        if answer[0] & FAILED:
            raise RebuildFailed("the rebuild failed: the build process printed why, above")

    def reap(self) -> str:
        with contextlib.suppress(ChildProcessError):
            _, status = os.waitpid(self.pid, 0)
            return f"exit status {os.waitstatus_to_exitcode(status)}"
        return "gone"

    def stop(self) -> None:
        """End the builder (the server shuts down): it runs the plugins' on_shutdown and
        exits once its pipe is closed; if it is building, or still there after
        `STOP_SECONDS`, SIGTERM (it stops its workers), then SIGKILL."""
        for fd in (self.requests, self.answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        steps = [signal.SIGTERM, signal.SIGKILL] if self.waiting else \
            [None, signal.SIGTERM, signal.SIGKILL]
        for stop in steps:
            if stop is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, stop)
            deadline = time.monotonic() + STOP_SECONDS
            while time.monotonic() < deadline:
                try:
                    if os.waitpid(self.pid, os.WNOHANG)[0]:
                        return
                except ChildProcessError:
                    return
                time.sleep(0.02)


def start(server: Any, builder: Callable[[], None], plugin: Any, config: Any, engine: str
          ) -> Builder | None:
    """Fork the builder and have the server rebuild through it; None (MkDocs' server rebuilds
    itself) where forking is not safe. `plugin`'s `collector` (preview.IdleCollector) runs
    without a thread in the builder; its `parallel` build is stopped with the builder."""
    collector = plugin.collector
    if collector is not None:
        collector.stop(wait=True)  # its timer thread, if the first build started one
    if not can_fork():
        return None
    requests, to_builder = os.pipe()
    from_builder, answers = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    parent, held = os.getpid(), hold_signals()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(to_builder)
            os.close(from_builder)
            state = _become_builder(parent, plugin)
            release_signals(held)
            code = _serve_builds(requests, answers, builder, server, plugin, state)
            config.plugins.on_shutdown()
        except BaseException:  # never back into the server's code
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(requests)
    os.close(answers)
    found = Builder(pid, to_builder, from_builder, server)
    # A Ctrl-C or SIGTERM from here until the server is ready for them would end this
    # process half-way, or the new interpreter with a traceback, and leave the site folder:
    # they stay held (exec keeps them so) until preview_server.serve lets them in.
    _become_server(found, server, config, engine)  # returns only if Python failed to start
    release_signals(held)
    server.builder = found.build
    return found


def _become_server(builder: Builder, server: Any, config: Any, engine: str) -> None:
    """Start Python afresh in this process as the preview's web server (preview_server.py),
    with what MkDocs' server was set up with; Ctrl-C and SIGTERM are held (fork.HELD)."""
    from .mkdocs_csp import NONCE

    settings = {
        "engine": engine, "host": server.server_address[0], "port": server.server_address[1],
        "root": server.root, "mount_path": server.mount_path, "nonce": NONCE,
        "watch": [*server._watched_paths, *map(os.path.abspath, config.watch)],
        "settings": getattr(server, SETTINGS_FILE, None),  # watch_settings
        "level": logging.getLogger(engine).level, "builder": builder.pid,
        "color": any(type(handler.formatter).__name__ == "ColorFormatter"  # not if piped
                     for handler in logging.getLogger(engine).handlers),
        "requests": builder.requests, "answers": builder.answers}
    for fd in (builder.requests, builder.answers):
        os.set_inheritable(fd, True)
    sys.stdout.flush()
    sys.stderr.flush()
    with contextlib.suppress(OSError):  # in the environment, which only its user may read
        os.execve(sys.executable, [sys.executable, "-m", "handbook.engine.preview_server"],
                  {**os.environ, SETTINGS: json.dumps(settings)})  # (not the nonce in `ps`)


class _State:
    building = False


def _become_builder(parent: int, plugin: Any) -> _State:
    """Signals: SIGTERM (the server's shutdown, or its death through PR_SET_PDEATHSIG) and a
    Ctrl-C during a rebuild stop the workers and end the builder; a Ctrl-C between rebuilds
    is the server's to handle (it closes the pipe)."""
    state, me = _State(), os.getpid()

    def stop(signum: int, frame: Any) -> None:
        if os.getpid() != me:  # a process a rebuild forked (it inherits this handler)
            os._exit(128 + signum)
        if signum == signal.SIGINT and not state.building:
            return
        stop_children()  # the generator's (fork.map_parts), then MkDocs' workers
        parallel = getattr(plugin, "parallel", None)
        if parallel is not None and not parallel.is_worker:
            parallel.abort()
        os._exit(128 + signum)

    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # else Ctrl-C stays ignored
        signal.signal(signal.SIGINT, stop)  # (`handbook serve &` in a script, nohup)
    signal.signal(signal.SIGTERM, stop)
    with contextlib.suppress(Exception):  # Linux: end with the server, even if it is killed
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before that took effect
        os._exit(0)
    if plugin.collector is not None:  # collected between requests (_serve_builds), the
        plugin.collector.threaded = False  # first build's heap first
        plugin.collector.idle()
    return state


def _serve_builds(requests: int, answers: int, builder: Callable[[], None], server: Any,
                  plugin: Any, state: _State) -> int:
    """The builder's life: a rebuild per request, the idle collection between them; 0 once
    the server has closed its end."""
    collector = plugin.collector
    while True:
        wait = collector.idle_in() if collector is not None else None
        if not select.select([requests], [], [], wait)[0]:
            collector.when_idle()
            continue
        if not os.read(requests, 1):
            return 0
        answer, state.building = 0, True
        try:
            builder()
        except click.ClickException as error:  # MkDocs' own errors (a PluginError): as its
            error.show()                       # command line shows them, one message
            answer |= FAILED
        except Exception:  # what MkDocs' dev server does with a failed rebuild of its own
            traceback.print_exc()
            answer |= FAILED
        state.building = False
        if getattr(server, "_want_rebuild", False):  # the plugin asked for one more
            server._want_rebuild = False
            answer |= AGAIN
        sys.stdout.flush()
        sys.stderr.flush()
        with contextlib.suppress(BrokenPipeError):  # the server is gone: the read ends it
            os.write(answers, bytes([answer]))
