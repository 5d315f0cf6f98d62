"""The table of public holidays kept between builds (resolve/holiday_table.py): a build that
reads it answers as the `holidays` package does without asking it, a table of another package
version or a damaged one is ignored, and no answer depends on the order of the questions or on
the locale of the machine that builds."""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import replace
from pathlib import Path

import holidays
import pytest
from conftest import make_project
from handbook.pipeline import HOLIDAYS_FILE, Project, generate, prepare_all
from handbook.resolve import holiday_table
from handbook.resolve.holiday_table import HolidayTable

DAYS = [dt.date(2026, 12, 25), dt.date(2027, 3, 29), dt.date(2027, 10, 3), dt.date(2026, 6, 2)]
CALENDARS = [("GB", "ENG", "en"), ("DE", "BE", "en"), ("DE", "BE", "de"), ("CA", None, "fr")]


def _answers(table: HolidayTable) -> list[str | None]:
    return [table.calendar(*key).get(day) for key in CALENDARS for day in DAYS]


def _no_package(*args: object) -> None:
    raise AssertionError("the holidays package was asked")


def test_a_saved_table_answers_without_the_package(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "holidays.bin"
    first = HolidayTable(path)
    asked = _answers(first)
    assert "Christmas Day" in asked and "Erster Weihnachtstag" in asked
    first.save()
    monkeypatch.setattr(holiday_table, "_make", _no_package)
    assert _answers(HolidayTable(path)) == asked
    with pytest.raises(AssertionError, match="was asked"):  # a year it does not hold
        HolidayTable(path).calendar("GB", "ENG", "en").get(dt.date(2031, 1, 1))


@pytest.mark.parametrize("damage", [b"", b"not marshal", b"\xff" * 40])
def test_a_damaged_table_is_ignored(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "holidays.bin"
    table = HolidayTable(path)
    _answers(table)
    table.save()
    path.write_bytes(damage)
    assert HolidayTable(path).years == {}
    assert _answers(HolidayTable(path)) == _answers(HolidayTable())


def test_a_table_of_another_package_version_is_ignored(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "holidays.bin"
    table = HolidayTable(path)
    _answers(table)
    table.save()
    assert HolidayTable(path).years
    monkeypatch.setattr(holiday_table.importlib.metadata, "version", lambda name: "0.0.1")
    assert HolidayTable(path).years == {}


def test_an_observed_holiday_in_the_year_before_whatever_is_asked_first() -> None:
    """New Year's Day 2022 (a Saturday) is observed in the US on Friday 31 December 2021."""
    eve, day = dt.date(2021, 12, 31), dt.date(2022, 1, 3)
    first = HolidayTable().calendar("US", None, "en")
    later = HolidayTable().calendar("US", None, "en")
    assert later.get(day) is None  # 2022 filled first
    assert first.get(eve) == later.get(eve) == "New Year's Day (observed)"
    assert holidays.country_holidays("US", years=[2021, 2022]).get(eve) == first.get(eve)


@pytest.mark.parametrize("locale", ["de_DE.UTF-8", "en_US.UTF-8", "fr_FR.UTF-8", ""])
def test_names_follow_the_site_language_not_the_machine(locale: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.setenv(name, locale)
    table, christmas, canada = HolidayTable(), dt.date(2026, 12, 25), dt.date(2026, 7, 1)
    assert table.calendar("DE", None, "en").get(christmas) == "Christmas Day"
    assert table.calendar("DE", None, "de").get(christmas) == "Erster Weihnachtstag"
    assert table.calendar("CA", None, "fr").get(canada) == "Fête du Canada"
    assert table.calendar("CA", None, "de").get(canada) == "Canada Day"  # its own: no German


def test_unknown_calendars_are_refused_as_the_package_refuses_them() -> None:
    with pytest.raises(NotImplementedError, match="XX"):
        HolidayTable().calendar("XX", None, "en")
    with pytest.raises(NotImplementedError):
        HolidayTable().calendar("DE", "XX", "en")


def test_a_build_keeps_the_table_and_the_next_build_and_check_use_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "site")
    project = Project.at(root)
    prepare_all(project)  # `handbook check`: writes no table
    assert not (root / HOLIDAYS_FILE).exists()
    generate(project)
    first = {p: p.read_bytes() for p in sorted((root / "build/docs").rglob("*.md"))}
    assert HolidayTable(root / HOLIDAYS_FILE).years
    monkeypatch.setattr(holiday_table, "_make", _no_package)
    generate(replace(project, cache=True))
    prepare_all(project)  # and a check reads it
    assert {p: p.read_bytes() for p in sorted((root / "build/docs").rglob("*.md"))} == first
    with pytest.raises(AssertionError, match="was asked"):  # --clean reads no table
        generate(replace(project, cache=False))


def test_only_the_year_asked_for_may_warn() -> None:
    """The package warns of a year it has no data for (India's calendar: 2001-2035). A day of
    2035 fills 2036 in too, for the days it could spill, silently; a day of 2040 warns, as
    the package does when asked for that year itself."""
    india = HolidayTable().calendar("IN", None, "en")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert india.get(dt.date(2035, 1, 26)) == "Republic Day"
    assert [str(w.message) for w in caught] == []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        india.get(dt.date(2040, 1, 26))
    assert any("2035" in str(w.message) for w in caught)
