"""Calendar revisions: what each calendar event looked like when a build last published it.

Why a file: a calendar app that imported a meeting replaces it only when a new copy has the
same UID and a higher SEQUENCE (or the same SEQUENCE and a newer DTSTAMP; RFC 5546). A
sequence computed from the current content alone cannot only ever go up (change a time and
change it back), so the build keeps a ledger, `content/calendar-revisions.yml`: per event UID a
fingerprint of what a reader sees (title, times, place, description, link), its sequence and
its stamp. Calendars are rendered from it, so unchanged content gives byte-identical files and
a fresh clone with the committed ledger rebuilds the same site.

Why the clock is not read: a changed event's stamp is its last stamp plus one second, not the
build's time. It only has to be newer than what apps hold (and the sequence decides first), and
this way the output stays a function of the files: two clones that build the same content and
ledger at different times (say, a ledger not yet committed after a change) write the same bytes.

Stages: the pipeline reads the ledger after loading the content; resolve revises each event
(`Revisions.revise`); only `handbook build` records the result (`write/ledger.py`), after the
docs are written; `handbook check` writes nothing. `discover()` looks at no other file at the
content root than site.yml, so the ledger is never taken for content.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError, HandbookError, quote, relative
from ..load.loader import RawDocument, parse_yaml
from ..validate.models import FIRST_YEAR, LAST_YEAR
from .events import MeetingEvent

LEDGER = "calendar-revisions.yml"
KEYS = ("sequence", "stamp", "fingerprint")
STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
# RFC 5545 SEQUENCE is a signed 32-bit integer: leave room for one more revision.
MAX_SEQUENCE = 2**31 - 2
# One entry a line, as write/ledger.py writes it.
LINE = re.compile(r"(?P<uid>[A-Za-z0-9][\w.@-]*|'(?:[^']|'')*'): "
                  r"\{sequence: (?P<sequence>[0-9]{1,10}), "
                  rf"stamp: (?P<stamp>{STAMP.pattern}), fingerprint: (?P<fingerprint>\w+)}}")
HINT = ("this file is kept by `handbook build`: restore it from version control, or delete it "
        "(every event then starts again at sequence 0, and calendar apps that imported an "
        "earlier version may keep it)")


@dataclass(frozen=True)
class Revision:
    """One event's entry in the ledger."""

    fingerprint: str
    sequence: int
    stamp: dt.datetime  # UTC, whole seconds


@dataclass(frozen=True)
class Revisions:
    """The ledger as read when the build started."""

    entries: dict[str, Revision]

    def revise(self, event: MeetingEvent) -> MeetingEvent:
        """The event with the sequence and stamp it is published with. Without an entry it
        stays as made (sequence 0, stamped with the cohort's start date); a changed fingerprint
        gets the next sequence and the next second as its stamp."""
        entry = self.entries.get(event.uid)
        if entry is None:
            return event
        fingerprint = event.fingerprint
        if entry.fingerprint == fingerprint:
            if (entry.sequence, entry.stamp) == (event.sequence, event.stamp):
                return event
            revised = dataclasses.replace(event, sequence=entry.sequence, stamp=entry.stamp)
        else:
            revised = dataclasses.replace(event, sequence=entry.sequence + 1,
                                          stamp=entry.stamp + dt.timedelta(seconds=1))
        revised.__dict__["fingerprint"] = fingerprint  # the same fields: keep the digest
        return revised


def read_revisions(content: Path, root: Path) -> Revisions:
    """The ledger in the content folder (none yet: empty), or one located error per bad entry."""
    return Revisions(read_entries(content / LEDGER, root))


