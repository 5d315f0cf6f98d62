"""Output allowlist: the HTML of every page body passes nh3 (the Rust ammonia sanitizer).

The render stage already keeps raw HTML and script links out of author Markdown, but those
checks read the input with patterns, and Markdown has many ways to say the same thing (a
reference defined inside a quote, a URL broken over two lines, an attribute list). So the
guarantee sits at the output instead: whatever Markdown produced, only the tags and attributes
below reach the page, links and images point only at http(s), mailto or relative addresses,
and no element keeps an event handler or a style other than a table cell's alignment.

The lists hold what Python-Markdown and the site's extensions (toc, tables, admonition,
attr_list, pymdownx.tasklist) produce from the generator's templates; a tag outside them
loses its markup and keeps its text. The results pages' charts (templates/partials/
chart_bars.j2) are inline SVG, so a few SVG tags pass with geometry and accessibility
attributes only: no href, no style, no handler, nothing that loads, animates or embeds HTML
(no a, image, use, foreignObject, animate); ammonia also drops an SVG tag outside an <svg>.
Content prose cannot write raw HTML at all (validate/prose.py shows it as typed). This
module never imports MkDocs.
"""

from __future__ import annotations

import re

import nh3

from ..plan.data_formats import CHECKLIST_KEY, ISO_MINUTE

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input",
    "ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
})
SVG_TAGS = frozenset({"svg", "g", "rect", "line", "text", "title", "desc"})  # charts
ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "a": {"href", "rel"},
    "img": {"src", "alt"},
    "ol": {"start"},
    "th": {"style"},  # python-markdown's tables align columns with style="text-align: ..."
    "td": {"style"},
    "input": {"disabled", "checked"},  # pymdownx.tasklist's checkboxes
    "svg": {"viewBox", "aria-labelledby"},  # role: "img" only (below)
    "rect": {"x", "y", "width", "height"},
    "line": {"x1", "y1", "x2", "y2"},
    "text": {"x", "y", "text-anchor"},
}
SCHEMES = frozenset({"http", "https", "mailto"})  # relative links and #fragments pass too

_CLEANER = nh3.Cleaner(
    tags=set(TAGS | SVG_TAGS),
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    tag_attribute_values={"input": {"type": {"checkbox"}}, "svg": {"role": {"img"}}},
    url_schemes=set(SCHEMES),
    filter_style_properties={"text-align"},
    link_rel=None,  # keep links as written: they are ours or checked, and mostly internal
    strip_comments=True,
)


# The data the templates write for the reader's browser (plan/meeting_data.py): each attribute
# on the elements that carry it, and only in its format, so markup that slipped through from
# content can feed the script nothing but a time, a number, a page path or one line of text.
# The data-hb-say-* texts are the script's sentences, translated by the templates; the script
# sets them with textContent only, so a line without markup or control characters is all
# they may hold.
_MEETINGS = rf"{ISO_MINUTE}/{ISO_MINUTE}(?: {ISO_MINUTE}/{ISO_MINUTE})*"
_SAY = re.compile(r"[^<>\x00-\x1f\x7f]{1,200}")
BANNER_TEXTS = ("now-on", "next", "all-held", "this-now", "this-next", "this-held",
                "this-later")
DATA_ATTRIBUTES: dict[str, dict[str, re.Pattern[str]]] = {
    "div": {"data-hb-meetings": re.compile(_MEETINGS), "data-hb-this": re.compile(r"[1-9]\d{0,3}"),
            **{f"data-hb-say-{name}": _SAY for name in BANNER_TEXTS}},
    "span": {"data-hb-start": re.compile(ISO_MINUTE), "data-hb-end": re.compile(ISO_MINUTE),
             "data-hb-say-held": _SAY},
    "pre": {"data-hb-say-copy": _SAY, "data-hb-say-copied": _SAY},
    **{f"h{n}": {"data-hb-checklist": re.compile(CHECKLIST_KEY), "data-hb-say-clear": _SAY}
       for n in range(2, 7)},
}


def _data_format(tag: str, name: str, value: str) -> str | None:
    if not name.startswith("data-hb-"):
        return value
    pattern = DATA_ATTRIBUTES.get(tag, {}).get(name)
    return value if pattern is not None and pattern.fullmatch(value) else None


_DATA_CLEANER = nh3.Cleaner(  # _CLEANER's lists plus the data attributes
    tags=set(TAGS | SVG_TAGS),
    attributes={tag: set(ATTRIBUTES.get(tag, ())) | set(DATA_ATTRIBUTES.get(tag, ()))
                for tag in {*ATTRIBUTES, *DATA_ATTRIBUTES}},
    tag_attribute_values={"input": {"type": {"checkbox"}}, "svg": {"role": {"img"}}},
    url_schemes=set(SCHEMES),
    filter_style_properties={"text-align"},
    link_rel=None,
    strip_comments=True,
    attribute_filter=_data_format,
)


def sanitize_html(html: str) -> str:
    """A page body's HTML with everything outside the allowlist removed.

    Entities may come back as characters and void tags lose their slash (`<br>`); what a
    reader sees is unchanged. Only a body with browser data pays for checking its format (a
    Python call per attribute: 15% of the cleaning time of a print page).
    """
    return (_DATA_CLEANER if "data-hb-" in html else _CLEANER).clean(html)
