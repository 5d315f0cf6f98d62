"""Markdown fields (prose): what they may link to, and how they are printed safely.

Both jobs need to know how Python-Markdown reads a field, and patterns over the text kept
getting that wrong (a reference defined inside a quote, a bracket escaped with a backslash, a
link whose address ends at a quote). So both ask Python-Markdown itself, with the extensions
the site's mkdocs.yml turns on, on the field alone (templates print every Markdown field at
the start of a line, where it reads as it does alone):

- `sanitize_markdown` shows raw HTML and attribute lists as typed, but leaves code alone, so
  `<b>` in backticks and `a < b` in an indented block read as typed. Which characters sit in
  code is found by a conversion in which each special character is a numbered marker.
- `markdown_problems` lists every link and image the page would get from a field that
  `handbook build` (MkDocs --strict) would fail on or the site could not show: it converts the
  sanitized field, as the build will, and looks at each address in the element tree and each
  reference definition, used or not (another field on the same page may use it).

The output allowlist (sanitize.py) stays the wall; this is the friendly first line.
"""

from __future__ import annotations

import functools
import html
import re
from typing import TYPE_CHECKING

from ..errors import quote

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    import markdown

# As in the shipped mkdocs.yml; only what changes how links, code and raw HTML parse matters.
EXTENSIONS = ["toc", "tables", "admonition", "attr_list", "pymdownx.tasklist"]
EXTENSION_CONFIGS = {"toc": {"permalink": True}, "pymdownx.tasklist": {"custom_checkbox": True}}


@functools.cache
def _converter() -> markdown.Markdown:
    """One Python-Markdown instance per process (building one costs milliseconds), which
    records the links and images of the last conversion."""
    import markdown
    from markdown.treeprocessors import Treeprocessor

    class Addresses(Treeprocessor):
        def run(self, root: Element) -> None:
            self.found = [(el.tag, el.get("href" if el.tag == "a" else "src", ""))
                          for el in root.iter() if el.tag in ("a", "img")]

    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    md.treeprocessors.register(Addresses(md), "handbook_addresses", -1)  # after unescaping
    return md


def _convert(text: str) -> tuple[str, list[tuple[str, str]], dict[str, str]]:
    """HTML, (tag, address) of every link and image, and every reference definition."""
    md = _converter()
    md.reset()
    out = md.convert(text)
    addresses = md.treeprocessors["handbook_addresses"].found  # type: ignore[attr-defined]
    return out, addresses, {key: url for key, (url, _title) in md.references.items()}


# --- printing --------------------------------------------------------------------------------

# What sanitize_markdown escapes outside code: '<' (raw HTML), '>' other than a quote's marks,
# '{' (attribute lists, on for the templates' buttons) and '&' before an entity (shown as
# typed, so no '&#106;avascript:' tricks); a bare '&' is left to Markdown.
_SPECIAL = re.compile(r"[<>{]|&(?=#?\w+;)")
_QUOTE_MARKS = re.compile(r"^[ \t]*>(?:[ \t]*>)*", re.M)
# Code needs a backtick or a line indented four columns (Python-Markdown has no fences here).
_MAY_HAVE_CODE = re.compile(r"`|^[ \t>]*(?: {4}|\t)", re.M)
_CODE = re.compile(r"<code\b[^>]*>(.*?)</code>", re.S)
_MARKER_BASE = 0xF0000  # Supplementary Private Use Area-A: 65,534 numbered markers
_ESCAPES = {"<": "&lt;", ">": "&gt;", "{": "&#123;", "&": "&amp;"}


@functools.lru_cache(maxsize=1 << 14)
def sanitize_markdown(value: str) -> str:
    """Author Markdown with raw HTML and attribute lists shown as typed (escaped) outside
    code, and code (backtick spans, indented blocks) exactly as typed."""
    text = value.strip()
    quote_marks = {i for m in _QUOTE_MARKS.finditer(text) for i in range(m.start(), m.end())
                   if text[i] == ">"} if ">" in text else set()
    specials = [m.start() for m in _SPECIAL.finditer(text) if m.start() not in quote_marks]
    if not specials:
        return text
    in_code = _in_code(text, specials) if _MAY_HAVE_CODE.search(text) else set()
    out, last = [], 0
    for pos in specials:
        char = text[pos]
        keep = pos in in_code and not (char == "<" and _at_line_start(text, pos))
        out.append(text[last:pos] + (char if keep else _ESCAPES[char]))
        last = pos + 1
    return "".join(out) + text[last:]


