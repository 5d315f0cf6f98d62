"""The preview's builder process (engine/preview_builder.py): rebuilds on every core, the same
pages as one process builds, and a clean end however the preview is stopped."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import FIXTURES, make_project
from test_serve import free_port, wait_for

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the builder is forked: Linux only")


class Preview:
    """`handbook serve` in a session of its own, its log in a file; `ignore_ctrl_c`: started
    as a script's background job is (SIGINT ignored)."""

    def __init__(self, root: Path, log: Path, ignore_ctrl_c: bool = False) -> None:
        self.port, self.log = free_port(), log
        self.base = f"http://127.0.0.1:{self.port}"
        ignored = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore_ctrl_c \
            else None
        with log.open("wb") as stream:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "handbook", "serve", "--dev-addr",
                 f"127.0.0.1:{self.port}"], cwd=root, stdout=stream,
                stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=ignored,
                env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "HANDBOOK_PDF": "0"})

    def text(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def settings(self) -> dict[str, object]:
        """What the server process was started with (in its environment)."""
        args = Path(f"/proc/{self.process.pid}/cmdline").read_bytes().split(b"\0")
        assert args[2] == b"handbook.engine.preview_server", args
        environ = Path(f"/proc/{self.process.pid}/environ").read_bytes().split(b"\0")
        name = b"HANDBOOK_PREVIEW_SERVER="
        found: dict[str, object] = json.loads(
            next(v for v in environ if v.startswith(name))[len(name):])
        return found

    def builder(self) -> int:
        builder = self.settings()["builder"]
        assert isinstance(builder, int)
        return builder

    def site(self) -> dict[str, bytes]:
        """The folder the preview serves, every file, with its port and live-reload nonce
        (one per preview) taken out."""
        settings = self.settings()
        root, nonce = Path(str(settings["root"])), str(settings["nonce"]).encode()
        port = str(self.port).encode()
        found = {}
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            if path.suffix == ".gz":  # the sitemap's copy: its header holds a time
                data = gzip.decompress(data)
            found[path.relative_to(root).as_posix()] = data.replace(port, b"PORT").replace(
                nonce, b"NONCE")
        return found

    def ended(self, timeout: float = 30) -> int:
        return self.process.wait(timeout=timeout)


@contextmanager
def previewing(root: Path, log: Path, ignore_ctrl_c: bool = False) -> Iterator[Preview]:
    preview = Preview(root, log, ignore_ctrl_c)
    try:
        wait_for(f"{preview.base}/", "</html>", timeout=120)
        yield preview
    finally:
        if preview.process.poll() is None:
            os.killpg(preview.process.pid, signal.SIGKILL)
            preview.process.wait()


def _jobs(root: Path, jobs: int) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("  - handbook:", f"  - handbook:\n      jobs: {jobs}"),
                      "utf-8")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return status == "Z"


def test_the_preview_rebuilds_on_every_core_and_serves_what_one_process_builds(
        tmp_path: Path) -> None:
    """An edited theme partial rebuilds every page: in the builder, shared out among its
    workers; the preview then serves, file for file, what a preview of the edited project
    built by one process serves."""
    root = make_project(tmp_path / "shared")
    _jobs(root, 3)
    footer = root / "site_overrides/partials/copyright.html"
    with previewing(root, tmp_path / "shared.log") as preview:
        assert preview.builder() != preview.process.pid
        builder_state = Path(f"/proc/{preview.builder()}/status").read_text()
        assert f"PPid:\t{preview.process.pid}" in builder_state  # the server's child
        assert "Threads:\t1\n" in builder_state  # so it may fork
        before = preview.text().count("on 3 processes")
        footer.write_text(footer.read_text("utf-8") + "\n<p>Footer token 4711</p>\n", "utf-8")
        wait_for(f"{preview.base}/", "Footer token 4711", timeout=120)
        time.sleep(1)  # the log line of the rebuild's end
        assert preview.text().count("on 3 processes") == before + 1, preview.text()
        shared = preview.site()
    alone = make_project(tmp_path / "alone")
    _jobs(alone, 1)
    (alone / "site_overrides/partials/copyright.html").write_text(footer.read_text("utf-8"),
                                                                  "utf-8")
    with previewing(alone, tmp_path / "alone.log") as preview:
        wait_for(f"{preview.base}/", "Footer token 4711")
        assert "processes" not in preview.text()
        single = preview.site()
    assert sorted(shared) == sorted(single)
    differ = [name for name in shared if shared[name] != single[name]]
    assert differ == [], differ[:10]


