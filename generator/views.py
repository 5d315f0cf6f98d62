"""Small values the plan hands to templates: page paths, links and formatted dates.

Paths live in one place so a page and every link to it always agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import TimedItem

AUDIENCES = ("mentor", "mentee", "coordinator")


@dataclass(frozen=True)
class Link:
    """A link target is a docs-relative page path; templates make it relative to the page."""

    title: str
    path: str


def program_dir(pid: str) -> str:
    return f"programs/{pid}"


def cohort_dir(pid: str, cid: str) -> str:
    return f"programs/{pid}/{cid}"


def meeting_path(pid: str, cid: str, number: int, session_id: str) -> str:
    return f"{cohort_dir(pid, cid)}/{number:02d}-{session_id}.md"


def topic_path(ident: str) -> str:
    return f"topics/{ident}.md"


def playbook_path(ident: str) -> str:
    return f"challenges/{ident}.md"


def module_path(ident: str) -> str:
    return f"training/{ident}.md"


def format_day(value: dt.date | dt.datetime) -> str:
    """'Monday 15 March 2027': unambiguous in every English-speaking office."""
    return f"{value:%A} {value.day} {value:%B %Y}"


def format_time_range(start: dt.datetime, end: dt.datetime) -> str:
    """'16:00–17:00 GMT (Europe/London)': the abbreviation shows the DST state."""
    return f"{start:%H:%M}–{end:%H:%M} {start:%Z} ({start.tzinfo})"


def agenda_rows(start: dt.datetime, items: list[TimedItem]) -> list[dict[str, object]]:
    """Agenda items with their clock times, so a pair can keep to time."""
    rows, clock = [], start
    for item in items:
        finish = clock + dt.timedelta(minutes=item.minutes)
        rows.append({"from": f"{clock:%H:%M}", "to": f"{finish:%H:%M}",
                     "minutes": item.minutes, "item": item.item})
        clock = finish
    return rows
