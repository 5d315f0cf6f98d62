"""Results files: validation with located errors, KPI targets read from text, KPI outcomes per
cohort and per program, and the small-group rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_project
from handbook.cli import main
from handbook.errors import HandbookError
from handbook.load.loader import load_content
from handbook.resolve.results import cohort_outcome, completion_rate, resolve_results
from handbook.validate.documents import validate
from handbook.validate.goals import Goal, parse_target

RM = "content/programs/reverse-mentoring"

SPRING = """\
# Spring cohort results: aggregates only.
attendance:
  pairs: 8
  held:
    kickoff-and-expectations: 8
    digital-toolkit: 7
    social-media-presence: 7
    trial-period-check: 8
surveys:
  final-survey:
    responses: 14
    questions:
      - question: Overall, how satisfied are you with the program?
        n: 14
        counts: {1: 0, 2: 1, 3: 2, 4: 6, 5: 5}
      - question: >-
          3. How many new digital tools or features does the mentee in your pair now
          use regularly at work?
        n: 12
        counts: {2: 3, 3: 5, 4: 4}
      - question: >-
          Mentees only. How confident do you now feel choosing and using a new digital
          tool without help?
        n: 4
        counts: {3: 1, 4: 2, 5: 1}
      - question: >-
          Has an idea from your pair been taken into a team plan, product or process
          decision?
        n: 14
        counts: {yes: 5, no: 9}
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p")


def _write(project: Path, cohort: str, text: str) -> Path:
    path = project / RM / "results" / f"{cohort}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _library(project: Path):  # type: ignore[no-untyped-def]
    return validate(load_content(project / "content", project))


def _errors(project: Path) -> list[str]:
    with pytest.raises(HandbookError) as caught:
        _library(project)
    return [e.format() for e in caught.value.errors]


@pytest.mark.parametrize(("text", "goal"), [
    ("80% or more", Goal(op="at-least", value=80, unit="percent")),
    ("at least 4.0", Goal(op="at-least", value=4.0, unit="mean")),
    ("≥ 70%", Goal(op="at-least", value=70, unit="percent")),
    ("no more than 10%", Goal(op="at-most", value=10, unit="percent")),
    ("8 weeks or fewer on average", Goal(op="at-most", value=8, unit="mean")),
    ("Average of 4.2 or higher out of 5", Goal(op="at-least", value=4.2, unit="mean")),
    ("4.2 out of 5 or higher", Goal(op="at-least", value=4.2, unit="mean")),
    ("4 of 5", Goal(op="at-least", value=4, unit="mean")),
    ("75% of mentees rate themselves 4 or 5 out of 5", Goal(value=75, unit="percent")),
    ("At least three per mentee by the end of the cohort", Goal(value=3, unit="mean")),
    ("At least one idea for every two pairs in the cohort", None),
    ("Everyone is happy", None),
    ("between 3 and 5", None),
])
def test_targets_are_read_from_the_text_people_write(text: str, goal: Goal | None) -> None:
    assert parse_target(text) == goal


def test_shipped_content_with_results_checks_and_measures(project: Path) -> None:
    _write(project, "2027-spring-london", SPRING)
    library = _library(project)
    outcome = cohort_outcome(library, "reverse-mentoring", "2027-spring-london")
    kpis = {k.kpi: k for k in outcome.kpis}
    satisfaction = kpis["satisfaction-score"]
    assert satisfaction.measured == pytest.approx((2 + 6 + 24 + 25) / 14)  # 4.07
    assert (satisfaction.met, satisfaction.n, satisfaction.source) == (False, 14, "final-survey")
    tools = kpis["tools-adopted"]
    assert tools.measured == pytest.approx((6 + 15 + 16) / 12) and tools.met is True
    ideas = kpis["ideas-taken-forward"]  # goal: at least 50% say yes
    assert ideas.measured == pytest.approx(500 / 14) and ideas.met is False
    completion = kpis["meeting-completion"]
    assert completion.measured == pytest.approx(100 * 30 / 32) and completion.met is True
    assert completion.source == "attendance" and outcome.meetings_due == 4
    # Four answers are below the minimum of five: no value, no verdict, only the flag.
    confidence = kpis["digital-confidence"]
    assert (confidence.measured, confidence.met, confidence.too_few, confidence.n) == (
        None, None, True, 4)
    assert kpis["junior-retention"].source == "" and kpis["junior-retention"].measured is None
    questions = {q.question[:20]: q for q in outcome.questions}
    assert questions["Overall, how satisfi"].counts == (
        ("1", 0), ("2", 1), ("3", 2), ("4", 6), ("5", 5))
    assert questions["Mentees only. How co"].counts == () and questions[
        "Mentees only. How co"].too_few


