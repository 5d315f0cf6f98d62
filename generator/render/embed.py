"""Embedded page bodies: convert a body once, and reuse its tree in the pages that repeat it.

A cohort's print page and its audience packs repeat every agenda of the cohort, and the packs
repeat the program's playbooks. Converting the same Markdown to HTML four times was most of a
large site's build time, so the generator marks in the Markdown where a page's own body starts
and ends, and where another page repeats it. An engine that knows the markers (our MkDocs
plugin, through `BodyReuse`) keeps each body's element tree as Python-Markdown parsed it and
puts a copy into the pages that repeat it, with its headings moved to the level they sit at and
its links made relative to the new page, before the table of contents is made. So the `toc`
extension numbers the ids, adds the permalinks and lists the headings of the whole page, and
MkDocs checks its links and anchors, exactly as when the page's full Markdown is converted:
the page comes out byte for byte the same (a test compares whole sites).

The marked Markdown stays complete: the markers are HTML comments, so an engine that knows
nothing of them renders every page in full. Whenever the tree of a body is not at hand (say a
dirty rebuild that did not convert the original), the repeated Markdown is converted as usual.
This module never imports MkDocs.
"""

from __future__ import annotations

import copy
import posixpath
import re
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions import Extension
from markdown.htmlparser import htmlparser  # type: ignore[attr-defined]
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

_EMBED = re.compile(r'^(<!-- handbook:embed src="([^"]+)" level=(\d) -->\n)(.*?)'
                    r"^(<!-- handbook:/embed -->)$", re.S | re.M)
_MARKERS = re.compile(r'<!-- handbook:(?:body level=\d|/body|embed src="[^"]+" level=\d'
                      r"|/embed) -->\n?")
_BODY_START = re.compile(r"<!-- handbook:body level=(\d) -->")
_SPLICED = re.compile(r"<!-- handbook:spliced (\d+) -->")
_HEADING = re.compile(r"h([1-6])")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_LINKS = {"a": "href", "img": "src"}  # the links MkDocs resolves, so the ones to rebase
PRIORITY = 6  # after `inline` and `attr_list`, before `toc` and MkDocs' own treeprocessors


def body_start(level: int) -> str:
    """Opens the body of a page whose sections are headings one deeper than `level`."""
    return f"<!-- handbook:body level={level} -->"


def has_body(markdown: str) -> bool:
    """Whether a page marks a body that other pages may repeat."""
    return "<!-- handbook:body " in markdown


_EMBEDS = re.compile(r'<!-- handbook:embed src="([^"]+)" level=\d -->')


def embedded(markdown: str) -> set[str]:
    """The pages (docs-relative paths) whose bodies a page's Markdown repeats."""
    return set(_EMBEDS.findall(markdown)) if "<!-- handbook:embed " in markdown else set()


def body_end() -> str:
    return "<!-- handbook:/body -->"


def embed_start(src: str, level: int) -> str:
    """Opens a copy of the body of page `src` (a docs-relative path) at heading `level`."""
    return f'<!-- handbook:embed src="{src}" level={level} -->'


def embed_end() -> str:
    return "<!-- handbook:/embed -->"


def drop_markers(html: str) -> str:
    """The page HTML without the comments that mark bodies (reused or not, the same HTML)."""
    return _MARKERS.sub("", html)


@dataclass(frozen=True)
class Body:
    """A page body as Python-Markdown parsed it, before ids, permalinks and link checks."""

    elements: tuple[Element, ...]  # never changed: each page that repeats it gets a copy
    stash: dict[int, Any]  # the raw HTML its placeholders stand for, by placeholder number
    level: int
    folder: str  # the folder of its Markdown file, where its relative links start


