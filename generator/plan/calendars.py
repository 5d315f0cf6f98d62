"""Calendar files: one .ics per cohort and one per meeting.

Rebuilds must not duplicate events in a subscribed calendar and must be byte-identical, so UIDs
come from program, cohort and session ids. A changed meeting must replace the old one in apps
that imported it, so each event carries a SEQUENCE and DTSTAMP from the calendar ledger
(`revisions.py`): 0 and the cohort's start date until the event first changes, then one more
and a second later at each change. Never from the clock.

`icalendar` computes each time zone (VTIMEZONE), encodes every value (escaping, date-times) and
defines what an event looks like (`MeetingEvent.component`). Only the last step, joining
an event's nine encoded values into folded lines, is done here: icalendar's serializer took
0.35 ms an event (mostly folding each line character by character), most of the generator's
time on a site of thousands of meetings. A test holds this fast path to icalendar's bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from icalendar import Calendar, Event, Timezone, vDDDTypes, vInt, vText, vUri

from .views import cohort_dir, meeting_path

if TYPE_CHECKING:
    from ..resolve.revisions import Revisions
    from ..resolve.schedule import CohortSchedule, ScheduledMeeting
    from ..validate.library import Library
    from ..validate.models import Cohort, Site

PRODID = "-//handbook//mentoring program handbooks//EN"
LIMIT = 75  # octets per line, the line break excluded (RFC 5545, 3.1)


@dataclass(frozen=True)
class MeetingEvent:
    """One meeting as a VEVENT: its properties in the order icalendar writes them."""

    summary: str
    start: dt.datetime
    end: dt.datetime
    stamp: dt.datetime
    uid: str
    description: str
    location: str | None
    url: str | None
    sequence: int = 0  # the event's revision: raised each time what a reader sees changes

    def values(self) -> list[tuple[str, Any]]:
        """(name, icalendar value) pairs: icalendar's canonical order, then alphabetical."""
        pairs: list[tuple[str, Any]] = [
            ("SUMMARY", vText(self.summary)), ("DTSTART", vDDDTypes(self.start)),
            ("DTEND", vDDDTypes(self.end)), ("DTSTAMP", vDDDTypes(self.stamp)),
            ("UID", vText(self.uid)), ("SEQUENCE", vInt(self.sequence)),
            ("DESCRIPTION", vText(self.description))]
        if self.location:
            pairs.append(("LOCATION", vText(self.location)))
        if self.url:
            pairs.append(("URL", vUri(self.url)))
        return pairs

    def component(self) -> Event:
        """The same event built by icalendar: what `to_ical` must equal, byte for byte."""
        event = Event()
        for name, value in self.values():
            plain = int(value) if isinstance(value, vInt) else str(value)
            event.add(name, value.dt if isinstance(value, vDDDTypes) else plain)
        return event

    @functools.cached_property
    def fingerprint(self) -> str:
        """A digest of everything a reader of the event sees, so the ledger can tell when it
        changed: title, start and end with their time zone, place, description, link. Kept
        once worked out: the plan compares it and `handbook build` records it."""
        fields = (self.summary, _wall(self.start), _wall(self.end), self.location or "",
                  self.description, self.url or "")
        return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:16]

    def to_ical(self) -> bytes:
        return serialize(self.values())


def _wall(when: dt.datetime) -> str:
    """Wall-clock time and zone: what the event says (cheaper than `isoformat`, which works out
    the UTC offset)."""
    return (f"{when.year}-{when.month}-{when.day} {when.hour}:{when.minute}:{when.second} "
            f"{when.tzinfo}")


def serialize(values: list[tuple[str, Any]]) -> bytes:
    """A VEVENT from (name, icalendar value) pairs, as icalendar's `to_ical` writes it."""
    lines = ["BEGIN:VEVENT"]
    for name, value in values:
        params = value.params.to_ical().decode() if value.params else ""
        head = f"{name};{params}" if params else name
        lines.append(fold(f"{head}:{value.to_ical().decode()}"))
    lines.append("END:VEVENT\r\n")
    return "\r\n".join(lines).encode()


