"""The resolve stage's entry point: everything decided between validation and planning.

`resolve` schedules every cohort, finds who uses each library item and decides what each
cohort's calendar holds (events at the revision the ledger gives them), once; the plan reads the
frozen result and recomputes none of it. A public edition's participants are removed here,
before planning (`privacy.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ContentError, HandbookError
from ..validate.library import Library
from .backlinks import Key, Usage, usage
from .calendars import AgendaUrl, cohort_calendars
from .events import CalendarFile
from .holiday_table import HolidayTable
from .privacy import Edition, apply_privacy
from .revisions import Revisions
from .schedule import IN_MEMORY, CohortSchedule, schedule_cohort


@dataclass(frozen=True)
class Resolved:
    """The validated library with what follows from it: the input of the plan."""

    library: Library  # as this edition shows it: a public edition's has no participant
    schedules: dict[tuple[str, str], CohortSchedule]  # by (program id, cohort id)
    usage: dict[Key, Usage]  # backlinks by (kind, id)
    # Each cohort's events in meeting order, as published: by (program id, cohort id).
    calendars: dict[tuple[str, str], CalendarFile]
    edition: Edition  # how pages introduce the people this edition shows
    # The build prints PDFs of cohorts and packs (engine/pdf.py) and site.yml allows them:
    # cohort pages link them. Decided before planning, since the links must not dangle.
    pdf: bool = False


def schedules(library: Library, holidays: HolidayTable = IN_MEMORY
              ) -> dict[tuple[str, str], CohortSchedule]:
    """Every cohort's dated meetings; all scheduling mistakes reported at once. Public
    holidays from the `holidays` table (its answers, kept between builds by the caller)."""
    errors: list[ContentError] = []
    result: dict[tuple[str, str], CohortSchedule] = {}
    for key, cohort in library.cohorts.items():
        doc = library.source("cohort", "/".join(key))
        plan = library.programs[key[0]].meeting_plan
        found, problems = schedule_cohort(cohort, plan, doc.error, holidays,
                                          library.site.language)
        errors += problems
        if found:
            result[key] = found
    if errors:
        raise HandbookError(errors)
    return result


def resolve(library: Library, agenda_url: AgendaUrl, revisions: Revisions | None = None,
            pdf: bool = False, holidays: HolidayTable = IN_MEMORY) -> Resolved:
    """Schedules, backlinks and calendar contents of the library, for the plan. `agenda_url`
    is the plan's (`plan.calendars.agenda_urls`): an event links to its meeting's page. No
    ledger (`revisions`): events as a first build publishes them. `pdf`: the build will print
    PDFs (`Project.pdf`); they are linked unless site.yml says `pdf: false`. `holidays`: the
    table of public holidays the caller keeps (holiday_table.py)."""
    shown, edition = apply_privacy(library)
    found = schedules(shown, holidays)
    return Resolved(shown, found, usage(shown, found),
                    cohort_calendars(shown, found, agenda_url, revisions), edition,
                    pdf and library.site.pdf)
