"""Every kind of author mistake yields one located message, exit 1, and no traceback.

The cases of tests/cases/errors.yml run `handbook check` in this process (`run_cli`): what is
tested is the report on stderr, not the process. `test_a_mistake_ends_the_real_command_cleanly`
runs one of them as the real command."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, handbook, make_project, run_cli

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "cases/errors.yml")
                                             .read_text("utf-8"))


def apply(root: Path, case: dict[str, Any]) -> None:
    target = root / case["file"]
    if "write" in case or "copy" in case:
        target.parent.mkdir(parents=True, exist_ok=True)
        text = case["write"] if "write" in case else (root / case["copy"]).read_text("utf-8")
        target.write_text(text, "utf-8")
    else:
        old, new = case["replace"]
        text = target.read_text("utf-8")
        assert old in text, f"case {case['name']!r} no longer matches {case['file']}"
        target.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_mistake_is_reported_with_location_and_hint(tmp_path: Path, case: dict[str, Any]) -> None:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    apply(root, case)
    done = run_cli("check", cwd=root)
    assert done.returncode == 1, done.stdout
    for expected in case["expect"]:
        assert expected in done.stderr, f"{expected!r} not in:\n{done.stderr}"


def test_a_mistake_ends_the_real_command_cleanly(tmp_path: Path) -> None:
    """The process a user starts: the same report, exit code 1, and no traceback."""
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    case = next(c for c in CASES if c["name"] == "impossible date")
    apply(root, case)
    done = handbook("check", cwd=root)
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("1 error in the content; nothing was written.\n")
    for expected in case["expect"]:
        assert expected in done.stderr, f"{expected!r} not in:\n{done.stderr}"


def test_yaml_11_words_stay_text(tmp_path: Path) -> None:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    apply(root, {"name": "", "file": "content/topics/tooling.yml",
                 "replace": ["title: Tooling basics", "title: NO"]})
    apply(root, {"name": "", "file": "content/training/listening.yml",
                 "replace": ["title: Listening well", "title: 1.10"]})
    apply(root, {"name": "", "file": "content/programs/pilot/cohorts/first.yml",
                 "replace": ["title: First cohort", "title: off"]})
    assert handbook("build", cwd=root).returncode == 0
    site = root / "site"
    assert ">NO<a class=\"headerlink\"" in (site / "topics/tooling/index.html").read_text()
    assert ">1.10<a class=\"headerlink\"" in (site / "training/listening/index.html").read_text()
    assert ">off<a class=\"headerlink\"" in (site / "programs/pilot/first/index.html").read_text()


def test_all_errors_are_reported_together_sorted(tmp_path: Path) -> None:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    for case in CASES:
        if case["name"] in ("missing topic", "wrong type", "unknown key with a near miss"):
            apply(root, case)
    done = run_cli("check", cwd=root)
    assert done.returncode == 1
    assert done.stderr.startswith("3 errors in the content; nothing was written.")
    # validation errors stop before cross-references are checked; the three file errors:
    lines = [line for line in done.stderr.splitlines() if line.startswith("content/")]
    assert [line.split(":")[0] for line in lines] == sorted(line.split(":")[0] for line in lines)


def test_the_engine_routes_report_without_traceback(tmp_path: Path) -> None:
    """MkDocs run on the project's mkdocs.yml says, in one line, to run handbook instead (it
    generates nothing, so the content is not read); `handbook generate`, which that line
    names, reports the content mistake located."""
    import subprocess
    import sys

    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    apply(root, next(c for c in CASES if c["name"] == "impossible date"))
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=root,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "`handbook generate` then `mkdocs build -f build/mkdocs.yml`" in done.stderr
    assert "Traceback" not in done.stderr
    done = run_cli("generate", cwd=root)
    assert done.returncode == 1
    assert "February has 28 days in 2027" in done.stderr
    assert not (root / "build/mkdocs.yml").exists()


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("breakage", ["content", "template", "mkdocs"])
def test_failed_build_leaves_the_previous_site_exactly_as_it_was(tmp_path: Path,
                                                                  breakage: str) -> None:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    assert handbook("build", cwd=root).returncode == 0
    before = snapshot(root / "site")
    if breakage == "content":
        apply(root, next(c for c in CASES if c["name"] == "missing topic"))
    elif breakage == "template":
        apply(root, next(c for c in CASES if c["name"] == "template runtime error"))
    else:  # valid content, but a page links to a page that does not exist: strict MkDocs fails
        target = root / "templates/topic.md.j2"
        target.write_text(target.read_text() + "\n[gone](missing-page.md)\n")
    done = handbook("build", cwd=root)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert snapshot(root / "site") == before
    assert not [p for p in root.glob(".site-*") if p.name != ".site-spare"], \
        "no temporary folder may be left behind"


def test_check_and_failed_build_leave_no_generated_pages_half_written(tmp_path: Path) -> None:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    assert handbook("build", cwd=root).returncode == 0
    docs_before = snapshot(root / "build/docs")
    apply(root, next(c for c in CASES if c["name"] == "duplicate pair"))
    assert handbook("build", cwd=root).returncode == 1
    assert snapshot(root / "build/docs") == docs_before
    shutil.rmtree(root / "site")


def test_a_message_names_a_file_by_where_it_stands_under_the_project(tmp_path: Path) -> None:
    """`relative`: under the project as given; through a link to the project, as the
    resolved paths relate; outside it, the path as it is."""
    from handbook.errors import relative

    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    file = root / "content/site.yml"
    file.write_text("title: x\n", "utf-8")
    assert relative(file, root) == "content/site.yml"
    assert relative(Path("content/site.yml"), Path(".")) == "content/site.yml"
    link = tmp_path / "link"
    link.symlink_to(root, target_is_directory=True)
    assert relative(file, link) == "content/site.yml"  # the same folder, by another name
    assert relative(link / "content/site.yml", root) == "content/site.yml"
    elsewhere = tmp_path / "elsewhere.yml"
    assert relative(elsewhere, root) == elsewhere.as_posix()
