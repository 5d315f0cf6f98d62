"""A meeting as a calendar event: what a reader of the event sees, and its revision.

The values are data; the render stage encodes them as iCalendar (`render/calendars.py`). The
fingerprint lives here because the ledger (`revisions.py`) compares it to decide SEQUENCE.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass


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

    @functools.cached_property
    def fingerprint(self) -> str:
        """A digest of everything a reader of the event sees, so the ledger can tell when it
        changed: title, start and end with their time zone, place, description, link. Kept
        once worked out: resolve compares it and `handbook build` records it."""
        fields = (self.summary, _wall(self.start), _wall(self.end), self.location or "",
                  self.description, self.url or "")
        return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:16]

    def __getstate__(self) -> dict[str, object]:
        """The fields only, never the fingerprint once worked out: a folder's render key
        pickles its events, and reading the ledger works the fingerprint out where a first
        build (no ledger yet) had not, so every folder with a calendar missed once."""
        return {key: value for key, value in self.__dict__.items() if key != "fingerprint"}


def _wall(when: dt.datetime) -> str:
    """Wall-clock time and zone: what the event says (cheaper than `isoformat`, which works out
    the UTC offset)."""
    return (f"{when.year}-{when.month}-{when.day} {when.hour}:{when.minute}:{when.second} "
            f"{when.tzinfo}")


@dataclass(frozen=True)
class CalendarFile:
    """What one .ics file holds. A meeting's own file and its cohort's file hold the same
    event object, so the event is serialized once for both."""

    name: str
    events: tuple[MeetingEvent, ...]
