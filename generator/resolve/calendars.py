"""Calendar contents: one event per meeting, at the revision the ledger gives it.

UIDs come from program, cohort and session ids, so rebuilds never duplicate an event in a
subscribed calendar. Each event carries a SEQUENCE and DTSTAMP from the calendar ledger
(`revisions.py`): 0 and the cohort's start date until the event first changes, then one more
and a second later at each change. Never from the clock.

Where files go and what URL an agenda page has are the plan's to say (`plan/paths.py`): the
agenda link is part of what an event shows, so the caller passes the function that makes it,
and the plan puts the events into files by path (`plan/calendars.py`).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from ..i18n import ENGLISH, N_, Lang
from ..validate.library import Library
from ..validate.models import Cohort
from .events import CalendarFile, MeetingEvent
from .revisions import Revisions
from .schedule import CohortSchedule, ScheduledMeeting


class AgendaUrl(Protocol):
    """The absolute URL of a meeting's agenda page, or None when the site has no URL."""

    def __call__(self, pid: str, cid: str, number: int, session_id: str) -> str | None: ...


def meeting_event(pid: str, cid: str, cohort: Cohort, meeting: ScheduledMeeting,
                  stamp: dt.datetime, url: str | None, lang: Lang = ENGLISH) -> MeetingEvent:
    """The event of one meeting, at sequence 0 (before the ledger has a say)."""
    session = meeting.session
    lines = [session.objective]
    if url:
        lines.append(lang.gettext(N_("Agenda: %(url)s"), url=url))
    if cohort.video_link:
        lines.append(lang.gettext(N_("Video call: %(url)s"), url=cohort.video_link))
    if meeting.moved_from:
        lines.append(lang.gettext(N_("Moved from %(day)s: %(reason)s"),
                                  day=meeting.moved_from.isoformat(),
                                  reason=meeting.moved_because))
    where = " / ".join(w for w in (cohort.place, cohort.video_link) if w)
    return MeetingEvent(
        summary=f"{session.title} ({cohort.title})", start=meeting.start, end=meeting.end,
        stamp=stamp, uid=f"{pid}.{cid}.{session.id}@handbook", description="\n".join(lines),
        location=where or None, url=url)


def cohort_calendars(library: Library, schedules: dict[tuple[str, str], CohortSchedule],
                     agenda_url: AgendaUrl, revisions: Revisions | None = None
                     ) -> dict[tuple[str, str], CalendarFile]:
    """Every cohort's events in meeting order, each at the revision the ledger gives it
    (no ledger: as a first build publishes them), by (program id, cohort id)."""
    found: dict[tuple[str, str], CalendarFile] = {}
    for (pid, cid), cohort in sorted(library.cohorts.items()):
        stamp = dt.datetime.combine(cohort.schedule.start, dt.time(), tzinfo=dt.UTC)
        events = tuple(
            meeting_event(pid, cid, cohort, m, stamp,
                          agenda_url(pid, cid, m.number, m.session.id),
                          Lang(library.site.language))
            for m in schedules[(pid, cid)].meetings)
        if revisions is not None:
            events = tuple(revisions.revise(event) for event in events)
        found[(pid, cid)] = CalendarFile(f"{library.programs[pid].title}: {cohort.title}", events)
    return found
