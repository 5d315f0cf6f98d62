"""Resolve stage for dates: a cohort's schedule rule becomes dated, timed meetings.

Dates come from python-dateutil's rrule and public holidays from the `holidays` package (by way of
the table of its answers kept between builds, holiday_table.py); we only add the rule for
blocked days. Meetings are local wall-clock times in the cohort's IANA zone, so
a daylight-saving change keeps 16:00 at 16:00.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil import rrule

from ..errors import ContentError
from ..validate.models import LAST_YEAR, Blackout, Cohort, Schedule, Session
from .holiday_table import HolidayTable, PublicHolidays

WEEKDAYS = [rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU]
WEEKDAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
POSITIONS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
MAX_SLOTS = 2000  # a rule that cannot place its meetings in this many slots never will
ONE_DAY = dt.timedelta(days=1)


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
        day = WEEKDAY_NAMES.index(schedule.weekday or "monday")
        # rrule counts intervals from dtstart's week; anchor on the first meeting day itself so
        # 'every 2 weeks' from a Wednesday start means the very next Monday, then every other.
        start += dt.timedelta(days=(day - start.weekday()) % 7)
        rule = rrule.rrule(rrule.WEEKLY, dtstart=start, interval=interval,
                           byweekday=WEEKDAYS[day])
    for index, occurrence in enumerate(rule):
        if index >= MAX_SLOTS or occurrence.year > LAST_YEAR:  # no date past what builds use
            return
        yield occurrence.date()


class Blocked:
    """Why a day cannot hold a meeting, and the next day that can.

    Blackouts become disjoint stretches of days (each with the reason of the first blackout
    listed that covers it) searched by bisection, and the next working day jumps over a whole
    run of touching blackouts at once: a blackout of a century, or a hundred adjacent ones,
    costs what one short one does."""

    def __init__(self, schedule: Schedule, table: HolidayTable, language: str) -> None:
        self.calendar: PublicHolidays | None = None
        if schedule.holidays:
            self.calendar = table.calendar(schedule.holidays.country,
                                           schedule.holidays.subdivision, language)
        self.starts, self.ends, self.reasons = _stretches(schedule.blackouts)
        self.run_ends = list(self.ends)  # last day of the run of touching stretches
        for i in range(len(self.ends) - 2, -1, -1):
            if self.starts[i + 1] == self.ends[i] + ONE_DAY:
                self.run_ends[i] = self.run_ends[i + 1]

    def _stretch(self, day: dt.date) -> int | None:
        i = bisect.bisect_right(self.starts, day) - 1
        return i if i >= 0 and day <= self.ends[i] else None

    def __call__(self, day: dt.date) -> str | None:
        i = self._stretch(day)
        if i is not None:
            return self.reasons[i]
        if self.calendar is not None:
            name = self.calendar.get(day)
            if name:
                return f"{name} (public holiday)"
        return None

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first day after `day` that is a weekday and not blocked."""
        candidate = day + ONE_DAY
        while True:
            i = self._stretch(candidate)
            if i is not None:
                candidate = self.run_ends[i] + ONE_DAY
            elif candidate.weekday() >= 5 or self(candidate):
                candidate += ONE_DAY
            else:
                return candidate


def _stretches(blackouts: list[Blackout]) -> tuple[list[dt.date], list[dt.date], list[str]]:
    """Blackouts as sorted, disjoint stretches of days; where blackouts overlap, a day keeps
    the reason of the first one listed (a sweep over start and end days with a heap)."""
    ends = [b.end or b.start for b in blackouts]
    bounds = sorted({b.start for b in blackouts} | {end + ONE_DAY for end in ends})
    order = sorted(range(len(blackouts)), key=lambda i: blackouts[i].start)
    active: list[int] = []  # indexes in list order; ended ones are dropped when on top
    starts: list[dt.date] = []
    lasts: list[dt.date] = []
    reasons: list[str] = []
    k = 0
    for low, high in itertools.pairwise(bounds):
        while k < len(order) and blackouts[order[k]].start <= low:
            heapq.heappush(active, order[k])
            k += 1
        while active and ends[active[0]] < low:
            heapq.heappop(active)
        if not active:
            continue
        reason = blackouts[active[0]].reason
        if reasons and reasons[-1] == reason and lasts[-1] + ONE_DAY == low:
            lasts[-1] = high - ONE_DAY
        else:
            starts.append(low)
            lasts.append(high - ONE_DAY)
            reasons.append(reason)
    return starts, lasts, reasons


# The table of a caller that passes none (tests, direct callers): answers for this process.
IN_MEMORY = HolidayTable()


def blocker(schedule: Schedule, table: HolidayTable = IN_MEMORY, language: str = "en"
            ) -> Blocked:
    """A function telling why a day cannot hold a meeting (None when it can); holiday
    names in the site's `language` where the calendar has it."""
    return Blocked(schedule, table, language)


def check_holiday_calendar(schedule: Schedule, table: HolidayTable = IN_MEMORY,
                           language: str = "en") -> str | None:
    """Why the configured holiday calendar cannot be used, or None."""
    if not schedule.holidays:
        return None
    try:
        table.calendar(schedule.holidays.country, schedule.holidays.subdivision, language)
    except NotImplementedError as exc:
        return str(exc)
    return None


def plan_meetings(schedule: Schedule, sessions: list[Session], table: HolidayTable = IN_MEMORY,
                  language: str = "en") -> CohortSchedule | None:
    """Place each session on a slot, moving or skipping blocked ones; None if it never fits."""
    blocked = blocker(schedule, table, language)
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
            target = blocked.next_working_day(day)
            if schedule.when_blocked == "skip" or (upcoming is not None and target >= upcoming):
                skipped.append(SkippedSlot(day, why))
                continue
            moved_from, day = day, target
        session = sessions[len(meetings)]
        # Through UTC: an aware datetime adds on the wall clock (a meeting over a clock change
        # lasted 0 or 120 minutes), and a time the change skips becomes the instant calendar
        # clients take it for (the offset before the gap), shown on the wall clock then.
        start = dt.datetime.combine(day, schedule.time, tzinfo=zone).astimezone(dt.UTC)
        meetings.append(ScheduledMeeting(
            number=len(meetings) + 1, session=session, start=start.astimezone(zone),
            end=(start + dt.timedelta(minutes=session.minutes)).astimezone(zone),
            moved_from=moved_from, moved_because=why if moved_from else None,
        ))
    if len(meetings) < len(sessions) or meetings[-1].start.year > LAST_YEAR:
        return None
    return CohortSchedule(tuple(meetings), tuple(skipped))


def schedule_cohort(cohort: Cohort, sessions: list[Session], doc_error: Callable[..., ContentError],
                    table: HolidayTable = IN_MEMORY, language: str = "en"
                    ) -> tuple[CohortSchedule | None, list[ContentError]]:
    """Schedule one cohort, turning impossible rules into located errors."""
    problem = check_holiday_calendar(cohort.schedule, table, language)
    if problem:
        return None, [doc_error(("schedule", "holidays"), f"unknown holiday calendar: {problem}",
                                "use an ISO country code such as GB, DE or US, and a "
                                "subdivision the holidays package knows (e.g. ENG, BY, CA)")]
    result = plan_meetings(cohort.schedule, sessions, table, language)
    if result is None:
        return None, [doc_error(("schedule",), f"the {len(sessions)} meetings of the plan never "
                                f"fit this schedule by the end of {LAST_YEAR}",
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
