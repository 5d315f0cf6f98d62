"""Publishing: `handbook build` swaps in only a finished, strict build; nothing loses site/.

Interrupts hit a real `handbook build` process at chosen moments of a ~500-page build; the
swap's crash states and environmental failures are simulated in process.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, REPO, handbook, make_project
from handbook import cli
from handbook.engine import publish

sys.path.insert(0, str(REPO / "bench"))
from synth import Size, write_content

TITLE = "Enterprise Mentoring Handbook"
INTERRUPTED = "Interrupted; the previous site/ is unchanged."


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes: two trees are equal only if whole."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass(frozen=True)
class Sites:
    project: Path  # built once (site/ is `old`); its content since edited so a build gives `new`
    old: dict[str, bytes]
    new: dict[str, bytes]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    base = tmp_path_factory.mktemp("publish")
    root = make_project(base / "project", FIXTURES / "mini" / "content")
    shutil.rmtree(root / "content")
    size = Size(programs=4, cohorts_per_program=5, sessions=16)
    assert size.pages >= 490
    write_content(root / "content", size)
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stderr
    old = tree(root / "site")
    site_yml = root / "content/site.yml"
    site_yml.write_text(site_yml.read_text("utf-8").replace(TITLE, TITLE + " Two"), "utf-8")
    reference = shutil.copytree(root, base / "reference", symlinks=True)
    done = handbook("build", cwd=reference)
    assert done.returncode == 0, done.stderr
    new = tree(reference / "site")
    assert old.keys() == new.keys() and old != new and len(old) > 500
    return Sites(root, old, new)


def leftovers(root: Path) -> list[str]:
    """Folders a build left beside site/ but the spare site, which it keeps on purpose (the
    next build starts from it: publish.py)."""
    return sorted(p.name for p in root.glob(".site-*") if p.name != ".site-spare")


def mkdocs_processes(root: Path) -> list[int]:
    """MkDocs processes still building this project (a killed build must not leave one)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"mkdocs" in command and any(str(root).encode() in part for part in command):
            found.append(int(entry.name))
    return found


