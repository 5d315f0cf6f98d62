"""The calendar writer's fast path must write exactly what icalendar writes.

`generator/calendar.py` joins icalendar's encoded values into folded lines itself (icalendar's
own serializer was most of the generator's time on large sites). These tests hold it to
icalendar's bytes: every line fold, every event of the shipped content, and every whole file.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from conftest import REPO
from handbook.load.loader import load_content
from handbook.plan.calendars import agenda_urls
from handbook.plan.paths import cohort_dir, meeting_path
from handbook.plan.site import plan_site
from handbook.render.calendars import PRODID, component, event_ical, fold, serialize_calendars
from handbook.resolve.calendars import meeting_event
from handbook.resolve.events import MeetingEvent
from handbook.resolve.site import resolve
from handbook.validate.documents import validate
from icalendar import Calendar, Timezone
from icalendar.parser import Contentline

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _lines() -> list[str]:
    """Lines around every fold boundary: plain, escaped, and multi-byte characters."""
    lines = []
    for length in (1, 73, 74, 75, 76, 147, 148, 149, 150, 300):
        lines.append("D" * length)
        for special in ("\\", "^", "é", "–", "😀"):
            for at in (72, 73, 74, 75, 146, 147):
                if at < length:
                    lines.append("D" * at + special + "D" * (length - at - 1))
    lines.append("DESCRIPTION:" + "Café – naïve résumé, 😀; " * 12)
    return lines


@pytest.mark.parametrize("line", _lines())
def test_fold_is_icalendars_fold(line: str) -> None:
    assert fold(line) == Contentline(line).to_ical().decode("utf-8")
    assert all(len(piece.encode()) <= 75 for piece in fold(line).split("\r\n"))


def _event(**changes: object) -> MeetingEvent:
    values: dict[str, object] = dict(
        summary="Kick-off (Spring cohort)", uid="p.c.kick-off@handbook",
        start=dt.datetime(2027, 3, 29, 16, 0, tzinfo=LONDON),
        end=dt.datetime(2027, 3, 29, 16, 45, tzinfo=LONDON),
        stamp=dt.datetime(2027, 3, 1, tzinfo=dt.UTC),
        description="Agree how you will work together.", location=None, url=None)
    values.update(changes)
    return MeetingEvent(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("event", [
    _event(),
    _event(location="Room 4, 2nd floor; east wing / https://meet.example.com/a,b"),
    _event(description="Line one\nLine two; with, commas and a back\\slash\n" + "é" * 60,
           url="https://intranet.example.com/" + "deep/" * 30),
    _event(summary="Rückblick – Halbzeit 😀 " * 5, start=dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC),
           end=dt.datetime(2027, 1, 4, 10, tzinfo=dt.UTC)),
    _event(sequence=12, stamp=dt.datetime(2027, 3, 1, 0, 0, 11, tzinfo=dt.UTC)),
], ids=["plain", "location", "escapes", "utc", "revised"])
def test_event_is_icalendars_event(event: MeetingEvent) -> None:
    assert event_ical(event) == component(event).to_ical()


def _reference(name: str, events: list[MeetingEvent]) -> bytes:
    """The file as icalendar writes it from a Calendar holding the same events."""
    calendar = Calendar()
    for key, value in (("prodid", PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"),
                       ("x-wr-calname", name)):
        calendar.add(key, value)
    first = dt.date(min(e.start for e in events).year - 1, 1, 1)
    last = dt.date(max(e.end for e in events).year + 2, 1, 1)
    holder = Calendar()
    for event in events:
        holder.add_component(component(event))
    for tzid in sorted(holder.get_missing_tzids()):
        calendar.add_component(Timezone.from_tzid(tzid, first_date=first, last_date=last))
    for event in events:
        calendar.add_component(component(event))
    return calendar.to_ical()


def test_every_shipped_calendar_file_is_what_icalendar_writes() -> None:
    library = validate(load_content(REPO / "content", REPO))
    urls = agenda_urls(library.site)
    resolved = resolve(library, urls)
    schedules = resolved.schedules
    files = serialize_calendars(plan_site(resolved).calendars.items())
    checked = 0
    for (pid, cid), cohort in library.cohorts.items():
        stamp = dt.datetime.combine(cohort.schedule.start, dt.time(), tzinfo=dt.UTC)
        meetings = schedules[(pid, cid)].meetings
        events = [meeting_event(pid, cid, cohort, m, stamp,
                                urls(pid, cid, m.number, m.session.id)) for m in meetings]
        name = f"{library.programs[pid].title}: {cohort.title}"
        assert files[f"{cohort_dir(pid, cid)}/{cid}.ics"] == _reference(name, events)
        for meeting, event in zip(meetings, events, strict=True):
            path = meeting_path(pid, cid, meeting.number, meeting.session.id)
            assert files[path.removesuffix(".md") + ".ics"] == _reference(name, [event])
            checked += 1
    assert checked == sum(len(s.meetings) for s in schedules.values()) > 20
