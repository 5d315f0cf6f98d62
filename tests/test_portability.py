"""Linux, macOS and Windows: where fork is missing or unsafe, handbook builds the same site in
one process; paths and newlines are the same on every platform.

CI runs on Linux only, so Windows is simulated faithfully: a sitecustomize (tests/nofork) takes
`os.fork` and `os.sched_getaffinity` away from a real `handbook build` and its MkDocs process,
and that build must match the forked one byte for byte.
"""

from __future__ import annotations

import _pyio
import builtins
import io
import os
import sys
import threading
from pathlib import Path

import pytest
from conftest import FIXTURES, NO_FORK_ENV, NO_FORK_PATH, REPO, handbook, make_project
from handbook import fork
from handbook.authoring import scaffold
from handbook.engine.engines import ENGINES
from handbook.write import files as write

sys.path.insert(0, str(REPO / "bench"))
from synth import Size, write_content

FORK_LOG_ENV = "HANDBOOK_TEST_FORK_LOG"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(root: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    # Two processes even on a one-core machine: the generator reads HANDBOOK_JOBS, the MkDocs
    # plugin its `jobs` option.
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8")
    assert "  - handbook:\n" in text
    config.write_text(text.replace("  - handbook:\n", "  - handbook:\n      jobs: 2\n", 1),
                      "utf-8")
    with monkeypatch.context() as patch:
        patch.setenv("PYTHONPATH", str(NO_FORK_PATH))
        patch.setenv(fork.JOBS_ENV, "2")
        for name, value in env.items():
            patch.setenv(name, value)
        done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr


def _compare_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: Path) -> int:
    """Build `content` forked and fork-free; both site/ and build/docs must be identical."""
    if not hasattr(os, "fork") or os.environ.get(NO_FORK_ENV) == "1":
        pytest.skip("the forked build needs os.fork")
    forked = make_project(tmp_path / "forked", content)
    log = tmp_path / "forks.log"
    _build(forked, monkeypatch, **{FORK_LOG_ENV: str(log), NO_FORK_ENV: "0"})
    assert log.is_file()  # the parallel build did fork, so the comparison means something
    single = make_project(tmp_path / "single", content)
    _build(single, monkeypatch, **{NO_FORK_ENV: "1"})
    for folder in ("site", "build/docs"):
        one, many = _tree(single / folder), _tree(forked / folder)
        assert one.keys() == many.keys()
        assert [path for path in one if one[path] != many[path]] == []
    return len(log.read_text("utf-8").split())


def test_fork_free_build_of_the_shipped_content_is_byte_for_byte_the_forked_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _compare_builds(tmp_path, monkeypatch, REPO / "content") >= 1  # MkDocs' worker


def test_fork_free_build_of_500_pages_is_byte_for_byte_the_forked_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = tmp_path / "synth"
    size = Size(programs=4, cohorts_per_program=5, sessions=16)
    assert size.pages >= fork.MIN_ITEMS  # large enough for the generator to fork too
    write_content(content, size)
    # The generator's render and write stages and MkDocs each forked a worker.
    assert _compare_builds(tmp_path, monkeypatch, content) >= 3


