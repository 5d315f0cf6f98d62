"""Where the calendar files go: one .ics per cohort and one per meeting.

Resolve decides what each event says and its revision (`resolve/calendars.py`); the plan only
puts them into files by path, and gives resolve the agenda URLs an event links to, both from
`paths.py`. The render stage makes the bytes (`render/calendars.py`).
"""

from __future__ import annotations

from ..resolve.calendars import AgendaUrl
from ..resolve.events import CalendarFile
from ..resolve.schedule import CohortSchedule
from ..validate.models import Site
from .paths import cohort_calendar_path, meeting_calendar_path, meeting_path, page_url


def agenda_urls(site: Site) -> AgendaUrl:
    """The link from a meeting's event to its agenda page (none without a site URL)."""
    base = site.url

    def url(pid: str, cid: str, number: int, session_id: str) -> str | None:
        return page_url(base, meeting_path(pid, cid, number, session_id)) if base else None

    return url


def calendar_files(calendars: dict[tuple[str, str], CalendarFile],
                   schedules: dict[tuple[str, str], CohortSchedule]) -> dict[str, CalendarFile]:
    """Every .ics file of the site, keyed by its path in the docs folder: the cohort's file
    holds all its events, each meeting's file its own (the same event object)."""
    files: dict[str, CalendarFile] = {}
    for (pid, cid), cohort in sorted(calendars.items()):
        files[cohort_calendar_path(pid, cid)] = cohort
        meetings = schedules[(pid, cid)].meetings
        for meeting, event in zip(meetings, cohort.events, strict=True):
            path = meeting_calendar_path(pid, cid, meeting.number, meeting.session.id)
            files[path] = CalendarFile(cohort.name, (event,))
    return files
