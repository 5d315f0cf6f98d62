"""The command line: --version, -q/-v, --content, and reports that tell content mistakes from
template mistakes. In process through click's CliRunner, except where MkDocs runs."""

from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import FIXTURES, make_project
from handbook.cli import main
from handbook.errors import ContentError, HandbookError
from handbook.pipeline import Project, prepare


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return make_project(tmp_path / "mini", FIXTURES / "mini" / "content")


def test_version_is_the_installed_distribution_version() -> None:
    done = run("--version")
    assert done.exit_code == 0
    assert done.stdout == f"handbook {importlib.metadata.version('handbook')}\n"


# --- content errors and template errors ------------------------------------------------------


def test_report_head_counts_content_and_template_errors_apart() -> None:
    content = ContentError("content/site.yml", "wrong", 3)
    template = ContentError("templates/home.md.j2", "broken", 1, kind="template")
    assert HandbookError([template]).report().splitlines()[0] == \
        "1 error in the templates; nothing was written."
    assert HandbookError([content, content, template]).report().splitlines()[0] == \
        "2 errors in the content and 1 in the templates; nothing was written."
    assert HandbookError([content]).report().splitlines()[0] == \
        "1 error in the content; nothing was written."


def break_template(root: Path, name: str, old: str, new: str) -> None:
    path = root / "templates" / name
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_broken_template_is_a_template_error(mini: Path) -> None:
    break_template(mini, "topic.md.j2", "{{", "{{ no_such_value }}{{")
    with pytest.raises(HandbookError) as caught:
        prepare(Project.at(mini))
    [error] = caught.value.errors
    assert error.kind == "template"
    assert caught.value.report().startswith("1 error in the templates; nothing was written.\n"
                                            "templates/topic.md.j2:")


def test_an_override_from_an_older_handbook_names_the_template_and_doctor(mini: Path) -> None:
    # Templates of an older handbook called body_start(), which is gone.
    break_template(mini, "meeting.md.j2", '{{ body("agenda_body.md.j2", 1) }}',
                   "{{ body_start(1) }}")
    with pytest.raises(HandbookError) as caught:
        prepare(Project.at(mini))
    [error] = caught.value.errors
    assert error.kind == "template"
    assert error.file == "templates/meeting.md.j2"
    assert "'body_start' is undefined" in error.message
    assert "older handbook" in error.hint and "handbook doctor" in error.hint
    assert caught.value.report().startswith("1 error in the templates")


def test_a_template_error_in_the_cli_says_templates(mini: Path) -> None:
    break_template(mini, "topic.md.j2", "{{", "{% if %}{{")
    done = run("check", "--root", str(mini))
    assert done.exit_code == 1
    assert done.stderr.startswith("1 error in the templates; nothing was written.")


# --- --content ------------------------------------------------------------------------------


