"""`handbook new`: start a program or cohort from a complete, commented, valid file.

Why: copying an existing file drags its content along and hides which keys are optional. A
scaffold names every key with a comment saying what it is for, uses realistic values and only
references ids that exist in the content folder at hand, so it passes `handbook check` as
written and the author edits from a working state instead of debugging a blank page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError, HandbookError, did_you_mean, relative
from ..load.loader import YAML_SUFFIXES, discover, parse_yaml
from ..validate.models import SLUG_PATTERN
from .schema import schema_comment

SESSIONS_IF_UNKNOWN = 12  # only sizes the example end_by when the program cannot be read


@dataclass(frozen=True)
class Library:
    """The ids a scaffold may reference: what exists in the content folder right now."""

    topics: list[str]
    challenges: list[str]
    modules: dict[str, list[str]]  # module id -> audiences

    @classmethod
    def scan(cls, content: Path) -> Library:
        topics, challenges, modules = [], [], {}
        for kind, ident, path, _ in discover(content):
            if not re.fullmatch(SLUG_PATTERN, ident):
                continue  # `check` reports it; a scaffold must not reference it
            if kind == "topic":
                topics.append(ident)
            elif kind == "challenge":
                challenges.append(ident)
            elif kind == "module":
                audience = _read(path, "audience")
                if isinstance(audience, list):
                    modules[ident] = [str(a) for a in audience]
        return cls(sorted(topics), sorted(challenges), modules)

    def modules_for(self, audience: str, prefer: Iterable[str], count: int) -> list[str]:
        """Modules meant for `audience` (a curriculum naming any other fails `check`)."""
        fitting = [m for m, audiences in self.modules.items() if audience in audiences]
        return pick(fitting, prefer, count)


def pick(available: Iterable[str], prefer: Iterable[str], count: int) -> list[str]:
    """Up to `count` ids: the preferred ones that exist first, then the rest in order."""
    pool = sorted(set(available))
    chosen = [p for p in prefer if p in pool]
    chosen += [p for p in pool if p not in chosen]
    return chosen[:count]


def _read(path: Path, key: str) -> object:
    """One top-level value of a YAML file, or None if the file cannot be read."""
    try:
        data, _ = parse_yaml(path.read_text(encoding="utf-8"), path.name)
    except (HandbookError, OSError, UnicodeDecodeError):
        return None
    return data.get(key) if isinstance(data, dict) else None


def _check_id(ident: str, what: str, path: Path, root: Path) -> None:
    if not re.fullmatch(SLUG_PATTERN, ident):
        raise HandbookError([ContentError(
            relative(path, root), f"the {what} {ident!r} is not a valid id",
            hint="use lowercase letters, digits and single hyphens, e.g. spring-2028",
        )])


def _existing(folder: Path, stem: str) -> Path | None:
    for suffix in YAML_SUFFIXES:
        if (folder / f"{stem}{suffix}").exists():
            return folder / f"{stem}{suffix}"
    return None


def _refuse_existing(folder: Path, stem: str, root: Path) -> None:
    found = _existing(folder, stem)
    if found is not None:
        raise HandbookError([ContentError(
            relative(found, root), "the file already exists",
            hint="pick another id, or edit the existing file",
        )])


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML), so no value is misread."""
    return json.dumps(text, ensure_ascii=False)


def _flow(ids: list[str]) -> str:
    return "[" + ", ".join(ids) + "]"


def _humanise(ident: str) -> str:
    words = ident.replace("-", " ")
    return words[:1].upper() + words[1:]


def _write(path: Path, text: str, root: Path) -> str:
    """Check the text parses, then write it; returns the path as messages show it."""
    parse_yaml(text, relative(path, root))  # a scaffold bug must never write a broken file
    path.parent.mkdir(parents=True, exist_ok=True)
    # "x": never overwrite, even in a race; "\n": the same file on Windows as elsewhere.
    with path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return relative(path, root)


# --- program -------------------------------------------------------------------------------


def new_program(root: Path, ident: str, content: Path | None = None) -> str:
    """Write content/programs/<id>/program.yml; returns its path relative to root."""
    content = content or root / "content"
    folder = content / "programs" / ident
    _check_id(ident, "program id", folder / "program.yml", root)
    _refuse_existing(folder, "program", root)
    path = folder / "program.yml"
    text = program_text(ident, Library.scan(content), schema_comment("program", path, root))
    return _write(path, text, root)


