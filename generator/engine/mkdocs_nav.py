"""Sidebars that stay the same size however many programs, topics or modules a site has.

With `navigation.prune`, Material leaves out the pages under sections the reader is not in,
but it still lists every sibling along the path to the current page: on a site of 80
programs, each page of a program listed all 80 programs, so every page grew with the site.
Here a section with more than `LIMIT` entries shows, on each page, only its first entry, its
index page and the entry the page is in; the index page (a listing the generator writes)
names them all. Smaller sections are left as they are.

This works on copies of MkDocs's nav objects, made per page, and touches nothing else: the
core stays free of MkDocs, and the same nav reaches every other plugin.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

LIMIT = 15  # entries a sidebar section lists in full


class PageNav:
    """The site's navigation as one page's sidebar shows it (what Material's templates read:
    the top-level items, iteration, and everything else from the real navigation)."""

    def __init__(self, nav: Any, items: list[Any]) -> None:
        self._nav = nav
        self.items = items

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._nav, name)


def page_nav(nav: Any, limit: int = LIMIT) -> Any:
    """The navigation for the page being rendered (MkDocs has already marked the sections
    on its path active), or `nav` itself when no section needs shortening."""
    items = [_shortened(item, limit) for item in nav.items]
    return nav if _same(items, nav.items) else PageNav(nav, items)


def _shortened(item: Any, limit: int) -> Any:
    children = getattr(item, "children", None)
    if not children:
        return item
    kept = children
    if len(children) > limit:
        kept = [c for n, c in enumerate(children)
                if n == 0 or c.active or getattr(c, "is_index", False)]
    if item.active:  # the sections on the page's path are shown open: shorten inside too
        kept = [_shortened(child, limit) for child in kept]
    if _same(kept, children):
        return item
    shortened = copy.copy(item)
    shortened.children = kept
    return shortened


def _same(new: list[Any], old: list[Any]) -> bool:
    """Whether nothing was replaced: the very same objects (so no copy is needed)."""
    return len(new) == len(old) and all(a is b for a, b in zip(new, old, strict=True))