def test_the_minimum_group_comes_from_site_yml(project: Path) -> None:
    _write(project, "2027-spring-london", SPRING)
    site = project / "content/site.yml"
    text = re.sub(r"(?m)^results_min_group:.*\n", "", site.read_text("utf-8"))
    site.write_text(text + "results_min_group: 15\n", encoding="utf-8")
    kpis = {k.kpi: k for k in cohort_outcome(_library(project), "reverse-mentoring",
                                               "2027-spring-london").kpis}
    assert kpis["satisfaction-score"].too_few and kpis["satisfaction-score"].measured is None
    assert kpis["meeting-completion"].measured is not None  # attendance is not a survey


def test_program_outcome_orders_cohorts_by_start(project: Path) -> None:
    autumn = SPRING
    for old, new in (("pairs: 8", "pairs: 6"), ("expectations: 8", "expectations: 6"),
                     ("check: 8", "check: 5"), ("toolkit: 7", "toolkit: 6"),
                     ("presence: 7", "presence: 3")):
        autumn = autumn.replace(old, new)
    _write(project, "2027-autumn-remote", autumn)
    _write(project, "2027-spring-london", SPRING)
    outcome = resolve_results(_library(project))["reverse-mentoring"]
    # The shipped content's finished spring 2026 cohort comes first.
    assert [c.cohort for c in outcome.cohorts] == [
        "2026-spring-birmingham", "2027-spring-london", "2027-autumn-remote"]
    series = next(s for s in outcome.kpis if s.kpi == "meeting-completion")
    values = [point[3].measured for point in series.points]
    assert values == pytest.approx([100 * 71 / 80, 100 * 30 / 32, 100 * 20 / 24])
    assert [point[3].met for point in series.points] == [True, True, False]


def test_completion_rate_without_attendance_is_none() -> None:
    assert completion_rate(None) is None


@pytest.mark.parametrize(("change", "expected"), [
    (("final-survey:", "finale-survey:"), ":11:5: surveys.finale-survey: program has no survey "
                                          "'finale-survey'"),
    (("Overall, how satisfied", "Overall, how happy"), ":13:19: surveys.final-survey."
                                                       "questions[0].question: survey"),
    (("{1: 0, 2: 1,", "{1: 0, 2: 2,"), ":13:9: surveys.final-survey.questions[0]: the counts "
                                        "add up to 15 but n is 14"),
    (("5: 5}", "6: 5}"), ":15:45: surveys.final-survey.questions[0].counts.6: '6' is not on "
                         "the scale 1 to 5"),
    (("yes: 5, no: 9", "ja: 5, no: 9"), "counts.ja: 'ja' is not yes or no"),
    (("kickoff-and-expectations: 8", "kick-off: 8"), ":5:15: attendance.held.kick-off: the "
                                                     "meeting plan has no session 'kick-off'"),
    (("presence: 7", "presence: 9"), "9 pairs held this meeting but the cohort had 8"),
    (("responses: 14", "responses: 13"), "n is 14 but the survey had 13 responses"),
])
def test_mistakes_in_a_results_file_are_located(project: Path, change: tuple[str, str],
                                                 expected: str) -> None:
    _write(project, "2027-spring-london", SPRING.replace(*change))
    errors = _errors(project)
    assert any(expected in e and e.startswith(f"{RM}/results/2027-spring-london.yml")
               for e in errors), errors


def test_results_for_an_unknown_cohort(project: Path) -> None:
    _write(project, "2027-sprung-london", SPRING)
    assert any("no cohort '2027-sprung-london'" in e and "2027-spring-london" in e
               for e in _errors(project))


def test_a_target_that_cannot_be_read_says_how_to_write_it(project: Path) -> None:
    program = project / RM / "program.yml"
    text = program.read_text("utf-8").replace("target: Average of 4.2 or higher out of 5",
                                              "target: Better than last year")
    program.write_text(text, encoding="utf-8")
    _write(project, "2027-spring-london", SPRING)
    errors = _errors(project)
    assert any("program.yml" in e and "cannot read the target 'Better than last year'" in e
               and "goal: {op: at-least" in e for e in errors), errors


