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
"""

from __future__ import annotations

import re
from typing import Any

HYPHENS = "-\u2010\u2011"  # hyphen-minus, hyphen, non-breaking hyphen (not dashes)
FIELDS = {"title": "title_joined", "text": "text_joined"}  # entry field -> its joined forms
_HYPHENATED = re.compile(rf"\w+(?:[{HYPHENS}]\w+)+")
_HYPHEN = re.compile(f"[{HYPHENS}]")


def joined_forms(text: str) -> list[str]:
    """Each hyphenated word of `text` without its hyphens, lower-cased, once, in text order.

    "The re-matching of a co-founder" gives ["rematching", "cofounder"]. Words of digits only
    (dates such as 2027-03-04, ranges such as 9-12) are left out: nobody searches for them run
    together, and they would only grow the index.
    """
    words: dict[str, None] = {}
    for match in _HYPHENATED.finditer(text):
        word = _HYPHEN.sub("", match.group()).lower()
        if not word.isdigit():
            words.setdefault(word, None)
    return list(words)


def add_joined_forms(entries: list[dict[str, Any]]) -> None:
    """Set (or drop) each entry's joined-form fields from its title and text, in place."""
    for entry in entries:
        for source, target in FIELDS.items():
            words = joined_forms(str(entry.get(source) or ""))
            if words:
                entry[target] = " ".join(words)
            else:
                entry.pop(target, None)
