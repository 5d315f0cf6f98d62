"""The reader's language: the generator's own words through gettext, dates through Babel.

Every label the generator writes (templates, section titles, nav entries, calendar texts) is
an English msgid looked up in `locale/<lang>/LC_MESSAGES/handbook.po`. The catalogs are the
standard text files a translator edits with any gettext tool; they are compiled in memory at
first use, so the repository holds no binary .mo file that could drift from its .po.

Dates, clock times and durations come from Babel's CLDR data for the locale, never from the
machine's locale or hand-written month names. English keeps the handbook's own patterns
("Monday 15 March 2027", "16:00"): unambiguous in every English-speaking office.

This module sits below every stage (resolve writes calendar texts, plan the nav and labels,
render the templates), like errors.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent, get_decimal_symbol
from babel.support import Translations
from babel.units import format_unit

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "handbook"
LANGUAGES = ("en", "de", "fr", "es")  # the languages a catalog ships for
DEFAULT = "en"

# The full date as each language writes it; English keeps the handbook's pattern (CLDR's
# "full" English is American: "Monday, March 15, 2027").
_DAY_PATTERNS = {"en": "EEEE d MMMM y"}


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where used."""
    return message


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> Translations:
    """The compiled catalog of one language (English: its identity catalog)."""
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Lang:
    """One language's words and formats, handed down the stages with the site."""

    code: str = DEFAULT

    @property
    def catalog(self) -> Translations:
        return translations(self.code)

    def gettext(self, message: str, **values: object) -> str:
        text = self.catalog.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        return self.catalog.ngettext(singular, plural, n) % {"num": n, **values}

    def day(self, value: dt.date | dt.datetime) -> str:
        """'Monday 15 March 2027', 'Montag, 15. März 2027', 'lundi 15 mars 2027'."""
        day = value.date() if isinstance(value, dt.datetime) else value
        return format_date(day, _DAY_PATTERNS.get(self.code, "full"), locale=self.code)

    def clock(self, value: dt.datetime | dt.time) -> str:
        """'16:00': the 24-hour clock in every language the handbook ships."""
        time = value.time() if isinstance(value, dt.datetime) else value
        return format_time(time, "HH:mm", locale=self.code)

    def cadence(self, cadence: str) -> str:
        """A schedule's cadence as validated ('weekly', 'every 2 weeks', 'monthly')."""
        if cadence.startswith("every "):
            count = int(cadence.split()[1])
            return self.ngettext("every %(num)s week", "every %(num)s weeks", count)
        return self.gettext({"weekly": N_("weekly"), "monthly": N_("monthly")}[cadence])

    def minutes(self, count: int) -> str:
        """'90 minutes', '90 Minuten', '90 minutos': a duration with its unit."""
        return format_unit(count, "duration-minute", length="long", locale=self.code)

    def number(self, value: float, places: int = 2) -> str:
        """'4.33', '4,33': at most `places` decimals, no trailing zeros, the locale's decimal
        sign. Rounded as English always was (Python's own formatting), so English pages keep
        their bytes; no grouping, as the handbook's numbers are small."""
        text = f"{value:.{places}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
        return text.replace(".", get_decimal_symbol(self.code))

    def percent(self, value: float, places: int = 1) -> str:
        """'86.7%', '86,7\u00a0%': a value already in percent (0-100), laid out by the locale's
        CLDR percent pattern (German, French and Spanish put a no-break space before the sign)."""
        whole = format_percent(1, locale=self.code)  # '100%', '100\u00a0%'
        return whole.replace(format_decimal(100, locale=self.code), self.number(value, places))


ENGLISH = Lang()


def in_sentence(lang: Lang, label: str) -> str:
    """A label inside running text or after a colon: 'Mentor pack' -> 'mentor pack'. German
    keeps its capitals (nouns are always capitalised)."""
    return label if lang.code == "de" or not label else label[0].lower() + label[1:]
