"""Hyphenated words in the search index, findable when typed without the hyphen.

Material's search splits words at hyphens (mkdocs.yml sets its `separator`), so "matching"
finds "re-matching"; but a reader who types "rematch" or "cofounder" finds nothing, as no
indexed word starts with that. So every search entry also gets the joined form of each of its
hyphenated words, in fields of its own ("title_joined", "text_joined"): the search indexes
them (they are listed under the search plugin's `fields` in mkdocs.yml, with the boosts of the
fields they come from) but never shows them, so a result still reads as the page does.

Pure functions over the index entries; the MkDocs glue calls `add_joined_forms` once every
entry is in, after the parallel build has merged the workers' entries, so a build on one
process and a build on many write the same index. Running it twice changes nothing.

The same fields carry the unaccented form of each accented word ("García" -> "garcia"):
Material's search only lower-cases what it indexes and what is typed, so a reader typing
Garcia would not find García. Letters that do not decompose into a letter and an accent
(ø, ł, ß) are left as they are.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

HYPHENS = "-\u2010\u2011"  # hyphen-minus, hyphen, non-breaking hyphen (not dashes)
FIELDS = {"title": "title_joined", "text": "text_joined"}  # entry field -> its joined forms
# Linear time: a match starts only where a word starts ((?<!\w)), and the possessive \w++
# never gives letters back. `\w+(?:-\w+)+` retried every letter of a word without a hyphen
# from every letter: 20 s for a 20,000-letter word.
_HYPHENATED = re.compile(rf"(?<!\w)\w++(?:[{HYPHENS}]\w++)+")
_HYPHEN = re.compile(f"[{HYPHENS}]")
_ACCENTED = re.compile(r"(?<!\w)[0-9A-Za-z_]*+[^\W\x00-\x7f]\w*+")  # a word not all ASCII


def joined_forms(text: str) -> list[str]:
    """The hidden search words of `text`, lower-cased, once each, in text order: each accented
    word without its accents, then each hyphenated word without its hyphens (and accents).

    "The re-matching of a co-founder" gives ["rematching", "cofounder"]; "José García" gives
    ["jose", "garcia"]. Words of digits only (dates such as 2027-03-04, ranges such as 9-12)
    are left out: nobody searches for them run together, and they would only grow the index.
    """
    words: dict[str, None] = {}
    if not text.isascii():
        for match in _ACCENTED.finditer(text):
            plain = _unaccented(match.group().lower())
            if plain != match.group().lower():
                words.setdefault(plain, None)
    for match in _HYPHENATED.finditer(text):
        word = _HYPHEN.sub("", match.group()).lower()
        if not word.isdigit():
            words.setdefault(word, None)
            words.setdefault(_unaccented(word), None)
    return list(words)


def _unaccented(word: str) -> str:
    """`word` without combining marks: 'garcía' -> 'garcia', 'ünal' -> 'unal'."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word)
                   if not unicodedata.combining(c))


def add_joined_forms(entries: list[dict[str, Any]]) -> None:
    """Set (or drop) each entry's joined-form fields from its title and text, in place."""
    for entry in entries:
        for source, target in FIELDS.items():
            words = joined_forms(str(entry.get(source) or ""))
            if words:
                entry[target] = " ".join(words)
            else:
                entry.pop(target, None)
