"""Start the `handbook` command (`python -m handbook`, and the `handbook` console script).

Why not call the command directly: importing it (click, pydantic, the pipeline) takes about a
third of a second, and a Ctrl-C in that time ended in a KeyboardInterrupt traceback. Nothing
has been read or written yet then, so `run` lets such a Ctrl-C end the process at once, with one
line and exit 130. Once imported, a command handles Ctrl-C itself (a build stops MkDocs and
keeps the previous site); one that lands outside such handling (while click reads the options)
also ends in one line and 130, not in click's "Aborted!" and exit 1.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import gc
import os
import signal
import sys
import threading
from types import FrameType

INTERRUPTED = 128 + signal.SIGINT  # the shell's code for a program ended by Ctrl-C


def _interrupted_early(signum: int, frame: FrameType | None) -> None:
    os.write(2, b"Interrupted; nothing was changed.\n")
    os._exit(INTERRUPTED)  # nothing to clean up, and no Python error on the way out


def run() -> None:
    """Import the command with Ctrl-C ending the process quietly, then run it."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.SIG_IGN:  # ignored by whoever started us (nohup): it stays so
        signal.signal(signal.SIGINT, _interrupted_early)
    if sys.argv[1:2] == ["build"]:  # nothing changed: say so before importing the rest
        from .engine import uptodate

        line = uptodate.check(sys.argv[1:])
        if line is not None:
            if not {"-q", "--quiet"} & set(sys.argv):
                print(line)
            sys.exit(0)
    # A command's heap is nearly all long-lived (the library, the plan, MkDocs' files, the
    # page cache): with Python's default of a collection every 700 allocations, a rebuild
    # at 4x the bench set ran 1,649 collections (0.4 s) that found almost nothing to free.
    # Every 50,000: 19 (0.14 s), the same peak memory, the same output.
    gc.set_threshold(50_000, 20, 10)
    import click  # imported here, so the handler covers it

    from .cli import main

    try:  # what click's standalone mode does, but a Ctrl-C is not "Aborted!", exit 1
        signal.signal(signal.SIGINT, previous)
        code = main.main(prog_name="handbook", standalone_mode=False)
    except click.ClickException as error:
        error.show()
        code = error.exit_code
    except click.Abort as abort:  # click makes an uncaught Ctrl-C (or end of input) an Abort
        interrupted = isinstance(abort.__cause__, KeyboardInterrupt)
        click.echo("Interrupted." if interrupted else "Aborted!", err=True)
        code = INTERRUPTED if interrupted else 1
    except KeyboardInterrupt:  # before click's own handling starts (shell completion check)
        click.echo("Interrupted.", err=True)
        code = INTERRUPTED
    except SystemExit as done:  # a command's own exit code (a build's 130 after Ctrl-C)
        # leaves through `_exit` too: through Python's shutdown, `python -m handbook` ended
        # killed by SIGINT (-2) whenever the Ctrl-C had landed in source that `exec` ran
        # (a dataclass making its methods, while MkDocs is imported), handled or not.
        code = _exit_code(done.code)
    except OSError as error:
        if error.errno != errno.EPIPE:  # output piped into a program that stopped reading
            raise
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (nothing may be flushed to the pipe)
        code = 1
    _exit(code if isinstance(code, int) else 0)


def _exit_code(code: object) -> int:
    """The status Python gives `sys.exit(code)`: None is 0, a number itself, anything else
    is printed and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _exit(code: int) -> None:
    """End the process without tearing its heap down: after a build it holds hundreds of
    megabytes of objects (the plan, MkDocs' pages) that Python would free one by one at exit,
    a fifth of a second spent on nothing. The exit handlers run (temporary folders, log
    files), and the output is flushed; a reader that went away is not an error here. With a
    thread still working (Python would wait for it), the process ends the usual way."""
    if any(thread is not threading.main_thread() and not thread.daemon and thread.is_alive()
           for thread in threading.enumerate()):
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
