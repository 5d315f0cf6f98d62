"""The building blocks of the content models: ids, one-line text, addresses, dates, times,
the strict `Model` base and the small models every file kind shares (a person, a timed item).

Why a module of its own: models.py reads as the files' shapes (program, cohort, library, site)
once these checks, each with its own message, are out of the way. Markdown prose stays in
models.py, beside the check it runs.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# Ids name files and folders (a cohort's `<id>.ics`, its writer's `.<id>.ics.<pid>.tmp`); 80
# keeps every generated name far below the 255 bytes a file system allows.
MAX_ID_LENGTH = 80


class HintedError(ValueError):
    """A validation message with a hint; validate.py prints the hint under the message."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def _single_line(value: str) -> str:
    return " ".join(value.split())


def _is_url(value: str) -> str:
    if not re.match(r"^(https?://[^\s<>\"]+|mailto:[^\s<>\"@]+@[^\s<>\"]+)$", value):
        raise ValueError("must be an http(s):// address or a mailto: link")
    return value


def _is_site_url(value: str) -> str:
    # Calendar events append a page's path to it: a query or fragment would end up in the
    # middle of every address (https://example.com/a?c=1/programs/...).
    if not re.match(r"^https?://[^\s<>\"?#/]+(?:/[^\s<>\"?#]*)?$", value, re.I):
        raise HintedError("must be the web address the site is published at, starting with "
                          "http:// or https://, with no '?' or '#' part",
                          "write the address readers open the home page at, e.g. "
                          "https://intranet.example.com/handbook/")
    return value


# Every date the build uses must fit the build's own clocks: the newest cohort start becomes
# SOURCE_DATE_EPOCH, which gzip (sitemap.xml.gz) stores in 32 bits, good until 2106.
FIRST_YEAR, LAST_YEAR = 2000, 2099


def _plausible(value: dt.date) -> dt.date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"{value.isoformat()} is outside the years {FIRST_YEAR} to "
                         f"{LAST_YEAR}; check the year")
    return value


Day = Annotated[dt.date, AfterValidator(_plausible)]


Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN, max_length=MAX_ID_LENGTH),
    Field(description="An id: lowercase letters, digits and single hyphens, e.g. `digital-tools`."),
]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True),
                 AfterValidator(_single_line)]
Url = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_is_url)]
SiteUrl = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_is_site_url)]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$"),
]
Minutes = Annotated[int, Field(ge=1, le=600)]
Audience = Literal["mentor", "mentee", "coordinator"]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
TextList = Annotated[list[Text], Field(min_length=1)]


class Model(BaseModel):
    """Base for every content model: unknown keys are errors; values never change later."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- shared pieces -----------------------------------------------------------------------


class Person(Model):
    name: Text = Field(description="Full name as participants know the person.")
    email: Email | None = Field(None, description="Work email address (optional).")
    phone: Text | None = Field(None, description="Phone number or extension (optional).")


class TimedItem(Model):
    minutes: Minutes = Field(description="How long this item takes, in minutes.")
    item: Text = Field(description="What happens in this slot.")
