"""A content id that names a page or calendar the handbook makes itself is a located error,
never a silent overwrite of that page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, make_project
from handbook.errors import HandbookError
from handbook.pipeline import Project, prepare

MINI = FIXTURES / "mini" / "content"


def clash(tmp_path: Path, copy_from: str, copy_to: str) -> str:
    """The report of a project where `copy_to` is a copy of the mini site's `copy_from`."""
    root = make_project(tmp_path, MINI)
    shutil.copy(root / copy_from, root / copy_to)
    with pytest.raises(HandbookError) as caught:
        prepare(Project.at(root))
    assert len(caught.value.errors) == 1, caught.value.report()
    return caught.value.report()


@pytest.mark.parametrize("folder, listing", [("topics", "Topics"), ("training", "Training"),
                                             ("challenges", "Challenges")])
def test_library_item_named_index_would_replace_the_section_index(
        tmp_path: Path, folder: str, listing: str) -> None:
    source = {"topics": "tooling", "training": "listening", "challenges": "drift"}[folder]
    report = clash(tmp_path, f"content/{folder}/{source}.yml", f"content/{folder}/index.yml")
    assert f"content/{folder}/index.yml: " in report
    assert f"{folder}/index.md" in report
    assert f"'{listing}'" in report  # the page it would have replaced, by its title
    assert "hint: rename" in report


def test_cohort_named_like_a_curriculum_page_would_share_its_address(tmp_path: Path) -> None:
    cohorts = "content/programs/pilot/cohorts"
    report = clash(tmp_path, f"{cohorts}/first.yml", f"{cohorts}/curriculum-mentor.yml")
    assert f"{cohorts}/curriculum-mentor.yml: " in report
    assert "programs/pilot/curriculum-mentor/index.md" in report
    assert "programs/pilot/curriculum-mentor.md" in report
    assert "content/programs/pilot/program.yml" in report  # where the other page comes from
    assert "programs/pilot/curriculum-mentor/" in report


def test_cohort_named_like_a_meeting_would_overwrite_its_calendar(tmp_path: Path) -> None:
    cohorts = "content/programs/pilot/cohorts"
    report = clash(tmp_path, f"{cohorts}/first.yml", f"{cohorts}/01-start.yml")
    assert f"{cohorts}/01-start.yml: " in report
    assert "programs/pilot/01-start/01-start.ics" in report
    assert "meeting 1" in report
    assert "content/programs/pilot/program.yml" in report


def test_the_mini_site_has_no_clash(tmp_path: Path) -> None:
    result = prepare(Project.at(make_project(tmp_path, MINI)))
    assert "topics/index.md" in result.outputs
    assert any(p.endswith(".ics") for p in result.outputs)
