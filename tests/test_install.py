"""handbook as a team gets it: a wheel installed into a fresh virtualenv outside the repository.

Everything else in the suite runs the editable install of this repository, where the templates,
theme overrides and example content are found beside the code. These tests build the wheel,
check that it carries each of those files (and nothing else), install it with the versions of
requirements.lock, and then, in an empty folder, start a handbook and build it with the
installed command alone, under Python 3.11 and, where the machine has them, 3.12 and 3.13. The
tests marked `packaging` are the slow ones (under two minutes: each install reaches PyPI or
pip's cache); `pytest -m "not packaging"` leaves them out.
"""

from __future__ import annotations

import email
import email.message
import html
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from handbook import resources

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]

# Repository folder -> where the wheel carries it (pyproject.toml's package-dir mappings).
SHIPPED = {"generator": "handbook", "templates": "handbook/templates",
           "site_overrides": "handbook/site_overrides", "content": "handbook/example"}

packaging = pytest.mark.packaging


def _run(command: list[str | Path], cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True,
                          text=True, check=False, timeout=timeout)


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"{done.args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _executable(venv: Path, name: str) -> Path:
    folder = venv / ("Scripts" if os.name == "nt" else "bin")
    return folder / (f"{name}.exe" if os.name == "nt" else name)


def _user_env(venv: Path) -> dict[str, str]:
    """The environment of someone who installed handbook with pipx: this repository's .venv is
    neither active nor on PATH, so only the fresh install can answer."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONHOME")}
    repo_venv = str(REPO / ".venv")
    env["PATH"] = os.pathsep.join(part for part in env.get("PATH", "").split(os.pathsep)
                                  if not part.startswith(repo_venv))
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel as a release makes it: the sdist first, then the wheel built from the sdist in
    a clean folder (so the sdist must hold everything, and no build/lib left in the working
    tree by an earlier in-place build can slip a deleted file back in)."""
    out = tmp_path_factory.mktemp("dist")
    _ok(_run([sys.executable, "-m", "build", "--outdir", out, REPO], cwd=out))
    (built,) = out.glob("handbook-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A fresh virtualenv holding the wheel and its dependencies at the locked versions."""
    home = tmp_path_factory.mktemp("venv") / "env"
    _ok(_run([sys.executable, "-m", "venv", home], cwd=home.parent))
    _ok(_run([_executable(home, "python"), "-m", "pip", "install", "--quiet",
              "-c", REPO / "requirements.lock", wheel], cwd=home.parent, timeout=600))
    return home


def _repository_files() -> set[str]:
    """Every file the wheel must carry, under the name it has there."""
    names = set()
    for folder, target in SHIPPED.items():
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                names.add(f"{target}/{path.relative_to(REPO / folder).as_posix()}")
    return names


@packaging
def test_wheel_carries_code_templates_overrides_and_example_and_nothing_else(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = {name for name in archive.namelist() if not name.endswith("/")}
    dist_info = f"handbook-{VERSION}.dist-info/"
    packaged = {name for name in names if not name.startswith(dist_info)}
    expected = _repository_files()
    assert sorted(expected - packaged) == [], "files the wheel lacks (add them in pyproject.toml)"
    assert sorted(packaged - expected) == [], "files that should not be in the wheel"
    assert f"{dist_info}licenses/LICENSE" in names
    assert "handbook/templates/home.md.j2" in packaged
    assert "handbook/site_overrides/main.html" in packaged
    assert "handbook/example/site.yml" in packaged


@packaging
def test_wheel_metadata_has_licence_version_and_ranges(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(f"handbook-{VERSION}.dist-info/METADATA").decode("utf-8")
    metadata: email.message.Message = email.message_from_string(text)
    assert metadata["Version"] == VERSION
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert "Programming Language :: Python :: 3.13" in metadata.get_all("Classifier")
    requirements = metadata.get_all("Requires-Dist")
    runtime = [line for line in requirements if "extra ==" not in line]
    assert len(runtime) == len(PYPROJECT["project"]["dependencies"])
    for line in requirements:
        assert "==" not in line.split(";")[0], f"pinned exactly: {line}"
        assert ">=" in line, f"no tested lower bound: {line}"


@packaging
def test_installed_wheel_uses_its_own_files(venv: Path, tmp_path: Path) -> None:
    """The version comes from the installed metadata, and the defaults from inside the
    installed package, not from this repository."""
    probe = ("import importlib.metadata, handbook.resources as r; "
             "print(importlib.metadata.version('handbook')); "
             "print(r.default_templates()); print(r.default_overrides()); "
             "print(r.example_content())")
    lines = _ok(_run([_executable(venv, "python"), "-c", probe], cwd=tmp_path,
                     env=_user_env(venv))).splitlines()
    assert lines[0] == VERSION
    for line, name in zip(lines[1:], ("templates", "site_overrides", "example"), strict=True):
        folder = Path(line)
        assert folder.name == name and folder.parent.name == "handbook"
        assert folder.is_relative_to(venv), f"{name} read from outside the install: {folder}"


@packaging
def test_installed_command_prints_its_version(venv: Path, tmp_path: Path) -> None:
    done = _run([_executable(venv, "handbook"), "--version"], cwd=tmp_path, env=_user_env(venv))
    if "No such option" in done.stderr:
        pytest.skip("handbook --version is not in cli.py yet (issue 15, init helper)")
    assert VERSION in _ok(done)


@packaging
def test_init_then_build_in_an_empty_folder(venv: Path, tmp_path: Path) -> None:
    command = _executable(venv, "handbook")
    env = _user_env(venv)
    if _run([command, "init", "--help"], cwd=tmp_path, env=env).returncode != 0:
        pytest.skip("handbook init is not in cli.py yet (issue 15, init helper)")
    _ok(_run([command, "init", "my-handbook"], cwd=tmp_path, env=env))
    project = tmp_path / "my-handbook"
    _ok(_run([command, "build"], cwd=project, env=env))

    assert not (project / "templates").exists()
    assert not (project / "site_overrides").exists()
    page = (project / "site/index.html").read_text(encoding="utf-8")
    # The packaged theme overrides are in use: their stylesheet and the CSP of main.html.
    assert "assets/stylesheets/handbook.css" in page, "the packaged theme overrides were not used"
    assert "Content-Security-Policy" in page
    assert (project / "site/assets/stylesheets/handbook.css").is_file()
    site = yaml.safe_load((project / "content/site.yml").read_text(encoding="utf-8"))
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title and html.escape(site["title"], quote=False) in title.group(1)
    links = {(href, re.sub(r"<[^>]+>", "", text).strip())
             for href, text in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', page, re.S)}
    programs = sorted((project / "content/programs").glob("*/program.yml"))
    assert programs, "the starter has no program"
    for program in programs:
        name = yaml.safe_load(program.read_text(encoding="utf-8"))["title"]
        assert (f"programs/{program.parent.name}/", html.escape(name, quote=False)) in links


def _python(minor: int) -> Path | None:
    """A working `python3.<minor>`: on PATH, or installed by pyenv beside this one."""
    found = shutil.which(f"python3.{minor}")
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for candidate in [found, *sorted(pyenv.glob(f"3.{minor}.*/bin/python3"), reverse=True)]:
        if candidate and _run([candidate, "-c", "pass"], cwd=REPO).returncode == 0:
            return Path(candidate)
    return None


@packaging
@pytest.mark.parametrize("minor", [12, 13])
def test_other_pythons_install_and_build(minor: int, wheel: Path, tmp_path: Path) -> None:
    """The classifiers promise Python 3.11 to 3.13: where this machine has the other two, the
    wheel installs with the same lock and a new project builds."""
    python = _python(minor)
    if python is None:
        pytest.skip(f"no Python 3.{minor} on this machine")
    home = tmp_path / "env"
    _ok(_run([python, "-m", "venv", home], cwd=tmp_path))
    _ok(_run([_executable(home, "python"), "-m", "pip", "install", "--quiet",
              "-c", REPO / "requirements.lock", wheel], cwd=tmp_path, timeout=600))
    env = _user_env(home)
    assert VERSION in _ok(_run([_executable(home, "handbook"), "--version"], cwd=tmp_path,
                               env=env))
    _ok(_run([_executable(home, "handbook"), "init", "hb"], cwd=tmp_path, env=env))
    _ok(_run([_executable(home, "handbook"), "build"], cwd=tmp_path / "hb", env=env))
    assert (tmp_path / "hb/site/index.html").is_file()


def test_editable_install_reads_the_repository() -> None:
    """`pip install -e .` (make site, make test): the same version, and the defaults are this
    repository's own folders, so an edited template shows in the next build."""
    assert importlib.metadata.version("handbook") == VERSION
    assert resources.default_templates() == REPO / "templates"
    assert resources.default_overrides() == REPO / "site_overrides"
    assert resources.example_content() == REPO / "content"


def test_a_block_override_in_an_installed_project_keeps_the_packaged_rest(
        venv: Path, tmp_path: Path) -> None:
    """A team replaces one block of the packaged home page; the rest still comes from the
    installed package, so an upgrade reaches every block the team left alone."""
    command = _executable(venv, "handbook")
    env = _user_env(venv)
    _ok(_run([command, "init", "my-handbook"], cwd=tmp_path, env=env))
    project = tmp_path / "my-handbook"
    (project / "templates").mkdir()
    (project / "templates/home.md.j2").write_text(
        '{% extends "handbook/home.md.j2" %}\n'
        "{% block intro %}\nWelcome from the Leeds people team.\n\n{% endblock %}\n",
        encoding="utf-8")
    _ok(_run([command, "build"], cwd=project, env=env))

    page = (project / "site/index.html").read_text(encoding="utf-8")
    assert "Welcome from the Leeds people team." in page  # the team's block
    site = yaml.safe_load((project / "content/site.yml").read_text(encoding="utf-8"))
    assert html.escape(site["description"], quote=False) not in page  # the block it replaced
    assert 'id="programs"' in page and 'id="where-to-start"' in page  # the packaged rest
    doctor = _run([command, "doctor"], cwd=project, env=env)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
