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

from ...i18n import N_, Lang
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
    return Link(Lang(library.site.language).gettext(RESULTS.title), results_path(pid, cid))


def program_results_link(library: Library, pid: str) -> Link | None:
    """The link a program page shows to its results, when any cohort has results."""
    if not any(p == pid for p, _ in library.results):
        return None
    return Link(Lang(library.site.language).gettext(RESULTS.title), program_results_path(pid))


# --- words -----------------------------------------------------------------------------------
# Every word and number a results page prints is made here in the site's language (`lang`):
# labels through the catalog, numbers through Babel ('86.7%', '86,7 %').

ANSWERS = {"yes": N_("Yes"), "no": N_("No")}  # a yes-no question's answers, as a row says them


def _value(kpi: KpiOutcome, value: float, lang: Lang) -> str:
    unit = kpi.goal.unit if kpi.goal else "mean"
    return lang.percent(value, 1) if unit == "percent" else lang.number(value, 2)


def _answers(n: int, lang: Lang) -> str:
    return lang.ngettext("%(num)s answer", "%(num)s answers", n)


def _words(kpi: KpiOutcome, lang: Lang) -> tuple[str, str, str]:
    """Measured, result and basis of a KPI; a withheld group shows the note and dashes."""
    words = RESULTS.in_language(lang)
    if kpi.too_few:
        return words.too_few, words.no_verdict, words.no_verdict
    if kpi.measured is None:
        return words.no_data, words.no_verdict, words.no_verdict
    result = words.no_verdict if kpi.met is None else words.met if kpi.met else words.missed
    basis = (lang.ngettext("%(num)s pair", "%(num)s pairs", kpi.n)
             if kpi.source == "attendance" else _answers(kpi.n, lang))
    return _value(kpi, kpi.measured, lang), result, basis


def _bar(label: str, kpi: KpiOutcome, lang: Lang) -> Row:
    measured, result, _ = _words(kpi, lang)
    if kpi.measured is None:
        return Row(label, None, measured)
    if kpi.met is None:
        return Row(label, kpi.measured, measured)
    return Row(label, kpi.measured, f"{measured} ({result.lower()})",
               "met" if kpi.met else "missed")


def _axis(kpis: list[KpiOutcome], lang: Lang) -> tuple[float, list[tuple[float, str]]]:
    """The axis of a KPI's chart: 0-100% for a share; for a mean, the 1-5 scale when the
    values and the goal fit it, else a round number above them."""
    goal = next((k.goal for k in kpis if k.goal), None)
    if goal is not None and goal.unit == "percent":
        return 100.0, [(v, lang.percent(v, 0)) for v in (0, 25, 50, 75, 100)]
    top = max([k.measured for k in kpis if k.measured is not None]
              + [goal.value if goal else 0.0])
    scale = 5.0 if top <= 5 else nice_max(top)
    steps = 5 if scale == 5 else 4
    return scale, [(scale * i / steps, lang.number(scale * i / steps, 2))
                   for i in range(steps + 1)]


def _target(kpi: KpiOutcome, lang: Lang) -> tuple[float, str] | None:
    """Where the target line goes and its short label ('Target ≥ 75%'); the target as the
    author wrote it is in the heading, the table and the chart's description."""
    if kpi.goal is None:
        return None
    sign = "≤" if kpi.goal.op == "at-most" else "≥"
    return kpi.goal.value, lang.gettext(N_("Target %(sign)s %(value)s"), sign=sign,
                                        value=_value(kpi, kpi.goal.value, lang))


# --- cohort pages ----------------------------------------------------------------------------


def _kpi_row(kpi: KpiOutcome, ident: str, lang: Lang) -> KpiRow:
    measured, result, basis = _words(kpi, lang)
    scale, ticks = _axis([kpi], lang)
    if result != RESULTS.no_verdict:
        summary = lang.gettext(N_("%(kpi)s: %(measured)s (%(result)s), target %(target)s."),
                               kpi=kpi.name, measured=measured, result=result.lower(),
                               target=kpi.target)
    else:
        summary = lang.gettext(N_("%(kpi)s: %(measured)s, target %(target)s."), kpi=kpi.name,
                               measured=measured, target=kpi.target)
    chart = bar_chart(ident, kpi.name, summary, [_bar(lang.gettext(N_("Measured")), kpi, lang)],
                      scale, ticks, _target(kpi, lang))
    return KpiRow(kpi.name, kpi.target, measured, result, basis, chart)


