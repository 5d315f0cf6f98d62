"""Resolve stage for outcomes: results files become KPI values, met or missed, per cohort and
per program over time.

Why here and not in a template: whether a KPI was met, which survey measured it and whether a
group is too small to show are decisions, and templates only lay out what Python decided. A
group smaller than `site.results_min_group` gets no value at all (None), so no later stage can
show it by mistake.

Rules (README "Results"): a KPI is measured from the last survey of the program's evaluation
that has results for a question naming it and fitting its goal (percent: scale or yes-no;
mean: scale or number), its first such question; a percent goal counts favourable answers (4
or 5 on a scale, yes); a goal with `measure: attendance` is the share of due meetings held.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..validate.goals import Goal, met
from ..validate.library import Library
from ..validate.models import SurveyQuestion
from ..validate.results import (
    FAVOURABLE,
    SCALE,
    YES_NO,
    Attendance,
    CohortResults,
    QuestionResult,
    question_key,
)
from ..validate.results import kpi_goal as _goal

FITS = {"percent": ("scale", "yes-no"), "mean": ("scale", "number")}


@dataclass(frozen=True)
class KpiOutcome:
    """One KPI of one cohort: the goal, what was measured and whether it was met."""

    kpi: str
    name: str
    target: str  # as the author wrote it
    goal: Goal | None  # None: no goal could be read (`check` refuses that once results exist)
    measured: float | None  # percent 0-100 or a mean; None if no data or too few
    met: bool | None  # None when nothing is shown
    n: int  # answers (or pairs, for attendance) behind the value
    too_few: bool  # n below the site's minimum group: the value is withheld
    source: str  # where it came from: a survey id, "attendance", or "" (no data)


@dataclass(frozen=True)
class QuestionOutcome:
    """One question's distribution; `counts` is empty and `mean` None when withheld."""

    survey: str
    question: str
    answer: str  # scale, yes-no, number or text
    kpi: str | None
    n: int
    counts: tuple[tuple[str, int], ...]  # answer -> count, in reading order
    mean: float | None
    too_few: bool


@dataclass(frozen=True)
class CohortOutcome:
    program: str
    cohort: str
    title: str
    start: dt.date
    kpis: tuple[KpiOutcome, ...]
    questions: tuple[QuestionOutcome, ...]
    completion: float | None  # share of due meetings held, percent; None without attendance
    meetings_due: int  # sessions listed in the attendance


@dataclass(frozen=True)
class KpiSeries:
    """One KPI across a program's cohorts, oldest cohort first."""

    kpi: str
    name: str
    target: str
    points: tuple[tuple[str, str, dt.date, KpiOutcome], ...]  # (cohort id, title, start, value)


@dataclass(frozen=True)
class ProgramOutcome:
    program: str
    cohorts: tuple[CohortOutcome, ...]  # oldest first
    kpis: tuple[KpiSeries, ...]  # in the order the program lists its KPIs


def completion_rate(attendance: Attendance | None) -> float | None:
    """Meetings held as a percentage of meetings due (pairs times sessions listed)."""
    if attendance is None:
        return None
    due = attendance.pairs * len(attendance.held)
    return 100.0 * sum(attendance.held.values()) / due


