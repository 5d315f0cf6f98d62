"""Small values the plan hands to templates: page paths, links and formatted dates.

Paths live in one place so a page and every link to it always agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..validate.models import TimedItem

AUDIENCES = ("mentor", "mentee", "coordinator")


@dataclass(frozen=True)
class Link:
    """A link target is a docs-relative page path; templates make it relative to the page."""

    title: str
    path: str


@dataclass(frozen=True)
class PageSpec:
    """One page to render: where it goes, which template, and the data it shows."""

    path: str  # relative to the docs folder, e.g. topics/digital-tools.md
    template: str
    title: str
    context: dict[str, Any]
    source: str  # the content file it comes from, named in template errors
    # Listing pages repeat the summaries of the pages they list; demoting them in search
    # lets the page a reader wants come first.
    search_boost: float | None = None
    search_exclude: bool = False  # copies of other pages (print, packs) stay out of search


def program_dir(pid: str) -> str:
    return f"programs/{pid}"


def cohort_dir(pid: str, cid: str) -> str:
    return f"programs/{pid}/{cid}"


def meeting_path(pid: str, cid: str, number: int, session_id: str) -> str:
    return f"{cohort_dir(pid, cid)}/{number:02d}-{session_id}.md"


def cohort_calendar_path(pid: str, cid: str) -> str:
    return f"{cohort_dir(pid, cid)}/{cid}.ics"


def meeting_calendar_path(pid: str, cid: str, number: int, session_id: str) -> str:
    return meeting_path(pid, cid, number, session_id).removesuffix(".md") + ".ics"


def address(path: str) -> str:
    """Where MkDocs publishes a docs file with `use_directory_urls`: `a/b.md` and `a/b/index.md`
    both become `a/b/`, so two such pages overwrite each other in the built site."""
    if not path.endswith(".md"):
        return path
    stem = path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def topic_path(ident: str) -> str:
    return f"topics/{ident}.md"


def playbook_path(ident: str) -> str:
    return f"challenges/{ident}.md"


def module_path(ident: str) -> str:
    return f"training/{ident}.md"


# English names whatever the machine's locale (and no strftime, which is slow on aware times).
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def format_day(value: dt.date | dt.datetime) -> str:
    """'Monday 15 March 2027': unambiguous in every English-speaking office."""
    return f"{DAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]} {value.year}"


def _clock(value: dt.datetime) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def format_time_range(start: dt.datetime, end: dt.datetime) -> str:
    """'16:00–17:00 GMT (Europe/London)': the abbreviation shows the DST state."""
    return f"{_clock(start)}–{_clock(end)} {start.tzname()} ({start.tzinfo})"


def format_clock(start: dt.datetime) -> str:
    """'16:00 Europe/London time': the zone name, since the abbreviation changes with DST."""
    return f"{_clock(start)} {start.tzinfo} time"


def agenda_rows(start: dt.datetime, items: list[TimedItem]) -> list[dict[str, object]]:
    """Agenda items with their clock times, so a pair can keep to time."""
    rows, clock = [], start
    for item in items:
        finish = clock + dt.timedelta(minutes=item.minutes)
        rows.append({"from": _clock(clock), "to": _clock(finish),
                     "minutes": item.minutes, "item": item.item})
        clock = finish
    return rows
