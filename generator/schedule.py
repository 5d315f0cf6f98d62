"""Resolve stage for dates: a cohort's schedule rule becomes dated, timed meetings.

Dates come from python-dateutil's rrule and public holidays from the `holidays` package; we only
add the rule for blocked days. Meetings are local wall-clock times in the cohort's IANA zone, so
a daylight-saving change keeps 16:00 at 16:00.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays as holiday_data
from dateutil import rrule

from .errors import ContentError
from .models import Cohort, Schedule, Session

WEEKDAYS = [rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU]
WEEKDAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
POSITIONS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
MAX_SLOTS = 2000  # a rule that cannot place its meetings in this many slots never will


@dataclass(frozen=True)
class ScheduledMeeting:
    """One meeting of a cohort: which session, when, and why it moved (if it did)."""

    number: int  # 1-based position in the meeting plan
    session: Session
    start: dt.datetime  # aware, in the cohort's zone
    end: dt.datetime
    moved_from: dt.date | None = None
    moved_because: str | None = None


@dataclass(frozen=True)
class SkippedSlot:
    day: dt.date
    reason: str


@dataclass(frozen=True)
class CohortSchedule:
    meetings: tuple[ScheduledMeeting, ...]
    skipped: tuple[SkippedSlot, ...]

    @property
    def first(self) -> dt.date:
        return self.meetings[0].start.date()

    @property
    def last(self) -> dt.date:
        return self.meetings[-1].start.date()


def slots(schedule: Schedule) -> Iterator[dt.date]:
    """The regular meeting days the cadence produces, before any holiday rule."""
    start = dt.datetime.combine(schedule.start, dt.time())
    if schedule.cadence == "monthly":
        if schedule.day_of_month is not None:
            rule = rrule.rrule(rrule.MONTHLY, dtstart=start, bymonthday=schedule.day_of_month)
        else:
            weekday = WEEKDAYS[WEEKDAY_NAMES.index(schedule.weekday or "monday")]
            rule = rrule.rrule(rrule.MONTHLY, dtstart=start,
                               byweekday=weekday(POSITIONS[schedule.week or "first"]))
    else:
        interval = 1 if schedule.cadence == "weekly" else int(schedule.cadence.split()[1])
        weekday = WEEKDAY_NAMES.index(schedule.weekday or "monday")
        # rrule counts intervals from dtstart's week; anchor on the first meeting day itself so
        # 'every 2 weeks' from a Wednesday start means the very next Monday, then every other.
        start += dt.timedelta(days=(weekday - start.weekday()) % 7)
        rule = rrule.rrule(rrule.WEEKLY, dtstart=start, interval=interval,
                           byweekday=WEEKDAYS[weekday])
    for index, occurrence in enumerate(rule):
        if index >= MAX_SLOTS:
            return
        yield occurrence.date()


def blocker(schedule: Schedule) -> Callable[[dt.date], str | None]:
    """A function telling why a day cannot hold a meeting (None when it can)."""
    calendar: holiday_data.HolidayBase | None = None
    if schedule.holidays:
        calendar = _holidays(schedule.holidays.country, schedule.holidays.subdivision)

    def reason(day: dt.date) -> str | None:
        for blackout in schedule.blackouts:
            if blackout.start <= day <= (blackout.end or blackout.start):
                return blackout.reason
        if calendar is not None:
            name = calendar.get(day)
            if name:
                return f"{name} (public holiday)"
        return None

    return reason


def _next_working_day(day: dt.date, blocked: Callable[[dt.date], str | None]) -> dt.date:
    candidate = day + dt.timedelta(days=1)
    while candidate.weekday() >= 5 or blocked(candidate):
        candidate += dt.timedelta(days=1)
    return candidate


def check_holiday_calendar(schedule: Schedule) -> str | None:
    """Why the configured holiday calendar cannot be used, or None."""
    if not schedule.holidays:
        return None
    try:
        _holidays(schedule.holidays.country, schedule.holidays.subdivision)
    except NotImplementedError as exc:
        return str(exc)
    return None


@functools.lru_cache(maxsize=64)
def _holidays(country: str, subdivision: str | None) -> holiday_data.HolidayBase:
    """One calendar per country and region, shared by every cohort there (it fills in each
    year on first use; hundreds of cohorts in one country would each rebuild it)."""
    return holiday_data.country_holidays(country, subdiv=subdivision)


def plan_meetings(schedule: Schedule, sessions: list[Session]) -> CohortSchedule | None:
    """Place each session on a slot, moving or skipping blocked ones; None if it never fits."""
    blocked = blocker(schedule)
    zone = ZoneInfo(schedule.time_zone)
    meetings: list[ScheduledMeeting] = []
    skipped: list[SkippedSlot] = []
    regular = slots(schedule)
    upcoming = next(regular, None)
    while upcoming is not None and len(meetings) < len(sessions):
        day, upcoming = upcoming, next(regular, None)
        why = blocked(day)
        moved_from = None
        if why:
            target = _next_working_day(day, blocked)
            if schedule.when_blocked == "skip" or (upcoming is not None and target >= upcoming):
                skipped.append(SkippedSlot(day, why))
                continue
            moved_from, day = day, target
        session = sessions[len(meetings)]
        start = dt.datetime.combine(day, schedule.time, tzinfo=zone)
        meetings.append(ScheduledMeeting(
            number=len(meetings) + 1, session=session, start=start,
            end=start + dt.timedelta(minutes=session.minutes),
            moved_from=moved_from, moved_because=why if moved_from else None,
        ))
    if len(meetings) < len(sessions):
        return None
    return CohortSchedule(tuple(meetings), tuple(skipped))


def schedule_cohort(cohort: Cohort, sessions: list[Session], doc_error: Callable[..., ContentError]
                    ) -> tuple[CohortSchedule | None, list[ContentError]]:
    """Schedule one cohort, turning impossible rules into located errors."""
    problem = check_holiday_calendar(cohort.schedule)
    if problem:
        return None, [doc_error(("schedule", "holidays"), f"unknown holiday calendar: {problem}",
                                "use an ISO country code such as GB, DE or US, and a "
                                "subdivision the holidays package knows (e.g. ENG, BY, CA)")]
    result = plan_meetings(cohort.schedule, sessions)
    if result is None:
        return None, [doc_error(("schedule",), f"the {len(sessions)} meetings of the plan never "
                                "fit this schedule",
                                "check the blackouts and the cadence")]
    end_by = cohort.schedule.end_by
    if end_by is not None and result.last > end_by:
        return None, [doc_error(
            ("schedule", "end_by"),
            f"the {len(sessions)} meetings need until {result.last.isoformat()}, after end_by "
            f"{end_by.isoformat()}",
            "start earlier, meet more often, shorten the blackouts, or move end_by",
        )]
    return result, []
