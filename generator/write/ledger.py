"""Recording the calendar ledger, `content/calendar-revisions.yml`, after a build.

Resolve reads the ledger and decides each event's SEQUENCE and DTSTAMP
(`resolve/revisions.py`, which also explains why the ledger exists); this is the one step that
writes it, and only `handbook build` takes it, after the docs are written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from ..resolve.events import CalendarFile
from ..resolve.revisions import LEDGER, Revision, read_entries
from .files import atomic_write

PLAIN_UID = re.compile(r"[A-Za-z0-9][\w.@-]*")
HEADER = """\
# Calendar revisions, kept by `handbook build`: commit this file with the content.
# For each calendar event (by UID): a fingerprint of its title, times, place, description and
# link, its revision number (SEQUENCE) and stamp (DTSTAMP, UTC). When a meeting changes, the
# build raises both, so calendar apps that imported the meeting take the new version.
# Do not edit by hand; deleting it starts every event again at sequence 0.
"""


def ledger_text(old: dict[str, Revision], calendars: Iterable[CalendarFile]) -> str:
    """The ledger after publishing these calendars. Entries of events no longer on the site are
    kept: a meeting that comes back must not restart below what apps already hold."""
    entries = dict(old)
    done: set[str] = set()  # a meeting's event is in its own file and its cohort's
    for file in calendars:
        for event in file.events:
            if event.uid not in done:
                done.add(event.uid)
                entries[event.uid] = Revision(event.fingerprint, event.sequence, event.stamp)
    lines = [HEADER]
    for uid in sorted(entries):
        entry = entries[uid]
        stamp = entry.stamp.astimezone(dt.UTC).isoformat()[:19] + "Z"  # whole seconds
        key = uid if PLAIN_UID.fullmatch(uid) else _quoted(uid)
        lines.append(f"{key}: {{sequence: {entry.sequence}, stamp: {stamp}, "
                     f"fingerprint: {entry.fingerprint}}}\n")
    return "".join(lines)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def record(content: Path, root: Path, calendars: Iterable[CalendarFile]) -> bool:
    """Bring the ledger up to date with the calendars just written; True if it changed. Only
    `handbook build` calls this. Written only when different, so an unchanged build leaves the
    file (and `mkdocs serve`, which watches content/) alone; atomically, so a crash leaves the
    old ledger whole."""
    path = content / LEDGER
    old = read_entries(path, root)
    calendars = list(calendars)
    if path.is_file() and all(old.get(e.uid) == Revision(e.fingerprint, e.sequence, e.stamp)
                              for file in calendars for e in file.events):
        return False  # the usual build: every event as recorded
    text = ledger_text(old, calendars)
    if path.is_file():
        if path.read_text(encoding="utf-8") == text:
            return False
    elif text == HEADER:
        return False  # a site without meetings needs no ledger
    atomic_write(path, text.encode("utf-8"))
    return True