def fold(line: str) -> str:
    """RFC 5545 folding as icalendar does it: pieces of at most 74 octets joined by CRLF and a
    space, never splitting a character, nor a backslash or caret from the character it escapes."""
    if len(line) < LIMIT and len(line.encode()) < LIMIT:
        return line  # nearly every line: nothing to do
    if line.isascii():
        pieces, start = [], 0
        while len(line) - start >= LIMIT:
            piece = line[start:start + LIMIT - 1]
            if piece[-1] in "\\^":
                piece = piece[:-1]
            pieces.append(piece)
            start += len(piece)
        pieces.append(line[start:])
        return "\r\n ".join(pieces)
    pieces, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        if current and size + width >= LIMIT:
            carried = current.pop() if len(current) > 1 and current[-1] in "\\^" else None
            pieces.append("".join(current))
            current = [carried] if carried else []
            size = len(carried) if carried else 0
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _page_url(site: Site, path: str) -> str | None:
    if not site.url:
        return None
    return site.url.rstrip("/") + "/" + path.removesuffix(".md").removesuffix("index") + "/"


def meeting_event(site: Site, pid: str, cid: str, cohort: Cohort, meeting: ScheduledMeeting,
                  stamp: dt.datetime) -> MeetingEvent:
    session = meeting.session
    lines = [session.objective]
    url = _page_url(site, meeting_path(pid, cid, meeting.number, session.id))
    if url:
        lines.append(f"Agenda: {url}")
    if cohort.video_link:
        lines.append(f"Video call: {cohort.video_link}")
    if meeting.moved_from:
        lines.append(f"Moved from {meeting.moved_from.isoformat()}: {meeting.moved_because}")
    where = " / ".join(w for w in (cohort.place, cohort.video_link) if w)
    return MeetingEvent(
        summary=f"{session.title} ({cohort.title})", start=meeting.start, end=meeting.end,
        stamp=stamp, uid=f"{pid}.{cid}.{session.id}@handbook", description="\n".join(lines),
        location=where or None, url=url)


class _SerializedEvent:
    """An event serialized once: the meeting's own file and its cohort's file share it."""

    def __init__(self, event: MeetingEvent) -> None:
        values = event.values()
        self.ical = serialize(values)
        # The zones the file must define (what icalendar's `get_missing_tzids` finds).
        self.tzids = {v.params["TZID"] for _, v in values if "TZID" in v.params}
        self.start = event.start
        self.end = event.end


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


@dataclass(frozen=True)
class CalendarFile:
    """What one .ics file holds. A meeting's own file and its cohort's file hold the same
    event object, so the event is serialized once for both."""

    name: str
    events: tuple[MeetingEvent, ...]


def calendar_files(library: Library, schedules: dict[tuple[str, str], CohortSchedule],
                   revisions: Revisions | None = None) -> dict[str, CalendarFile]:
    """Every .ics file of the site, keyed by its path in the docs folder: one per cohort and
    one per meeting, each event at the revision the ledger gives it. The render stage turns
    them into bytes (`serialize_calendars`)."""
    files: dict[str, CalendarFile] = {}
    for (pid, cid), cohort in sorted(library.cohorts.items()):
        meetings = schedules[(pid, cid)].meetings
        stamp = dt.datetime.combine(cohort.schedule.start, dt.time(), tzinfo=dt.UTC)
        events = tuple(meeting_event(library.site, pid, cid, cohort, m, stamp) for m in meetings)
        if revisions is not None:
            events = tuple(revisions.revise(event) for event in events)
        name = f"{library.programs[pid].title}: {cohort.title}"
        files[f"{cohort_dir(pid, cid)}/{cid}.ics"] = CalendarFile(name, events)
        for meeting, event in zip(meetings, events, strict=True):
            path = meeting_path(pid, cid, meeting.number, meeting.session.id)
            files[path.removesuffix(".md") + ".ics"] = CalendarFile(name, (event,))
    return files


def serialize_calendars(files: Iterable[tuple[str, CalendarFile]]) -> dict[str, bytes]:
    """The bytes of each file; an event that several files hold is serialized once."""
    done: dict[int, _SerializedEvent] = {}  # by identity: the files keep every event alive

    def serialized(event: MeetingEvent) -> _SerializedEvent:
        if id(event) not in done:
            done[id(event)] = _SerializedEvent(event)
        return done[id(event)]

    return {path: _calendar(file.name, [serialized(e) for e in file.events])
            for path, file in files}
