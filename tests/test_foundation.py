"""End to end: YAML in content/ becomes a built, linked MkDocs site."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, handbook, make_project, run_cli

AGENDA_ROW = re.compile(r"^\| (\d\d:\d\d)–(\d\d:\d\d) \| (\d+) \| (.+) \|$", re.M)


def read(root: Path, path: str) -> str:
    return (root / path).read_text(encoding="utf-8")


def test_meeting_dates_come_from_start_and_cadence(mini_site: Path) -> None:
    first = read(mini_site, "build/docs/programs/pilot/first/01-start.md")
    second = read(mini_site, "build/docs/programs/pilot/first/02-wrap-up.md")
    # start 2027-03-24 is a Wednesday: the first Monday on or after it, then two weeks later
    assert "Monday 29 March 2027" in first
    assert "Monday 12 April 2027" in second
    # the UK moved to summer time on 28 March 2027: BST, same wall-clock time
    assert "16:00–17:00 BST (Europe/London)" in first


def test_agenda_items_run_back_to_back_and_add_up(shipped_site: Path) -> None:
    agendas = sorted((shipped_site / "build/docs/programs").glob("*/*/[0-9][0-9]-*.md"))
    # One agenda per meeting of each cohort: the sessions of its program's meeting plan.
    plans = {p.parent.name: len(yaml.safe_load(p.read_text("utf-8"))["meeting_plan"])
             for p in (shipped_site / "content/programs").glob("*/program.yml")}
    cohorts = [c for c in (shipped_site / "content/programs").glob("*/cohorts/*.yml")
               if c.stem.count(".") == 0]
    assert len(agendas) == sum(plans[c.parent.parent.name] for c in cohorts) > 0
    for agenda in agendas:
        text = agenda.read_text("utf-8")
        rows = AGENDA_ROW.findall(text)
        assert rows, agenda
        total = int(re.search(r"\| \| \*\*(\d+)\*\* \| Total \|", text).group(1))
        assert sum(int(r[2]) for r in rows) == total, agenda
        for (_, end, _, _), (start, _, _, _) in itertools.pairwise(rows):
            assert end == start, f"{agenda}: gap between agenda items"


def test_pages_have_front_matter_and_plain_markdown(mini_site: Path) -> None:
    text = read(mini_site, "build/docs/topics/tooling.md")
    assert text.startswith("---\ntitle: Tooling basics\n---\n")
    assert "<" not in text.split("---", 2)[2].replace("&lt;", "")  # no raw HTML from data


def test_module_page_lists_the_programs_that_use_it(mini_site: Path) -> None:
    html = read(mini_site, "site/training/listening/index.html")
    used_by = html.split('id="used-by"', 1)[1]
    assert 'href="../../programs/pilot/"' in used_by
    assert "Pilot Program" in used_by
    assert "mentor, mentee curriculum" in used_by


def test_topic_page_lists_the_meetings_that_use_it(mini_site: Path) -> None:
    html = read(mini_site, "site/topics/tooling/index.html")
    used_by = html.split('id="used-by"', 1)[1]
    assert 'href="../../programs/pilot/first/01-start/"' in used_by


def test_agenda_links_previous_and_next_and_calendar(mini_site: Path) -> None:
    first = read(mini_site, "site/programs/pilot/first/01-start/index.html")
    second = read(mini_site, "site/programs/pilot/first/02-wrap-up/index.html")
    assert 'href="../02-wrap-up/"' in first and "Previous:" not in first
    assert 'href="../01-start/"' in second and "Next:" not in second
    assert 'href="../01-start.ics"' in first
    assert (mini_site / "site/programs/pilot/first/01-start.ics").is_file()


def test_home_page_lists_programs_and_sections(shipped_site: Path) -> None:
    html = read(shipped_site, "site/index.html")
    for title in ("Reverse Mentoring Program", "New-hire buddy program"):
        assert title in html
    tabs = re.findall(r'href="([^"]*)" class="md-tabs__link"', html)
    assert tabs == [".", "programs/", "training/", "topics/", "challenges/"]
    assert 'href="programs/reverse-mentoring/"' in html


def test_cohort_page_has_schedule_pairs_and_coordinator(shipped_site: Path) -> None:
    md = read(shipped_site, "build/docs/programs/reverse-mentoring/2027-spring-london/index.md")
    assert len(re.findall(r"\]\(\d\d-[a-z-]+\.md\)", md)) == 10  # ten linked agendas
    assert "## Pairs" in md and md.count("\n| ") >= 8
    assert "Priya Raman" in md


def test_site_makes_no_request_off_the_host(shipped_site: Path) -> None:
    for page in (shipped_site / "site").rglob("*.html"):
        html = page.read_text("utf-8")
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html), page


def test_bad_reference_is_reported_with_file_and_line(tmp_path: Path) -> None:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    program = root / "content/programs/pilot/program.yml"
    program.write_text(program.read_text().replace("topics: [tooling]", "topics: [toolng]"))
    done = run_cli("check", cwd=root)
    assert done.returncode == 1
    line = program.read_text().splitlines().index("    topics: [toolng]") + 1
    assert f"content/programs/pilot/program.yml:{line}:" in done.stderr
    assert "meeting_plan[0].topics[0]" in done.stderr
    assert "did you mean 'tooling'?" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_writes_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    done = run_cli("check", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "Content is valid: 1 programs, 1 cohorts, 2 meetings" in done.stdout
    assert [p.name for p in (root / "build/docs").iterdir()] == [".gitkeep"]
    assert not (root / "site").exists()


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command", [["build"], ["build", "--strict"],
                                     ["serve", "--dev-addr", "127.0.0.1:0"]])
def test_mkdocs_on_the_project_config_says_what_to_run_and_touches_nothing(
        tmp_path: Path, command: list[str]) -> None:
    """The project's mkdocs.yml is what generation reads, not what an engine builds: the
    plugin rewrites no config at run time, so MkDocs run on it stops at once with one line
    naming the commands to run instead, before anything is generated, cleaned or written."""
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    assert handbook("build", cwd=root).returncode == 0
    cohort = root / "content/programs/pilot/cohorts/first.yml"
    cohort.write_text(cohort.read_text().replace("title: First cohort", "title: Renamed"))
    before = {name: _snapshot(root / name) for name in ("site", "build")}
    done = subprocess.run([sys.executable, "-m", "mkdocs", *command], cwd=root,
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if "handbook build" in line]
    assert len(lines) == 1, done.stderr
    for hint in ("`handbook serve`", "`handbook generate`", "`mkdocs build -f build/mkdocs.yml`"):
        assert hint in lines[0], lines[0]
    assert {name: _snapshot(root / name) for name in before} == before
    assert not [p for p in root.glob(".site-*") if p.name != ".site-spare"]


def test_removed_cohort_disappears_on_next_build(tmp_path: Path) -> None:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    assert handbook("build", cwd=root).returncode == 0
    assert (root / "site/programs/pilot/first/index.html").is_file()
    shutil.move(root / "content/programs/pilot/cohorts/first.yml", tmp_path / "first.yml")
    assert handbook("build", cwd=root).returncode == 0
    assert not (root / "site/programs/pilot/first").exists()
    assert not (root / "build/docs/programs/pilot/first").exists()
