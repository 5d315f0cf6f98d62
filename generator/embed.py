"""Embedded page bodies: reuse the HTML of a body that another page repeats.

A cohort's print page and its audience packs repeat every agenda of the cohort, and the packs
repeat the program's playbooks. Converting the same Markdown to HTML four times was most of a
large site's build time, so the generator marks in the Markdown where a page's own body starts
and ends, and where another page repeats it. An engine that knows the markers (our MkDocs
plugin) converts each body once and splices that HTML into the pages that repeat it, with its
headings moved down to the level they sit at, its ids made unique to the page and its links
made relative to the new page.

The marked Markdown stays complete: the markers are HTML comments, so an engine that knows
nothing of them renders every page in full. Whenever the HTML of a body is not at hand (say a
dirty rebuild that did not convert the original), the repeated Markdown is converted as usual.
This module never imports MkDocs.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass

_BODY = re.compile(r"<!-- handbook:body level=(\d) -->\n?(.*?)<!-- handbook:/body -->\n?", re.S)
_EMBED = re.compile(r'^<!-- handbook:embed src="([^"]+)" level=(\d) -->\n(.*?)'
                    r"^<!-- handbook:/embed -->$", re.S | re.M)
_EMBED_MARKER = re.compile(r'<!-- handbook:(?:embed src="[^"]+" level=\d|/embed) -->\n?')
_SPLICE = re.compile(r"<!-- handbook:spliced (\d+) -->\n?")
_HEADING = re.compile(r"<(/?)h([1-6])\b")
# A start tag, and in it an attribute adapt may change. Python-Markdown writes every attribute
# in double quotes with '"', '<' and '>' escaped inside, so a tag ends at the first '>', and
# text never holds a '<' that opens one: text that reads like an attribute (`id="top"` typed
# in a list item) is never matched.
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_ATTRIBUTE = re.compile(r'(\s)(id|href|src)="([^"]*)"')
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def body_start(level: int) -> str:
    """Opens the body of a page whose sections are headings one deeper than `level`."""
    return f"<!-- handbook:body level={level} -->"


def has_body(markdown: str) -> bool:
    """Whether a page marks a body that other pages may repeat."""
    return "<!-- handbook:body " in markdown


def body_end() -> str:
    return "<!-- handbook:/body -->"


def embed_start(src: str, level: int) -> str:
    """Opens a copy of the body of page `src` (a docs-relative path) at heading `level`."""
    return f'<!-- handbook:embed src="{src}" level={level} -->'


def embed_end() -> str:
    return "<!-- handbook:/embed -->"


@dataclass(frozen=True)
class Body:
    """A page body as HTML, and where it was rendered."""

    html: str
    level: int
    url: str  # the URL of its page, relative to the site root


@dataclass(frozen=True)
class Reuse:
    """A body to splice into a page, in place of the placeholder numbered by its place in
    the page's list of reuses."""

    src: str
    level: int
    body: Body


def take_body(html: str, url: str) -> tuple[str, Body | None]:
    """The page HTML without its body markers, and its marked body if it has one."""
    match = _BODY.search(html)
    if match is None:
        return html, None
    body = Body(match.group(2), int(match.group(1)), url)
    return html[: match.start()] + match.group(2) + html[match.end():], body


def plan_reuse(markdown: str, bodies: Mapping[str, Body]) -> tuple[str, list[Reuse]]:
    """The Markdown with every repeated body whose HTML is known replaced by a placeholder;
    repeated bodies not known stay as Markdown and are converted as usual."""
    reuses: list[Reuse] = []

    def replace(match: re.Match[str]) -> str:
        body = bodies.get(match.group(1))
        if body is None:
            return match.group(0)
        reuses.append(Reuse(match.group(1), int(match.group(2)), body))
        return f"<!-- handbook:spliced {len(reuses) - 1} -->\n"

    return _EMBED.sub(replace, markdown), reuses


def splice(html: str, reuses: list[Reuse], url: str) -> str:
    """Put each reused body in its placeholder, and drop the markers of the rest."""
    def replace(match: re.Match[str]) -> str:
        reuse = reuses[int(match.group(1))]
        return adapt(reuse.body, reuse.level, _id_prefix(reuse.src), url)

    if reuses:
        html = _SPLICE.sub(replace, html)
    return _EMBED_MARKER.sub("", html)


def _id_prefix(src: str) -> str:
    # A double dash never occurs in an id made from a heading (runs of dashes collapse), so
    # a prefixed id cannot collide with one of the page's own.
    return posixpath.splitext(posixpath.basename(src))[0] + "--"


def adapt(body: Body, level: int, prefix: str, url: str) -> str:
    """A body's HTML as it must read at heading `level` of the page at `url`: headings moved,
    ids prefixed, links rebased, all inside tags; text stays as typed, even where it reads
    like an attribute."""
    shift = level - body.level
    html = body.html
    if shift:
        html = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}", html)
    tags = _TAG.findall(html)
    ids = {m[3] for tag in tags for m in _ATTRIBUTE.finditer(tag) if m[2] == "id" and m[3]}
    source, target = _folder(body.url), _folder(url)

    def change(attribute: re.Match[str]) -> str:
        space, name, value = attribute.groups()
        if name == "id":
            value = prefix + value if value else value
        elif value.startswith("#"):
            value = f"#{prefix}{value[1:]}" if value[1:] in ids else value
        elif source != target:
            value = rebase(value, source, target)
        return f'{space}{name}="{value}"'

    return _TAG.sub(lambda tag: _ATTRIBUTE.sub(change, tag.group(0)), html)


def _folder(url: str) -> str:
    """The folder a page's relative links start from ('' for the site root)."""
    return url if url.endswith("/") or not url else posixpath.dirname(url) + "/"


def rebase(link: str, source: str, target: str) -> str:
    """A relative link written in folder `source`, rewritten to work from folder `target`."""
    if not link or link.startswith(("#", "/")) or _SCHEME.match(link):
        return link
    path, hash_mark, fragment = link.partition("#")
    path, query_mark, query = path.partition("?")
    absolute = posixpath.normpath(posixpath.join(source or ".", path))
    relative = posixpath.relpath(absolute, target.rstrip("/") or ".")
    if path.endswith("/") and not relative.endswith("/"):
        relative += "/"
    return relative + query_mark + query + hash_mark + fragment
