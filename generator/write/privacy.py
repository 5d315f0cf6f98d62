"""Public edition check: no participant's or coordinator's name reaches the output.

The resolve stage removes pairs and coordinators from a public edition before anything is
planned (`resolve/privacy.py`), but an author can still write a name into free text
("questions go to Priya"). So a public build searches every text value of the content for the
names the cohorts define and reports the file, line and field. The rendered pages and
calendars are searched too, so a name that reached the output some other way (a customised
template, a setting) is still caught: this is the last guard, on what would be published.

What counts as a name, as a whole word: the full name; the first and last part together
("Pieter Berg" for Pieter van den Berg); each part of three letters or more ("Cora", "López").
Parts of one or two letters (Li, Wu, Bo) and parts written in lowercase in the name (the
particles van, den, de) are ordinary words too often ("Li" in a list, "a van"), so they count
only inside the full name or the first-and-last pair. Longer parts that are also words
("Grace", "Young", in any case) are still names: a public edition errs on the side of saying
nothing, and the message names the person so the author can reword.

How text is compared, so that what a reader sees is what is searched: both sides are folded
(case, accents, compatibility forms: "JOSE GARCIA" and "Ｃｏｒａ" match "José García" and
"Cora"; invisible soft hyphens and zero-width characters are dropped), and markup is seen
through: each piece of Markdown or HTML markup becomes one mark that a name may have between
any two letters and that still ends a word before it ("Co*ra*", "C\\ora", "Co`ra`",
"Co<b>ra</b>", "Co&#114;a", "Co[ra](#)" show "Cora"; so does "ask*Cora*"). The scan sees the
Markdown the engine converts, not its HTML; markup the engine adds itself names nobody.
Cost: folded text is lower case, so every word start is a candidate: about 1.5 s for 27 MB of
output and 4,800 names (0.25 s when only capitalised words were tried).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ContentError, HandbookError, quote

if TYPE_CHECKING:
    from ..load.loader import Path_
    from ..plan.site import SitePlan
    from ..validate.library import Library

# Where a cohort defines its people: these fields are the names, and are never shown publicly.
DEFINING = ("coordinator", "pairs")
HINT = ("a public edition names no participant: write the role instead (the cohort "
        "coordinator, your mentor), or build the internal edition (privacy: internal)")
OUTPUT_HINT = ("the content fields name nobody, so a template or setting printed it: look for a "
               "name written into a customised template or into mkdocs.yml")
MAX_OUTPUT_ERRORS = 10
# Dropped when folding: combining marks (accents, after NFKD) and invisible format characters
# (soft hyphen, zero-width space and joiners, word joiner, BOM) that split a name on screen.
_INVISIBLE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
                        "\u00ad\u034f\u200b-\u200f\u2060-\u2064\ufeff]")
# Markup that shows none of its characters: HTML tags, a link's target (on one line, so
# line numbers hold), HTML comments (kept as their line breaks).
_HIDDEN = re.compile(r"</?[A-Za-z][^<>\n]*>|\]\([^()\n]*\)|\]\[[^\[\]\n]*\]")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_PUNCTUATION = re.compile(r"[*_`\\~\[\]]+")  # emphasis, code, escapes, link brackets
# What markup is replaced by: not a letter, so "ask*Cora*" still starts a word at "Cora",
# and names match with any number of them between their letters, so "Co*ra*" is "Cora".
MARK = "\x00"  # never in content: the loader refuses control characters


def fold(text: str) -> str:
    """`text` compared the way a reader reads it: case, accents and width folded."""
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFKD", text))
    return text.casefold()


def shown(text: str) -> str:
    """`text` with its Markdown and HTML markup each replaced by one MARK (roughly what the
    page shows), entities decoded; line breaks stay where they were."""
    if "<!--" in text:
        text = _COMMENT.sub(lambda m: MARK + "\n" * m.group().count("\n"), text)
    if "<" in text or "](" in text or "][" in text:
        text = _HIDDEN.sub(MARK, text)
    if "&" in text:
        text = html.unescape(text)
    return _PUNCTUATION.sub(MARK, text)  # (str.translate is ten times slower)


@dataclass(frozen=True)
class People:
    """The compiled search for every name, and who each folded name belongs to."""

    pattern: re.Pattern[str]
    names: dict[str, tuple[str, str]]  # folded name -> (the name as written, whose it is)

    def find(self, text: str) -> tuple[str, str, int] | None:
        """The first name shown in `text`: (name, whose it is, its line), or None."""
        searched = fold(shown(text))
        match = self.pattern.search(searched)
        if match is None:
            return None
        name, who = self.names[" ".join(match[0].replace(MARK, "").split())]
        return name, who, searched.count("\n", 0, match.start()) + 1


def people(library: Library) -> dict[str, str]:
    """Every name and email a cohort defines, with who it belongs to (for the message)."""
    found: dict[str, str] = {}

    def add(name: str | None, who: str) -> None:
        if not name:
            return
        found.setdefault(name, who)
        if "@" in name:
            return
        parts = [p.strip("\"'“”‘’()[],.;:") for p in re.split(r"[\s\-–]+", name)]
        parts = [p for p in parts if p]
        if len(parts) > 2:  # "Pieter Berg", "José García": first and last alone
            found.setdefault(f"{parts[0]} {parts[-1]}", f"part of {quote(name)}, {who}")
        for part in parts:
            if sum(c.isalpha() for c in part) >= 3 and not part.islower() and part != name:
                found.setdefault(part, f"part of {quote(name)}, {who}")

    for _key, cohort in sorted(library.cohorts.items()):
        where = f"in cohort {quote(cohort.title)}"
        add(cohort.coordinator.name, f"the coordinator {where}")
        add(cohort.coordinator.email, f"the coordinator's email {where}")
        for pair in cohort.pairs:
            add(pair.mentor, f"a mentor {where}")
            add(pair.mentee, f"a mentee {where}")
            add(pair.mentor_email, f"a mentor's email {where}")
            add(pair.mentee_email, f"a mentee's email {where}")
    return found


def people_pattern(names: dict[str, str]) -> People | None:
    """One regex for all names, folded. A plain alternation of thousands of names tries each
    in turn at every word (30 s on a 200-cohort site); built as a trie, each letter picks its
    one branch. Longer names are tried first, so a full name wins over its parts. A space in
    a name matches any run of white space (a line break in the text). Names match as whole
    words, and the pattern itself rules out starts inside a word: folded text is lower case,
    so every letter could start a name, and testing each match afterwards took twice as long."""
    if not names:
        return None
    folded: dict[str, tuple[str, str]] = {}
    for name, who in names.items():
        folded.setdefault(" ".join(fold(shown(name)).replace(MARK, "").split()), (name, who))
    trie: dict[str, Any] = {}
    for name in folded:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}
    return People(re.compile(r"(?<!\w)" + _trie(trie) + r"(?!\w)"), folded)


def _trie(node: dict[str, Any]) -> str:
    """The regex matching every word of a trie, longest first."""
    branches = []
    for char, child in sorted(node.items()):
        if not char:
            continue
        text = _escape(char)
        while len(child) == 1 and "" not in child:  # a chain of single letters: no group
            (char, child), = child.items()
            text += _escape(char)
        branches.append(text + _trie(child))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in node else body


def _escape(char: str) -> str:
    """A name's letter, and any markup after it; a space, any white space and markup."""
    return r"[\s\x00]+" if char == " " else re.escape(char) + r"\x00*"


