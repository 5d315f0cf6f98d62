"""Shared test helpers: real projects in tmp_path, real builds, real browsers."""

from __future__ import annotations

import contextlib
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Windows on a Linux CI: with HANDBOOK_TEST_NO_FORK=1 this process loses os.fork and CPU
# affinity, and so does every process a test starts (tests/nofork/sitecustomize.py, put on
# PYTHONPATH here), so builds take the one-process path they take on Windows.
NO_FORK_ENV = "HANDBOOK_TEST_NO_FORK"
NO_FORK_PATH = Path(__file__).resolve().parent / "nofork"
NO_FORK = os.environ.get(NO_FORK_ENV) == "1"
if NO_FORK:
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(NO_FORK_PATH), os.environ.get("PYTHONPATH")) if p)
    runpy.run_path(str(NO_FORK_PATH / "sitecustomize.py"))
needs_fork = pytest.mark.skipif(NO_FORK, reason=f"tests forking itself; {NO_FORK_ENV}=1 is set")

# Printing PDFs with Chromium takes most of a build's time (and a loaded machine's Chromium
# can stall): builds in tests make none unless the test is about PDFs. `handbook build`
# reads HANDBOOK_PDF (its --pdf/--no-pdf default), in this process and in the real ones a
# test starts; tests/test_pdf.py sets it to 1.
PDF_ENV = "HANDBOOK_PDF"
os.environ.setdefault(PDF_ENV, "0")


def make_project(target: Path, content: Path = REPO / "content", *,
                 copy_defaults: bool = True) -> Path:
    """A complete project folder: the repository's config and templates, some content.

    `copy_defaults=False`: no templates/ or site_overrides/, as in a team's own project,
    which uses the ones packaged with handbook."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    for folder in ("templates", "site_overrides") if copy_defaults else ():
        shutil.copytree(REPO / folder, target / folder, dirs_exist_ok=True)
    shutil.copytree(content, target / "content", dirs_exist_ok=True)
    # A clone has the (otherwise generated) docs folder: MkDocs insists it exists.
    (target / "build/docs").mkdir(parents=True, exist_ok=True)
    (target / "build/docs/.gitkeep").touch()
    return target


def handbook(*args: str, cwd: Path, env: dict[str, str] | None = None
             ) -> subprocess.CompletedProcess[str]:
    """Run the real `handbook` command as a user would, in a new process: for what only a
    process shows (the console script, exit codes without a traceback, Ctrl-C, the engine).
    Everything else goes through `run_cli`, which costs milliseconds instead of 0.3 s.
    `env`: variables to set for this process, on top of this one's."""
    return subprocess.run([sys.executable, "-m", "handbook", *args], cwd=cwd,
                          capture_output=True, text=True, check=False, timeout=600,
                          env={**os.environ, **env} if env else None)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `handbook ARGS` in this process, in `cwd`, and answer like `handbook` does: the
    exit code and the text on stdout and stderr, as a user would read them.

    A programming error (any exception but the SystemExit a command ends with) is raised
    here, where the real command would print a traceback, so the test fails on it. Not for
    `build` and `serve`: they start the engine and handle signals, which a process tests."""
    from handbook.cli import main  # after the no-fork set-up above

    assert args[:1] not in (("build",), ("serve",)), "build and serve run in a process"
    with contextlib.chdir(cwd):
        done = CliRunner().invoke(main, list(args), prog_name="handbook",
                                  catch_exceptions=False)
    return subprocess.CompletedProcess(["handbook", *args], done.exit_code, done.stdout,
                                       done.stderr)


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped content built once into a temporary project; returns the project root."""
    root = make_project(tmp_path_factory.mktemp("shipped"))
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny fixture program built once; returns the project root."""
    root = make_project(tmp_path_factory.mktemp("mini"), FIXTURES / "mini" / "content")
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root
