"""Parsed content kept between runs (load/parsed.py): unchanged files are not parsed again,
the result is the same as parsing, and a damaged or foreign cache file is ignored."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, make_project
from handbook.load import loader, parsed
from handbook.pipeline import PARSED_FILE, Project, generate_all, prepare_all


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsed (not taken from the cache), with a cold memory at the start."""
    monkeypatch.setattr(parsed, "_MEMORY", {})
    files: list[str] = []
    parse = loader.parse_yaml

    def counting(text: str, file: str) -> object:
        files.append(file)
        return parse(text, file)

    monkeypatch.setattr(loader, "parse_yaml", counting)
    return files


def docs(root: Path) -> dict[str, bytes]:
    folder = root / "build/docs"
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_only_edited_files_are_parsed_again_and_the_output_is_the_same(
        tmp_path: Path, counted: list[str]) -> None:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    project = Project.at(root)
    generate_all(project, record_revisions=False)
    every = len(counted)
    assert every > 3 and (root / PARSED_FILE).is_file()
    first = docs(root)
    parsed._MEMORY.clear()  # a new process: only the file in build/cache/ is left
    counted.clear()
    generate_all(project, record_revisions=False)
    assert counted == [] and docs(root) == first
    cohort = root / "content/programs/pilot/cohorts/first.yml"
    cohort.write_text(cohort.read_text().replace("title: First cohort", "title: Other"))
    counted.clear()
    generate_all(project, record_revisions=False)
    assert counted == ["content/programs/pilot/cohorts/first.yml"]
    assert docs(root) != first
    cohort.write_text(cohort.read_text().replace("title: Other", "title: First cohort"))
    generate_all(project, record_revisions=False)
    assert docs(root) == first


def test_a_damaged_cache_is_parsed_afresh_and_errors_are_reported_every_time(
        tmp_path: Path, counted: list[str]) -> None:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    project = Project.at(root)
    generate_all(project, record_revisions=False)
    first, every = docs(root), len(counted)
    kept = root / PARSED_FILE
    data = kept.read_bytes()
    for damaged in (data[:len(data) // 2], data[:-1] + bytes([data[-1] ^ 1]), b""):
        kept.write_bytes(damaged)
        parsed._MEMORY.clear()
        counted.clear()
        generate_all(project, record_revisions=False)
        assert len(counted) == every and docs(root) == first
    site = root / "content/site.yml"
    site.write_text(site.read_text() + "broken: [unclosed\n")
    for _ in range(2):
        with pytest.raises(loader.HandbookError, match=r"site\.yml"):
            prepare_all(project)


def test_checking_writes_no_cache(tmp_path: Path, counted: list[str]) -> None:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    prepare_all(Project.at(root))
    assert not (root / PARSED_FILE).exists()
