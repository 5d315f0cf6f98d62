"""Share a stage's work among forked processes, one per core, on large sites (Linux only).

The generator's calendar, render and write work is one independent piece per cohort, so on a
site of thousands of pages it is shared out: the parts run in forked children (which inherit
everything already loaded, so only the results travel back, pickled through a pipe) and in
this process, and the results come back in the order of the parts, so the output does not
depend on the number of cores. Small sites, one core, `HANDBOOK_JOBS=1`, or a platform where
forking is missing or unsafe (see `can_fork`) run in one process, and build the same bytes.

Why fork and not `multiprocessing` with spawn: the parts are closures over what the earlier
stages loaded (and the MkDocs build shares MkDocs' own state, see mkdocs_parallel.py); spawn
would have to pickle them, or load and plan everything again in each process, which costs
more than it saves on the sizes a team builds. Where fork is not safe, one process it is.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")

JOBS_ENV = "HANDBOOK_JOBS"
MIN_ITEMS = 400  # below this, forking costs more than it saves


def can_fork() -> bool:
    """Whether this process may share work among forked children. The one rule for the
    generator and the MkDocs build:

    - Linux: yes, while no other thread runs. A forked child gets only the forking thread, so
      a lock another thread held stays locked forever in it (CPython 3.12+ warns); the live
      preview server runs threads, so `serve` never forks.
    - Windows: no, `os.fork` does not exist.
    - macOS: no. `os.fork` exists, but a child forked without exec may crash or hang once the
      system frameworks (Objective-C runtime, CoreFoundation, the proxy lookup behind urllib)
      have been used; that is why `multiprocessing` starts processes by spawn there since
      Python 3.8. Nothing here can prove the frameworks unused, and CI cannot test it.
    - Any other system: no; untested, so the plain path.
    """
    return (sys.platform.startswith("linux") and hasattr(os, "fork")
            and threading.active_count() == 1)


def cpu_count() -> int:
    """CPUs this process may use: Python 3.13's `os.process_cpu_count` (it honours CPU
    affinity and `PYTHON_CPU_COUNT`), else the affinity mask (Linux), else all CPUs."""
    counter = getattr(os, "process_cpu_count", None)
    if counter is None and hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return (counter or os.cpu_count)() or 1


def configured_jobs(configured: int = 0) -> int:
    """Processes to use: one where `can_fork` says no; else `HANDBOOK_JOBS` wins, then
    `configured`, then one per CPU."""
    if not can_fork():
        return 1
    value = os.environ.get(JOBS_ENV, "")
    jobs = int(value) if value.isdigit() else configured
    return max(1, jobs or cpu_count())


def jobs_for(items: int) -> int:
    """How many processes to use for `items` pieces of work."""
    return 1 if items < MIN_ITEMS else min(configured_jobs(), items)


def split(items: Sequence[T], weights: Sequence[int], parts: int) -> list[list[T]]:
    """Items in `parts` lists of near-equal weight, each keeping the items' order."""
    loads = [0] * parts
    owner = [0] * len(items)
    for index in sorted(range(len(items)), key=lambda i: -weights[i]):
        least = loads.index(min(loads))
        owner[index] = least
        loads[least] += weights[index]
    return [[item for item, o in zip(items, owner, strict=True) if o == part]
            for part in range(parts)]


HELD = {signal.SIGINT, signal.SIGTERM}


def hold_signals() -> set[int | signal.Signals] | None:
    """Hold Ctrl-C and SIGTERM until `release_signals` (the mask before, returned, is what
    it takes; None where the system has no signal masks, Windows), around a fork: Python
    runs its at-fork handlers (logging's lock among them) as it forks, and a Ctrl-C landing
    in one was printed as "Exception ignored ... Traceback ... KeyboardInterrupt" instead
    of stopping the build in one line. Held, it arrives once the parent has recorded its new
    child (so it is stopped and reaped), and in the child once it knows it is one. Also
    around the renames that publish a site (engine/publish.py)."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, HELD)


def release_signals(previous: set[int | signal.Signals] | None) -> None:
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class WorkerFailed(RuntimeError):
    """A forked child raised: a programming error, reported with the child's traceback."""


def map_parts(function: Callable[[T], R], parts: list[T]) -> list[R]:
    """`function` over each part: the first here, the others in forked children (all here,
    in order, where `can_fork` says no)."""
    if len(parts) <= 1 or not can_fork():
        return [function(part) for part in parts]
    children: list[tuple[int, int]] = []
    try:  # even if this process fails (or is stopped while forking), reap every child
        for part in parts[1:]:
            read, write = os.pipe()
            held = hold_signals()
            pid = os.fork()
            if pid == 0:  # the child: compute, send, and leave without running anything else
                os.close(read)
                _RUNNING.clear()  # its siblings are not its children
                code = 0
                try:
                    release_signals(held)
                    payload = pickle.dumps((True, function(part)), pickle.HIGHEST_PROTOCOL)
                except BaseException:  # everything, a programming error too, goes back
                    payload, code = pickle.dumps((False, traceback.format_exc())), 1
                try:  # a parent that is gone (stopped) leaves no one to read: end quietly
                    with os.fdopen(write, "wb") as stream:
                        stream.write(payload)
                finally:
                    os._exit(code)
            os.close(write)
            _RUNNING.add(pid)
            children.append((pid, read))
            release_signals(held)
        results = [function(parts[0])]
    finally:
        answers = [_collect(pid, read) for pid, read in children]
    failures = [str(value) for ok, value in answers if not ok]  # tracebacks
    if failures:
        raise WorkerFailed("\n".join(failures))
    return results + [cast(R, value) for _, value in answers]  # what `function` returned


def _collect(pid: int, read: int) -> tuple[bool, object]:
    with os.fdopen(read, "rb") as stream:
        data = stream.read()  # all of it before waiting: a full pipe would block the child
    os.waitpid(pid, 0)
    _RUNNING.discard(pid)
    return pickle.loads(data) if data else (False, "a build process died")


_RUNNING: set[int] = set()  # the children `map_parts` has forked and not yet reaped


def stop_children() -> None:
    """For a signal handler about to end this process: kill the children `map_parts` has
    running (else each would compute its part on, with no one left to hand it to)."""
    for pid in list(_RUNNING):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
