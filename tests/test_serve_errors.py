"""Preview after a content error: the browser shows the located report, then recovers."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import FIXTURES, make_project
from test_serve import free_port, wait_for

HOSTILE = "<img src=x onerror=alert(1)>"


def fetch(url: str) -> str:
    """The page a browser shows, a 404 page too."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8")


@pytest.mark.parametrize("when", ["while-running", "at-start"])
def test_preview_shows_the_error_and_recovers_on_the_next_save(tmp_path: Path,
                                                               when: str) -> None:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    program = root / "content/programs/pilot/program.yml"
    good = program.read_text("utf-8")
    broken = good.replace("topics: [tooling]", f'topics: ["{HOSTILE}"]', 1)
    assert broken != good
    if when == "at-start":
        program.write_text(broken, "utf-8")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "handbook", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    page = f"{base}/programs/pilot/first/"  # the page the author is reading
    try:
        if when == "while-running":
            wait_for(page, "First cohort", timeout=60)
            program.write_text(broken, "utf-8")
        located = "program.yml:49:14: meeting_plan[0].topics[0]:"
        if when == "while-running":
            wait_for(page, located, timeout=20)
        else:  # nothing was built before: every address is a 404 whose body is the report
            wait_for(f"{base}/", located, timeout=60)
        for url in (page, f"{base}/", f"{base}/topics/tooling/", f"{base}/no/such/page/"):
            text = fetch(url)
            assert located in text and "hint: " in text, url
            assert "&lt;img src=x onerror=alert(1)&gt;" in text  # the value, escaped
            assert HOSTILE not in text, "the report must be escaped"
        program.write_text(good, "utf-8")
        wait_for(page, "First cohort", timeout=20)
        assert located not in fetch(page)
        assert "Tooling" in fetch(f"{base}/topics/tooling/")
    finally:
        server.terminate()
        server.wait(timeout=20)

