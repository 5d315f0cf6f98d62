"""Results files: a cohort's survey results and attendance, as aggregates only.

`content/programs/<program>/results/<cohort>.yml` sits beside the cohort file and holds no
name, email or free-text answer: per question the number who answered (`n`) and how many gave
each answer (`counts`), and per meeting of the plan how many pairs held it. `handbook
import-survey` writes it; people may edit it by hand, so every number is checked here against
the program's surveys and meeting plan, each mistake located at its line.

Attendance has one source per cohort: either each pair's `held:` list in the cohort file
(which meetings that pair held) or, for a coordinator who only has counts, the results file's
`attendance:` block; never both. From pairs' lists the counts are derived here, once, before
the public edition drops the pairs, so later stages read one `Attendance` either way.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, model_validator

from ..errors import ContentError, did_you_mean, quote
from .fields import Model, Slug, Text
from .goals import HOW_TO_WRITE, Goal, parse_target
from .models import Program, SurveyQuestion

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..load.loader import RawDocument
    from .models import Cohort, Pair

Count = Annotated[int, Field(ge=0)]
SCALE = ("1", "2", "3", "4", "5")
YES_NO = ("yes", "no")
NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
FAVOURABLE = {"scale": {"4", "5"}, "yes-no": {"yes"}}  # what a percent goal counts


class QuestionResult(Model):
    question: Text = Field(description="The question as program.yml words it (matched "
                                        "ignoring case, numbering and punctuation).")
    n: Count = Field(description="How many people answered it.")
    counts: dict[str, Count] | None = Field(
        None, description="How many gave each answer: 1 to 5 for a scale, yes and no, or "
                          "each number given. Left out for free-text questions, whose answers "
                          "are never stored.")

    @model_validator(mode="after")
    def _adds_up(self) -> QuestionResult:
        if self.counts is not None and sum(self.counts.values()) != self.n:
            raise ValueError(f"the counts add up to {sum(self.counts.values())} but n is "
                             f"{self.n}; n is the number who answered, so they must match")
        return self


class SurveyResult(Model):
    responses: Count = Field(description="How many filled in the survey (rows imported).")
    questions: list[QuestionResult] = Field(description="Results per question.")


class Attendance(Model):
    pairs: Annotated[int, Field(ge=1)] = Field(description="Pairs in the cohort when it ran.")
    held: dict[Slug, Count] = Field(
        min_length=1, description="Per session id of the meeting plan, how many pairs held "
                                  "that meeting. List the sessions that were due; leave out "
                                  "those still ahead.")


class CohortResults(Model):
    attendance: Attendance | None = Field(None, description="Meetings held, per session.")
    surveys: dict[Slug, SurveyResult] = Field(
        default_factory=dict, description="Results per survey id of the program's evaluation.")


def question_key(text: str) -> str:
    """A question or column header reduced to what identifies it: numbering ("1.", "Q2)"),
    case, punctuation and spacing removed, so an export's header finds its question."""
    text = re.sub(r"^\s*(?:q(?:uestion)?\s*)?\d+\s*[.):-]\s*", "", text.casefold())
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def answer_problem(kind: str, answer: str) -> str | None:
    """Why `answer` cannot be a stored answer of this kind of question, or None."""
    if kind == "scale" and answer not in SCALE:
        return f"{quote(answer)} is not on the scale 1 to 5"
    if kind == "yes-no" and answer not in YES_NO:
        return f"{quote(answer)} is not yes or no"
    if kind == "number" and not NUMBER.match(answer):
        return f"{quote(answer)} is not a number like 3 or 2.5"
    return None