def _strings(data: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _strings(item, (*path, index))
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))


def scan_fields(library: Library, people: People) -> list[ContentError]:
    """Each field of each content file that shows a name (the defining fields excepted)."""
    errors = []
    for (kind, _), doc in sorted(library.sources.items()):
        for path, text in _strings(doc.data, ()):
            if kind == "cohort" and path and path[0] in DEFINING:
                continue
            found = people.find(text)
            if found:
                errors.append(doc.error(path, f"{quote(found[0])} ({found[1]}) would "
                                        "appear in the public edition", HINT))
    return errors


def scan_outputs(people: People, outputs: Mapping[str, bytes], docs: str,
                 sources: dict[str, str] | None = None) -> list[ContentError]:
    """Each generated file that shows a name: the backstop behind the field scan."""
    errors: list[ContentError] = []
    for path, content in sorted(outputs.items()):
        text = content.decode("utf-8", "replace")
        if path.endswith(".ics"):
            text = text.replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";")
        found = people.find(text)
        if not found:
            continue
        if len(errors) == MAX_OUTPUT_ERRORS:
            errors.append(ContentError(docs, "more generated files name participants; "
                                       "only the first ten are listed", hint=OUTPUT_HINT))
            break
        name, who, line = found
        made = f"; the page is made from {sources[path]}" if sources and path in sources else ""
        errors.append(ContentError(
            f"{docs}/{path}", f"{quote(name)} ({who}) appears in this generated file of the "
            f"public edition{made}", line, hint=OUTPUT_HINT))
    return errors


def check_public(library: Library, plan: SitePlan, outputs: Mapping[str, bytes], docs: str
                 ) -> None:
    """For a public build: raise with every field, or else every output, that names a
    participant. An internal build shows names by design and is not checked."""
    if library.site.privacy != "public":
        return
    search = people_pattern(people(library))
    if search is None:
        return
    errors = scan_fields(library, search)
    if not errors:
        sources = {p.path: f"{p.source} with the template {p.template}" for p in plan.pages}
        errors = scan_outputs(search, outputs, docs, sources)
    if errors:
        raise HandbookError(errors)
