"""Hostile or careless content ends in one located error, quickly: loader limits (aliases,
nesting, file size, text length), control characters, file paths, dates and the size and
place of messages (issue 13)."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, handbook, make_project
from handbook.errors import ContentError, HandbookError
from handbook.load.loader import MAX_ALIAS_VALUES, MAX_DEPTH, MAX_FILE_BYTES, MAX_TEXT_CHARS
from handbook.pipeline import Project, prepare

TOPIC = "content/topics/tooling.yml"
COHORT = "content/programs/pilot/cohorts/first.yml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_project(tmp_path, FIXTURES / "mini" / "content")


def edit(root: Path, file: str, old: str, new: str) -> None:
    target = root / file
    text = target.read_text("utf-8")
    assert old in text, f"{old!r} not in {file}"
    target.write_text(text.replace(old, new, 1), "utf-8")


def errors_of(root: Path, within: float = 2.0) -> list[ContentError]:
    """The errors `handbook check` reports, asserting they arrive within `within` seconds."""
    started = time.perf_counter()
    with pytest.raises(HandbookError) as caught:
        prepare(Project.at(root))
    seconds = time.perf_counter() - started
    assert seconds < within, f"took {seconds:.1f} s"
    return caught.value.errors


def one_error(root: Path, within: float = 2.0) -> ContentError:
    found = errors_of(root, within)
    assert len(found) == 1, [e.format() for e in found]
    return found[0]


# --- loader limits -------------------------------------------------------------------------


def billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_nested_aliases_stop_at_the_expansion_limit(root: Path) -> None:
    text = (root / TOPIC).read_text("utf-8")
    (root / TOPIC).write_text(text + billion_laughs(), "utf-8")
    error = one_error(root, within=1.0)
    assert error.file == TOPIC and error.line is not None and error.field
    assert f"more than {MAX_ALIAS_VALUES:,}" in error.message
    assert "alias" in error.hint


def test_aliases_within_the_limit_still_work(root: Path) -> None:
    edit(root, TOPIC, "learning_goals: [Name three tools]",
         "learning_goals: &goals [Name three tools]\nsigns_of_progress: *goals")
    edit(root, TOPIC, "signs_of_progress: [The mentee uses one new tool weekly]", "")
    prepare(Project.at(root))


@pytest.mark.parametrize("depth", [200, 10_000])
def test_deep_nesting_is_a_located_error(root: Path, depth: int) -> None:
    (root / TOPIC).write_text("title: Deep\nsummary: " + "[" * depth + "]" * depth + "\n")
    error = one_error(root, within=1.0)
    assert (error.file, error.line) == (TOPIC, 2)
    assert f"more than {MAX_DEPTH} levels" in error.message


def test_deep_block_nesting_is_a_located_error(root: Path) -> None:
    (root / TOPIC).write_text("title: Deep\nsummary:\n" + "- " * 5000 + "x\n")
    error = one_error(root, within=1.0)
    assert (error.file, error.line) == (TOPIC, 3)
    assert f"more than {MAX_DEPTH} levels" in error.message


def test_a_million_brackets_do_not_crash_the_process(root: Path) -> None:
    """libyaml's composer recursed in C and crashed the interpreter on this."""
    (root / TOPIC).write_text("title: Deep\nsummary: " + "[" * 1_000_000 + "\n")
    done = handbook("check", cwd=root)
    assert done.returncode == 1, done.stderr
    assert f"{TOPIC}:2:" in done.stderr and "levels" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_huge_file_is_refused_before_it_is_parsed(root: Path) -> None:
    text = (root / TOPIC).read_text("utf-8")
    (root / TOPIC).write_text(text + "# padding\n" * (MAX_FILE_BYTES // 10 + 1), "utf-8")
    error = one_error(root, within=1.0)
    assert error.file == TOPIC
    assert "MB" in error.message


def test_a_huge_text_value_is_a_located_error(root: Path) -> None:
    edit(root, TOPIC, "Tools shape *how* people work.",
         "Tools shape *how* people work. " + "word " * (MAX_TEXT_CHARS // 5))
    error = one_error(root)
    assert (error.file, error.line, error.field) == (TOPIC, 3, "why_it_matters")
    assert f"{MAX_TEXT_CHARS:,}" in error.message
    assert len(error.format()) < 400


@pytest.mark.parametrize("escape", ["\\0", "\\a", "\\e", "\\x7f", "\\x9b"])
def test_control_characters_are_located_errors(root: Path, escape: str) -> None:
    edit(root, TOPIC, "title: Tooling basics", f'title: "Tooling {escape}basics"')
    error = one_error(root)
    assert (error.file, error.line, error.column, error.field) == (TOPIC, 1, 8, "title")
    assert "control character" in error.message


def test_tabs_and_line_breaks_are_allowed(root: Path) -> None:
    edit(root, TOPIC, "title: Tooling basics", 'title: "Tooling\\tbasics"')
    edit(root, TOPIC, "Tools shape *how* people work.", "Tools shape *how*\n  people work.")
    prepare(Project.at(root))


# --- paths ---------------------------------------------------------------------------------


def test_a_long_file_name_is_a_located_error(root: Path) -> None:
    name = "-".join(["tooling"] * 30)[:240]
    (root / TOPIC).rename(root / f"content/topics/{name}.yml")
    error = one_error(root)
    assert error.file == f"content/topics/{name}.yml"
    assert "80 characters" in error.message


def test_a_long_cohort_file_name_is_a_located_error(root: Path) -> None:
    name = "c" * 200
    (root / COHORT).rename(root / f"content/programs/pilot/cohorts/{name}.yml")
    assert "80 characters" in one_error(root).message


def test_a_link_to_a_file_outside_the_content_folder_is_refused(root: Path,
                                                               tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yml"
    outside.write_text((root / TOPIC).read_text("utf-8").replace("Tooling basics", "Secret"))
    os.symlink(outside, root / "content/topics/secret.yml")
    error = one_error(root)
    assert error.file == "content/topics/secret.yml"
    assert "outside the content folder" in error.message


def test_a_linked_folder_outside_the_content_folder_is_refused(root: Path,
                                                              tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    os.replace(root / "content/programs/pilot", tmp_path / "outside/pilot")
    os.symlink(tmp_path / "outside/pilot", root / "content/programs/pilot")
    found = errors_of(root)
    assert {e.file for e in found} == {"content/programs/pilot/program.yml", COHORT}
    assert all("outside the content folder" in e.message for e in found)


def test_a_link_inside_the_content_folder_is_read(root: Path) -> None:
    target = root / "content/topics/tooling.yml"
    os.replace(target, root / "content/tooling-source.yml")
    os.symlink(root / "content/tooling-source.yml", target)
    prepare(Project.at(root))


# --- dates ---------------------------------------------------------------------------------


def test_a_date_the_build_cannot_stamp_is_a_located_error(root: Path) -> None:
    edit(root, COHORT, "start: 2027-03-24", "start: 2107-03-24")
    error = one_error(root)
    assert (error.file, error.line, error.field) == (COHORT, 6, "schedule.start")
    assert "2000 to 2099" in error.message


def test_a_century_long_blackout_is_checked_within_a_second(root: Path) -> None:
    edit(root, COHORT, "  time_zone: Europe/London",
         "  time_zone: Europe/London\n  blackouts:\n"
         "    - {start: 2000-01-01, end: 2099-12-31, reason: Closed}")
    error = one_error(root, within=1.0)
    assert (error.file, error.field) == (COHORT, "schedule")
    assert "never fit this schedule by the end of 2099" in error.message


def test_many_adjacent_blackouts_are_checked_within_a_second(root: Path) -> None:
    rows = "".join(f"    - {{start: {y}-01-01, end: {y}-12-31, reason: Year {y}}}\n"
                   for y in range(2000, 2100))
    edit(root, COHORT, "  time_zone: Europe/London\n", f"  time_zone: Europe/London\n"
         f"  blackouts:\n{rows}")
    error = one_error(root, within=1.0)
    assert (error.file, error.field) == (COHORT, "schedule")
    assert "never fit this schedule by the end of 2099" in error.message


def test_blackouts_still_move_and_name_meetings(root: Path) -> None:
    edit(root, COHORT, "  time_zone: Europe/London",
         "  time_zone: Europe/London\n  blackouts:\n"
         "    - {start: 2027-03-20, end: 2027-03-30, reason: Spring break}\n"
         "    - {start: 2027-03-29, end: 2027-03-29, reason: Inner day}")
    result = prepare(Project.at(root))
    page = result.outputs["programs/pilot/first/index.md"].decode()
    assert "Spring break" in page



def test_overlapping_blackouts_keep_the_reason_listed_first() -> None:
    from handbook.resolve.schedule import blocker
    from handbook.validate.models import Schedule

    schedule = Schedule.model_validate({
        "start": "2027-03-01", "cadence": "weekly", "weekday": "monday", "time": "16:00",
        "time_zone": "Europe/London", "blackouts": [
            {"start": "2027-03-29", "reason": "Inner day"},
            {"start": "2027-03-20", "end": "2027-03-30", "reason": "Spring break"},
            {"start": "2027-03-31", "end": "2027-04-02", "reason": "Adjacent"},
            {"start": "2027-04-10", "end": "2027-04-12", "reason": "Later"}]})
    blocked = blocker(schedule)
    day = dt.date.fromisoformat
    assert [blocked(day(d)) for d in ("2027-03-19", "2027-03-20", "2027-03-28", "2027-03-29",
                                       "2027-03-30", "2027-04-01", "2027-04-03")] == [
        None, "Spring break", "Spring break", "Inner day", "Spring break", "Adjacent", None]
    assert blocked.next_working_day(day("2027-03-19")) == day("2027-04-05")  # over the weekend
    assert blocked.next_working_day(day("2027-04-09")) == day("2027-04-13")

# --- messages ------------------------------------------------------------------------------


def test_a_bad_link_in_a_long_field_is_quoted_briefly(root: Path) -> None:
    edit(root, TOPIC, "Tools shape *how* people work.",
         "[x](javascript:alert(1)) " + "filler " * 13_000)
    error = one_error(root)
    assert (error.file, error.line, error.field) == (TOPIC, 3, "why_it_matters")
    assert len(error.format()) < 400, error.format()[:600]


def test_a_long_unknown_value_is_quoted_briefly(root: Path) -> None:
    edit(root, COHORT, "cadence: every 2 weeks", "cadence: " + "often " * 5000)
    error = one_error(root)
    assert error.field == "schedule.cadence"
    assert len(error.format()) < 400, error.format()[:600]


@pytest.mark.parametrize(("text", "line"), [("? [a, b]\n: c\n", 4), ("{[a]: 1}\n", 4),
                                             ("? {a: 1}\n: c\n", 4)])
def test_a_complex_key_is_named_as_such(root: Path, text: str, line: int) -> None:
    (root / TOPIC).write_text("title: T\nsummary: S\nextra:\n  " + text.replace("\n", "\n  "))
    error = one_error(root)
    assert "a key must be plain text" in error.message
    assert "Node" not in error.format()
    assert (error.file, error.line) == (TOPIC, line)


def test_an_unclosed_quote_is_reported_where_it_opens(root: Path) -> None:
    (root / TOPIC).write_text('title: "Tooling basics\nsummary: Tools\nwhy_it_matters: |\n'
                              "  Tools shape work.\n")
    error = one_error(root)
    assert (error.file, error.line, error.column) == (TOPIC, 1, 8)
    assert "never closed" in error.message


def test_a_quote_closed_by_a_later_quote_is_reported_where_it_opens(root: Path) -> None:
    edit(root, TOPIC, "title: Tooling basics", 'title: "Tooling basics')
    error = one_error(root)
    assert (error.file, error.line, error.column) == (TOPIC, 1, 8)
    assert "runs on to line 7" in error.message


def test_a_cohort_starting_in_the_last_plausible_year_builds(root: Path) -> None:
    """The newest start becomes the build's SOURCE_DATE_EPOCH; 2099 still fits gzip's clock."""
    edit(root, COHORT, "start: 2027-03-24", "start: 2099-06-01")
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stderr
    assert (root / "site/sitemap.xml.gz").is_file()


# --- invisible direction and width characters (issue 13, second pass) -----------------------


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
                                  "\u2067", "\u2068", "\u2069", "\ufeff", "\u200b"])
def test_invisible_direction_and_width_characters_are_located_errors(root: Path,
                                                                     char: str) -> None:
    edit(root, TOPIC, "summary: Everyday tools", f"summary: Everyday {char}tools")
    error = one_error(root)
    assert (error.file, error.line, error.field) == (TOPIC, 2, "summary"), error.format()
    assert f"U+{ord(char):04X}" in error.message and error.hint, error.format()


def test_joiners_that_emoji_and_scripts_need_are_allowed(root: Path) -> None:
    # U+200D joins the family emoji; U+200C keeps Persian letters apart (as in the word below).
    edit(root, TOPIC, "title: Tooling basics", "title: Tooling \U0001f468\u200d\U0001f469 "
                                               "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645")
    prepare(Project.at(root))


def test_a_byte_order_mark_at_the_start_of_a_file_is_allowed(root: Path) -> None:
    text = (root / TOPIC).read_text("utf-8")
    (root / TOPIC).write_text("\ufeff" + text, "utf-8")
    prepare(Project.at(root))
