"""Meetings that meet a clock change (review of issue 20): a meeting lasts its minutes of real
time, and a start at a wall-clock time the clock change skips is the instant calendar clients
take it for (RFC 5545: the offset before the gap), so the page, the calendar and the reader's
browser (data-hb-meetings, meetings.js) agree.

Python's aware datetimes add a timedelta on the wall clock, so `start + minutes` across a change
gave a meeting of 0 or 120 minutes; the banner's 'on now' never showed for the first, and the
first meeting of a Cairo cohort on its clock-change Friday read '00:30' on the page while every
browser put it at 01:30."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import FIXTURES, handbook, make_project
from handbook.resolve.schedule import plan_meetings
from handbook.validate.models import Schedule
from test_schedule import sessions

HOUR = dt.timedelta(minutes=60)


def _meetings(**rule: str) -> list:  # type: ignore[type-arg]
    planned = plan_meetings(Schedule(cadence="weekly", **rule), sessions(2))
    assert planned is not None
    return list(planned.meetings)


def _real(delta_from: dt.datetime, to: dt.datetime) -> dt.timedelta:
    return to.astimezone(dt.UTC) - delta_from.astimezone(dt.UTC)


def test_a_meeting_over_a_spring_gap_lasts_its_minutes() -> None:
    # Cairo: clocks go from 00:00 to 01:00 on Friday 30 April 2027; 00:30 does not exist.
    first = _meetings(start="2027-04-30", weekday="friday", time="00:30",
                      time_zone="Africa/Cairo")[0]
    assert _real(first.start, first.end) == HOUR
    # The start is shown as the wall clock reads it then: 01:30 EEST, as browsers show it.
    assert (first.start.hour, first.start.minute) == (1, 30)
    assert first.start.utcoffset() == dt.timedelta(hours=3)
    assert first.start.tzinfo == ZoneInfo("Africa/Cairo")


def test_a_meeting_over_an_autumn_fold_lasts_its_minutes() -> None:
    # Cairo: clocks go back from 24:00 to 23:00 on Thursday 28 October 2027.
    first = _meetings(start="2027-10-28", weekday="thursday", time="23:30",
                      time_zone="Africa/Cairo")[0]
    assert _real(first.start, first.end) == HOUR
    # London: back from 02:00 to 01:00 on Sunday 31 October 2027.
    first = _meetings(start="2027-10-31", weekday="sunday", time="01:30",
                      time_zone="Europe/London")[0]
    assert _real(first.start, first.end) == HOUR


def test_an_ordinary_meeting_is_unchanged() -> None:
    first, second = _meetings(start="2027-03-22", weekday="monday", time="16:00",
                              time_zone="Europe/London")
    assert (first.start.hour, first.end.hour, second.start.hour) == (16, 17, 16)
    assert first.start.utcoffset() == dt.timedelta(0)
    assert second.start.utcoffset() == HOUR


def test_the_cohort_page_states_the_rule_time_and_the_gap_meeting_as_browsers_show_it(
        tmp_path: Path) -> None:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    cohort = next((root / "content/programs").glob("*/cohorts/first.yml"))
    cohort.write_text(cohort.read_text(encoding="utf-8")
                      .replace("start: 2027-03-24", "start: 2027-04-30")
                      .replace("weekday: monday", "weekday: friday")
                      .replace('"16:00"', '"00:30"').replace("Europe/London", "Africa/Cairo"),
                      encoding="utf-8")
    done = handbook("generate", cwd=root)
    assert done.returncode == 0, done.stderr
    page = next((root / "build/docs/programs").glob("*/first/index.md")).read_text()
    assert "00:30 Africa/Cairo time" in page  # the rule
    assert 'data-hb-start="2027-04-30T01:30+03:00"' in page  # the first meeting, really
    assert "01:30–02:30 EEST (Africa/Cairo)" in page
