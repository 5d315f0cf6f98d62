"""The generator shares large sites among forked processes and writes exactly what one
process writes; a failure in any process is reported, never lost."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from conftest import make_project, needs_fork
from handbook import fork
from handbook.errors import HandbookError
from handbook.pipeline import Project, generate


@pytest.fixture
def always_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fork, "MIN_ITEMS", 0)
    monkeypatch.setenv(fork.JOBS_ENV, "3")
    # If another thread were running, the generator would rightly not fork: fail loudly
    # rather than pass without having forked.
    assert fork.jobs_for(10) == 3


def _docs(root: Path) -> dict[str, bytes]:
    docs = root / "build" / "docs"
    return {p.relative_to(docs).as_posix(): p.read_bytes()
            for p in sorted(docs.rglob("*")) if p.is_file()}


def test_split_balances_and_keeps_order() -> None:
    parts = fork.split(list("abcdef"), [5, 1, 1, 1, 1, 1], 2)
    assert parts == [["a"], ["b", "c", "d", "e", "f"]]
    assert fork.split([1, 2, 3], [1, 1, 1], 1) == [[1, 2, 3]]


@needs_fork
def test_forked_generator_writes_what_one_process_writes(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          always_fork: None) -> None:
    forked = make_project(tmp_path / "forked")
    generate(Project.at(forked))
    monkeypatch.setenv(fork.JOBS_ENV, "1")
    single = make_project(tmp_path / "single")
    generate(Project.at(single))
    assert len(_docs(single)) > 100
    assert _docs(forked) == _docs(single)
    # A second run finds nothing to write, in whichever process looked.
    monkeypatch.setenv(fork.JOBS_ENV, "3")
    again = generate(Project.at(forked))
    assert again.report is not None and again.report.written == ()


@needs_fork
def test_template_error_in_a_forked_part_is_reported_once(tmp_path: Path,
                                                          always_fork: None) -> None:
    root = make_project(tmp_path / "p")
    (root / "templates" / "meeting.md.j2").write_text("{{ a.no_such_field }}\n", "utf-8")
    with pytest.raises(HandbookError) as caught:
        generate(Project.at(root))
    messages = [e.message for e in caught.value.errors]
    assert len(messages) == 1 and "no_such_field" in messages[0]
    assert _docs(root) == {".gitkeep": b""}  # nothing written


def _explode(part: list[int]) -> list[int]:
    if 2 in part:
        raise ZeroDivisionError("part two")
    return part


@needs_fork
def test_a_failing_child_is_reported_with_its_traceback() -> None:
    with pytest.raises(fork.WorkerFailed, match="ZeroDivisionError: part two"):
        fork.map_parts(_explode, [[1], [2], [3]])
    assert fork.map_parts(_explode, [[1], [3]]) == [[1], [3]]


def test_children_are_reaped_when_this_process_fails() -> None:
    with pytest.raises(ZeroDivisionError):
        fork.map_parts(_explode, [[2], [1], [3]])
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind, not even a zombie



_ARMED: list[bool] = []  # a Ctrl-C to send as the next fork returns in this process


def _interrupt_after_fork() -> None:
    if _ARMED:
        _ARMED.clear()
        os.kill(os.getpid(), signal.SIGINT)


if hasattr(os, "register_at_fork"):  # not where fork is taken away (Windows, NO_FORK)
    os.register_at_fork(after_in_parent=_interrupt_after_fork)


@needs_fork
def test_a_ctrl_c_while_forking_stops_the_work_in_one_piece(
        capfd: pytest.CaptureFixture[str]) -> None:
    """A Ctrl-C that lands while Python runs its at-fork handlers was printed as "Exception
    ignored ... Traceback ... KeyboardInterrupt" and otherwise lost; it is held for the
    moment of the fork, so it stops the work as a KeyboardInterrupt, and the child already
    forked is reaped."""
    _ARMED.append(True)
    try:
        with pytest.raises(KeyboardInterrupt):
            fork.map_parts(_explode, [[1], [3], [5]])
    finally:
        _ARMED.clear()
    error = capfd.readouterr().err
    assert "Exception ignored" not in error and "Traceback" not in error, error
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind, not even a zombie
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())



@needs_fork
def test_stop_children_ends_the_parts_still_running(tmp_path: Path) -> None:
    """What a signal handler ending the process calls (the preview's builder on SIGTERM):
    the children still computing are killed, not left to finish with no one to read."""
    marks = tmp_path / "marks"
    marks.mkdir()

    def part(n: int) -> int:
        if n == 0:  # this process: once both children run, stop them
            while len(list(marks.iterdir())) < 2:
                time.sleep(0.01)
            assert len(fork._RUNNING) == 2
            fork.stop_children()
            return 0
        (marks / str(os.getpid())).touch()
        time.sleep(30)  # would hold the parent's collection for 30 s
        return n

    started = time.monotonic()
    with pytest.raises(fork.WorkerFailed, match="a build process died"):
        fork.map_parts(part, [0, 1, 2])
    assert time.monotonic() - started < 10  # killed, not waited for
    assert not fork._RUNNING  # and reaped
