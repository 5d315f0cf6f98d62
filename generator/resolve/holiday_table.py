"""Public holidays by day, kept between builds: the `holidays` package is asked once per
calendar and year, not on every build.

Importing `holidays` and making one country's calendar loads every country the package knows
(about 300 modules, ~0.2 s), on every build with one cohort that avoids holidays. What a
calendar answers depends only on the package's version, the country, the subdivision and the
language of the names, so the answers are kept (build/cache/holidays.bin, written by the
pipeline) and the package is imported only for a calendar or a year not there yet.

A day's answer is that of a calendar filled in for the day's year and both neighbours, and
only the days of that year are kept from it: an observed holiday can fall in the year before
(New Year's Day observed on 31 December), and a calendar filled year by year as cohorts ask
would answer that day differently depending on which cohort asked first.

Holiday names are in the site's language where the calendar has it, else in the calendar's
own, never in the language of the machine that builds (the package's default reads the
locale from the environment, so two coordinators published different sites).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.metadata
import marshal
import os
import warnings
from pathlib import Path
from typing import Any

FORMAT = 1
HolidayKey = tuple[str, str | None, str]  # country, subdivision, the site's language


class PublicHolidays:
    """One calendar: the name of the public holiday on a day, or None."""

    def __init__(self, table: HolidayTable, key: HolidayKey) -> None:
        self._table, self._key = table, key
        self._years = table.years.setdefault(key, {})

    def get(self, day: dt.date) -> str | None:
        days = self._years.get(day.year)
        if days is None:
            days = self._years[day.year] = self._table.fill(self._key, day.year)
        return days.get(day.toordinal())


class HolidayTable:
    """Every calendar's answers by year, read from `path` if it holds this package version's
    (anything else there is ignored), written back by `save` when a year was added."""

    def __init__(self, path: Path | None = None, read: bool = True) -> None:
        self.path = path
        self.years: dict[HolidayKey, dict[int, dict[int, str]]] = {}
        self.changed = False
        self._version: str | None = None
        if path is not None and read:
            self.years = _read(path, self.version())

    def version(self) -> str:
        if self._version is None:
            try:
                self._version = importlib.metadata.version("holidays")
            except importlib.metadata.PackageNotFoundError:
                self._version = ""
        return self._version

    def calendar(self, country: str, subdivision: str | None, language: str
                 ) -> PublicHolidays:
        """The calendar of a country (and region); NotImplementedError, as the package
        raises it, for one the package does not know."""
        key = (country, subdivision, language)
        if key not in self.years:
            _make(key, None)  # the package's own check of the country and region
        return PublicHolidays(self, key)

    def fill(self, key: HolidayKey, year: int) -> dict[int, str]:
        """The holidays of `year` from a calendar that holds its neighbours too. Only the
        year asked for may warn (the package warns of a year it has no data for, as it did
        when cohorts asked it directly); its neighbours are there for the days they spill."""
        self.changed = True
        made = _make(key, [year])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for neighbour in (year - 1, year + 1):
                made.get(dt.date(neighbour, 1, 1))  # fills that year in (`expand`)
        return {day.toordinal(): str(name) for day, name in sorted(made.items())
                if day.year == year}

    def save(self) -> None:
        """Write the table if it grew (to a temporary name first: a reader never sees half
        of it); a table without a path, or a folder that cannot be written, keeps it in
        memory only."""
        if self.path is None or not self.changed:
            return
        body = marshal.dumps((FORMAT, self.version(), self.years))
        temp = self.path.with_name(self.path.name + ".tmp")
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(body)
            os.replace(temp, self.path)
            self.changed = False


def _read(path: Path, version: str) -> dict[HolidayKey, dict[int, dict[int, str]]]:
    """The table at `path` if it is of this format and package version and well formed."""
    try:
        form, made_with, years = marshal.loads(path.read_bytes())
        if form != FORMAT or made_with != version or not isinstance(years, dict):
            return {}
        for (country, subdivision, language), by_year in years.items():
            assert isinstance(country, str) and isinstance(language, str)
            assert subdivision is None or isinstance(subdivision, str)
            for year, days in by_year.items():
                assert isinstance(year, int) and isinstance(days, dict)
                assert all(isinstance(k, int) and isinstance(v, str) for k, v in days.items())
        return years
    except (OSError, ValueError, TypeError, EOFError, AssertionError):
        return {}


def _make(key: HolidayKey, years: list[int] | None) -> Any:
    import holidays  # here: importing it loads every country (see the module's docstring)

    country, subdivision, language = key
    entity = getattr(holidays, country, None)
    names = _names_language(entity, language) if entity is not None else None
    return holidays.country_holidays(country, subdiv=subdivision, years=years,
                                     language=names)


def _names_language(entity: Any, language: str) -> str | None:
    """The calendar's language closest to the site's: the same code, else the calendar's
    own if it is the same language (en_CA for a Canadian calendar on an English site), else
    the first of that language; the calendar's own when it has none of it."""
    supported: list[str] = sorted(entity.supported_languages or ())
    own: str | None = entity.default_language
    wanted = language.replace("-", "_")
    if wanted in supported:
        return wanted
    primary = wanted.split("_")[0].lower()
    if own and own.split("_")[0].lower() == primary:
        return own
    same = [code for code in supported if code.split("_")[0].lower() == primary]
    if same:
        return same[0]
    # One it has, whatever it is: a language it lacks makes the package pick by the locale.
    return own if own in supported or not supported else supported[0]