def _question(question: QuestionOutcome, ident: str, lang: Lang) -> QuestionView:
    free_text = question.answer == "text"
    if question.too_few or free_text:
        return QuestionView(question.question, question.too_few, free_text, [], None,
                            RESULTS.no_verdict, None)
    n = question.n
    rows = [AnswerRow(lang.gettext(ANSWERS[answer]) if answer in ANSWERS else answer.capitalize(),
                      count, lang.percent(100 * count / n if n else 0, 0))
            for answer, count in question.counts]
    scale = nice_max(max((r.count for r in rows), default=0))
    ticks = [(v, trim(v, 0)) for v in (0, scale / 2, scale) if v == int(v)]
    counts = "; ".join(lang.gettext(N_("%(answer)s: %(count)s (%(share)s)"), answer=r.answer,
                                    count=r.count, share=r.share) for r in rows)
    chart = bar_chart(
        ident, question.question,
        lang.gettext(N_("%(question)s %(answers)s: %(counts)s."), question=question.question,
                     answers=_answers(n, lang), counts=counts),
        [Row(r.answer, r.count, f"{r.count} ({r.share})" if r.count else "0") for r in rows],
        scale, ticks)
    mean = lang.number(question.mean, 2) if question.mean is not None else None
    return QuestionView(question.question, False, False, rows, mean, _answers(n, lang), chart)


def _cohort_view(library: Library, outcome: CohortOutcome, lang: Lang) -> CohortResultsView:
    pid, cid = outcome.program, outcome.cohort
    program = library.programs[pid]
    counter = iter(range(1, 10_000))
    kpis = [_kpi_row(k, f"hb-chart-{next(counter)}", lang) for k in outcome.kpis]
    surveys = []
    for survey in program.evaluation:
        questions = [_question(q, f"hb-chart-{next(counter)}", lang)
                     for q in outcome.questions if q.survey == survey.id]
        if questions:
            surveys.append(SurveyView(survey.title, questions))
    completion = (lang.percent(outcome.completion, 1) if outcome.completion is not None
                  else None)
    return CohortResultsView(
        Link(program.title, program_path(pid)), Link(outcome.title, cohort_path(pid, cid)),
        Link(lang.gettext(N_("%(program)s: results by cohort"), program=program.title),
             program_results_path(pid)),
        outcome.title, completion, kpis, surveys, library.site.results_min_group,
        RESULTS.in_language(lang))


# --- program pages ---------------------------------------------------------------------------


def _program_view(library: Library, edition: Edition, outcome: ProgramOutcome, lang: Lang
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
                                  *_words(value, lang)))
        scale, ticks = _axis(points, lang)
        values = "; ".join(
            f"{row.link.title} {row.measured}" + (
                f" ({row.result.lower()})" if row.result != RESULTS.no_verdict else "")
            for row in rows)
        summary = lang.gettext(N_("%(kpi)s by cohort, oldest first: %(values)s. Target: "
                                  "%(target)s."), kpi=kpi.name, values=values, target=kpi.target)
        chart = bar_chart(f"hb-chart-{index}", kpi.name, summary,
                          [_bar(title, value, lang) for _, title, _, value in kpi.points],
                          scale, ticks, _target(points[0], lang) if points else None)
        series.append(SeriesView(kpi.name, kpi.target, rows, chart))
    return ProgramResultsView(Link(program.title, program_path(pid)), program.title, series,
                              library.site.results_min_group, RESULTS.in_language(lang))


def pages(resolved: Resolved) -> list[PageSpec]:
    """Each program's results page, then its cohorts' (oldest first) where the edition has
    them; nothing for a program without results."""
    library, edition = resolved.library, resolved.edition
    lang = Lang(library.site.language)
    found: list[PageSpec] = []
    for pid, outcome in resolve_results(library).items():
        program = library.programs[pid]
        found.append(PROGRAM_RESULTS.page(
            _program_view(library, edition, outcome, lang),
            lang.gettext(N_("%(title)s: results"), title=program.title),
            library.source("program", pid).file, pid))
        if not edition.cohort_results:
            continue
        for cohort in outcome.cohorts:
            found.append(COHORT_RESULTS.page(
                _cohort_view(library, cohort, lang),
                lang.gettext(N_("%(title)s: results"), title=cohort.title),
                library.source("results", f"{pid}/{cohort.cohort}").file, pid, cohort.cohort))
    return found
