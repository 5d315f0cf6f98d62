"""Ctrl-C or `kill` while Chromium prints the PDFs (review of issue 20): the build ends the way
it does during the engine run, with one line and no traceback, the previous site whole, and no
Chromium left running.

A terminal's Ctrl-C reaches the whole foreground process group, so Playwright's driver (a
child of `handbook`) is stopped at the same moment as `handbook` itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browser import chromium_path
from conftest import handbook, make_project

pytestmark = pytest.mark.browser


def _children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every process whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid:
            found.append((int(entry.name), command))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("how", ["ctrl-c", "kill"])
def test_stopping_the_pdf_printing_keeps_the_site_and_shows_no_traceback(
        tmp_path: Path, how: str) -> None:
    chromium_path()
    root = make_project(tmp_path)
    assert handbook("build", "--no-pdf", cwd=root).returncode == 0
    before = sorted(p.relative_to(root) for p in (root / "site").rglob("*"))
    process = subprocess.Popen([sys.executable, "-m", "handbook", "build", "--pdf"], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    browsers: list[int] = []
    deadline = time.monotonic() + 120
    while not browsers and time.monotonic() < deadline and process.poll() is None:
        for driver, command in _children(process.pid):
            if "run-driver" in command:
                browsers = [pid for pid, _ in _children(driver)]
        time.sleep(0.2)
    assert browsers, "Chromium never started"
    time.sleep(3)  # pages are printing
    if how == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)
    else:
        os.kill(process.pid, signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode != 0
    assert "Traceback" not in err and "Exception" not in err, err
    assert len([line for line in err.splitlines() if line.strip()]) <= 5, err
    assert "unchanged" in err, err
    assert sorted(p.relative_to(root) for p in (root / "site").rglob("*")) == before
    time.sleep(1)
    assert not [pid for pid in browsers if _alive(pid)], "Chromium is still running"
