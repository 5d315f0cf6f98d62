"""The .ics bytes of every calendar file the plan lists.

`icalendar` computes each time zone (VTIMEZONE), encodes every value (escaping, date-times) and
defines what an event looks like (`component`). Only the last step, joining an event's nine
encoded values into folded lines, is done here: icalendar's serializer took 0.35 ms an event
(mostly folding each line character by character), most of the generator's time on a site of
thousands of meetings. A test holds this fast path to icalendar's bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

from icalendar import Calendar, Event, Timezone, vDDDTypes, vInt, vText, vUri

from ..resolve.events import CalendarFile, MeetingEvent

PRODID = "-//handbook//mentoring program handbooks//EN"
LIMIT = 75  # octets per line, the line break excluded (RFC 5545, 3.1)


def event_values(event: MeetingEvent) -> list[tuple[str, Any]]:
    """(name, icalendar value) pairs: icalendar's canonical order, then alphabetical."""
    pairs: list[tuple[str, Any]] = [
        ("SUMMARY", vText(event.summary)), ("DTSTART", vDDDTypes(event.start)),
        ("DTEND", vDDDTypes(event.end)), ("DTSTAMP", vDDDTypes(event.stamp)),
        ("UID", vText(event.uid)), ("SEQUENCE", vInt(event.sequence)),
        ("DESCRIPTION", vText(event.description))]
    if event.location:
        pairs.append(("LOCATION", vText(event.location)))
    if event.url:
        pairs.append(("URL", vUri(event.url)))
    return pairs


def component(event: MeetingEvent) -> Event:
    """The same event built by icalendar: what `event_ical` must equal, byte for byte."""
    built = Event()
    for name, value in event_values(event):
        plain = int(value) if isinstance(value, vInt) else str(value)
        built.add(name, value.dt if isinstance(value, vDDDTypes) else plain)
    return built


def event_ical(event: MeetingEvent) -> bytes:
    return serialize(event_values(event))


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
    current: list[str]
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


class _SerializedEvent:
    """An event serialized once: the meeting's own file and its cohort's file share it."""

    def __init__(self, event: MeetingEvent) -> None:
        values = event_values(event)
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
    head: bytes = calendar.to_ical()
    assert head.endswith(_END)
    return head[: -len(_END)]


@functools.lru_cache(maxsize=256)
def _vtimezone(tzid: str, first: dt.date, last: dt.date) -> bytes:
    """Computing a VTIMEZONE walks every UTC offset in the range: do it once per zone and
    range, not once per file."""
    ical: bytes = Timezone.from_tzid(tzid, first_date=first, last_date=last).to_ical()
    return ical


def serialize_calendars(files: Iterable[tuple[str, CalendarFile]]) -> dict[str, bytes]:
    """The bytes of each file; an event that several files hold is serialized once."""
    done: dict[int, _SerializedEvent] = {}  # by identity: the files keep every event alive

    def serialized(event: MeetingEvent) -> _SerializedEvent:
        if id(event) not in done:
            done[id(event)] = _SerializedEvent(event)
        return done[id(event)]

    return {path: _calendar(file.name, [serialized(e) for e in file.events])
            for path, file in files}
