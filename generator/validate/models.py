"""Typed content models: what each YAML file may say, with no I/O.

Every model forbids unknown keys (a misspelt key must be an error, not silently ignored) and is
frozen, so later stages cannot change what validation accepted. Every field carries a
description: it feeds the JSON Schema that editors use to complete and check YAML.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from ..errors import quote
from .goals import Goal
from .prose import markdown_problems

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# Ids name files and folders (a cohort's `<id>.ics`, its writer's `.<id>.ics.<pid>.tmp`); 80
# keeps every generated name far below the 255 bytes a file system allows.
MAX_ID_LENGTH = 80


class MarkdownText(str):
    """A prose field whose Markdown is rendered (after raw HTML is neutralised)."""


class HintedError(ValueError):
    """A validation message with a hint; validate.py prints the hint under the message."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def _safe_markdown(value: str) -> MarkdownText:
    """Every link and image in the field must survive the build and show offline: the rules
    and the parsing (Python-Markdown's own, on the field as the page will hold it) are in
    prose.py."""
    problems = markdown_problems(value)
    if problems:
        (message, hint), more = problems[0], len(problems) - 1
        raise HintedError(message + (f" (and {more} more)" if more else ""), hint)
    return MarkdownText(value)


def _single_line(value: str) -> str:
    return " ".join(value.split())


def _is_url(value: str) -> str:
    if not re.match(r"^(https?://[^\s<>\"]+|mailto:[^\s<>\"@]+@[^\s<>\"]+)$", value):
        raise ValueError("must be an http(s):// address or a mailto: link")
    return value


def _is_site_url(value: str) -> str:
    # Calendar events append a page's path to it: a query or fragment would end up in the
    # middle of every address (https://example.com/a?c=1/programs/...).
    if not re.match(r"^https?://[^\s<>\"?#/]+(?:/[^\s<>\"?#]*)?$", value, re.I):
        raise HintedError("must be the web address the site is published at, starting with "
                          "http:// or https://, with no '?' or '#' part",
                          "write the address readers open the home page at, e.g. "
                          "https://intranet.example.com/handbook/")
    return value


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _is_zone(value: str) -> str:
    if value not in _zones():  # never hand a user string to the file system (ZoneInfo would)
        close = difflib.get_close_matches(value, sorted(_zones()), n=1)
        tip = f"; did you mean {close[0]!r}?" if close else "; use a name such as Europe/London"
        raise ValueError(f"unknown time zone {quote(value)}{tip}")
    return value


# Every date the build uses must fit the build's own clocks: the newest cohort start becomes
# SOURCE_DATE_EPOCH, which gzip (sitemap.xml.gz) stores in 32 bits, good until 2106.
FIRST_YEAR, LAST_YEAR = 2000, 2099


def _plausible(value: dt.date) -> dt.date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"{value.isoformat()} is outside the years {FIRST_YEAR} to "
                         f"{LAST_YEAR}; check the year")
    return value


Day = Annotated[dt.date, AfterValidator(_plausible)]


def _is_cadence(value: str) -> str:
    normal = " ".join(value.lower().split())
    if not re.match(r"^(weekly|every [1-9][0-9]? weeks?|monthly)$", normal):
        raise ValueError(
            f"unknown cadence {quote(value)}; use 'weekly', 'every 2 weeks' (any number) "
            "or 'monthly'"
        )
    return normal


Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN, max_length=MAX_ID_LENGTH),
    Field(description="An id: lowercase letters, digits and single hyphens, e.g. `digital-tools`."),
]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True),
                 AfterValidator(_single_line)]
Prose = Annotated[str, StringConstraints(min_length=1), AfterValidator(_safe_markdown)]
Url = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_is_url)]
SiteUrl = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_is_site_url)]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$"),
]
Minutes = Annotated[int, Field(ge=1, le=600)]
Audience = Literal["mentor", "mentee", "coordinator"]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
TextList = Annotated[list[Text], Field(min_length=1)]