def program_text(ident: str, library: Library, comment: str) -> str:
    """The scaffold of a program: every key, a comment on each, ids that exist."""
    topics = pick(library.topics, ["digital-tools", "expectations-of-work"], 2)
    challenges = pick(library.challenges, ["meetings-drifting", "managing-expectations"], 2)
    curricula = {
        "mentor": library.modules_for("mentor", ["program-orientation", "active-listening"], 2),
        "mentee": library.modules_for("mentee", ["program-orientation", "feedback-both-ways"], 2),
        "coordinator": library.modules_for(
            "coordinator", ["program-orientation", "coordinator-launch-and-matching"], 2),
    }
    kickoff_topics, review_topics = topics[:1], topics[1:2]
    kickoff_challenges = challenges[1:2] or challenges[:1]
    review_challenges = challenges[:1]
    missing = [what for what, ids in (("topic guides", library.topics),
                                      ("challenge playbooks", library.challenges),
                                      ("training modules", list(library.modules))) if not ids]
    note = ""
    if missing:
        listed = ", ".join(missing[:-1]) + (" or " if len(missing) > 1 else "") + missing[-1]
        note = "\n" + textwrap.fill(f"content/ has no {listed} yet, so the lists that reference "
                                    "them are empty: add their ids once the files exist.",
                                    width=98, initial_indent="# ", subsequent_indent="# ")
    return f"""\
{comment}
# Program handbook for {_q(_humanise(ident))}, started with `handbook new program {ident}`.
# Every key is present with an example value: edit the text, keep the shape, then run
# `handbook check`. Keys marked (Markdown) may use **bold**, lists and links.
# The folder name ({ident}) is the program id; cohorts go in the cohorts/ folder next to it.{note}

title: {_q(_humanise(ident))}   # program name, shown in navigation and page titles
summary: One sentence that tells a reader what the program is and who it is for.   # shown in lists
purpose: |   # (Markdown) why the program exists: the problem it solves and for whom
  Describe the need this program answers, for example that experienced colleagues and newer
  ones rarely learn from each other outside their own teams.

  Then say what the program does about it: who is paired with whom, for how long, and what
  both partners get out of it.
comparison:   # optional: a table comparing this program with another approach; delete if unused
  title: Traditional mentoring and this program   # heading of the table
  other_label: Traditional mentoring   # column heading for the other approach
  this_label: This program   # column heading for this program
  rows:   # one row per aspect compared
    - aspect: Who leads   # what is compared
      other: The more senior partner   # how the other approach handles it
      this: Both partners, taking turns   # how this program handles it
objectives:   # what the business gains; each objective has measurable KPIs
  - title: Stronger skills on both sides   # the objective in a few words
    description: |   # (Markdown) why it matters to the business
      Pairs swap practical know-how, so skills spread across teams without formal courses.
    kpis:   # indicators; survey questions feed them through `kpi:` below
      - id: skills-gained   # KPI id, used by survey questions
        name: Participants who report a new skill they use weekly   # what is measured
        target: 75% or more   # the value the program aims for
        measured_by: Final survey, both partners   # how and when the figure is collected
      - id: satisfaction
        name: Average satisfaction with the program
        target: 4 out of 5 or higher
        goal: {{op: at-least, value: 4, unit: mean, measure: answers}}   # optional, see README
        measured_by: Mid-point and final surveys
duration: Three months per cohort   # how long a cohort runs, in words
cadence: Every two weeks   # how often pairs meet, in words (the dates come from each cohort)
format: In person or by video, as each pair prefers   # in person, virtual or hybrid, in words
roles:   # who takes part; mentor, mentee and coordinator are the usual ids
  - id: mentor   # role id
    name: Mentor   # role name as readers see it
    description: |   # (Markdown) who takes this role
      A colleague who shares their knowledge and experience with their partner.
    responsibilities:   # what the role does
      - Prepare for each meeting using its agenda page
      - Keep what the partner shares confidential
    time_commitment: About 2 hours a fortnight   # expected time
  - id: mentee
    name: Mentee
    description: |
      A colleague who wants to learn and says what they hope to gain.
    responsibilities:
      - Bring questions and goals to each meeting
      - Give honest feedback on what helps
    time_commitment: About 2 hours a fortnight
  - id: coordinator
    name: Coordinator
    description: |
      The person who runs each cohort, matches pairs and follows up.
    responsibilities:
      - Match pairs and send them the schedule
      - Check in with every pair after the first meeting
    time_commitment: About 1 hour per pair per month
enrolment:   # how people join
  mode: open   # open (anyone may sign up) or invite-only
  description: |   # (Markdown) how people join and by when
    Sign up on the intranet form before the cohort starts. Your line manager is asked to agree
    to the time commitment.
  channels:   # where the program is promoted
    - Intranet news
    - Team meetings
  selection_criteria:   # how participants are chosen
    - Willing to learn from a colleague
    - Line manager agrees to the time commitment
matching:   # how pairs are formed
  description: |   # (Markdown) how the coordinator forms pairs
    The coordinator pairs people from different teams, using what each wrote on the sign-up
    form.
  criteria:   # what pairs are matched on
    - Interests and goals from the sign-up form
    - Different teams, so both learn something new
  # how long the trial lasts and what happens after it
  trial_period: The first two meetings; then each partner tells the coordinator whether it works.
  rematching: Ask the coordinator at any time; no reasons needed.   # when a pair does not work
launch_steps:   # the coordinator's checklist before a cohort starts
  - title: Agree objectives   # the step in a few words
    description: Agree with the sponsor what success means and how it is measured.   # what is done
  - title: Recruit and match
    description: Promote the program, collect sign-ups and match pairs.
evaluation:   # surveys and when they are sent
  - id: mid-point-survey   # survey id
    title: Mid-point survey   # survey name
    after_session: check-in   # the meeting-plan session after which it is sent
    audience: [mentor, mentee]   # who answers: mentor, mentee, coordinator, sponsor
    questions:   # the questions, in order
      - question: How satisfied are you with the program so far?   # as participants read it
        answer: scale   # scale (1-5), yes-no, number or text
        kpi: satisfaction   # the KPI this answer feeds (optional)
  - id: final-survey
    title: Final survey
    after_session: wrap-up
    audience: [mentor, mentee]
    questions:
      - question: Do you now use a new skill every week because of the program?
        answer: yes-no
        kpi: skills-gained
      - question: How satisfied are you with the program overall?
        answer: scale
        kpi: satisfaction
      - question: What should we change for the next cohort?
        answer: text
recognition:   # how participants are thanked
  - A thank-you note from the sponsor
  - A certificate of completion
curricula:   # training module ids per audience (files in content/training/)
  mentor: {_flow(curricula["mentor"])}   # modules every mentor completes
  mentee: {_flow(curricula["mentee"])}   # modules every mentee completes
  coordinator: {_flow(curricula["coordinator"])}   # modules for coordinators
# challenge playbook ids (files in content/challenges/) relevant to the whole program
challenges: {_flow(challenges)}
meeting_plan:   # every cohort runs these sessions in this order; dates come from the cohort
  - id: kickoff   # session id, unique in this program
    title: Kickoff and goals   # session title
    objective: Both partners know each other and have agreed three goals.   # the outcome
    minutes: 60   # meeting length: the agenda minutes must add up to it
    topics: {_flow(kickoff_topics)}   # topic guide ids (content/topics/) discussed
    challenges: {_flow(kickoff_challenges)}   # challenge playbook ids worth reading beforehand
    agenda:   # timed items, in order
      - minutes: 15   # how long the item takes
        item: Introductions and backgrounds   # what happens in this slot
      - minutes: 30
        item: Agree three goals and how you will work together
      - minutes: 15
        item: Plan the next meeting and the follow-up actions
    prompts:   # discussion prompts beyond those of the topics
      - What do you hope to learn from each other?
    preparation:   # what to do before the meeting
      - Read this handbook and your role's training
    follow_up:   # what to do after the meeting
      - Write down the three goals and share them with your partner
  - id: check-in
    title: Check-in
    objective: The pair has reviewed progress and adjusted the goals.
    minutes: 45
    topics: {_flow(review_topics)}
    challenges: {_flow(review_challenges)}
    agenda:
      - minutes: 20
        item: Progress on each goal since the kickoff
      - minutes: 20
        item: What is working and what to change
      - minutes: 5
        item: Agree actions and remind each other about the mid-point survey
    prompts:
      - Which goal has moved the most, and why?
    preparation:
      - Reread the goals you agreed at the kickoff
    follow_up:
      - Both answer the mid-point survey
  - id: wrap-up
    title: Wrap-up and next steps
    objective: The pair has looked back on what each learned and agreed what comes next.
    minutes: 45
    topics: []
    challenges: []
    agenda:
      - minutes: 25
        item: Look back at the goals and what each of you learned
      - minutes: 15
        item: Feedback both ways and what comes next
      - minutes: 5
        item: Thank each other
    prompts:
      - What will you keep doing now the program has ended?
    preparation:
      - Bring your notes from every meeting
    follow_up:
      - Both answer the final survey within a week
"""