class Build:
    """A real `handbook build` in its own process group, as a terminal starts it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.process = subprocess.Popen(
            [sys.executable, "-m", "handbook", "build"], cwd=root, start_new_session=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.stderr: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)

    def wait_for_line(self, text: str) -> None:
        deadline = time.monotonic() + 30
        while not any(text in line for line in self.stderr):
            assert self.process.poll() is None, "".join(self.stderr)
            assert time.monotonic() < deadline, "".join(self.stderr)
            time.sleep(0.005)

    def wait_for_staged_files(self, count: int) -> None:
        deadline = time.monotonic() + 30
        while True:
            staged = sum(sum(1 for _ in p.rglob("*")) for p in self.root.glob(".site-new-*"))
            if staged >= count:
                return
            assert self.process.poll() is None, "the build ended before the chosen moment"
            assert time.monotonic() < deadline
            time.sleep(0.002)

    def finish(self) -> tuple[int, str]:
        code = self.process.wait(timeout=60)
        self.reader.join(timeout=10)
        return code, "".join(self.stderr)


def test_a_template_the_theme_lacks_is_named_not_taken_for_a_failed_write(
        tmp_path: Path) -> None:
    """A setting that asks the theme for a template nobody has (Material's custom analytics
    wants a partial of the project's own) ended the build in "Could not write
    .site-new-...: [Errno None] None": Jinja's TemplateNotFound is an OSError to Python. It
    is one message naming the template, with a hint, and the site is kept."""
    root = make_project(tmp_path / "p", FIXTURES / "mini" / "content", copy_defaults=False)
    assert handbook("build", "--no-pdf", cwd=root).returncode == 0
    before = {p.relative_to(root).as_posix(): p.read_bytes()
              for p in (root / "site").rglob("*") if p.is_file()}
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as settings:
        settings.write("extra:\n  analytics:\n    provider: custom\n")
    done = handbook("build", "--no-pdf", cwd=root)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert ("The theme needs the template 'partials/integrations/analytics/custom.html'"
            in output and "hint:" in output), output
    assert "Errno" not in output and "Traceback" not in output and "Could not write" \
        not in output, output
    assert {p.relative_to(root).as_posix(): p.read_bytes()
            for p in (root / "site").rglob("*") if p.is_file()} == before
    assert leftovers(root) == []
    # The preview's first build says the same (it printed Jinja's traceback), and ends.
    served = subprocess.run([sys.executable, "-m", "handbook", "serve", "--dev-addr",
                             "127.0.0.1:0"], cwd=root, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "HANDBOOK_PDF": "0"})
    assert served.returncode == 1, served.stderr
    assert "The theme needs the template" in served.stderr, served.stderr
    assert "Traceback" not in served.stderr, served.stderr


def test_a_ctrl_c_while_mkdocs_makes_a_class_is_a_ctrl_c(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs is imported inside the build; a Ctrl-C landing while Python makes one of its
    classes comes out of `__set_name__` wrapped in a RuntimeError (Python 3.11), and the
    build ended in that traceback, exit 1 (seen in CI: `test_ctrl_c_leaves_the_old_site_whole`
    at the moment "mkdocs-late"). It is a Ctrl-C again; another RuntimeError stays a bug."""
    import mkdocs.config
    from handbook.engine import inprocess

    def interrupted(**kwargs: object) -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as cause:
            raise RuntimeError("Error calling __set_name__ on 'cached_property' instance "
                               "'name' in 'File'") from cause

    def broken(**kwargs: object) -> None:
        raise RuntimeError("a bug") from ValueError("its cause")

    config = tmp_path / "mkdocs.yml"
    for load, expected in ((interrupted, KeyboardInterrupt), (broken, RuntimeError)):
        monkeypatch.setattr(mkdocs.config, "load_config", load)
        with pytest.raises(expected) as raised:
            inprocess.build_here(config, tmp_path / "staging", False, False, {})
        if expected is RuntimeError:
            assert isinstance(raised.value.__cause__, ValueError)  # a bug's traceback whole


@pytest.mark.parametrize("moment", ["generation", "mkdocs-start", "mkdocs-late"])
def test_ctrl_c_leaves_the_old_site_whole(sites: Sites, tmp_path: Path, moment: str) -> None:
    root = shutil.copytree(sites.project, tmp_path / "p", symlinks=True)
    build = Build(root)
    if moment == "generation":
        build.wait_for_line("Generating pages")
        time.sleep(0.1)
    elif moment == "mkdocs-start":
        build.wait_for_line("Building site/")
        time.sleep(0.3)
    else:
        build.wait_for_staged_files(len(sites.old) * 3 // 4)
    os.killpg(build.process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    code, stderr = build.finish()
    site = tree(root / "site")
    assert site == sites.old or site == sites.new, "site/ must be one whole site, never less"
    assert "Traceback" not in stderr
    assert code == 130, stderr
    if site == sites.old:
        assert stderr.rstrip().endswith(INTERRUPTED), stderr
    assert mkdocs_processes(root) == []
    assert leftovers(root) == []


def test_sigterm_late_in_mkdocs_stops_the_build_and_keeps_the_site(sites: Sites,
                                                                    tmp_path: Path) -> None:
    root = shutil.copytree(sites.project, tmp_path / "p", symlinks=True)
    build = Build(root)
    build.wait_for_staged_files(len(sites.old) // 2)
    build.process.terminate()  # only the `handbook` process, as `kill PID` does
    code, stderr = build.finish()
    assert tree(root / "site") == sites.old
    assert code == 128 + signal.SIGTERM and "Traceback" not in stderr, stderr
    time.sleep(0.5)
    assert mkdocs_processes(root) == []
    assert leftovers(root) == []


def test_sigkill_mid_build_then_the_next_build_cleans_up(sites: Sites, tmp_path: Path) -> None:
    root = shutil.copytree(sites.project, tmp_path / "p", symlinks=True)
    build = Build(root)
    build.wait_for_staged_files(len(sites.old) // 2)
    os.killpg(build.process.pid, signal.SIGKILL)
    build.finish()
    assert tree(root / "site") == sites.old
    assert leftovers(root), "the killed build left its staging folder"
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stderr
    assert tree(root / "site") == sites.new
    assert leftovers(root) == []


# --- the swap, in process --------------------------------------------------------------------


def fake_site(folder: Path, text: str, files: int = 20) -> Path:
    for number in range(files):
        page = folder / f"section{number % 3}" / f"page{number}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"{text} {number}", "utf-8")
    return folder


def test_swap_replaces_the_site_and_leaves_nothing_behind(tmp_path: Path) -> None:
    site = fake_site(tmp_path / "site", "old")
    staging = publish.stage(site)
    fake_site(staging, "new")
    publish.swap(staging, site)
    assert tree(site) == tree(fake_site(tmp_path / "expected", "new"))
    assert leftovers(tmp_path) == []


def test_swap_keeps_the_old_site_as_the_spare_only_when_asked(tmp_path: Path) -> None:
    """A build that took pages over keeps the site before it as the next build's spare (it
    shares their files), replacing any older spare; one that did not (a clean build) keeps
    none, and removes an older spare too: it shares no file with the new site."""
    site = fake_site(tmp_path / "site", "first")
    spare = publish.spare_folder(site)
    fake_site(spare, "older")
    staging = publish.stage(site)
    fake_site(staging, "second")
    publish.swap(staging, site, keep_spare=True)
    assert tree(spare) == tree(fake_site(tmp_path / "expected-first", "first"))
    staging = publish.stage(site)
    fake_site(staging, "third")
    publish.swap(staging, site, keep_spare=False)
    assert not spare.exists()
    assert tree(site) == tree(fake_site(tmp_path / "expected-third", "third"))
    assert leftovers(tmp_path) == []
    # No site to move aside (deleted by hand), a stale spare beside it: gone all the same.
    shutil.rmtree(site)
    fake_site(spare, "stale")
    staging = publish.stage(site)
    fake_site(staging, "fourth")
    publish.swap(staging, site, keep_spare=False)
    assert not spare.exists() and leftovers(tmp_path) == []


def test_mirror_makes_the_spare_of_links_or_none(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    site = fake_site(tmp_path / "site", "built")
    publish.mirror(site)
    spare = publish.spare_folder(site)
    assert tree(spare) == tree(site) and leftovers(tmp_path) == []
    for path in site.rglob("*"):
        if path.is_file():
            assert os.stat(path).st_ino == os.stat(spare / path.relative_to(site)).st_ino
    assert stat.S_IMODE(os.stat(spare).st_mode) == stat.S_IMODE(os.stat(site).st_mode)
    shutil.rmtree(spare)

    def no_links(source: str, target: str) -> None:
        raise OSError(errno.EPERM, "no hard links on this file system")

    monkeypatch.setattr(os, "link", no_links)
    publish.mirror(site)  # no links: no spare, and nothing half made left behind
    assert not spare.exists() and leftovers(tmp_path) == []


def test_a_kill_between_the_two_renames_is_undone_by_the_next_build(tmp_path: Path) -> None:
    expected = tree(fake_site(tmp_path / "expected", "old"))
    # The state a kill leaves after `site -> .site-old-*` and before `staging -> site`.
    fake_site(tmp_path / ".site-old-abc123", "old")
    fake_site(tmp_path / ".site-new-abc123", "new")
    site = tmp_path / "site"
    publish.recover(site)
    assert tree(site) == expected
    assert leftovers(tmp_path) == []


def test_a_kill_while_removing_the_old_site_is_cleaned_up(tmp_path: Path) -> None:
    site = fake_site(tmp_path / "site", "new")
    expected = tree(site)
    fake_site(tmp_path / ".site-gone-abc123", "old", files=3)  # half removed
    fake_site(tmp_path / ".site-new-def456", "half", files=2)  # a killed build's staging
    publish.recover(site)
    assert tree(site) == expected
    assert leftovers(tmp_path) == []


def test_a_failed_second_rename_puts_the_old_site_back(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    site = fake_site(tmp_path / "site", "old")
    expected = tree(site)
    staging = fake_site(publish.stage(site), "new")
    real_replace = os.replace

    def replace(source: str | Path, target: str | Path) -> None:
        if Path(source) == staging:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(publish.PublishError) as failed:
        publish.swap(staging, site)
    assert tree(site) == expected
    assert "\n" not in str(failed.value) and "free some disk space" in str(failed.value)


# --- environmental failures: one line, exit 1 --------------------------------------------------


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "mini", FIXTURES / "mini" / "content")
    assert handbook("build", cwd=root).returncode == 0
    return root


def run_build(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli.main, ["build", "--root", str(root)])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                     SystemExit), result.output
    return result.exit_code, result.output


@pytest.mark.parametrize("failure", [errno.ENOSPC, errno.EACCES, errno.EBUSY])
def test_a_failing_swap_is_one_line_and_keeps_the_site(mini: Path, failure: int,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    before = tree(mini / "site")
    real_replace, real_rename = os.replace, os.rename

    def refuse(real):  # type: ignore[no-untyped-def]
        def move(source: str | Path, target: str | Path) -> None:
            if Path(target).name == "site" or Path(source).name == "site":
                raise OSError(failure, os.strerror(failure), str(source))
            real(source, target)
        return move

    monkeypatch.setattr(os, "replace", refuse(real_replace))
    monkeypatch.setattr(os, "rename", refuse(real_rename))
    code, output = run_build(mini)
    assert code == 1, output
    last = output.strip().splitlines()[-1]
    assert "site" in last and os.strerror(failure) in last, output
    assert "Traceback" not in output
    assert tree(mini / "site") == before
    assert leftovers(mini) == []


def test_no_room_for_the_staging_folder_is_one_line(mini: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    before = tree(mini / "site")
    shutil.rmtree(publish.spare_folder(mini / "site"))  # so a new staging folder is needed

    def full(*args: object, **kwargs: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device", str(mini))

    monkeypatch.setattr("tempfile.mkdtemp", full)
    code, output = run_build(mini)
    assert code == 1 and "Traceback" not in output, output
    assert "free some disk space" in output.strip().splitlines()[-1]
    assert tree(mini / "site") == before


def test_a_file_named_site_is_one_line(tmp_path: Path) -> None:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    (root / "site").write_text("not a folder")
    done = handbook("build", cwd=root)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "site is not a folder" in done.stderr.strip().splitlines()[-1], done.stderr
    assert (root / "site").read_text() == "not a folder"
    assert leftovers(root) == []


def test_a_full_disk_inside_mkdocs_is_one_line(mini: Path, tmp_path: Path) -> None:
    """MkDocs runs in a child process: a disk that fills up there is reported like ours."""
    before = tree(mini / "site")
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import builtins, errno, os\n"
        "_open = builtins.open\n"
        "def _full(file, mode='r', *args, **kwargs):\n"
        "    if '.site-new-' in str(file) and ('w' in mode or 'a' in mode):\n"
        "        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(file))\n"
        "    return _open(file, mode, *args, **kwargs)\n"
        "builtins.open = _full\n")
    env = {**os.environ, "PYTHONPATH": str(hook)}
    # --clean: the engine writes every page (incremental, it would have nothing to write)
    done = subprocess.run([sys.executable, "-m", "handbook", "build", "--clean"], cwd=mini,
                          env=env, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr
    assert "No space left on device" in done.stderr.strip().splitlines()[-1], done.stderr
    assert tree(mini / "site") == before
    assert leftovers(mini) == []


def test_plain_mkdocs_build_writes_site_directly(tmp_path: Path) -> None:
    """The plugin does not swap: `mkdocs build` on the generated config writes where it is
    told, as MkDocs always does, and leaves the project's site/ and staging folders alone."""
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    assert handbook("generate", cwd=root).returncode == 0
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                           "build/mkdocs.yml", "-d", str(tmp_path / "elsewhere")], cwd=root,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "elsewhere/index.html").is_file()
    assert not (root / "site").exists() and leftovers(root) == []


# --- adversarial pass on issue 13: permissions, early Ctrl-C, the disk-full message ----------


def mkdir_mode(folder: Path) -> int:
    """The mode `mkdir` gives a new folder under the current umask."""
    folder.mkdir()
    return stat.S_IMODE(folder.stat().st_mode)


def test_the_published_site_has_the_mode_mkdir_gives(mini: Path, tmp_path: Path) -> None:
    """A web server running as another user must be able to read site/ (it got 0o700)."""
    assert stat.S_IMODE((mini / "site").stat().st_mode) == mkdir_mode(tmp_path / "plain")


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_staging_follows_the_umask(tmp_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        expected = mkdir_mode(tmp_path / "plain")
        site = tmp_path / "site"
        staging = publish.stage(site)
        fake_site(staging, "new")
        publish.swap(staging, site)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(site.stat().st_mode) == expected == 0o777 & ~umask


EARLY = "Interrupted; nothing was changed."
CONSOLE_SCRIPT = "import sys; from handbook.__main__ import run; sys.argv[0] = 'handbook'; run()"


@pytest.mark.parametrize("command", [["-m", "handbook"], ["-c", CONSOLE_SCRIPT]],
                         ids=["python -m handbook", "console script"])
def test_ctrl_c_while_importing_is_one_line(mini: Path, command: list[str]) -> None:
    """Ctrl-C before the command started (Python still importing click, pydantic, the
    pipeline) ends in one line and exit 130, never a KeyboardInterrupt traceback. (A signal in
    the interpreter's own start-up, the first ~20 ms, comes before any code of ours: Python
    reports it itself, so such a try is not counted.)"""
    early = 0
    for delay in (0.06, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.4):
        # --clean: a build with nothing changed would end before some of the tries
        process = subprocess.Popen([sys.executable, *command, "build", "--clean"], cwd=mini,
                                   start_new_session=True, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        if "init_import_site" in stderr:
            continue
        assert "Traceback" not in stderr, (delay, stderr)
        assert process.returncode == 130, (delay, process.returncode, stderr)
        assert stderr.strip().splitlines()[-1].startswith("Interrupted"), (delay, stderr)
        early += stderr.strip() == EARLY
        assert (mini / "site/index.html").is_file()
    assert early >= 3, "too few tries landed while importing"


def test_a_build_started_with_ctrl_c_ignored_keeps_ignoring_it(mini: Path) -> None:
    """Started with SIGINT ignored (`nohup`, `handbook build &` in a script), a build is not
    for the terminal's Ctrl-C to stop: not while Python imports the command either."""
    process = subprocess.Popen([sys.executable, "-m", "handbook", "build", "--clean"],
                               cwd=mini, start_new_session=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "HANDBOOK_PDF": "0"},  # Python's part only
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    for _ in range(40):  # through the imports and into the build
        time.sleep(0.025)
        os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    assert "Interrupted" not in stderr


@pytest.mark.parametrize(("raised", "code", "said"), [
    (SystemExit(130), 130, ""), (SystemExit(None), 0, ""), (SystemExit(1), 1, ""),
    (SystemExit("no project here"), 1, "no project here\n")])
def test_a_commands_own_exit_code_ends_the_process_directly(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        raised: SystemExit, code: int, said: str) -> None:
    """A command's `sys.exit` (a build's 130 after its "Interrupted" line) ends the process
    through `os._exit`, as every other end does, not through Python's shutdown. With
    `python -m handbook`, a Ctrl-C that landed while Python ran the source a dataclass makes
    its methods from (MkDocs' imports at the start of its stage) was handled, reported and
    turned into exit 130, and still the process ended killed by SIGINT (status -2) after the
    exit handlers: about one build in four stopped at that moment of the build. (Seen from
    outside only: `test_ctrl_c_leaves_the_old_site_whole[mkdocs-late]` failed that way.)"""
    from handbook import __main__ as entry

    ended: list[int] = []

    class Ended(Exception):
        pass

    def _exit(status: int) -> None:
        ended.append(status)
        raise Ended

    def command(**kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(entry.os, "_exit", _exit)
    monkeypatch.setattr(entry.atexit, "_run_exitfuncs", lambda: None)  # pytest's own
    monkeypatch.setattr(sys, "argv", ["handbook", "version"])
    monkeypatch.setattr(cli.main, "main", command)
    with pytest.raises(Ended):
        entry.run()
    assert ended == [code]
    assert capsys.readouterr().err == said


def test_a_full_disk_inside_a_copy_in_mkdocs_reads_cleanly(mini: Path, tmp_path: Path) -> None:
    """MkDocs copies theme files with shutil, whose error names both paths ("'a' -> 'b'");
    the message names the one being written, once, with no stray quote."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import errno, os, shutil\n"
        "_copy = shutil.copyfile\n"
        "def _full(src, dst, *args, **kwargs):\n"
        "    if '.site-new-' in str(dst):\n"
        "        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(src), None,"
        " str(dst))\n"
        "    return _copy(src, dst, *args, **kwargs)\n"
        "shutil.copyfile = _full\n")
    env = {**os.environ, "PYTHONPATH": str(hook)}
    done = subprocess.run([sys.executable, "-m", "handbook", "build", "--clean"], cwd=mini,
                          env=env, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"Could not write \S+\.site-new-\S+: No space left on device; "
                        r"free some disk space and run `handbook build` again\.", last), last
    assert "'" not in last and "->" not in last, last
    assert leftovers(mini) == []
