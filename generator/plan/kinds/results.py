"""The results family: a results page per cohort with a results file (each KPI against its
target, each question's answers) and one per program comparing its cohorts on each KPI.

The numbers come from `resolve/results.py`, which already withholds a group below the site's
minimum (None). Here they become the words and chart geometry the pages print; a withheld
group gets the same note in its table row, its chart and the chart's text alternative, and
never its count. Whether cohort pages exist is the edition's decision (`Edition
.cohort_results`: a public edition shows only the program's page). Both kinds hang off the
page they belong to, like agendas: out of the nav, linked from the cohort and program pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...resolve.results import (
    CohortOutcome,
    KpiOutcome,
    ProgramOutcome,
    QuestionOutcome,
    resolve_results,
)
from ..charts import Chart, Row, bar_chart, nice_max, trim
from ..labels import RESULTS, ResultLabels
from ..paths import (
    PROGRAM_RESULTS_GLOB,
    RESULTS_GLOB,
    cohort_path,
    program_path,
    program_results_path,
    results_path,
)
from ..views import Kind, Link, PageSpec, View

if TYPE_CHECKING:
    from ...resolve.privacy import Edition
    from ...resolve.site import Resolved
    from ...validate.library import Library


@dataclass(frozen=True)
class KpiRow(View):
    """One KPI of one cohort, as its table row and chart show it."""

    name: str
    target: str
    measured: str  # '4.33', '85.7%', the too-few note or 'no results'
    result: str  # Met, Missed or a dash
    basis: str  # '14 answers', '8 pairs' or a dash (never the count of a withheld group)
    chart: Chart


@dataclass(frozen=True)
class AnswerRow(View):
    answer: str
    count: int
    share: str


@dataclass(frozen=True)
class QuestionView(View):
    question: str
    withheld: bool
    free_text: bool  # text answers are never stored, so never shown
    rows: list[AnswerRow]
    mean: str | None
    basis: str
    chart: Chart | None


@dataclass(frozen=True)
class SurveyView(View):
    title: str
    questions: list[QuestionView]


@dataclass(frozen=True)
class CohortResultsView(View):
    program_link: Link
    cohort_link: Link
    program_results: Link
    title: str
    completion: str | None  # share of due meetings held
    kpis: list[KpiRow]
    surveys: list[SurveyView]
    minimum: int
    labels: ResultLabels = RESULTS


@dataclass(frozen=True)
class SeriesRow(View):
    link: Link  # the cohort's results page, or its cohort page where there is none
    measured: str
    result: str
    basis: str


@dataclass(frozen=True)
class SeriesView(View):
    name: str
    target: str
    rows: list[SeriesRow]
    chart: Chart


@dataclass(frozen=True)
class ProgramResultsView(View):
    program_link: Link
    title: str
    kpis: list[SeriesView]
    minimum: int
    labels: ResultLabels = RESULTS


COHORT_RESULTS = Kind("cohort-results", "results_cohort.md.j2", CohortResultsView, results_path,
                      in_nav=False, glob=RESULTS_GLOB)
PROGRAM_RESULTS = Kind("program-results", "results_program.md.j2", ProgramResultsView,
                       program_results_path, in_nav=False, glob=PROGRAM_RESULTS_GLOB)
KINDS = (COHORT_RESULTS, PROGRAM_RESULTS)


def cohort_results_link(library: Library, edition: Edition, pid: str, cid: str) -> Link | None:
    """The link a cohort page shows to its results, when this edition has that page."""
    if (pid, cid) not in library.results or not edition.cohort_results:
        return None
    return Link(RESULTS.title, results_path(pid, cid))


def program_results_link(library: Library, pid: str) -> Link | None:
    """The link a program page shows to its results, when any cohort has results."""
    if not any(p == pid for p, _ in library.results):
        return None
    return Link(RESULTS.title, program_results_path(pid))


# --- words -----------------------------------------------------------------------------------


def _value(kpi: KpiOutcome, value: float) -> str:
    unit = kpi.goal.unit if kpi.goal else "mean"
    return trim(value, 1) + "%" if unit == "percent" else trim(value, 2)


def _counted(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _words(kpi: KpiOutcome) -> tuple[str, str, str]:
    """Measured, result and basis of a KPI; a withheld group shows the note and dashes."""
    if kpi.too_few:
        return RESULTS.too_few, RESULTS.no_verdict, RESULTS.no_verdict
    if kpi.measured is None:
        return RESULTS.no_data, RESULTS.no_verdict, RESULTS.no_verdict
    result = RESULTS.no_verdict if kpi.met is None else RESULTS.met if kpi.met else RESULTS.missed
    basis = _counted(kpi.n, "pair" if kpi.source == "attendance" else "answer")
    return _value(kpi, kpi.measured), result, basis


def _bar(label: str, kpi: KpiOutcome) -> Row:
    measured, result, _ = _words(kpi)
    if kpi.measured is None:
        return Row(label, None, measured)
    if kpi.met is None:
        return Row(label, kpi.measured, measured)
    return Row(label, kpi.measured, f"{measured} ({result.lower()})",
               "met" if kpi.met else "missed")


def _axis(kpis: list[KpiOutcome]) -> tuple[float, list[tuple[float, str]]]:
    """The axis of a KPI's chart: 0-100% for a share; for a mean, the 1-5 scale when the
    values and the goal fit it, else a round number above them."""
    goal = next((k.goal for k in kpis if k.goal), None)
    if goal is not None and goal.unit == "percent":
        return 100.0, [(v, f"{v:g}%") for v in (0, 25, 50, 75, 100)]
    top = max([k.measured for k in kpis if k.measured is not None]
              + [goal.value if goal else 0.0])
    scale = 5.0 if top <= 5 else nice_max(top)
    steps = 5 if scale == 5 else 4
    return scale, [(scale * i / steps, trim(scale * i / steps, 2)) for i in range(steps + 1)]


def _target(kpi: KpiOutcome) -> tuple[float, str] | None:
    """Where the target line goes and its short label ('Target ≥ 75%'); the target as the
    author wrote it is in the heading, the table and the chart's description."""
    if kpi.goal is None:
        return None
    sign = "≤" if kpi.goal.op == "at-most" else "≥"
    return kpi.goal.value, f"Target {sign} {_value(kpi, kpi.goal.value)}"