# --- cohort --------------------------------------------------------------------------------


def new_cohort(root: Path, program: str, ident: str, today: dt.date | None = None,
               content: Path | None = None) -> str:
    """Write content/programs/<program>/cohorts/<id>.yml; returns its path relative to root."""
    content = content or root / "content"
    program_dir = content / "programs" / program
    _check_id(program, "program id", program_dir / "program.yml", root)
    _check_id(ident, "cohort id", program_dir / "cohorts" / f"{ident}.yml", root)
    program_file = _existing(program_dir, "program")
    if program_file is None:
        known = [i for k, i, _, _ in discover(content) if k == "program"]
        raise HandbookError([ContentError(
            relative(program_dir / "program.yml", root), f"there is no program {program!r}",
            hint=did_you_mean(program, known, "programs")
            + f"; create it first with `handbook new program {program}`",
        )])
    _refuse_existing(program_dir / "cohorts", ident, root)
    plan = _read(program_file, "meeting_plan")
    sessions = len(plan) if isinstance(plan, list) and plan else SESSIONS_IF_UNKNOWN
    path = program_dir / "cohorts" / f"{ident}.yml"
    text = cohort_text(program, ident, sessions, today or dt.date.today(),
                       schema_comment("cohort", path, root))
    return _write(path, text, root)


