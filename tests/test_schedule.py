"""Meeting schedules: cadences, holidays, blackouts, daylight saving, and calendar files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import vobject
from conftest import FIXTURES, handbook, make_project
from handbook.resolve.schedule import plan_meetings
from handbook.validate.models import Schedule, Session


def sessions(count: int) -> list[Session]:
    return [Session(id=f"s{i}", title=f"Session {i}", objective="Meet.", minutes=60,
                    agenda=[{"minutes": 60, "item": "Talk"}], preparation=["Read"],
                    follow_up=["Write"]) for i in range(1, count + 1)]


def days(count: int, **rule: Any) -> list[dt.date]:
    schedule = Schedule(time="16:00", time_zone="Europe/London", **rule)
    planned = plan_meetings(schedule, sessions(count))
    assert planned is not None
    return [m.start.date() for m in planned.meetings]


def test_weekly_starts_on_the_first_matching_weekday() -> None:
    # 2027-01-01 is a Friday: the first Tuesday on or after it is 5 January
    assert days(3, start="2027-01-01", cadence="weekly", weekday="tuesday") == [
        dt.date(2027, 1, 5), dt.date(2027, 1, 12), dt.date(2027, 1, 19)]


def test_every_n_weeks() -> None:
    assert days(3, start="2027-01-06", cadence="every 3 weeks", weekday="wednesday") == [
        dt.date(2027, 1, 6), dt.date(2027, 1, 27), dt.date(2027, 2, 17)]


def test_monthly_on_a_weekday_position() -> None:
    assert days(3, start="2027-01-01", cadence="monthly", week="second",
                weekday="tuesday") == [
        dt.date(2027, 1, 12), dt.date(2027, 2, 9), dt.date(2027, 3, 9)]
    assert days(2, start="2027-01-01", cadence="monthly", week="last",
                weekday="thursday") == [dt.date(2027, 1, 28), dt.date(2027, 2, 25)]


def test_monthly_on_a_day_of_the_month() -> None:
    assert days(3, start="2027-01-20", cadence="monthly", day_of_month=15) == [
        dt.date(2027, 2, 15), dt.date(2027, 3, 15), dt.date(2027, 4, 15)]


def test_daylight_saving_keeps_the_wall_clock_time() -> None:
    schedule = Schedule(start="2027-03-22", cadence="weekly", weekday="monday", time="16:00",
                        time_zone="Europe/London")
    first, second = plan_meetings(schedule, sessions(2)).meetings  # type: ignore[union-attr]
    assert (first.start.hour, second.start.hour) == (16, 16)
    assert first.start.utcoffset() == dt.timedelta(0)  # GMT on 22 March
    assert second.start.utcoffset() == dt.timedelta(hours=1)  # BST from 28 March
    assert second.start.astimezone(dt.UTC).hour == 15


def test_holiday_moves_to_the_next_working_day_and_says_why() -> None:
    schedule = Schedule(start="2027-03-15", cadence="every 2 weeks", weekday="monday",
                        time="16:00", time_zone="Europe/London",
                        holidays={"country": "GB", "subdivision": "ENG"})
    meetings = plan_meetings(schedule, sessions(3)).meetings  # type: ignore[union-attr]
    moved = meetings[1]
    assert moved.start.date() == dt.date(2027, 3, 30)  # Easter Monday 29 March -> Tuesday
    assert moved.moved_from == dt.date(2027, 3, 29)
    assert moved.moved_because == "Easter Monday (public holiday)"
    assert meetings[2].start.date() == dt.date(2027, 4, 12)  # the rhythm continues


def test_skip_rule_extends_the_cohort() -> None:
    rule = {"start": "2027-03-15", "cadence": "every 2 weeks", "weekday": "monday",
            "holidays": {"country": "GB", "subdivision": "ENG"}, "when_blocked": "skip"}
    schedule = Schedule(time="16:00", time_zone="Europe/London", **rule)
    planned = plan_meetings(schedule, sessions(3))
    assert [m.start.date() for m in planned.meetings] == [  # type: ignore[union-attr]
        dt.date(2027, 3, 15), dt.date(2027, 4, 12), dt.date(2027, 4, 26)]
    assert [(s.day, s.reason) for s in planned.skipped] == [  # type: ignore[union-attr]
        (dt.date(2027, 3, 29), "Easter Monday (public holiday)")]


def test_blackout_that_reaches_the_next_slot_skips_instead_of_doubling_up() -> None:
    dates = days(3, start="2027-12-06", cadence="weekly", weekday="monday",
                 blackouts=[{"start": "2027-12-13", "end": "2027-12-31", "reason": "Shutdown"}])
    assert dates == [dt.date(2027, 12, 6), dt.date(2028, 1, 3), dt.date(2028, 1, 10)]


def _mini_with(tmp_path: Path, **replacements: str) -> Path:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    cohort = root / "content/programs/pilot/cohorts/first.yml"
    text = cohort.read_text()
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    cohort.write_text(text)
    return root


def test_end_by_that_the_plan_cannot_fit_is_a_located_error(tmp_path: Path) -> None:
    root = _mini_with(tmp_path, **{"  time_zone: Europe/London\n":
                                   "  time_zone: Europe/London\n  end_by: 2027-04-01\n"})
    done = handbook("check", cwd=root)
    assert done.returncode == 1
    assert "content/programs/pilot/cohorts/first.yml:11:" in done.stderr
    assert "schedule.end_by" in done.stderr and "2027-04-12" in done.stderr


def test_unknown_holiday_country_is_a_located_error(tmp_path: Path) -> None:
    root = _mini_with(tmp_path, **{"  time_zone: Europe/London\n":
                                   "  time_zone: Europe/London\n  holidays: {country: XX}\n"})
    done = handbook("check", cwd=root)
    assert done.returncode == 1
    assert "first.yml:11:" in done.stderr and "schedule.holidays" in done.stderr


@pytest.fixture(scope="module")
def calendar_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini program, weekly across the UK's clock change and Easter Monday."""
    root = _mini_with(tmp_path_factory.mktemp("ics"), **{
        "start: 2027-03-24": "start: 2027-03-22",
        "cadence: every 2 weeks": "cadence: weekly",
        "  time_zone: Europe/London\n":
            "  time_zone: Europe/London\n  holidays: {country: GB, subdivision: ENG}\n"})
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stderr
    return root