def test_content_option_reads_content_from_elsewhere(mini: Path, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere" / "handbook-content"
    moved.parent.mkdir()
    (mini / "content").rename(moved)
    assert run("check", "--root", str(mini)).exit_code == 1
    done = run("check", "--root", str(mini), "--content", str(moved))
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("Content is valid: 1 programs, 1 cohorts")


def test_content_option_is_relative_to_the_current_folder(mini: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (mini / "content").rename(mini / "texts")
    monkeypatch.chdir(mini.parent)
    done = run("check", "--root", "mini", "--content", "mini/texts")
    assert done.exit_code == 0, done.output


def test_import_pairs_writes_into_the_content_folder_it_is_given(mini: Path,
                                                                 tmp_path: Path) -> None:
    moved = tmp_path / "texts"
    (mini / "content").rename(moved)
    sheet = tmp_path / "pairs.csv"
    sheet.write_text("Mentor,Mentee\nNadia Quill,Omar Reyes\n", encoding="utf-8")
    args = ("import-pairs", "--root", str(mini), "pilot", "first", str(sheet))
    assert run(*args).exit_code == 1  # no content/ in the project folder
    done = run(*args, "--content", str(moved))
    assert done.exit_code == 0, done.output
    assert "Omar Reyes" in (moved / "programs/pilot/cohorts/first.yml").read_text("utf-8")


def test_missing_content_hint_names_options_that_exist(tmp_path: Path) -> None:
    done = run("check", "--root", str(tmp_path))
    assert done.exit_code == 1
    hint = next(line for line in done.stderr.splitlines() if "hint:" in line)
    assert "--content PATH" in hint and "--root PATH" in hint and "handbook init" in hint
    for option in ("--content", "--root"):
        assert option in run("check", "--help").stdout


def test_new_program_and_cohort_take_content(mini: Path) -> None:
    (mini / "content").rename(mini / "texts")
    done = run("new", "program", "--root", str(mini), "--content", str(mini / "texts"), "extra")
    assert done.exit_code == 0, done.output
    assert (mini / "texts/programs/extra/program.yml").is_file()
    done = run("new", "cohort", "--root", str(mini), "--content", str(mini / "texts"),
               "extra", "first")
    assert done.exit_code == 0, done.output
    assert (mini / "texts/programs/extra/cohorts/first.yml").is_file()
    assert not (mini / "content").exists()


# --- -q and -v ------------------------------------------------------------------------------


def test_quiet_check_prints_nothing_when_all_is_well(mini: Path) -> None:
    done = run("check", "-q", "--root", str(mini))
    assert done.exit_code == 0
    assert done.output == ""


def test_quiet_check_still_prints_errors(mini: Path) -> None:
    (mini / "content/site.yml").write_text("title: [\n", "utf-8")
    done = run("check", "--quiet", "--root", str(mini))
    assert done.exit_code == 1
    assert done.stderr.startswith("1 error in the content; nothing was written.")


def test_verbose_check_prints_the_time_of_each_stage(mini: Path) -> None:
    done = run("check", "-v", "--root", str(mini))
    assert done.exit_code == 0
    for stage in ("load", "validate", "plan", "render"):
        assert any(line.strip().startswith(f"{stage} ") and line.rstrip().endswith(" s")
                   for line in done.stderr.splitlines()), done.stderr
    assert done.stdout.startswith("Content is valid")
    assert "load" not in run("check", "--root", str(mini)).stderr


def test_quiet_and_verbose_together_are_refused(mini: Path) -> None:
    done = CliRunner().invoke(main, ["check", "-q", "-v", "--root", str(mini)])
    assert done.exit_code == 2
    assert "--quiet" in done.stderr and "--verbose" in done.stderr


@pytest.mark.parametrize("command", [["build"], ["check"], ["import-pairs"], ["new", "program"],
                                     ["new", "cohort"], ["init"], ["schema"]])
def test_every_printing_command_takes_quiet_and_verbose(command: list[str]) -> None:
    text = run(*command, "--help").stdout
    assert "-q, --quiet" in text and "-v, --verbose" in text


def test_quiet_new_and_schema_print_nothing(mini: Path) -> None:
    for args in (["new", "program", "-q", "--root", str(mini), "extra"],
                 ["schema", "-q", "--root", str(mini)]):
        done = run(*args)
        assert done.exit_code == 0 and done.output == "", done.output
    assert (mini / "content/programs/extra/program.yml").is_file()


def test_verbose_schema_lists_each_file(mini: Path) -> None:
    done = run("schema", "-v", "--root", str(mini))
    assert done.exit_code == 0
    assert "schemas/site.schema.json" in done.stderr


def test_build_quiet_and_verbose(mini: Path) -> None:
    done = run("build", "-q", "--root", str(mini))
    assert done.exit_code == 0, done.output
    assert done.output == ""
    assert (mini / "site/index.html").is_file()
    done = run("build", "-v", "--root", str(mini))
    assert done.exit_code == 0, done.output
    assert "INFO" in done.stderr  # MkDocs' own progress lines
    assert any(line.strip().startswith("render ") for line in done.stderr.splitlines())
    assert done.stdout.startswith("Built site/")


def test_serve_makes_the_docs_folder_mkdocs_insists_on(mini: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    shutil.rmtree(mini / "build")
    called: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda path, args: called.append(args))
    done = run("serve", "--root", str(mini))
    assert done.exit_code == 0, done.output
    assert (mini / "build/docs").is_dir()
    # The engine serves the generated config, written before it starts (issue 16).
    assert called and called[0][-1] == str(mini.resolve() / "build/mkdocs.yml")
    assert (mini / "build/mkdocs.yml").is_file()