def test_the_simulation_takes_fork_away(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fork-free build that passes because the simulation did nothing would prove nothing."""
    import subprocess
    monkeypatch.setenv("PYTHONPATH", str(NO_FORK_PATH))
    monkeypatch.setenv(NO_FORK_ENV, "1")
    done = subprocess.run([sys.executable, "-c", "import os; print(hasattr(os, 'fork'), "
                           "hasattr(os, 'sched_getaffinity'))"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


# --- the predicates, on each platform --------------------------------------------------------


@pytest.mark.parametrize(("platform", "has_fork", "expected"), [
    ("linux", True, True), ("darwin", True, False), ("win32", False, False),
    ("linux", False, False), ("freebsd14", True, False)])
def test_can_fork_only_on_linux(monkeypatch: pytest.MonkeyPatch, platform: str,
                                has_fork: bool, expected: bool) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    if not has_fork:
        monkeypatch.delattr(os, "fork", raising=False)
    elif not hasattr(os, "fork"):
        monkeypatch.setattr(os, "fork", lambda: 0, raising=False)
    assert fork.can_fork() is expected


def test_can_fork_is_false_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(os, "fork", getattr(os, "fork", lambda: 0), raising=False)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not fork.can_fork()
    finally:
        stop.set()
        thread.join()
    assert fork.can_fork()


def test_cpu_count_prefers_process_cpu_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "process_cpu_count", lambda: 3, raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert fork.cpu_count() == 3


def test_cpu_count_without_process_cpu_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "process_cpu_count", raising=False)  # Python 3.11 and 3.12
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert fork.cpu_count() == 5  # Linux: the CPUs this process may run on
    monkeypatch.delattr(os, "sched_getaffinity")  # macOS and Windows
    assert fork.cpu_count() == 8
    monkeypatch.setattr(os, "cpu_count", lambda: None)  # undeterminable
    assert fork.cpu_count() == 1


def test_no_fork_means_one_process_whatever_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.delattr(os, "fork", raising=False)
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setenv(fork.JOBS_ENV, "4")
    monkeypatch.setattr(fork, "MIN_ITEMS", 0)
    assert fork.configured_jobs(8) == 1
    assert fork.jobs_for(100) == 1
    # Even handed several parts, the work is done here, in order, without fork.
    assert fork.map_parts(lambda part: part * 2, [1, 2, 3]) == [2, 4, 6]


def test_jobs_follow_the_cpu_count_where_forking_is_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(os, "fork", getattr(os, "fork", lambda: 0), raising=False)
    monkeypatch.delenv(fork.JOBS_ENV, raising=False)
    monkeypatch.setattr(fork, "cpu_count", lambda: 6)
    assert fork.configured_jobs() == 6
    assert fork.configured_jobs(2) == 2
    monkeypatch.setenv(fork.JOBS_ENV, "3")
    assert fork.configured_jobs(2) == 3


# --- paths and newlines as Windows has them ---------------------------------------------------


@pytest.fixture
def windows_newlines(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Text files opened without newline= get os.linesep line ends, here '\\r\\n' as on
    Windows (the pure-Python io reads os.linesep; the C one fixes it when it is built)."""
    monkeypatch.setattr(os, "linesep", "\r\n")
    monkeypatch.setattr(io, "open", _pyio.open)
    monkeypatch.setattr(builtins, "open", _pyio.open)
    probe = tmp_path / "probe.txt"
    probe.write_text("a\n", "utf-8")
    assert probe.read_bytes() == b"a\r\n"  # the simulation works
    probe.unlink()


def test_scaffolds_are_written_with_unix_newlines(tmp_path: Path,
                                                   windows_newlines: None) -> None:
    root = make_project(tmp_path / "p")
    written = root / scaffold.new_program(root, "pilot")
    written_cohort = root / scaffold.new_cohort(root, "pilot", "2030-spring")
    for path in (written, written_cohort):
        data = path.read_bytes()
        assert b"\n" in data and b"\r" not in data, path


def test_generated_docs_and_ledger_have_unix_newlines(tmp_path: Path,
                                                      windows_newlines: None) -> None:
    from handbook.pipeline import Project, generate
    root = make_project(tmp_path / "p", FIXTURES / "mini" / "content")
    generate(Project.at(root))
    files = [p for p in (root / "build/docs").rglob("*") if p.is_file()]
    files += list((root / "content").glob("calendar-revisions*"))
    assert len(files) > 5
    assert [p for p in files if b"\r\n" in p.read_bytes() and p.suffix != ".ics"] == []


def test_stale_files_are_found_with_windows_separators(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """os.walk on Windows joins with a backslash; output paths always use '/'."""
    root = tmp_path / "docs"
    (root / "a" / "b").mkdir(parents=True)
    for name in ("a/b/keep.md", "a/b/gone.md", "top.md"):
        (root / name).write_text("x", "utf-8")
    real_walk = os.walk

    def walk(top: str, topdown: bool = True):  # type: ignore[no-untyped-def]
        for current, dirs, files in real_walk(top, topdown=topdown):
            yield current[:len(top)] + current[len(top):].replace("/", "\\"), dirs, files

    def fs(path: str) -> str:
        return path.replace("\\", "/")
    monkeypatch.setattr(write.os, "walk", walk)
    monkeypatch.setattr(write.os, "sep", "\\")
    for name in ("unlink", "rmdir", "listdir"):
        real = getattr(os, name)
        monkeypatch.setattr(write.os, name, lambda p, real=real: real(fs(p)))
    outputs = {"a/b/keep.md": b"x", "top.md": b"x"}
    assert write._remove_stale(root, outputs) == ["a/b/gone.md"]
    monkeypatch.undo()
    assert sorted(_tree(root)) == ["a/b/keep.md", "top.md"]


def test_atomic_write_with_a_windows_path(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A Windows path has no '/': the temporary file must still go beside the target."""
    import ntpath
    made: list[str] = []
    real_open = builtins.open

    def fake_open(path: str, mode: str = "r"):  # type: ignore[no-untyped-def]
        made.append(path)
        return real_open(tmp_path / "temp", mode)
    monkeypatch.setattr(write.os, "path", ntpath)
    monkeypatch.setattr(write, "open", fake_open, raising=False)
    monkeypatch.setattr(write.os, "replace", lambda source, target: None)
    write._replace("C:\\Users\\hr\\handbook\\build\\docs\\index.md", b"x")
    monkeypatch.undo()
    assert made == [f"C:\\Users\\hr\\handbook\\build\\docs\\.index.md.{os.getpid()}.tmp"]


def test_serve_on_windows_waits_for_mkdocs_instead_of_exec(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no exec: os.execv starts a new process and ends this one, so the prompt
    came back while the preview still ran (and arguments with spaces were split)."""
    from handbook import cli
    calls: list[list[str]] = []
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(cli.subprocess, "call", lambda command: calls.append(command) or 3)
    monkeypatch.setattr(cli.os, "execv", lambda *args: pytest.fail("execv on Windows"))
    root = make_project(tmp_path / "my handbook", FIXTURES / "mini" / "content")
    with pytest.raises(SystemExit) as exited:
        cli.serve.callback(root=root, dev_addr="127.0.0.1:8001",  # type: ignore[misc]
                           engine="mkdocs", language=None)
    assert exited.value.code == 3  # MkDocs' exit code is handbook's
    assert calls == [[sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr",
                      "127.0.0.1:8001", "-f", str(root.resolve() / "build" / "mkdocs.yml")]]


def test_engine_warnings_reach_the_user_in_any_code_page(tmp_path: Path) -> None:
    """Windows pipes text in the ANSI code page (cp1252 has 'é' but no 'Ł'); whatever the
    environment says, MkDocs' warnings must reach the user, not a decoding traceback."""
    import subprocess
    root = make_project(tmp_path / "p", FIXTURES / "mini" / "content")
    cohort = root / "templates" / "cohort.md.j2"
    cohort.write_text(cohort.read_text("utf-8") + "\n[gone](Café-Łódź.md)\n", "utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    done = subprocess.run([sys.executable, "-m", "handbook", "build", "--no-strict"], cwd=root,
                          env=env, capture_output=True, encoding="cp1252", check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Logging error" not in done.stderr
    assert "Café-\\u0141ód\\u017a.md" in done.stderr, done.stderr  # cp1252 escapes the rest


def test_the_engine_is_told_to_write_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """So an engine run as a process (ProperDocs, Zensical; MkDocs runs inside handbook) never
    escapes a letter its code page lacks, and handbook reads what it wrote."""
    from handbook import cli
    seen: dict[str, object] = {}

    class Started(Exception):
        pass

    def popen(command: list[str], **options: object) -> None:
        seen.update(options)
        raise Started
    monkeypatch.setattr(cli.subprocess, "Popen", popen)
    monkeypatch.setenv("PYTHONIOENCODING", "cp1252")
    with pytest.raises(Started):
        cli._run_engine(ENGINES["properdocs"], tmp_path / "mkdocs.yml", tmp_path / "staging",
                        True)
    env = seen["env"]
    assert isinstance(env, dict) and env["PYTHONIOENCODING"] == "utf-8"
    assert seen.get("encoding") == "utf-8"