def _ordered(kind: str, counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    """Every scale point and both yes and no, zeros included; numbers by value."""
    if kind == "scale":
        return tuple((a, counts.get(a, 0)) for a in SCALE)
    if kind == "yes-no":
        return tuple((a, counts.get(a, 0)) for a in YES_NO)
    return tuple(sorted(counts.items(), key=lambda item: float(item[0])))


def _mean(counts: dict[str, int], n: int) -> float | None:
    if not n:
        return None
    return sum(float(a) * c for a, c in counts.items()) / n


def _value(goal: Goal, kind: str, entry: QuestionResult) -> float | None:
    counts = entry.counts or {}
    if not entry.n:
        return None
    if goal.unit == "percent":
        return 100.0 * sum(c for a, c in counts.items() if a in FAVOURABLE[kind]) / entry.n
    return _mean(counts, entry.n)


def _answers(results: CohortResults, survey: str, question: SurveyQuestion
             ) -> QuestionResult | None:
    found = results.surveys.get(survey)
    if found is None:
        return None
    key = question_key(question.question)
    return next((q for q in found.questions if question_key(q.question) == key), None)


def _kpi(library: Library, program: str, results: CohortResults, kpi_id: str, name: str,
         target: str) -> KpiOutcome:
    minimum = library.site.results_min_group
    goal = _goal(library.programs[program], kpi_id)
    empty = KpiOutcome(kpi_id, name, target, goal, None, None, 0, False, "")
    if goal is None:
        return empty
    if goal.measure == "attendance":
        attendance = results.attendance
        if attendance is None:
            return empty
        rate = completion_rate(attendance)
        return KpiOutcome(kpi_id, name, target, goal, rate, met(goal, rate or 0.0),
                          attendance.pairs, False, "attendance")
    for survey in reversed(library.programs[program].evaluation):
        for question in survey.questions:
            if question.kpi != kpi_id or question.answer not in FITS[goal.unit]:
                continue
            entry = _answers(results, survey.id, question)
            if entry is None or not entry.n:
                continue
            if entry.n < minimum:
                return KpiOutcome(kpi_id, name, target, goal, None, None, entry.n, True,
                                  survey.id)
            value = _value(goal, question.answer, entry)
            return KpiOutcome(kpi_id, name, target, goal, value,
                              None if value is None else met(goal, value), entry.n, False,
                              survey.id)
    return empty


def _questions(library: Library, program: str, results: CohortResults
               ) -> tuple[QuestionOutcome, ...]:
    minimum = library.site.results_min_group
    out = []
    for survey in library.programs[program].evaluation:
        for question in survey.questions:
            entry = _answers(results, survey.id, question)
            if entry is None:
                continue
            too_few = entry.n < minimum
            shown = not too_few and question.answer != "text"
            counts = entry.counts or {}
            out.append(QuestionOutcome(
                survey.id, question.question, question.answer, question.kpi, entry.n,
                _ordered(question.answer, counts) if shown else (),
                _mean(counts, entry.n) if shown and question.answer in FITS["mean"] else None,
                too_few))
    return tuple(out)


def cohort_outcome(library: Library, program: str, cohort: str) -> CohortOutcome:
    """Every KPI and question of one cohort with results."""
    results = library.results[(program, cohort)]
    model = library.cohorts[(program, cohort)]
    kpis = tuple(_kpi(library, program, results, k.id, k.name, k.target)
                 for objective in library.programs[program].objectives for k in objective.kpis)
    attendance = results.attendance
    return CohortOutcome(program, cohort, model.title, model.schedule.start, kpis,
                         _questions(library, program, results), completion_rate(attendance),
                         len(attendance.held) if attendance else 0)


def program_outcome(library: Library, program: str) -> ProgramOutcome:
    """A program's cohorts with results, oldest first, and each KPI across them."""
    cohorts = sorted((cohort_outcome(library, p, c) for p, c in library.results if p == program),
                     key=lambda o: (o.start, o.cohort))
    series = []
    for objective in library.programs[program].objectives:
        for kpi in objective.kpis:
            points = tuple((o.cohort, o.title, o.start, next(k for k in o.kpis if k.kpi == kpi.id))
                           for o in cohorts)
            series.append(KpiSeries(kpi.id, kpi.name, kpi.target, points))
    return ProgramOutcome(program, tuple(cohorts), tuple(series))


def resolve_results(library: Library) -> dict[str, ProgramOutcome]:
    """Outcomes of every program that has results, by program id."""
    programs = sorted({p for p, _ in library.results})
    return {p: program_outcome(library, p) for p in programs}
