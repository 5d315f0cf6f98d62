"""Text a template prints: values escaped for Markdown (or for raw HTML), and links.

Values from YAML are data, never markup: the environment's `finalize` hook escapes every value a
template prints, in one place. A link is written by our own code (`Raw`, printed as is), from
the page being rendered to a docs page: as Markdown, whose engine makes the address, or, in
link-dense lists, as HTML with the address the engine would make (`href`), which Markdown
passes through without parsing each link again.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from typing import Any

import jinja2

from ..plan.views import Link
from ..validate.models import MarkdownText
from ..validate.prose import sanitize_markdown


class Raw(str):
    """Markdown produced by our own code (links), printed as is."""


MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|<>&])")


# Characters that open block syntax at the start of a line, in the site's extensions or ones
# it may switch on: lists (- + 1. 1)), admonitions (!!! ???), setext headings (=== ---),
# definitions (:), blocks (///), fences (~~~), math ($$) and the like.
NEEDS_ESCAPE = re.compile(r"[\\`*_{}\[\]#|<>&\s]|^[-+!?=:/~%$]|^\d+[.)]")
LINE_START = re.compile(r"^( ?)(?:([-+!])|([?=:/~%$])|(\d+)([.)]))")


def _line_start(match: re.Match[str]) -> str:
    space, backslashed, entity, digits, mark = match.groups()
    if backslashed:
        return f"{space}\\{backslashed}"  # Markdown's own escapes: '\-', '\+', '\!'
    if entity:
        return f"{space}&#{ord(entity)};"  # no backslash escape exists for these
    return space + digits + ("\\." if mark == "." else "&#41;")


@functools.lru_cache(maxsize=1 << 16)
def escape_text(value: str) -> str:
    """Plain text that shows as typed wherever it lands: a paragraph, a table cell, a heading,
    a link label. HTML characters become entities; Markdown punctuation is backslashed; and
    whatever would open a block (a list, an admonition, a heading underline, indented code)
    is neutralised at the start, since a template may print the value at a line's start."""
    text = str(value)
    if not NEEDS_ESCAPE.search(text.replace(" ", "")) and text[:1] != " ":
        return text  # the common case: nothing to do
    # One line, never indented code; a no-break space stays (Babel's '86,7\u00a0%', French
    # typography), since it is what keeps a number with its sign.
    text = re.sub(r"[^\S\u00a0\u202f]+", " ", text)

    def one(match: re.Match[str]) -> str:
        char = match.group(1)
        return {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(char, "\\" + char)

    return LINE_START.sub(_line_start, MD_SPECIAL.sub(one, text), count=1)


def finalize(value: Any) -> Any:
    """Applied to every `{{ ... }}` in every template (hundreds of thousands of times on a
    large site: the exact type is looked up first, subclasses take the long way)."""
    kind = type(value)
    if kind is str:
        return escape_text(value)
    if kind is Raw or kind is int:
        return value
    if kind is MarkdownText:
        return sanitize_markdown(value)
    if isinstance(value, Raw):
        return value
    if isinstance(value, MarkdownText):
        return sanitize_markdown(value)
    if isinstance(value, str):
        return escape_text(value)
    if value is None:
        raise TypeError("a template printed a missing value (None)")
    return value


@jinja2.pass_context
def link_to(context: jinja2.runtime.Context, target: Link | str, label: str | None = None) -> Raw:
    """A Markdown link from the page being rendered to another page or file."""
    path = target.path if isinstance(target, Link) else target
    text = label if label is not None else (target.title if isinstance(target, Link) else path)
    folder = context["page_path"].rpartition("/")[0]
    return Raw(f"[{escape_text(text)}]({_link_from(path, folder)})")


@functools.lru_cache(maxsize=1 << 16)
def _link_from(target: str, folder: str) -> str:
    """The path from a docs folder to a docs file, both relative to the docs folder (what
    posixpath.relpath computes, without touching the file system, at a tenth of the cost).
    The pages of one folder link to the same few targets: each path is worked out once."""
    here = folder.split("/") if folder else []
    there = target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


# Characters that end a link's address or a table cell, or start Markdown inside either (a
# backtick opens a code span hiding a cell's '|'): percent-encoded, read as themselves.
URL_QUOTES = str.maketrans({c: f"%{ord(c):02X}" for c in
                            [*map(chr, range(0x21)), "\x7f", *"()<>[]{}|`\\\""]})


def url_link(url: str, label: str | None = None) -> Raw:
    """A Markdown link to an outside address (already validated as http(s) or mailto)."""
    return Raw(f"[{escape_text(label or url)}]({url.translate(URL_QUOTES)})")


def html_text(value: object) -> Raw:
    """A value inside raw HTML a template writes (data attributes, the invitation's text):
    escaped for HTML, quotes included, and for nothing else, since Markdown leaves raw HTML
    as it is."""
    return Raw(html.escape(str(value)))


def html_label(value: object) -> Raw:
    """Text between raw HTML tags: `&`, `<` and `>` escaped, as Markdown's own output has them
    (quotes stay as typed)."""
    return Raw(html.escape(str(value), quote=False))


def address(path: str, directory_urls: bool) -> str:
    """Where the engine publishes a docs page, relative to the site (what MkDocs' `File.url`
    is): `a/b.md` at `a/b/`, `a/index.md` at `a/`, the home page at `./`; without directory
    URLs at `a/b.html`, `a/index.html`. Docs paths are slugs: nothing to percent-encode."""
    stem = path.removesuffix(".md")
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return "./"
    return stem.removesuffix("index") if stem.endswith("/index") else stem + "/"


@functools.lru_cache(maxsize=1 << 16)
def relative_url(target: str, page: str) -> str:
    """The address of `target` as a link on `page` (both site-relative addresses) writes it:
    what MkDocs' `get_relative_url` gives, the file name of a page's own address left out."""
    base, _, name = page.rpartition("/")
    here = [part for part in (base if "." in name else page).split("/") if part not in ("", ".")]
    there = [part for part in target.split("/") if part not in ("", ".")]
    common = 0
    while common < len(here) and common < len(there) and here[common] == there[common]:
        common += 1
    relative = "/".join([".."] * (len(here) - common) + there[common:]) or "."
    return relative + "/" if target.endswith("/") else relative


def href_filter(directory_urls: bool) -> Callable[..., Raw]:
    """`{{ page | href }}`: the address of a docs page from the page being rendered, for an
    `<a href>` in raw HTML (escaped for an attribute)."""

    @jinja2.pass_context
    def href(context: jinja2.runtime.Context, target: Link | str) -> Raw:
        path = target.path if isinstance(target, Link) else target
        url = relative_url(address(path, directory_urls),
                           address(context["page_path"], directory_urls))
        return Raw(html.escape(url))

    return href
