"""Calendar files: one .ics per cohort and one per meeting, built with `icalendar`.

Rebuilds must not duplicate events in a subscribed calendar and must be byte-identical, so UIDs
come from program, cohort and session ids, and DTSTAMP from the content (the cohort's start
date), never from the clock.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from icalendar import Calendar, Event

from .views import cohort_dir, meeting_path

if TYPE_CHECKING:
    from .models import Cohort, Site
    from .schedule import CohortSchedule, ScheduledMeeting
    from .validate import Library

PRODID = "-//handbook//mentoring program handbooks//EN"


def _page_url(site: Site, path: str) -> str | None:
    if not site.url:
        return None
    return site.url.rstrip("/") + "/" + path.removesuffix(".md").removesuffix("index") + "/"


def _event(site: Site, pid: str, cid: str, cohort: Cohort, meeting: ScheduledMeeting,
           stamp: dt.datetime) -> Event:
    session = meeting.session
    event = Event()
    event.add("uid", f"{pid}.{cid}.{session.id}@handbook")
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.start)
    event.add("dtend", meeting.end)
    event.add("summary", f"{session.title} ({cohort.title})")
    where = [w for w in (cohort.place, cohort.video_link) if w]
    if where:
        event.add("location", " / ".join(where))
    lines = [session.objective]
    url = _page_url(site, meeting_path(pid, cid, meeting.number, session.id))
    if url:
        lines.append(f"Agenda: {url}")
        event.add("url", url)
    if cohort.video_link:
        lines.append(f"Video call: {cohort.video_link}")
    if meeting.moved_from:
        lines.append(f"Moved from {meeting.moved_from.isoformat()}: {meeting.moved_because}")
    event.add("description", "\n".join(lines))
    return event


def _calendar(name: str, events: list[Event]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    first = min(e.decoded("dtstart") for e in events).date()
    last = max(e.decoded("dtend") for e in events).date()
    calendar.add_missing_timezones(first - dt.timedelta(days=366),
                                   last + dt.timedelta(days=366))
    return calendar.to_ical()


def calendar_files(library: Library, schedules: dict[tuple[str, str], CohortSchedule]
                   ) -> dict[str, bytes]:
    """Every .ics file of the site, keyed by its path in the docs folder."""
    files: dict[str, bytes] = {}
    for (pid, cid), cohort in sorted(library.cohorts.items()):
        schedule = schedules[(pid, cid)]
        stamp = dt.datetime.combine(cohort.schedule.start, dt.time(), tzinfo=dt.UTC)
        events = [_event(library.site, pid, cid, cohort, m, stamp) for m in schedule.meetings]
        program = library.programs[pid].title
        files[f"{cohort_dir(pid, cid)}/{cid}.ics"] = _calendar(
            f"{program}: {cohort.title}", events)
        for meeting, event in zip(schedule.meetings, events, strict=True):
            path = meeting_path(pid, cid, meeting.number, meeting.session.id)
            files[path.removesuffix(".md") + ".ics"] = _calendar(
                f"{program}: {cohort.title}", [event])
    return files