class BodyReuse:
    """The bodies converted in this build, and the copies planned for the page being
    converted (`plan` runs just before the engine converts that page)."""

    def __init__(self) -> None:
        self.bodies: dict[str, Body] = {}
        self._src: str | None = None
        self._planned: list[tuple[Body, int]] = []
        self._replaced: list[str] = []

    def plan(self, markdown: str, src: str) -> str:
        """The page's Markdown with every repeated body whose tree is known replaced by a
        placeholder; repeated bodies not known stay as Markdown and are converted as usual."""
        self._src, self._planned, self._replaced = src, [], []

        def replace(match: re.Match[str]) -> str:
            body = self.bodies.get(match.group(2))
            if body is None:
                return match.group(0)
            self._planned.append((body, int(match.group(3))))
            self._replaced.append(match.group(4))
            return f"{match.group(1)}\n<!-- handbook:spliced {len(self._planned) - 1} -->\n\n" \
                   f"{match.group(5)}"

        return _EMBED.sub(replace, markdown)

    def finish(self) -> set[str]:
        """Ids in the raw HTML of the Markdown replaced on the page just converted (MkDocs
        collects those from the Markdown, which no longer has them)."""
        finder = _RawIds()
        finder.feed("".join(self._replaced))
        finder.close()
        self._src, self._planned, self._replaced = None, [], []
        return finder.ids

    def extension(self) -> Extension:
        return _ReuseExtension(self)

    def run(self, root: Element, md: markdown.Markdown) -> None:
        if self._src is None:  # a conversion that is not a page of this build
            return
        stash = md.htmlStash.rawHtmlBlocks
        folder = posixpath.dirname(self._src)
        for parent in [*root.iter()]:
            for index in reversed(range(len(parent))):
                marker = _marker(parent[index], stash, _SPLICED)
                if marker is not None:
                    body, level = self._planned[int(marker.group(1))]
                    parent[index:index + 1] = _copy_for(body, level, folder, md)
        start = next((i for i, e in enumerate(root) if _marker(e, stash, _BODY_START)), None)
        if start is None:
            return
        end = next((i for i in range(start + 1, len(root))
                    if _marker(root[i], stash, re.compile("<!-- handbook:/body -->"))), None)
        if end is None:
            return
        level = int(_marker(root[start], stash, _BODY_START).group(1))  # type: ignore[union-attr]
        elements = tuple(copy.deepcopy(e) for e in root[start + 1:end])
        used = {int(m.group(1)) for e in elements for el in e.iter()
                for text in (el.text, el.tail) if text
                for m in HTML_PLACEHOLDER_RE.finditer(text)}
        self.bodies[self._src] = Body(elements, {i: copy.deepcopy(stash[i]) for i in used},
                                      level, folder)


def _marker(element: Element, stash: list[Any], pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The match of `pattern` if `element` is a paragraph holding only a marker comment."""
    if element.tag != "p" or len(element) or not element.text:
        return None
    found = HTML_PLACEHOLDER_RE.fullmatch(element.text)
    if found is None or int(found.group(1)) >= len(stash):
        return None
    raw = stash[int(found.group(1))]
    return pattern.match(raw) if isinstance(raw, str) else None


def _copy_for(body: Body, level: int, folder: str, md: markdown.Markdown) -> list[Element]:
    """A copy of `body` as the Markdown at heading `level` in `folder` would have parsed."""
    shift = level - body.level
    renumbered = {i: md.htmlStash.store(copy.deepcopy(raw)) for i, raw in body.stash.items()}

    def restash(text: str | None) -> str | None:
        if not text or "\x02" not in text:
            return text
        return HTML_PLACEHOLDER_RE.sub(lambda m: renumbered[int(m.group(1))], text)

    elements = [copy.deepcopy(e) for e in body.elements]
    for top in elements:
        for element in top.iter():
            element.text, element.tail = restash(element.text), restash(element.tail)
            heading = _HEADING.fullmatch(element.tag) if shift else None
            if heading:
                element.tag = f"h{min(6, int(heading.group(1)) + shift)}"
            key = _LINKS.get(element.tag)
            value = element.get(key) if key else None
            if key and value and folder != body.folder:
                element.set(key, rebase(value, body.folder, folder))
    return elements


class _ReuseTreeprocessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, reuse: BodyReuse) -> None:
        super().__init__(md)
        self.reuse = reuse

    def run(self, root: Element) -> None:
        self.reuse.run(root, self.md)


class _ReuseExtension(Extension):
    def __init__(self, reuse: BodyReuse) -> None:
        super().__init__()
        self.reuse = reuse

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_ReuseTreeprocessor(md, self.reuse), "handbook_reuse",
                                   PRIORITY)


class _RawIds(htmlparser.HTMLParser):
    """Ids (and <a name>) in raw HTML, found as MkDocs finds them in a page's Markdown."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                self.ids.add(value)


def rebase(link: str, source: str, target: str) -> str:
    """A relative link written in folder `source`, rewritten to work from folder `target`
    ('' is the docs folder itself)."""
    if not link or link.startswith(("#", "/")) or _SCHEME.match(link):
        return link
    path, hash_mark, fragment = link.partition("#")
    path, query_mark, query = path.partition("?")
    absolute = posixpath.normpath(posixpath.join(source or ".", path))
    relative = posixpath.relpath(absolute, target.rstrip("/") or ".")
    if path.endswith("/") and not relative.endswith("/"):
        relative += "/"
    return relative + query_mark + query + hash_mark + fragment
