"""Typed content models: what each YAML file may say, with no I/O.

Every model forbids unknown keys (a misspelt key must be an error, not silently ignored) and is
frozen, so later stages cannot change what validation accepted. Every field carries a
description: it feeds the JSON Schema that editors use to complete and check YAML, and the
comments of the `handbook new` scaffolds. The building blocks are in fields.py, a cohort's
schedule in schedule_model.py; every model is importable from here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from ..i18n import DEFAULT as DEFAULT_LANGUAGE
from ..i18n import LANGUAGES
from .fields import FIRST_YEAR as FIRST_YEAR  # re-exported: the stages import them from here
from .fields import LAST_YEAR as LAST_YEAR
from .fields import MAX_ID_LENGTH as MAX_ID_LENGTH
from .fields import SLUG_PATTERN as SLUG_PATTERN
from .fields import (
    Audience,
    Email,
    HintedError,
    Minutes,
    Model,
    SiteUrl,
    Slug,
    Text,
    TextList,
    Url,
)
from .fields import Person as Person
from .fields import TimedItem as TimedItem
from .goals import Goal
from .prose import markdown_problems
from .schedule_model import Blackout as Blackout
from .schedule_model import HolidayCalendar as HolidayCalendar
from .schedule_model import Schedule as Schedule


class MarkdownText(str):
    """A prose field whose Markdown is rendered (after raw HTML is neutralised)."""


def _safe_markdown(value: str) -> MarkdownText:
    """Every link and image in the field must survive the build and show offline: the rules
    and the parsing (Python-Markdown's own, on the field as the page will hold it) are in
    prose.py."""
    problems = markdown_problems(value)
    if problems:
        (message, hint), more = problems[0], len(problems) - 1
        raise HintedError(message + (f" (and {more} more)" if more else ""), hint)
    return MarkdownText(value)


Prose = Annotated[str, StringConstraints(min_length=1), AfterValidator(_safe_markdown)]


def _catalogued(value: str) -> str:
    """A language the generator can write its own labels in (one catalog each)."""
    if value not in LANGUAGES:
        raise HintedError(f"{value!r} is not a language handbook has labels for",
                          f"write one of {', '.join(LANGUAGES)} (a catalog in "
                          "generator/locale/ adds another)")
    return value

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
    kpis: list[Kpi] = Field(
        min_length=1,
        description="Measurable indicators for it; survey questions feed them through `kpi`.",
    )


class ComparisonRow(Model):
    aspect: Text = Field(description="What is compared, e.g. 'Direction'.")
    other: Text = Field(description="How the other approach handles it.")
    this: Text = Field(description="How this program handles it.")


class Comparison(Model):
    title: Text = Field(description="Heading of the comparison table.")
    other_label: Text = Field(description="Column heading for the other approach.")
    this_label: Text = Field(description="Column heading for this program.")
    rows: list[ComparisonRow] = Field(min_length=1, description="One row per aspect compared.")


class Role(Model):
    id: Slug = Field(description="Role id, e.g. `mentor`, `mentee`, `coordinator`, `sponsor`.")
    name: Text = Field(description="Role name as shown to readers.")
    description: Prose = Field(description="Who takes this role (Markdown).")
    responsibilities: TextList = Field(description="What the role does.")
    time_commitment: Text = Field(description="Expected time, e.g. '2 hours a month'.")


class Enrolment(Model):
    mode: Literal["open", "invite-only"] = Field(
        description="open (anyone may sign up) or invite-only."
    )
    description: Prose = Field(description="How people join and by when (Markdown).")
    channels: TextList = Field(description="Where the program is promoted.")
    selection_criteria: TextList = Field(description="How participants are chosen.")


class Matching(Model):
    description: Prose = Field(description="How the coordinator forms pairs (Markdown).")
    criteria: TextList = Field(description="What pairs are matched on.")
    trial_period: Text = Field(description="How long the trial lasts and what happens after it.")
    rematching: Text = Field(description="How a pair that does not work is re-matched.")


class LaunchStep(Model):
    title: Text = Field(description="The step in a few words.")
    description: Text = Field(description="What is done in this step.")


class SurveyQuestion(Model):
    question: Text = Field(description="The question as participants read it.")
    answer: Literal["scale", "yes-no", "number", "text"] = Field(
        "scale", description="Answer form: scale (1-5), yes-no, number or text."
    )
    kpi: Slug | None = Field(
        None, description="Id of the program KPI this answer feeds (optional)."
    )


class Survey(Model):
    id: Slug = Field(description="Survey id.")
    title: Text = Field(description="Survey name, e.g. 'Mid-point survey'.")
    after_session: Slug = Field(description="The meeting-plan session after which it is sent.")
    audience: list[Literal["mentor", "mentee", "coordinator", "sponsor"]] = Field(
        min_length=1, description="Who answers it: mentor, mentee, coordinator or sponsor."
    )
    questions: list[SurveyQuestion] = Field(min_length=1, description="The questions, in order.")


class Curricula(Model):
    mentor: list[Slug] = Field(
        default_factory=list, description="Training module ids every mentor completes."
    )
    mentee: list[Slug] = Field(
        default_factory=list, description="Training module ids every mentee completes."
    )
    coordinator: list[Slug] = Field(
        default_factory=list, description="Training module ids for coordinators."
    )


class Session(Model):
    """One entry of the meeting plan: the same sequence runs in every cohort."""

    id: Slug = Field(description="Session id, unique within the program.")
    title: Text = Field(description="Session title.")
    objective: Text = Field(description="What the pair should have achieved by the end.")
    minutes: Minutes = Field(description="Meeting length; the agenda must add up to it.")
    topics: list[Slug] = Field(
        default_factory=list, description="Topic guide ids (content/topics/) discussed."
    )
    challenges: list[Slug] = Field(
        default_factory=list, description="Challenge playbook ids worth reading beforehand."
    )
    agenda: list[TimedItem] = Field(min_length=1, description="Timed agenda items, in order.")
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
    title: Text = Field(description="Program name, shown in navigation and page titles.")
    summary: Text = Field(description="One sentence shown in lists.")
    purpose: Prose = Field(
        description="Why the program exists: the problem it solves and for whom (Markdown)."
    )
    comparison: Comparison | None = Field(
        None, description="Optional: a table comparing this program with another approach."
    )
    objectives: list[Objective] = Field(
        min_length=1, description="What the business gains; each objective has measurable KPIs."
    )
    duration: Text = Field(description="How long a cohort runs, in words, e.g. 'Six months'.")
    cadence: Text = Field(
        description="How often pairs meet, in words (the dates come from each cohort)."
    )
    format: Text = Field(description="In person, virtual or hybrid, in words.")
    roles: list[Role] = Field(
        min_length=1,
        description="Who takes part; mentor, mentee and coordinator are the usual role ids.",
    )
    enrolment: Enrolment = Field(description="How people join.")
    matching: Matching = Field(description="How pairs are formed.")
    launch_steps: list[LaunchStep] = Field(
        min_length=1, description="The coordinator's checklist before a cohort starts."
    )
    evaluation: list[Survey] = Field(min_length=1, description="Surveys and when they are sent.")
    recognition: TextList = Field(description="How participants are thanked and recognised.")
    curricula: Curricula = Field(
        description="Training module ids (files in content/training/) per audience."
    )
    challenges: list[Slug] = Field(
        default_factory=list,
        description="Challenge playbook ids (files in content/challenges/) relevant to the "
        "whole program.",
    )
    meeting_plan: list[Session] = Field(
        min_length=1,
        description="Sessions in order: every cohort runs them; the dates come from the cohort.",
    )


# --- cohort --------------------------------------------------------------------------------


class Pair(Model):
    mentor: Text = Field(description="Mentor's name.")
    mentee: Text = Field(description="Mentee's name.")
    department: Text | None = Field(None, description="Department(s) of the pair (optional).")
    mentor_email: Email | None = Field(None, description="Mentor's work email (optional).")
    mentee_email: Email | None = Field(None, description="Mentee's work email (optional).")
    held: list[Annotated[int, Field(ge=1)]] | None = Field(
        None, description="Meetings this pair held, by their number in the meeting plan (1 is "
        "the first), e.g. [1, 2, 3, 5]; `handbook import-survey ... attendance` writes it. The "
        "completion rate and the pair's certificates count them (optional; without it the "
        "results file's attendance counts are used).")


class Cohort(Model):
    title: Text = Field(description="Cohort name, e.g. 'Spring 2027'.")
    summary: Prose | None = Field(
        None, description="Optional: a short introduction on the cohort page (Markdown)."
    )
    coordinator: Person = Field(description="Who runs this cohort day to day.")
    format: Literal["in-person", "virtual", "hybrid"] = Field(
        description="Meeting format: in-person (needs place), virtual (needs video_link) or "
        "hybrid (needs both)."
    )
    place: Text | None = Field(None, description="Where in-person meetings happen.")
    video_link: Url | None = Field(None, description="Video-call link for virtual meetings.")
    schedule: Schedule = Field(
        description="When the cohort meets: meeting dates are never typed, they follow from "
        "start and the cadence."
    )
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


class Signatory(Model):
    name: Text = Field(description="Who signs the certificates, as printed under the line.")
    title: Text | None = Field(None, description="Their role, printed under the name, e.g. "
                                                 "Chief People Officer (optional).")


class Certificates(Model):
    signatory: Signatory | None = Field(
        None, description="Who signs every participant's certificate; without one the "
                          "certificate is given for the organisation.")


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
    language: Annotated[str, AfterValidator(_catalogued)] = Field(
        DEFAULT_LANGUAGE, description="Language of every label, date and the theme's interface: "
                                      "en, de, fr or es (the languages handbook has a catalog "
                                      "for).")
    languages: list[Annotated[str, AfterValidator(_catalogued)]] | None = Field(
        None, min_length=1, description="A site in several languages: one site each under "
        "site/<lang>/, the first the default that untranslated texts fall back to, e.g. "
        "[en, de, fr]. Texts are translated in X.<lang>.yml files beside each X.yml.")
    results_min_group: int = Field(
        5, ge=1, description="Fewest answers a result needs to be shown; smaller groups show "
                             "'too few answers to show'.")
    certificates: Certificates | None = Field(
        None, description="Certificates for the participants of a finished cohort (internal "
                          "edition only): who signs them.")
    pdf: bool = Field(
        True,
        description="false: `handbook build` makes no PDF of cohorts and packs, and links none.",
    )