def check_results(results_of: dict[tuple[str, str], CohortResults],
                  programs: dict[str, Program], cohorts: dict[tuple[str, str], Cohort],
                  source: Callable[[str, str], RawDocument]) -> list[ContentError]:
    """Every results file against its program: surveys, questions, answers, sessions; and
    every KPI the results feed must have a goal that can be read. (The library's parts are
    passed one by one, so this module does not import the library that imports it.)"""
    errors: list[ContentError] = []
    with_results: set[str] = set()
    for (program_id, cohort_id), results in sorted(results_of.items()):
        doc = source("results", f"{program_id}/{cohort_id}")
        program = programs.get(program_id)
        if program is None:
            continue  # a results folder of a program without program.yml: reported there
        if (program_id, cohort_id) not in cohorts:
            known = [c for p, c in cohorts if p == program_id]
            errors.append(ContentError(doc.file, f"there is no cohort {cohort_id!r} in "
                                       f"program {program_id!r} for these results",
                                       hint=did_you_mean(cohort_id, known, "cohorts")))
            continue
        with_results.add(program_id)
        errors += _check_surveys(doc, program, results)
        errors += _check_attendance(doc, program, results)
        if results.attendance is not None and per_pair(cohorts[(program_id, cohort_id)]):
            errors.append(doc.error(("attendance",), "attendance: the cohort file records the "
                                    "meetings each pair held, so the counts follow from it",
                                    "delete this `attendance:` block (or the pairs' `held:` "
                                    "lists): a cohort's attendance is kept in one place"))
    for (program_id, cohort_id), cohort in sorted(cohorts.items()):
        if program_id in programs and per_pair(cohort):
            errors += _check_pairs(source("cohort", f"{program_id}/{cohort_id}"),
                                   len(programs[program_id].meeting_plan), cohort.pairs)
    for program_id in sorted(with_results):
        errors += _check_goals(programs[program_id], source("program", program_id))
    return errors


def _check_surveys(doc: RawDocument, program: Program,
                   results: CohortResults) -> list[ContentError]:
    errors = []
    surveys = {s.id: s for s in program.evaluation}
    for survey_id, result in results.surveys.items():
        path: tuple[str | int, ...] = ("surveys", survey_id)
        survey = surveys.get(survey_id)
        if survey is None:
            errors.append(doc.error(path, f"program has no survey {survey_id!r}",
                                    did_you_mean(survey_id, surveys, "surveys")))
            continue
        questions = {question_key(q.question): q for q in survey.questions}
        seen: set[str] = set()
        for i, entry in enumerate(result.questions):
            here = (*path, "questions", i)
            key = question_key(entry.question)
            question = questions.get(key)
            if question is None:
                texts = [q.question for q in survey.questions]
                errors.append(doc.error((*here, "question"), f"survey {survey_id!r} has no "
                                        f"question {quote(entry.question)}",
                                        did_you_mean(entry.question, texts, "questions")))
                continue
            if key in seen:
                errors.append(doc.error(here, "this question's results appear twice",
                                        "keep one of the two entries"))
            seen.add(key)
            if entry.n > result.responses:
                errors.append(doc.error((*here, "n"), f"n is {entry.n} but the survey had "
                                        f"{result.responses} responses",
                                        "n counts those who answered this question"))
            errors += _check_counts(doc, here, question, entry)
    return errors


def _check_counts(doc: RawDocument, here: tuple[str | int, ...], question: SurveyQuestion,
                  entry: QuestionResult) -> list[ContentError]:
    if question.answer == "text":
        if entry.counts is not None:
            return [doc.error((*here, "counts"), "a free-text question stores no answers",
                              "delete `counts:` here; only n is kept, so no answer that "
                              "could name someone is published")]
        return []
    if entry.counts is None:
        return [doc.error(here, "required key 'counts' is missing",
                          f"add counts per answer ({_shape(question.answer)})")]
    return [doc.error((*here, "counts", answer), problem, f"answers are {_shape(question.answer)}")
            for answer in entry.counts
            if (problem := answer_problem(question.answer, answer)) is not None]


def _shape(kind: str) -> str:
    return {"scale": "1, 2, 3, 4 and 5", "yes-no": "yes and no",
            "number": "numbers such as 3 or 2.5"}[kind]


def _check_attendance(doc: RawDocument, program: Program,
                      results: CohortResults) -> list[ContentError]:
    attendance = results.attendance
    if attendance is None:
        return []
    sessions = [s.id for s in program.meeting_plan]
    errors = []
    for session, held in attendance.held.items():
        path = ("attendance", "held", session)
        if session not in sessions:
            errors.append(doc.error(path, f"the meeting plan has no session {session!r}",
                                    did_you_mean(session, sessions, "sessions")))
        elif held > attendance.pairs:
            errors.append(doc.error(path, f"{held} pairs held this meeting but the cohort had "
                                    f"{attendance.pairs}", "fix the count or `pairs:`"))
    return errors