def read_entries(path: Path, root: Path) -> dict[str, Revision]:
    """The ledger's entries by UID (no file: none)."""
    if not path.is_file():
        return {}
    file = relative(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise HandbookError([ContentError(file, f"not UTF-8 text ({exc.reason} at byte "
                                          f"{exc.start})", hint=HINT)]) from None
    fast = _read_lines(text)
    if fast is not None:
        return fast
    data, marks = parse_yaml(text, file)  # hand-edited or damaged: read it as YAML
    doc = RawDocument("revisions", "revisions", file, data, marks)
    if not isinstance(data, dict):
        raise HandbookError([doc.error((), "expected one entry per event UID", HINT)])
    entries: dict[str, Revision] = {}
    errors: list[ContentError] = []
    for uid, value in data.items():
        problem = _problem(value)
        if problem:
            path_, message = problem
            errors.append(doc.error((uid, *path_), message, HINT))
            continue
        entries[uid] = Revision(value["fingerprint"], int(value["sequence"]),
                                dt.datetime.fromisoformat(value["stamp"]))
    if errors:
        raise HandbookError(errors)
    return entries


def _read_lines(text: str) -> dict[str, Revision] | None:
    """The ledger as `write.ledger.ledger_text` writes it, one entry a line; None at anything
    else. Parsing thousands of flow mappings with PyYAML took 0.25 s on a site of 2,400
    meetings, most of the generator's time for calendars; a regular expression per line takes
    a few milliseconds."""
    entries: dict[str, Revision] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = LINE.fullmatch(line)
        if match is None:
            return None
        uid = match["uid"]
        if uid.startswith("'"):
            uid = uid[1:-1].replace("''", "'")
        if uid in entries:
            return None  # parse_yaml names both lines
        try:
            stamp = dt.datetime.fromisoformat(match["stamp"])
        except ValueError:
            return None
        if _out_of_range(int(match["sequence"]), stamp):
            return None  # the YAML reading locates it
        entries[uid] = Revision(match["fingerprint"], int(match["sequence"]), stamp)
    return entries


def _out_of_range(sequence: int, stamp: dt.datetime) -> tuple[tuple[str, ...], str] | None:
    """Where and why a well-formed entry holds a value no calendar can carry, or None."""
    if sequence > MAX_SEQUENCE:
        return ("sequence",), _too_large(str(sequence))
    if not FIRST_YEAR <= stamp.year <= LAST_YEAR:
        return ("stamp",), (f"{stamp.isoformat()[:19]}Z is outside the years {FIRST_YEAR} to "
                            f"{LAST_YEAR} that builds use")
    return None


def _problem(value: object) -> tuple[tuple[str, ...], str] | None:
    """Where and why an entry cannot be read, or None."""
    if not isinstance(value, dict):
        return (), "expected {sequence: N, stamp: YYYY-MM-DDTHH:MM:SSZ, fingerprint: HEX}"
    for key in value:
        if key not in KEYS:
            return (key,), f"unknown key {key!r} (an entry has {', '.join(KEYS)})"
    for key in KEYS:
        if key not in value:
            return (), f"the entry has no {key}"
    sequence = value["sequence"]
    if not isinstance(sequence, str) or not re.fullmatch(r"[0-9]+", sequence):
        return ("sequence",), f"expected a whole number, got {_short(sequence)}"
    if len(sequence) > len(str(MAX_SEQUENCE)):  # and never hand int() 5,000 digits
        return ("sequence",), _too_large(_short(sequence).strip("'"))
    stamp = value["stamp"]
    if not isinstance(stamp, str) or not STAMP.fullmatch(stamp):
        return ("stamp",), f"expected a UTC time like 2027-03-01T09:30:00Z, got {quote(stamp)}"
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError as exc:
        return ("stamp",), f"not a real time: {exc}"
    problem = _out_of_range(int(sequence), when)
    if problem:
        return problem
    if not isinstance(value["fingerprint"], str) or not value["fingerprint"].isalnum():
        return ("fingerprint",), f"expected letters and digits, got {quote(value['fingerprint'])}"
    return None


def _too_large(sequence: str) -> str:
    return (f"{sequence} is too large: calendars take revision numbers up to {MAX_SEQUENCE + 1},"
            " and a changed meeting needs the next one")


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