def read_calendar(path: Path) -> Any:
    return vobject.readOne(path.read_text("utf-8"), validate=True)


def test_cohort_calendar_parses_with_every_meeting(calendar_site: Path) -> None:
    cal = read_calendar(calendar_site / "site/programs/pilot/first/first.ics")
    events = sorted(cal.vevent_list, key=lambda e: e.dtstart.value)
    assert len(events) == 2
    first, second = events
    # 22 March (GMT) and then Easter Monday 29 March (BST) moved to Tuesday 30 March
    assert first.dtstart.value.date() == dt.date(2027, 3, 22)
    assert second.dtstart.value.date() == dt.date(2027, 3, 30)
    assert [e.dtstart.value.hour for e in events] == [16, 16]
    assert [e.dtstart.value.utcoffset() for e in events] == [dt.timedelta(0),
                                                             dt.timedelta(hours=1)]
    assert "Easter Monday" in second.description.value
    assert "https://meet.example.com/pilot" in second.location.value
    assert len({e.uid.value for e in events}) == 2
    raw = (calendar_site / "site/programs/pilot/first/first.ics").read_text("utf-8")
    assert raw.count("DTSTART;TZID=Europe/London:20270") == 2  # local times, not UTC
    assert [tz.tzid.value for tz in cal.vtimezone_list] == ["Europe/London"]


def test_meeting_calendar_is_linked_from_its_agenda(calendar_site: Path) -> None:
    html = (calendar_site / "site/programs/pilot/first/02-wrap-up/index.html").read_text()
    assert 'href="../02-wrap-up.ics"' in html and "Add to calendar" in html
    cal = read_calendar(calendar_site / "site/programs/pilot/first/02-wrap-up.ics")
    (event,) = cal.vevent_list
    assert event.summary.value == "Wrapping up (First cohort)"
    assert event.dtend.value - event.dtstart.value == dt.timedelta(minutes=45)
    whole = read_calendar(calendar_site / "site/programs/pilot/first/first.ics")
    assert event.uid.value in {e.uid.value for e in whole.vevent_list}  # same event, same UID


def test_rebuilds_produce_byte_identical_calendars(calendar_site: Path) -> None:
    files = sorted((calendar_site / "site").rglob("*.ics"))
    before = {p: p.read_bytes() for p in files}
    assert handbook("build", cwd=calendar_site).returncode == 0
    assert {p: p.read_bytes() for p in files} == before
    assert all(b"DTSTAMP:20270322T000000Z" in content for content in before.values())
