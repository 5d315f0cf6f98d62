"""A cohort's schedule as written: the rule (start, cadence, weekday, time, zone) and the
dates to avoid. The resolve stage turns it into meeting dates; these models only make sure the
rule is complete and each date plausible.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from ..errors import quote
from .fields import Day, Model, Text, Weekday


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _is_zone(value: str) -> str:
    if value not in _zones():  # never hand a user string to the file system (ZoneInfo would)
        close = difflib.get_close_matches(value, sorted(_zones()), n=1)
        tip = f"; did you mean {close[0]!r}?" if close else "; use a name such as Europe/London"
        raise ValueError(f"unknown time zone {quote(value)}{tip}")
    return value


def _is_cadence(value: str) -> str:
    normal = " ".join(value.lower().split())
    if not re.match(r"^(weekly|every [1-9][0-9]? weeks?|monthly)$", normal):
        raise ValueError(
            f"unknown cadence {quote(value)}; use 'weekly', 'every 2 weeks' (any number) "
            "or 'monthly'"
        )
    return normal



class Blackout(Model):
    start: Day = Field(description="First blocked day, e.g. 2027-07-19.")
    end: Day | None = Field(None, description="Last blocked day; omit for a single day.")
    reason: Text = Field(description="Why, shown on moved meetings, e.g. 'Summer break'.")

    @model_validator(mode="after")
    def _ordered(self) -> Blackout:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class HolidayCalendar(Model):
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = Field(
        description="ISO country code, e.g. GB, DE, US."
    )
    subdivision: Text | None = Field(
        None, description="Region code (optional), e.g. ENG, BY, CA."
    )


class Schedule(Model):
    start: Day = Field(
        description="The first meeting is the first matching day on or after this date."
    )
    cadence: Annotated[str, AfterValidator(_is_cadence)] = Field(
        description="'weekly', 'every 2 weeks' (any N) or 'monthly'."
    )
    weekday: Weekday | None = Field(
        None,
        description="Meeting weekday, e.g. tuesday (weekly and every N weeks; monthly with "
        "week).",
    )
    week: Literal["first", "second", "third", "fourth", "last"] | None = Field(
        None, description="Monthly only: which weekday of the month (first, second, third, "
        "fourth or last), with weekday."
    )
    day_of_month: int | None = Field(
        None, ge=1, le=28,
        description="Monthly only: a day of the month (1-28), instead of weekday and week."
    )
    time: dt.time = Field(description="Local start time, in quotes, e.g. '16:00'.")
    time_zone: Annotated[str, AfterValidator(_is_zone)] = Field(
        description="IANA time zone, e.g. Europe/London; meetings keep their wall-clock "
        "time across daylight saving changes."
    )
    holidays: HolidayCalendar | None = Field(
        None, description="Public holidays to avoid (optional)."
    )
    blackouts: list[Blackout] = Field(
        default_factory=list,
        description="Dates to avoid, each with a reason shown on moved meetings.",
    )
    when_blocked: Literal["next-working-day", "skip"] = Field(
        "next-working-day",
        description="A meeting on a holiday or blackout moves to the next working day, "
        "or is skipped and the cohort runs one slot longer.",
    )
    end_by: Day | None = Field(
        None, description="Optional: `handbook check` fails if the last meeting falls after it."
    )

    @model_validator(mode="after")
    def _rule_complete(self) -> Schedule:
        if self.cadence == "monthly":
            if self.day_of_month is None and (self.weekday is None or self.week is None):
                raise ValueError(
                    "a monthly cadence needs either day_of_month, or weekday and week "
                    "(e.g. week: second, weekday: tuesday)"
                )
            if self.day_of_month is not None and (self.weekday or self.week):
                raise ValueError("give day_of_month, or weekday and week, not both")
        else:
            if self.weekday is None:
                raise ValueError(f"cadence {self.cadence!r} needs a weekday, e.g. tuesday")
            if self.week is not None or self.day_of_month is not None:
                raise ValueError("week and day_of_month apply only to a monthly cadence")
        return self
