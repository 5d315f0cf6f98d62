"""What the plan hands the render stage: page specs, page kinds, links, the view models'
shared parts and formatted dates.

A page's data is a view model: a frozen dataclass, typed, that Jinja reads by attribute
(`a.day`) as it would a dict's keys. `**view` gives a template its variables, one per field.
Paths are built in `paths.py` only.
"""

from __future__ import annotations

import datetime as dt
import functools
import keyword
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

from ..i18n import ENGLISH, N_, Lang
from ..validate.models import TimedItem


class View:
    """Base of every view model (subclasses are frozen dataclasses). `keys` and `__getitem__`
    let `**view` spread the fields into a template's variables; a field named after a Python
    keyword takes a trailing underscore (`from_`) and templates still write `row.from`."""

    def keys(self) -> Iterator[str]:
        return (f.name for f in fields(self))  # type: ignore[arg-type]

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key + "_" if keyword.iskeyword(key) else key)
        except AttributeError:
            raise KeyError(key) from None


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
    context: View | Mapping[str, Any]  # the view model (a plain mapping in a few tests)
    source: str  # the content file it comes from, named in template errors
    # Listing pages repeat the summaries of the pages they list; demoting them in search
    # lets the page a reader wants come first.
    search_boost: float | None = None
    search_exclude: bool = False  # copies of other pages (print, packs) stay out of search
    kind: str = ""  # the name of its page kind in the registry (plan/kinds)


@dataclass(frozen=True)
class Kind:
    """A page kind: where its pages go, the view model they take, the template that lays it
    out and whether they are in the nav. Registered in `plan.kinds`; the kind's family module
    builds its pages with `page`, so these settings are written once."""

    name: str
    template: str
    view: type[View]
    path: Callable[..., str]  # from paths.py
    in_nav: bool = True
    # Out-of-nav kinds: a `not_in_nav` pattern (gitignore style) matching every such page;
    # the generated engine config lists it.
    glob: str = ""
    search_boost: float | None = None
    search_exclude: bool = False

    def page(self, view: View | Deferred, title: str, source: str, *where: Any) -> PageSpec:
        """The page of this kind at `path(*where)` (a deferred view is checked when made)."""
        if isinstance(view, Deferred):
            view.kind = self.view
        elif not isinstance(view, self.view):
            raise TypeError(f"a {self.name} page takes a {self.view.__name__}, not {view!r}")
        return PageSpec(self.path(*where), self.template, title, view, source,
                        self.search_boost, self.search_exclude, self.name)


class PlanningFailed(RuntimeError):
    """A programming error in making a deferred view (never an author's mistake): raised as
    itself, not as one of the errors the render stage reports as a template's."""


class Deferred(View):
    """A page's view model worked out only when first read: a page whose output the render
    cache holds is never read, so a one-shot build after an edit to one cohort plans that
    cohort alone (planning all 200 of the bench set was a third of the generator's time).
    `known`: fields readable without working it out (the PDF jobs read a print page's cohort);
    each is checked to be the view's own when it is made."""

    def __init__(self, make: Callable[[], View], known: Mapping[str, Any]) -> None:
        self.make: Callable[[], View] | None = make
        self.known = known
        self.kind: type[View] = View
        self.made: View | None = None

    def view(self) -> View:
        if self.made is None:
            assert self.make is not None
            try:  # made while a template renders: a planner's bug must not pass for its error
                made, self.make = self.make(), None
            except (TypeError, AttributeError, KeyError, ValueError) as error:
                raise PlanningFailed(f"planning a {self.kind.__name__}: {error!r}") from error
            if not isinstance(made, self.kind) or any(
                    made[name] is not value for name, value in self.known.items()):
                raise PlanningFailed(f"a deferred {self.kind.__name__} made {made!r}")
            self.made = made
        return self.made

    def keys(self) -> Iterator[str]:
        return self.view().keys()

    def __getitem__(self, key: str) -> Any:
        return self.known[key] if key in self.known else self.view()[key]


def format_day(value: dt.date | dt.datetime, lang: Lang = ENGLISH) -> str:
    """'Monday 15 March 2027' (Babel's CLDR names for other languages, never the machine's
    locale, and no strftime, which is slow on aware times)."""
    return _day(value.date() if isinstance(value, dt.datetime) else value, lang)


# A large site formats the same few hundred days and clock times tens of thousands of times,
# and Babel takes some 20 µs for each: each is worked out once per process. The keys hold
# all that the text depends on (a day's text reads only its date; a clock reads only the
# hour and minute of the wall time, whatever the zone), so a memo never differs from Babel.
@functools.lru_cache(maxsize=1 << 14)
def _day(day: dt.date, lang: Lang) -> str:
    return lang.day(day)


def _clock(value: dt.datetime, lang: Lang = ENGLISH) -> str:
    return _wall_clock(value.time() if isinstance(value, dt.datetime)
                       else value.replace(tzinfo=None), lang)


@functools.lru_cache(maxsize=1 << 14)
def _wall_clock(time: dt.time, lang: Lang) -> str:
    return lang.clock(time)


def format_time_range(start: dt.datetime, end: dt.datetime, lang: Lang = ENGLISH) -> str:
    """'16:00–17:00 GMT (Europe/London)': the abbreviation shows the DST state."""
    return f"{_clock(start, lang)}–{_clock(end, lang)} {start.tzname()} ({start.tzinfo})"


def format_clock(start: dt.datetime, lang: Lang = ENGLISH) -> str:
    """'16:00 Europe/London time': the zone name, since the abbreviation changes with DST."""
    return lang.gettext(N_("%(clock)s %(zone)s time"), clock=_clock(start, lang),
                        zone=str(start.tzinfo))


@dataclass(frozen=True)
class AgendaRow(View):
    """One agenda item with its clock times (templates read `row.from`)."""

    from_: str
    to: str
    minutes: int
    item: str


def agenda_rows(start: dt.datetime, items: list[TimedItem], lang: Lang = ENGLISH
                ) -> list[AgendaRow]:
    """Agenda items with their clock times, so a pair can keep to time."""
    rows, clock = [], start
    for item in items:
        finish = clock + dt.timedelta(minutes=item.minutes)
        rows.append(AgendaRow(_clock(clock, lang), _clock(finish, lang), item.minutes, item.item))
        clock = finish
    return rows


@dataclass(frozen=True)
class Entry(View):
    """A listed item and the link to its page (section indexes, packs)."""

    link: Link
    item: Any


@dataclass(frozen=True)
class ModuleEntry(View):
    """A training module in a curriculum or pack."""

    link: Link
    module: Any


@dataclass(frozen=True)
class UsageEntry(View):
    """A session of a program that uses a library item, with its dated meetings."""

    program: str
    number: int
    session: str
    meetings: list[Link]