def _at_line_start(text: str, pos: int) -> bool:
    # Python-Markdown reads '<tag' or '<!--' at the start of a line (after up to three
    # spaces) as raw HTML, even in the middle of a backtick span: there '<' stays escaped.
    return re.fullmatch(r" {0,3}", text[text.rfind("\n", 0, pos) + 1:pos]) is not None


def _in_code(text: str, specials: list[int]) -> set[int]:
    """Positions among `specials` that Python-Markdown shows inside code: each special
    character becomes a numbered marker, and the markers found in <code> elements after a
    conversion are code. Without its special characters the field has no raw HTML and no
    attribute list, which is how the escaped field will read."""
    if len(specials) >= 0xFFFE or re.search("[\U000f0000-\U000fffff]", text):
        return set()  # no room for markers: escape everywhere (shows entities in code)
    marked, last = [], 0
    for number, pos in enumerate(specials):
        marked.append(text[last:pos] + chr(_MARKER_BASE + number))
        last = pos + 1
    converted, _, _ = _convert("".join(marked) + text[last:])
    return {specials[ord(char) - _MARKER_BASE] for code in _CODE.findall(converted)
            for char in code if _MARKER_BASE <= ord(char) < _MARKER_BASE + len(specials)}


# --- checking --------------------------------------------------------------------------------

_WEB_OR_MAIL = re.compile(r"^(?:https?://[^/?#]|mailto:.)", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_BAD_IN_ADDRESS = re.compile(r"[\s\"<>\\`]")
_FULL = "write the full address, e.g. https://intranet.example.com/page"
LINKS_ONLY = "links may only point to http(s):// or mailto: addresses"


def markdown_problems(value: str) -> list[tuple[str, str]]:
    """(message, hint) for each link or image in a Markdown field that the build would fail
    on or the site could not show; none for a field that builds."""
    text = sanitize_markdown(value)
    if "]" not in text:  # every link, image and reference definition has one
        return []
    _, addresses, references = _convert(text)
    notes = {url for key, url in references.items() if key.startswith("^")}  # [^1]: a note
    problems = [_image_problem(html.unescape(address)) if tag == "img"
                else _link_problem(html.unescape(address), address in notes)
                for tag, address in addresses]
    problems += [_link_problem(html.unescape(url), url in notes)
                 for url in references.values()]
    return [problem for problem in problems if problem is not None]


def _link_problem(address: str, footnote: bool = False) -> tuple[str, str] | None:
    """What a browser is given (the attribute with its entities read) must be a web or mail
    address: anything else is relative, and MkDocs fails a strict build on a relative link
    to a page it does not have."""
    shown = quote(address)
    if _WEB_OR_MAIL.match(address):
        if _BAD_IN_ADDRESS.search(address):
            return (f"the link address {shown} contains a space or a quote",
                    "an address ends at its first space, so the rest was lost; write a space "
                    "as %20, and put a title in quotes after the address: "
                    '[text](https://example.com/page "Title")')
        return None
    if footnote:
        hint = "footnotes are not supported; write the note in the text, e.g. in brackets"
    elif address.startswith("<") and address.endswith(">"):
        hint = "write the address without the angle brackets, with a space as %20"
    elif address.startswith("#"):
        hint = ("a link to a heading cannot know the headings of every page that shows this "
                "text; name the section in words, or link to a full address")
    elif address.startswith("//"):
        hint = "write the address with https:// in front"
    elif _SCHEME.match(address) or _SCHEME.match(html.unescape(address)):  # &#106;avascript:
        hint = f"only web and mail addresses open from the handbook; {_FULL}"
    else:
        hint = ("the address is relative (no https:// or mailto: in front), and a relative "
                f"link cannot know where the generated page will sit; {_FULL}")
    return f"{LINKS_ONLY}, not {shown}", hint


def _image_problem(address: str) -> tuple[str, str]:
    """No image in a Markdown field can show: the site loads nothing from other hosts (it
    works offline, and its Content-Security-Policy says so), and a field adds no files."""
    if re.match(r"^(?:https?:)?//", address, re.I):
        return (f"the image {quote(address)} is on another site",
                "the site works offline on the intranet and never loads pictures from "
                "elsewhere; link to the picture instead: [the picture](https://...)")
    return (f"the image {quote(address)} is not part of the site",
            "a Markdown field cannot add pictures to the site; link to the picture instead: "
            "[the picture](https://...)")