def per_pair(cohort: Cohort) -> bool:
    """Whether the cohort file records attendance pair by pair."""
    return any(pair.held is not None for pair in cohort.pairs)


def _check_pairs(doc: RawDocument, meetings: int, pairs: list[Pair]) -> list[ContentError]:
    """Each `held:` number names a meeting of the plan, once. (There is no clock, so "not yet
    due" can only mean beyond the plan's last meeting.)"""
    errors = []
    for i, pair in enumerate(pairs):
        seen: set[int] = set()
        for j, number in enumerate(pair.held or []):
            path = ("pairs", i, "held", j)
            if number > meetings:
                errors.append(doc.error(path, f"there is no meeting {number}: the meeting plan "
                                        f"has {meetings} meetings",
                                        f"list meetings by their number, 1 to {meetings}"))
            elif number in seen:
                errors.append(doc.error(path, f"meeting {number} is listed twice",
                                        "list each meeting the pair held once"))
            seen.add(number)
    return errors


def pair_attendance(program: Program, cohort: Cohort) -> Attendance | None:
    """The counts a cohort's `held:` lists give: the pairs with a list, and per meeting up to
    the latest any pair held (those were due) how many held it. None without lists."""
    records = [set(pair.held) for pair in cohort.pairs if pair.held is not None]
    due = max((max(held) for held in records if held), default=0)
    if not due:
        return None
    return Attendance(pairs=len(records), held={
        session.id: sum(number in held for held in records)
        for number, session in enumerate(program.meeting_plan[:due], start=1)})


def with_pair_attendance(results_of: dict[tuple[str, str], CohortResults],
                         programs: dict[str, Program], cohorts: dict[tuple[str, str], Cohort]
                         ) -> dict[tuple[str, str], CohortResults]:
    """The results with the attendance of every cohort that keeps it per pair derived from its
    pairs, for the checked library. Only cohorts with a results file have results (pages,
    completion, certificates): a cohort whose pairs record meetings but which has no results
    file yet gets none, as before, rather than results without a file behind them."""
    out = dict(results_of)
    for key, results in sorted(results_of.items()):
        cohort = cohorts.get(key)
        found = pair_attendance(programs[key[0]], cohort) if cohort and key[0] in programs \
            else None
        if found is not None:
            out[key] = results.model_copy(update={"attendance": found})
    return out


def kpi_goal(program: Program, kpi_id: str) -> Goal | None:
    """The KPI's `goal:`, or what its target text says, or None."""
    for objective in program.objectives:
        for kpi in objective.kpis:
            if kpi.id == kpi_id:
                return kpi.goal or parse_target(kpi.target)
    return None


def _check_goals(program: Program, doc: RawDocument) -> list[ContentError]:
    """A program with results must say what each fed KPI aims at in a form we can compare."""
    fed: dict[str, set[str]] = {}
    for survey in program.evaluation:
        for question in survey.questions:
            if question.kpi:
                fed.setdefault(question.kpi, set()).add(question.answer)
    errors = []
    for i, objective in enumerate(program.objectives):
        for j, kpi in enumerate(objective.kpis):
            path = ("objectives", i, "kpis", j, "target")
            goal = kpi.goal or parse_target(kpi.target)
            kinds = fed.get(kpi.id, set())
            if goal is None and kinds:
                errors.append(doc.error(path, f"cannot read the target {quote(kpi.target)} as "
                                        "a goal the results can be compared with", HOW_TO_WRITE))
            elif goal is not None and goal.measure == "answers" and kinds:
                usable = {"percent": {"scale", "yes-no"}, "mean": {"scale", "number"}}[goal.unit]
                if not kinds & usable:
                    errors.append(doc.error(path, _mismatch(goal, kinds), HOW_TO_WRITE))
    return errors


def _mismatch(goal: Goal, kinds: set[str]) -> str:
    answers = " and ".join(sorted(kinds))
    if goal.unit == "percent":
        return (f"a percentage goal needs scale or yes-no answers, but only {answers} "
                "questions feed this KPI; for meetings held add `measure: attendance` to a goal")
    return f"an average goal needs scale or number answers, but only {answers} questions feed it"
