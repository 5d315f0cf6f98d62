"""Public edition check: no participant's or coordinator's name reaches the output.

The templates leave pairs and coordinators out of a public build, but an author can still
write a name into free text ("questions go to Priya"). So a public build searches every text
value of the content for the names the cohorts define (full names, and each part of three
letters or more, as whole words in their own case: 'Ada' is a name, 'ada' and 'Adams' are not)
and reports the file, line and field. The rendered pages and calendars are searched too, so
a name that reached the output some other way (a customised template) is still caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .errors import ContentError, HandbookError

if TYPE_CHECKING:
    from .loader import Path_
    from .plan import SitePlan
    from .validate import Library

# Where a cohort defines its people: these fields are the names, and are never shown publicly.
DEFINING = ("coordinator", "pairs")
HINT = ("a public edition names no participant: write the role instead (the cohort "
        "coordinator, your mentor), or build the internal edition (privacy: internal)")
OUTPUT_HINT = ("the field check found nothing, so a template or setting printed it: a template "
               "must leave people out when `public` is true")
MAX_OUTPUT_ERRORS = 10


def people(library: Library) -> dict[str, str]:
    """Every name and email a cohort defines, with who it belongs to (for the message)."""
    found: dict[str, str] = {}

    def add(name: str | None, who: str) -> None:
        if not name:
            return
        found.setdefault(name, who)
        if "@" in name:
            return
        for part in re.split(r"[\s\-–]+", name):
            part = part.strip("\"'“”‘’()[],.;:")
            if sum(c.isalpha() for c in part) >= 3 and part != name:
                found.setdefault(part, f"part of {name!r}, {who}")

    for _key, cohort in sorted(library.cohorts.items()):
        where = f"in cohort {cohort.title!r}"
        add(cohort.coordinator.name, f"the coordinator {where}")
        add(cohort.coordinator.email, f"the coordinator's email {where}")
        for pair in cohort.pairs:
            add(pair.mentor, f"a mentor {where}")
            add(pair.mentee, f"a mentee {where}")
            add(pair.mentor_email, f"a mentor's email {where}")
            add(pair.mentee_email, f"a mentee's email {where}")
    return found


def people_pattern(names: dict[str, str]) -> re.Pattern[str] | None:
    """One regex for all names. A plain alternation of thousands of names tries each in turn
    at every capital letter (30 s on a 200-cohort site); built as a trie, each letter picks
    its one branch. Longer names are tried first, so a full name wins over its parts. The
    whole-word test before a name is made on each match (`_names_in`), not in the pattern: a
    pattern that starts with a letter lets the engine skip to the letters names start with."""
    if not names:
        return None
    trie: dict[str, Any] = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}
    return re.compile(_trie(trie) + r"(?!\w)")


def _trie(node: dict[str, Any]) -> str:
    """The regex matching every word of a trie, longest first."""
    branches = []
    for char, child in sorted(node.items()):
        if not char:
            continue
        text = re.escape(char)
        while len(child) == 1 and "" not in child:  # a chain of single letters: no group
            (char, child), = child.items()
            text += re.escape(char)
        branches.append(text + _trie(child))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in node else body


def _names_in(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    for match in pattern.finditer(text):
        start = match.start()
        if start == 0 or (not text[start - 1].isalnum() and text[start - 1] != "_"):
            yield match


def _strings(data: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _strings(item, (*path, index))
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))


def scan_fields(library: Library, pattern: re.Pattern[str], names: dict[str, str]
                ) -> list[ContentError]:
    """Each field of each content file that shows a name (the defining fields excepted)."""
    errors = []
    for (kind, _), doc in sorted(library.sources.items()):
        for path, text in _strings(doc.data, ()):
            if kind == "cohort" and path and path[0] in DEFINING:
                continue
            match = next(_names_in(pattern, text), None)
            if match:
                errors.append(doc.error(path, f"{match[0]!r} ({names[match[0]]}) would "
                                        "appear in the public edition", HINT))
    return errors


def scan_outputs(pattern: re.Pattern[str], outputs: dict[str, bytes], docs: str,
                 sources: dict[str, str] | None = None, names: dict[str, str] | None = None
                 ) -> list[ContentError]:
    """Each generated file that shows a name: the backstop behind the field scan."""
    errors = []
    for path, content in sorted(outputs.items()):
        text = content.decode("utf-8", "replace")
        if path.endswith(".ics"):
            text = text.replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";")
        match = next(_names_in(pattern, text), None)
        if not match:
            continue
        if len(errors) == MAX_OUTPUT_ERRORS:
            errors.append(ContentError(docs, "more generated files name participants; "
                                       "only the first ten are listed", hint=OUTPUT_HINT))
            break
        who = f" ({names[match[0]]})" if names and match[0] in names else ""
        made = f"; the page is made from {sources[path]}" if sources and path in sources else ""
        errors.append(ContentError(
            f"{docs}/{path}", f"{match[0]!r}{who} appears in this generated file of the "
            f"public edition{made}", text.count("\n", 0, match.start()) + 1, hint=OUTPUT_HINT))
    return errors


def check_public(library: Library, plan: SitePlan, outputs: dict[str, bytes], docs: str
                 ) -> None:
    """For a public build: raise with every field, or else every output, that names a
    participant. An internal build shows names by design and is not checked."""
    if library.site.privacy != "public":
        return
    names = people(library)
    pattern = people_pattern(names)
    if pattern is None:
        return
    errors = scan_fields(library, pattern, names)
    if not errors:
        sources = {p.path: f"{p.source} with the template {p.template}" for p in plan.pages}
        errors = scan_outputs(pattern, outputs, docs, sources, names)
    if errors:
        raise HandbookError(errors)