def _pages(folder: Path) -> dict[str, int]:
    """Each HTML page of a served folder (the 404 page aside) and when it was written."""
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
            for p in folder.rglob("*.html") if p.name != "404.html"}


def test_a_rebuild_writes_only_the_pages_whose_markdown_changed(tmp_path: Path) -> None:
    """A pair renamed: the builder writes the three pages of the cohort that show the pair
    (the generator rewrote their Markdown) and leaves every other page of the served folder
    as it was."""
    root = make_project(tmp_path)
    cohort = root / "content/programs/reverse-mentoring/cohorts/2027-spring-london.yml"
    text = cohort.read_text("utf-8")
    name = text.split("mentor: ", 1)[1].split("\n", 1)[0]
    base = "programs/reverse-mentoring/2027-spring-london/"
    with previewing(root, tmp_path / "serve.log") as preview:
        folder = Path(str(preview.settings()["root"]))
        before = _pages(folder)
        time.sleep(0.05)  # a coarse clock must still tell a rewritten page
        cohort.write_text(text.replace(name, "Renamed Person"), "utf-8")
        wait_for(f"{preview.base}/{base}", "Renamed Person")
        after = _pages(folder)
    assert after.keys() == before.keys()
    written = sorted(page for page in after if after[page] != before[page])
    assert written == [base + "index.html", base + "pack-coordinator/index.html",
                       base + "print/index.html"], written


