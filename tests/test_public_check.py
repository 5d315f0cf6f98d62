"""A public build fails, naming file, line and field, when a participant's or coordinator's
name would appear anywhere in the output, free text included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, make_project
from handbook.errors import HandbookError
from handbook.pipeline import Project, prepare

COHORT = "content/programs/pilot/cohorts/first.yml"


def project(tmp_path: Path, privacy: str = "public", content: Path = FIXTURES / "mini/content"
            ) -> Path:
    root = make_project(tmp_path, content)
    site = root / "content/site.yml"
    text = re.sub(r"(?m)^privacy: .*\n", "", site.read_text("utf-8"))
    site.write_text(text + f"privacy: {privacy}\n", "utf-8")
    return root


def edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def report(root: Path) -> str:
    with pytest.raises(HandbookError) as caught:
        prepare(Project.at(root))
    return caught.value.report()


def test_coordinator_first_name_in_a_cohort_summary(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root, COHORT, "format: virtual",
         "summary: |\n  Welcome.\n  Questions go to Cora, who runs the cohort.\nformat: virtual")
    text = report(root)
    assert f"{COHORT}:3:" in text  # the summary's line
    assert "summary: " in text
    assert "'Cora'" in text and "Cora Ordinator" in text
    assert "hint: " in text


def test_full_name_in_another_file(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root, "content/topics/tooling.yml", "Tools shape *how* people work.",
         "Tools shape *how* people work, as Ada Young showed.")
    text = report(root)
    assert "content/topics/tooling.yml:3:" in text
    assert "why_it_matters: " in text
    assert "'Ada Young'" in text


@pytest.mark.parametrize("wording", ["Adams", "ada", "BOB", "Bo", "Coral", "young people"])
def test_only_whole_names_in_their_own_case_count(tmp_path: Path, wording: str) -> None:
    root = project(tmp_path)
    edit(root, "content/topics/tooling.yml", "Tools shape", f"{wording}: tools shape")
    prepare(Project.at(root))


def test_internal_edition_may_name_people_anywhere(tmp_path: Path) -> None:
    root = project(tmp_path, "internal")
    edit(root, COHORT, "format: virtual", "summary: Ask Cora Ordinator.\nformat: virtual")
    assert "Cora Ordinator" in prepare(Project.at(root)).outputs[
        "programs/pilot/first/index.md"].decode()


def test_a_template_that_prints_names_is_caught_at_the_output(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root, "templates/pairs.md.j2", "{% if public %}", "{% if false %}")
    text = report(root)
    assert "build/docs/programs/pilot/first/index.md:" in text
    assert "'Ada Young'" in text
    assert COHORT in text and "cohort.md.j2" in text  # where the page comes from


def test_a_name_folded_across_calendar_lines_is_found() -> None:
    from handbook.privacy import people_pattern, scan_outputs

    pattern = people_pattern({"Priya Raman": "the coordinator", "Priya": "her first name"})
    ics = b"BEGIN:VEVENT\r\nDESCRIPTION:Ask Pri\r\n ya\\, please\r\nEND:VEVENT\r\n"
    errors = scan_outputs(pattern, {"a/b.ics": ics}, "build/docs")
    assert [(e.file, e.line) for e in errors] == [("build/docs/a/b.ics", 2)]
    assert "'Priya'" in errors[0].message


def test_shipped_content_passes_as_a_public_edition(tmp_path: Path) -> None:
    prepare(Project.at(project(tmp_path, content=REPO / "content")))