def test_check_command_accepts_results(project: Path) -> None:
    _write(project, "2027-spring-london", SPRING)
    done = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert done.exit_code == 0, done.output


LEEDS = "content/programs/new-hire-buddy/cohorts/2026-q1-leeds.yml"
LEEDS_RESULTS = "content/programs/new-hire-buddy/results/2026-q1-leeds.yml"


def _held(project: Path, path: str, lists: list[str]) -> None:
    """Give the cohort's pairs `held:` lists, in order (as import-survey would write them)."""
    file = project / path
    text = re.sub(r"(?m)^    held: .*\n", "", file.read_text("utf-8"))
    parts = text.split("  - mentor: ")
    parts[1:] = [part.rstrip("\n") + f"\n    held: {held}\n"
                 for part, held in zip(parts[1:], lists, strict=True)]
    file.write_text("  - mentor: ".join(parts), encoding="utf-8")


def test_shipped_per_pair_attendance_gives_the_shipped_completion_rates(project: Path) -> None:
    library = _library(project)
    assert all(pair.held for key in (("reverse-mentoring", "2026-spring-birmingham"),
                                     ("new-hire-buddy", "2026-q1-leeds"))
               for pair in library.cohorts[key].pairs)
    rm = cohort_outcome(library, "reverse-mentoring", "2026-spring-birmingham")
    nh = cohort_outcome(library, "new-hire-buddy", "2026-q1-leeds")
    assert (rm.completion, rm.meetings_due) == (pytest.approx(100 * 71 / 80), 10)
    assert (nh.completion, nh.meetings_due) == (pytest.approx(100 * 29 / 36), 6)
    attendance = library.results[("new-hire-buddy", "2026-q1-leeds")].attendance
    assert attendance is not None and attendance.pairs == 6
    assert list(attendance.held.values()) == [6, 5, 5, 4, 5, 4]


def test_completion_rate_from_per_pair_attendance(project: Path) -> None:
    # The pairs' records give the attendance; meetings up to the latest any pair held (4) are
    # due: 8 pairs x 4 = 32, 25 held.
    _held(project, f"{RM}/cohorts/2027-spring-london.yml",
          ["[1, 2, 3, 4]", "[1, 2, 3, 4]", "[1, 2, 3, 4]", "[1, 2, 4]", "[1, 2, 3]",
           "[1, 2, 3]", "[1, 2, 3, 4]", "[]"])
    assert ("reverse-mentoring", "2027-spring-london") not in _library(project).results
    _write(project, "2027-spring-london", "surveys:" + SPRING.split("surveys:")[1])
    library = _library(project)
    outcome = cohort_outcome(library, "reverse-mentoring", "2027-spring-london")
    assert outcome.completion == pytest.approx(100 * 25 / 32) and outcome.meetings_due == 4
    completion = {k.kpi: k for k in outcome.kpis}["meeting-completion"]
    assert (completion.source, completion.n, completion.met) == ("attendance", 8, False)


@pytest.mark.parametrize(("lists", "expected"), [
    (["[1, 2, 7]"], "pairs[0].held[2]: there is no meeting 7: the meeting plan has 6 meetings"),
    (["[1, 2, 2]"], "pairs[0].held[2]: meeting 2 is listed twice"),
])
def test_mistakes_in_per_pair_attendance_are_located(project: Path, lists: list[str],
                                                     expected: str) -> None:
    _held(project, LEEDS, lists + ["[1]"] * 5)
    errors = _errors(project)
    lines = (project / LEEDS).read_text("utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if text.endswith(lists[0]))
    assert any(e.startswith(f"{LEEDS}:{line}:") and expected in e for e in errors), errors


def test_per_pair_attendance_and_counts_cannot_both_be_kept(project: Path) -> None:
    results = project / LEEDS_RESULTS
    results.write_text(results.read_text("utf-8").replace(
        "surveys:", "attendance:\n  pairs: 6\n  held: {welcome-and-first-week: 6}\nsurveys:", 1),
        encoding="utf-8")
    errors = _errors(project)
    assert any(e.startswith(LEEDS_RESULTS) and "attendance: the cohort file records the "
               "meetings each pair held" in e for e in errors), errors