# --- cohort pages ----------------------------------------------------------------------------


def _kpi_row(kpi: KpiOutcome, ident: str) -> KpiRow:
    measured, result, basis = _words(kpi)
    scale, ticks = _axis([kpi])
    summary = f"{kpi.name}: {measured}"
    summary += f" ({result.lower()}), " if result != RESULTS.no_verdict else ", "
    summary += f"target {kpi.target}."
    chart = bar_chart(ident, kpi.name, summary, [_bar("Measured", kpi)], scale, ticks,
                      _target(kpi))
    return KpiRow(kpi.name, kpi.target, measured, result, basis, chart)


def _question(question: QuestionOutcome, ident: str) -> QuestionView:
    free_text = question.answer == "text"
    if question.too_few or free_text:
        return QuestionView(question.question, question.too_few, free_text, [], None,
                            RESULTS.no_verdict, None)
    n = question.n
    rows = [AnswerRow(answer.capitalize(), count, f"{100 * count / n:.0f}%" if n else "0%")
            for answer, count in question.counts]
    scale = nice_max(max((r.count for r in rows), default=0))
    ticks = [(v, trim(v, 0)) for v in (0, scale / 2, scale) if v == int(v)]
    chart = bar_chart(
        ident, question.question,
        f"{question.question} {_counted(n, 'answer')}: " + "; ".join(
            f"{r.answer}: {r.count} ({r.share})" for r in rows) + ".",
        [Row(r.answer, r.count, f"{r.count} ({r.share})" if r.count else "0") for r in rows],
        scale, ticks)
    mean = trim(question.mean, 2) if question.mean is not None else None
    return QuestionView(question.question, False, False, rows, mean, _counted(n, "answer"),
                        chart)


def _cohort_view(library: Library, outcome: CohortOutcome) -> CohortResultsView:
    pid, cid = outcome.program, outcome.cohort
    program = library.programs[pid]
    counter = iter(range(1, 10_000))
    kpis = [_kpi_row(k, f"hb-chart-{next(counter)}") for k in outcome.kpis]
    surveys = []
    for survey in program.evaluation:
        questions = [_question(q, f"hb-chart-{next(counter)}")
                     for q in outcome.questions if q.survey == survey.id]
        if questions:
            surveys.append(SurveyView(survey.title, questions))
    completion = (f"{trim(outcome.completion, 1)}%" if outcome.completion is not None
                  else None)
    return CohortResultsView(
        Link(program.title, program_path(pid)), Link(outcome.title, cohort_path(pid, cid)),
        Link(f"{program.title}: {RESULTS.title.lower()} by cohort", program_results_path(pid)),
        outcome.title, completion, kpis, surveys, library.site.results_min_group)


# --- program pages ---------------------------------------------------------------------------


def _program_view(library: Library, edition: Edition, outcome: ProgramOutcome
                  ) -> ProgramResultsView:
    pid = outcome.program
    program = library.programs[pid]
    series = []
    for index, kpi in enumerate(outcome.kpis, start=1):
        points = [point[3] for point in kpi.points]
        rows = []
        for cid, title, _, value in kpi.points:
            page = cohort_results_link(library, edition, pid, cid)
            rows.append(SeriesRow(Link(title, page.path if page else cohort_path(pid, cid)),
                                  *_words(value)))
        scale, ticks = _axis(points)
        summary = f"{kpi.name} by cohort, oldest first: " + "; ".join(
            f"{row.link.title} {row.measured}" + (
                f" ({row.result.lower()})" if row.result != RESULTS.no_verdict else "")
            for row in rows) + f". Target: {kpi.target}."
        chart = bar_chart(f"hb-chart-{index}", kpi.name, summary,
                          [_bar(title, value) for _, title, _, value in kpi.points],
                          scale, ticks, _target(points[0]) if points else None)
        series.append(SeriesView(kpi.name, kpi.target, rows, chart))
    return ProgramResultsView(Link(program.title, program_path(pid)), program.title, series,
                              library.site.results_min_group)


def pages(resolved: Resolved) -> list[PageSpec]:
    """Each program's results page, then its cohorts' (oldest first) where the edition has
    them; nothing for a program without results."""
    library, edition = resolved.library, resolved.edition
    found: list[PageSpec] = []
    for pid, outcome in resolve_results(library).items():
        program = library.programs[pid]
        found.append(PROGRAM_RESULTS.page(
            _program_view(library, edition, outcome), f"{program.title}: {RESULTS.title.lower()}",
            library.source("program", pid).file, pid))
        if not edition.cohort_results:
            continue
        for cohort in outcome.cohorts:
            found.append(COHORT_RESULTS.page(
                _cohort_view(library, cohort), f"{cohort.title}: {RESULTS.title.lower()}",
                library.source("results", f"{pid}/{cohort.cohort}").file, pid, cohort.cohort))
    return found
