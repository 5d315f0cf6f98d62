"""Calendar files: one .ics per cohort and one per meeting, built with `icalendar`.

Rebuilds must not duplicate events in a subscribed calendar and must be byte-identical, so UIDs
come from program, cohort and session ids, and DTSTAMP from the content (the cohort's start
date), never from the clock.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

from icalendar import Calendar, Event, Timezone

from . import fork
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


class _SerializedEvent:
    """An event serialized once: the meeting's own file and its cohort's file share it."""

    def __init__(self, event: Event) -> None:
        self.ical = event.to_ical()
        holder = Calendar()
        holder.add_component(event)
        self.tzids = holder.get_missing_tzids()
        self.start = event.decoded("dtstart")
        self.end = event.decoded("dtend")


_END = b"END:VCALENDAR\r\n"


def _calendar(name: str, events: list[_SerializedEvent]) -> bytes:
    """A VCALENDAR assembled from components icalendar has already serialized, in the order
    icalendar itself would write them (time zones first). Serializing each event and each
    VTIMEZONE once instead of once per file was most of the generator's time on large sites."""
    # Whole years around the events, so one VTIMEZONE serves every file of a cohort and year.
    first = dt.date(min(e.start for e in events).year - 1, 1, 1)
    last = dt.date(max(e.end for e in events).year + 2, 1, 1)
    zones = sorted(set().union(*(e.tzids for e in events)))
    return b"".join([_head(name), *(_vtimezone(z, first, last) for z in zones),
                     *(e.ical for e in events), _END])


@functools.lru_cache(maxsize=64)
def _head(name: str) -> bytes:
    """The calendar's own properties; every file of a cohort has the same."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    head = calendar.to_ical()
    assert head.endswith(_END)
    return head[: -len(_END)]


@functools.lru_cache(maxsize=256)
def _vtimezone(tzid: str, first: dt.date, last: dt.date) -> bytes:
    """Computing a VTIMEZONE walks every UTC offset in the range: do it once per zone and
    range, not once per file."""
    return Timezone.from_tzid(tzid, first_date=first, last_date=last).to_ical()


def calendar_files(library: Library, schedules: dict[tuple[str, str], CohortSchedule]
                   ) -> dict[str, bytes]:
    """Every .ics file of the site, keyed by its path in the docs folder (large sites on
    every core, see fork.py)."""
    cohorts = sorted(library.cohorts)
    weights = [len(schedules[key].meetings) + 1 for key in cohorts]
    parts = fork.split(cohorts, weights, fork.jobs_for(sum(weights)))
    done = fork.map_parts(lambda part: _cohort_files(library, schedules, part), parts)
    by_cohort = {key: files for part in done for key, files in part.items()}
    return {path: data for key in cohorts for path, data in by_cohort[key].items()}


def _cohort_files(library: Library, schedules: dict[tuple[str, str], CohortSchedule],
                  cohorts: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, bytes]]:
    result: dict[tuple[str, str], dict[str, bytes]] = {}
    for pid, cid in cohorts:
        cohort = library.cohorts[(pid, cid)]
        schedule = schedules[(pid, cid)]
        stamp = dt.datetime.combine(cohort.schedule.start, dt.time(), tzinfo=dt.UTC)
        events = [_SerializedEvent(_event(library.site, pid, cid, cohort, m, stamp))
                  for m in schedule.meetings]
        name = f"{library.programs[pid].title}: {cohort.title}"
        files = result[(pid, cid)] = {f"{cohort_dir(pid, cid)}/{cid}.ics": _calendar(name, events)}
        for meeting, event in zip(schedule.meetings, events, strict=True):
            path = meeting_path(pid, cid, meeting.number, meeting.session.id)
            files[path.removesuffix(".md") + ".ics"] = _calendar(name, [event])
    return result