def _first_of_month_after(day: dt.date) -> dt.date:
    if day.day == 1:
        return day
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def cohort_text(program: str, ident: str, sessions: int, today: dt.date, comment: str) -> str:
    """The scaffold of a cohort: dates a few weeks ahead, an end_by the plan fits into."""
    start = _first_of_month_after(today + dt.timedelta(days=21))
    blackout = start + dt.timedelta(days=42)
    blackout_end = blackout + dt.timedelta(days=4)
    # every 2 weeks, plus a week to reach the weekday and room for moved or skipped meetings
    end_by = start + dt.timedelta(weeks=2 * sessions + 8)
    return f"""\
{comment}
# Cohort {_q(ident)} of the {program} program, started with
# `handbook new cohort {program} {ident}`. The file name ({ident}) is the cohort id.
# Edit the values, then run `handbook check`; `handbook build` computes every meeting date.

title: {_q(_humanise(ident))}   # cohort name, e.g. Spring 2028 - Leeds
summary: |   # optional (Markdown): a short introduction on the cohort page
  Pairs meet every other Tuesday afternoon, in the meeting room or by video, whichever suits
  the day. Questions about your pair or the schedule go to the cohort coordinator.
coordinator:   # who runs this cohort day to day
  name: Jordan Placeholder   # full name as participants know the person
  email: jordan.placeholder@example.com   # work email (optional)
  phone: "Ext. 4410"   # phone number or extension (optional)
format: hybrid   # in-person (needs place), virtual (needs video_link) or hybrid (needs both)
place: Meeting Room 2, 3rd floor, head office   # where in-person meetings happen
video_link: https://meet.example.com/{program}-{ident}   # video-call link for virtual meetings
schedule:   # meeting dates are never typed: they follow from start and the cadence
  start: {start.isoformat()}   # the first meeting is the first matching day on or after this
  cadence: every 2 weeks   # weekly, every N weeks, or monthly
  weekday: tuesday   # meeting weekday (weekly and every-N-weeks; monthly with week)
  # Monthly cadence only: either week (with weekday) or day_of_month. Uncomment one to use it.
  # week: second   # first, second, third, fourth or last weekday of the month
  # day_of_month: 15   # a day of the month, 1 to 28, instead of weekday and week
  time: "15:00"   # local start time, in quotes
  time_zone: Europe/London   # IANA time zone; meetings keep their wall-clock time across DST
  holidays:   # public holidays to avoid (optional)
    country: GB   # ISO country code, e.g. GB, DE, US
    subdivision: ENG   # region code (optional), e.g. ENG, BY, CA
  blackouts:   # dates to avoid, each with a reason shown on moved meetings
    - start: {blackout.isoformat()}   # first blocked day
      end: {blackout_end.isoformat()}   # last blocked day (omit for a single day)
      reason: Company-wide offsite   # why the dates are blocked
  when_blocked: next-working-day   # next-working-day moves a blocked meeting; skip drops it
  end_by: {end_by.isoformat()}   # optional: an error if the meeting plan does not fit by then
# Mentor-mentee pairs: these made-up people stand in for yours. Replace them, or import
# yours from a spreadsheet with `handbook import-pairs {program} {ident} FILE.xlsx`.
pairs:
  - mentor: Avery Placeholder   # mentor's name
    mentee: Blake Placeholder   # mentee's name
    department: Finance   # department(s) of the pair (optional)
    mentor_email: avery.placeholder@example.com   # optional
    mentee_email: blake.placeholder@example.com   # optional
  - mentor: Casey Fictional
    mentee: Devon Fictional
    department: Operations and Legal
    mentor_email: casey.fictional@example.com
    mentee_email: devon.fictional@example.com
"""