def test_ctrl_c_ends_the_preview_its_builder_and_its_folder(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    cohort = next((root / "content/programs").rglob("cohorts/*.yml"))
    with previewing(root, tmp_path / "serve.log") as preview:
        builder, folder = preview.builder(), Path(str(preview.settings()["root"]))
        cohort.write_text(cohort.read_text("utf-8") + "\n# an edit\n", "utf-8")
        deadline = time.monotonic() + 60
        while preview.text().count("Reloading browsers") < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        os.killpg(preview.process.pid, signal.SIGINT)  # what the terminal sends
        assert preview.ended() == 0
        assert "Shutting down..." in preview.text()
        assert "Traceback" not in preview.text(), preview.text()
        assert _gone(builder) and not folder.exists()


def test_stopping_the_server_stops_the_builder(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    with previewing(root, tmp_path / "serve.log") as preview:
        builder, folder = preview.builder(), Path(str(preview.settings()["root"]))
        preview.process.terminate()  # SIGTERM to the server alone
        preview.ended()
        deadline = time.monotonic() + 15
        while not _gone(builder) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(builder) and not folder.exists()
        assert "Traceback" not in preview.text(), preview.text()


def test_a_builder_that_died_ends_the_preview_with_one_message(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    cohort = next((root / "content/programs").rglob("cohorts/*.yml"))
    with previewing(root, tmp_path / "serve.log") as preview:
        os.kill(preview.builder(), signal.SIGKILL)
        cohort.write_text(cohort.read_text("utf-8") + "\n# an edit\n", "utf-8")
        assert preview.ended() == 1
        text = preview.text()
        assert re.search(r"The preview's build process ended unexpectedly \(exit status -9\); "
                         r"start `handbook serve` again\.", text), text
        assert "Traceback" not in text, text



@pytest.mark.parametrize("busy", [False, True])
def test_the_server_ends_an_idle_builder_by_its_pipe_and_a_busy_one_at_once(busy: bool) -> None:
    """At shutdown an idle builder sees its pipe close (and runs the plugins' on_shutdown);
    one in the middle of a rebuild would not look at its pipe before the rebuild ends, so it
    gets SIGTERM at once, not after `STOP_SECONDS`."""
    from handbook.engine.preview_builder import STOP_SECONDS, Builder

    requests, to_builder = os.pipe()
    from_builder, answers = os.pipe()
    stand_in = subprocess.Popen(  # reads its pipe to its end, or is busy for a minute
        [sys.executable, "-c", "import os, sys, time\n"
         "time.sleep(60) if sys.argv[2] == '1' else os.read(int(sys.argv[1]), 1)",
         str(requests), "1" if busy else "0"], pass_fds=(requests,))
    os.close(requests)
    os.close(answers)
    builder = Builder(stand_in.pid, to_builder, from_builder)
    builder.waiting = busy
    started = time.monotonic()
    builder.stop()
    assert time.monotonic() - started < STOP_SECONDS / 2
    assert _gone(stand_in.pid)
    with pytest.raises(ChildProcessError):  # reaped by stop()
        os.waitpid(stand_in.pid, os.WNOHANG)


def test_a_failed_rebuild_is_reported_once_and_the_fix_is_picked_up(tmp_path: Path) -> None:
    """A broken theme partial: the builder prints the template's error, the server the
    dev server's one line (no second traceback about the request, and no colour codes in a
    log that is not a terminal); the fixed partial is live again."""
    root = make_project(tmp_path)
    footer = root / "site_overrides/partials/copyright.html"
    fine = footer.read_text("utf-8")
    with previewing(root, tmp_path / "serve.log") as preview:
        footer.write_text(fine + "{% if %}\n", "utf-8")
        deadline = time.monotonic() + 60
        while "An error happened during the rebuild" not in preview.text() and \
                time.monotonic() < deadline:
            time.sleep(0.1)
        footer.write_text(fine + "<p>Footer token 5813</p>\n", "utf-8")
        wait_for(f"{preview.base}/", "Footer token 5813")
        text = preview.text()
    assert text.count("Traceback (most recent call last)") == 1, text
    assert "TemplateSyntaxError" in text and "RebuildFailed" not in text, text
    assert "An error happened during the rebuild" in text
    assert "\x1b[" not in text, text


def test_a_preview_started_with_ctrl_c_ignored_keeps_ignoring_it(tmp_path: Path) -> None:
    """`handbook serve &` in a script: the shell starts it with SIGINT ignored, and the
    builder keeps it so (a Ctrl-C meant for the script ended the builder mid-rebuild)."""
    root = make_project(tmp_path)
    with previewing(root, tmp_path / "serve.log", ignore_ctrl_c=True) as preview:
        for pid in (preview.process.pid, preview.builder()):
            status = Path(f"/proc/{pid}/status").read_text()
            ignored = int(status.split("SigIgn:\t", 1)[1].split("\n", 1)[0], 16)
            assert ignored & (1 << (signal.SIGINT - 1)), (pid, status)


@pytest.mark.parametrize("delay", [0.0, 0.03, 0.1])
def test_ctrl_c_as_the_server_starts_ends_the_preview_cleanly(tmp_path: Path,
                                                               delay: float) -> None:
    """A Ctrl-C once the builder is forked, while the server process starts Python afresh:
    it waits until the server can handle it (it ended the new interpreter with a traceback
    and left the site folder)."""
    root = make_project(tmp_path / "p", FIXTURES / "mini" / "content")
    before = set(Path(tempfile.gettempdir()).glob("mkdocs_*"))
    preview = Preview(root, tmp_path / "serve.log")
    children = Path(f"/proc/{preview.process.pid}/task/{preview.process.pid}/children")
    try:
        deadline = time.monotonic() + 120
        while not children.read_text().split() and time.monotonic() < deadline:
            time.sleep(0.002)  # (the builder is its only child)
        time.sleep(delay)
        os.killpg(preview.process.pid, signal.SIGINT)
        assert preview.ended() == 0, preview.text()
    finally:
        if preview.process.poll() is None:
            os.killpg(preview.process.pid, signal.SIGKILL)
            preview.process.wait()
    text = preview.text()
    assert "Shutting down..." in text and "Traceback" not in text, text
    time.sleep(0.5)  # the builder's on_shutdown, after the server's exit
    assert set(Path(tempfile.gettempdir()).glob("mkdocs_*")) <= before