class Model(BaseModel):
    """Base for every content model: unknown keys are errors; values never change later."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- shared pieces -----------------------------------------------------------------------


class Person(Model):
    name: Text = Field(description="Full name as participants know the person.")
    email: Email | None = Field(None, description="Work email address.")
    phone: Text | None = Field(None, description="Phone number or extension.")


class TimedItem(Model):
    minutes: Minutes = Field(description="How long this item takes, in minutes.")
    item: Text = Field(description="What happens in this slot.")


# --- program -------------------------------------------------------------------------------


class Kpi(Model):
    id: Slug = Field(description="Id used by survey questions that feed this KPI.")
    name: Text = Field(description="What is measured.")
    target: Text = Field(description="The value the program aims for, e.g. '80% or more'.")
    measured_by: Text = Field(description="How and when the figure is collected.")
    goal: Goal | None = Field(None, description="The target in a form results are compared "
                              "with, when the target text cannot be read (see README).")


class Objective(Model):
    title: Text = Field(description="The objective in a few words.")
    description: Prose = Field(description="Why it matters to the business (Markdown).")
    kpis: list[Kpi] = Field(min_length=1, description="Measurable indicators for it.")


class ComparisonRow(Model):
    aspect: Text = Field(description="What is compared, e.g. 'Direction'.")
    other: Text = Field(description="How the other approach handles it.")
    this: Text = Field(description="How this program handles it.")


class Comparison(Model):
    title: Text = Field(description="Heading of the comparison table.")
    other_label: Text = Field(description="Column heading for the other approach.")
    this_label: Text = Field(description="Column heading for this program.")
    rows: list[ComparisonRow] = Field(min_length=1, description="One row per aspect.")


class Role(Model):
    id: Slug = Field(description="Role id, e.g. `mentor`, `mentee`, `coordinator`, `sponsor`.")
    name: Text = Field(description="Role name as shown to readers.")
    description: Prose = Field(description="Who takes this role (Markdown).")
    responsibilities: TextList = Field(description="What the role does.")
    time_commitment: Text = Field(description="Expected time, e.g. '2 hours a month'.")


class Enrolment(Model):
    mode: Literal["open", "invite-only"] = Field(description="Open registration or invite-only.")
    description: Prose = Field(description="How people join (Markdown).")
    channels: TextList = Field(description="Where the program is promoted.")
    selection_criteria: TextList = Field(description="How participants are chosen.")


class Matching(Model):
    description: Prose = Field(description="How pairs are formed (Markdown).")
    criteria: TextList = Field(description="What pairs are matched on.")
    trial_period: Text = Field(description="How long the trial lasts and what happens after.")
    rematching: Text = Field(description="How a pair that does not work is re-matched.")


class LaunchStep(Model):
    title: Text = Field(description="The step in a few words.")
    description: Text = Field(description="What is done in this step.")


class SurveyQuestion(Model):
    question: Text = Field(description="The question as participants read it.")
    answer: Literal["scale", "yes-no", "number", "text"] = Field(
        "scale", description="Answer form: 1-5 scale, yes/no, a number or free text."
    )
    kpi: Slug | None = Field(None, description="Id of the program KPI this answer feeds.")


class Survey(Model):
    id: Slug = Field(description="Survey id.")
    title: Text = Field(description="Survey name, e.g. 'Mid-point survey'.")
    after_session: Slug = Field(description="Meeting-plan session after which it is sent.")
    audience: list[Literal["mentor", "mentee", "coordinator", "sponsor"]] = Field(
        min_length=1, description="Who answers it."
    )
    questions: list[SurveyQuestion] = Field(min_length=1, description="The questions.")


class Curricula(Model):
    mentor: list[Slug] = Field(default_factory=list, description="Training module ids.")
    mentee: list[Slug] = Field(default_factory=list, description="Training module ids.")
    coordinator: list[Slug] = Field(default_factory=list, description="Training module ids.")


class Session(Model):
    """One entry of the meeting plan: the same sequence runs in every cohort."""

    id: Slug = Field(description="Session id, unique within the program.")
    title: Text = Field(description="Session title.")
    objective: Text = Field(description="What the pair should have achieved by the end.")
    minutes: Minutes = Field(description="Meeting length; the agenda must add up to it.")
    topics: list[Slug] = Field(default_factory=list, description="Topic guide ids discussed.")
    challenges: list[Slug] = Field(
        default_factory=list, description="Challenge playbook ids worth reading beforehand."
    )
    agenda: list[TimedItem] = Field(min_length=1, description="Timed agenda items.")
    prompts: list[Text] = Field(
        default_factory=list, description="Discussion prompts beyond those of the topics."
    )
    preparation: TextList = Field(description="What to do before the meeting.")
    follow_up: TextList = Field(description="What to do after the meeting.")

    @model_validator(mode="after")
    def _agenda_fits(self) -> Session:
        total = sum(item.minutes for item in self.agenda)
        if total != self.minutes:
            raise ValueError(
                f"agenda items add up to {total} minutes but the session lasts {self.minutes}"
            )
        return self


class Program(Model):
    title: Text = Field(description="Program name.")
    summary: Text = Field(description="One sentence shown in lists.")
    purpose: Prose = Field(description="Why the program exists (Markdown).")
    comparison: Comparison | None = Field(None, description="Optional comparison table.")
    objectives: list[Objective] = Field(min_length=1, description="Objectives with KPIs.")
    duration: Text = Field(description="How long a cohort runs, e.g. 'Six months'.")
    cadence: Text = Field(description="How often pairs meet, in words.")
    format: Text = Field(description="In person, virtual or hybrid, in words.")
    roles: list[Role] = Field(min_length=1, description="Roles with responsibilities.")
    enrolment: Enrolment = Field(description="How people join.")
    matching: Matching = Field(description="How pairs are formed.")
    launch_steps: list[LaunchStep] = Field(min_length=1, description="Launch checklist.")
    evaluation: list[Survey] = Field(min_length=1, description="Surveys and when they run.")
    recognition: TextList = Field(description="How participants are recognised.")
    curricula: Curricula = Field(description="Training modules per audience.")
    challenges: list[Slug] = Field(
        default_factory=list, description="Challenge playbook ids relevant to the program."
    )
    meeting_plan: list[Session] = Field(min_length=1, description="Sessions in order.")


# --- cohort --------------------------------------------------------------------------------


class Pair(Model):
    mentor: Text = Field(description="Mentor's name.")
    mentee: Text = Field(description="Mentee's name.")
    department: Text | None = Field(None, description="Department(s) of the pair.")
    mentor_email: Email | None = Field(None, description="Mentor's work email.")
    mentee_email: Email | None = Field(None, description="Mentee's work email.")


class Blackout(Model):
    start: Day = Field(description="First blocked day, e.g. 2027-07-19.")
    end: Day | None = Field(None, description="Last blocked day; omit for a single day.")
    reason: Text = Field(description="Why, shown on moved meetings, e.g. 'Summer break'.")

    @model_validator(mode="after")
    def _ordered(self) -> Blackout:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class HolidayCalendar(Model):
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = Field(
        description="ISO country code, e.g. GB, DE, US."
    )
    subdivision: Text | None = Field(None, description="Region code, e.g. ENG, BY, CA.")


class Schedule(Model):
    start: Day = Field(description="The first meeting is the first date on or after this.")
    cadence: Annotated[str, AfterValidator(_is_cadence)] = Field(
        description="'weekly', 'every 2 weeks' (any N) or 'monthly'."
    )
    weekday: Weekday | None = Field(None, description="Meeting weekday, e.g. tuesday.")
    week: Literal["first", "second", "third", "fourth", "last"] | None = Field(
        None, description="Monthly only: which weekday of the month, e.g. 'second'."
    )
    day_of_month: int | None = Field(
        None, ge=1, le=28, description="Monthly only: day of the month (1-28)."
    )
    time: dt.time = Field(description="Local start time, e.g. '16:00'.")
    time_zone: Annotated[str, AfterValidator(_is_zone)] = Field(
        description="IANA time zone, e.g. Europe/London."
    )
    holidays: HolidayCalendar | None = Field(None, description="Public holidays to avoid.")
    blackouts: list[Blackout] = Field(default_factory=list, description="Dates to avoid.")
    when_blocked: Literal["next-working-day", "skip"] = Field(
        "next-working-day",
        description="A meeting on a holiday or blackout moves to the next working day, "
        "or is skipped and the cohort runs one slot longer.",
    )
    end_by: Day | None = Field(None, description="Optional: the last meeting must be by then.")

    @model_validator(mode="after")
    def _rule_complete(self) -> Schedule:
        if self.cadence == "monthly":
            if self.day_of_month is None and (self.weekday is None or self.week is None):
                raise ValueError(
                    "a monthly cadence needs either day_of_month, or weekday and week "
                    "(e.g. week: second, weekday: tuesday)"
                )
            if self.day_of_month is not None and (self.weekday or self.week):
                raise ValueError("give day_of_month, or weekday and week, not both")
        else:
            if self.weekday is None:
                raise ValueError(f"cadence {self.cadence!r} needs a weekday, e.g. tuesday")
            if self.week is not None or self.day_of_month is not None:
                raise ValueError("week and day_of_month apply only to a monthly cadence")
        return self


class Cohort(Model):
    title: Text = Field(description="Cohort name, e.g. 'Spring 2027'.")
    summary: Prose | None = Field(None, description="A short introduction (Markdown).")
    coordinator: Person = Field(description="Who runs this cohort day to day.")
    format: Literal["in-person", "virtual", "hybrid"] = Field(description="Meeting format.")
    place: Text | None = Field(None, description="Where in-person meetings happen.")
    video_link: Url | None = Field(None, description="Video-call link for virtual meetings.")
    schedule: Schedule = Field(description="When the cohort meets.")
    pairs: list[Pair] = Field(default_factory=list, description="Mentor-mentee pairs.")

    @model_validator(mode="after")
    def _where(self) -> Cohort:
        if self.format in ("in-person", "hybrid") and not self.place:
            raise ValueError(f"a {self.format} cohort needs a place")
        if self.format in ("virtual", "hybrid") and not self.video_link:
            raise ValueError(f"a {self.format} cohort needs a video_link")
        return self


# --- library -------------------------------------------------------------------------------


class RolePrompts(Model):
    mentor: TextList = Field(description="Questions the mentor can ask or explore.")
    mentee: TextList = Field(description="Questions the mentee can ask or explore.")


class Activity(Model):
    title: Text = Field(description="Name of the hands-on activity.")
    minutes: Minutes = Field(description="How long it takes.")
    steps: TextList = Field(description="Steps in order.")


class TopicGuide(Model):
    title: Text = Field(description="Topic name.")
    summary: Text = Field(description="One sentence shown in lists.")
    why_it_matters: Prose = Field(description="Why pairs should spend time on it (Markdown).")
    learning_goals: TextList = Field(description="What the mentee (or both) will learn.")
    prompts: RolePrompts = Field(description="Discussion prompts per role.")
    activity: Activity = Field(description="A hands-on activity for a meeting.")
    signs_of_progress: TextList = Field(description="How the pair can tell it is working.")


class PlaybookActions(Model):
    mentor: TextList = Field(description="What the mentor does.")
    mentee: TextList = Field(description="What the mentee does.")
    coordinator: TextList = Field(description="What the coordinator does.")


class ChallengePlaybook(Model):
    title: Text = Field(description="The challenge in a few words.")
    summary: Text = Field(description="One sentence shown in lists.")
    warning_signs: TextList = Field(description="What people notice early.")
    likely_causes: TextList = Field(description="Why it tends to happen.")
    actions: PlaybookActions = Field(description="What each role does about it.")
    escalate_when: TextList = Field(description="When to bring in the coordinator or HR.")
    rematch_when: TextList = Field(description="When the pair should be re-matched.")


class Exercise(Model):
    title: Text = Field(description="Exercise name.")
    minutes: Minutes = Field(description="How long it takes.")
    instructions: Prose = Field(description="Instructions for participants (Markdown).")


class TrainingModule(Model):
    title: Text = Field(description="Module name.")
    summary: Text = Field(description="One sentence shown in lists.")
    audience: list[Audience] = Field(min_length=1, description="Who the module is for.")
    minutes: Minutes = Field(description="Total length; the outline must add up to it.")
    objectives: TextList = Field(description="Learning objectives.")
    outline: list[TimedItem] = Field(min_length=1, description="Timed outline.")
    exercise: Exercise = Field(description="The practical exercise.")
    materials: TextList = Field(description="What the trainer needs.")

    @model_validator(mode="after")
    def _outline_fits(self) -> TrainingModule:
        total = sum(item.minutes for item in self.outline)
        if total != self.minutes:
            raise ValueError(
                f"outline items add up to {total} minutes but the module lasts {self.minutes}"
            )
        return self


class Site(Model):
    title: Text = Field(description="Site title shown in the header.")
    organisation: Text = Field(description="Organisation name, shown in the footer.")
    description: Text = Field(description="One sentence for the home page.")
    contact: Person = Field(description="Program office contact, shown in the footer.")
    url: SiteUrl | None = Field(
        None, description="Address the site is published at; calendar events link to it."
    )
    privacy: Literal["internal", "public"] = Field(
        "internal",
        description="internal shows names, pairs and contacts; public hides every participant.",
    )
    results_min_group: int = Field(
        5, ge=1, description="Fewest answers a result needs to be shown; smaller groups show "
                             "'too few answers to show'.")
