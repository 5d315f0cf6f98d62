"""`handbook init`: a new project that checks, builds and serves with nothing copied from this
repository but its content. In process through click's CliRunner, except `serve`."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import REPO
from handbook import resources
from handbook.authoring import init
from handbook.cli import main
from handbook.pipeline import Project, prepare
from test_serve import free_port, wait_for

STARTER = "content/programs/mentoring-program"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    init.create(tmp_path / "my-handbook", today=dt.date(2028, 1, 10))
    return tmp_path / "my-handbook"


def test_init_writes_a_project_that_owns_only_its_content(tmp_path: Path) -> None:
    done = run("init", str(tmp_path / "my-handbook"))
    assert done.exit_code == 0, done.output
    root = tmp_path / "my-handbook"
    assert {f for f in files(root) if not f.startswith("schemas/")} == {
        "mkdocs.yml", ".gitignore", "README.md", "content/site.yml",
        "content/topics/digital-tools.yml", "content/challenges/meetings-drifting.yml",
        "content/training/program-orientation.yml", f"{STARTER}/program.yml",
        f"{STARTER}/cohorts/first-cohort.yml"}
    assert "schemas/cohort.schema.json" in files(root)
    assert not (root / "templates").exists() and not (root / "site_overrides").exists()
    assert done.stdout.endswith(f"Next: cd {(tmp_path / 'my-handbook').as_posix()} && "
                                "handbook serve\n")


def test_the_starter_passes_check_as_written(project: Path) -> None:
    result = prepare(Project.at(project))
    counts = result.plan.counts
    assert (counts["programs"], counts["cohorts"], counts["meetings"]) == (1, 1, 3)
    cohort = yaml.safe_load((project / STARTER / "cohorts/first-cohort.yml").read_text("utf-8"))
    names = [p[role] for p in cohort["pairs"] for role in ("mentor", "mentee")]
    assert all(n.endswith(("Placeholder", "Fictional")) for n in names), names


def test_the_readme_commands_for_new_programs_and_cohorts_work(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (project / "README.md").read_text("utf-8")
    commands = [line.strip().split() for line in readme.splitlines()
                if line.startswith("    handbook new ")]
    assert len(commands) == 2
    monkeypatch.chdir(project)
    for command in commands:
        assert run(*command[1:]).exit_code == 0
    assert run("check").exit_code == 0


def test_example_copies_the_shipped_programs(tmp_path: Path) -> None:
    done = run("init", "--example", str(tmp_path / "demo"))
    assert done.exit_code == 0, done.output
    shipped = resources.example_content()
    assert files(tmp_path / "demo/content") == files(shipped)
    for name in ("site.yml", "calendar-revisions.yml"):
        assert (tmp_path / "demo/content" / name).read_bytes() == (shipped / name).read_bytes()
    assert prepare(Project.at(tmp_path / "demo")).plan.counts["programs"] == 2


@pytest.mark.parametrize("existing", ["a file", "a folder with a file"])
def test_init_refuses_what_is_there_in_one_line(tmp_path: Path, existing: str) -> None:
    target = tmp_path / "taken"
    if existing == "a file":
        target.write_text("notes\n")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("notes\n")
    done = run("init", str(target))
    assert done.exit_code == 1
    assert len(done.stderr.splitlines()) == 1 and done.stdout == ""
    assert target.as_posix() in done.stderr
    assert files(tmp_path) == ({"taken"} if existing == "a file" else {"taken/notes.txt"})


def test_init_in_the_current_empty_folder(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("quiet", "normal"):
        (tmp_path / name).mkdir()
    monkeypatch.chdir(tmp_path / "quiet")
    assert run("init", "-q").output == ""
    assert (tmp_path / "quiet/mkdocs.yml").is_file()
    again = run("init")
    assert again.exit_code == 1
    assert again.stderr.startswith("this folder is not empty")
    monkeypatch.chdir(tmp_path / "normal")
    done = run("init", ".")
    assert done.exit_code == 0
    assert done.stdout.endswith("in this folder. Next: handbook serve\n")


def test_verbose_init_lists_every_file(tmp_path: Path) -> None:
    done = run("init", "-v", str(tmp_path / "x"))
    assert "  mkdocs.yml" in done.stderr.splitlines()
    assert len(done.stderr.splitlines()) == len(files(tmp_path / "x"))


def settings(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text("utf-8"))


def test_project_mkdocs_yml_keeps_the_repository_settings(project: Path) -> None:
    mine, repo = settings(project / "mkdocs.yml"), settings(REPO / "mkdocs.yml")
    assert "custom_dir" not in mine["theme"]
    assert mine["theme"]["font"] is False and mine["theme"]["name"] == "material"
    assert {k: v for k, v in mine["theme"].items()} == \
        {k: v for k, v in repo["theme"].items() if k != "custom_dir"}
    for key in ("docs_dir", "site_dir", "use_directory_urls", "markdown_extensions",
                "validation"):
        assert mine[key] == repo[key], key
    # not_in_nav is derived from the page kinds into build/mkdocs.yml, in neither file here
    assert "not_in_nav" not in mine and "not_in_nav" not in repo
    assert mine["docs_dir"] == "build/docs" and mine["site_dir"] == "site"
    [search] = [p["search"] for p in mine["plugins"] if "search" in p]
    assert search == next(p["search"] for p in repo["plugins"] if "search" in p)
    assert any("handbook" in p for p in mine["plugins"])


def test_gitignore_keeps_generated_folders_out(project: Path) -> None:
    ignored = (project / ".gitignore").read_text("utf-8").split()
    for folder in ("/site/", "/build/", "/.site-*/", "/.venv/"):
        assert folder in ignored


def test_build_in_a_new_project_uses_the_packaged_theme_and_templates(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    done = run("build")
    assert done.exit_code == 0, done.output
    home = (project / "site/index.html").read_text("utf-8")
    assert "Our Mentoring Handbook" in home
    assert "Content-Security-Policy" in home  # main.html from the packaged overrides
    assert (project / "site/assets/stylesheets/handbook.css").is_file()
    assert (project / "site/programs/mentoring-program/first-cohort/index.html").is_file()
    assert not (project / "templates").exists() and not (project / "site_overrides").exists()


def test_serve_in_a_new_project(project: Path, tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    with log.open("w") as output, subprocess.Popen(
            [sys.executable, "-m", "handbook", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project, stdout=output, stderr=subprocess.STDOUT) as server:
        try:
            wait_for(f"http://127.0.0.1:{port}/programs/mentoring-program/first-cohort/",
                     "Avery Placeholder", timeout=90)
        except AssertionError:
            raise AssertionError(log.read_text("utf-8")) from None
        finally:
            server.terminate()
            server.wait(timeout=30)
