"""The registry of page kinds.

A kind (`views.Kind`) is one unit: its path (from `paths.py`), its view model, its template
and whether its pages are in the nav. Kinds come in families, one module each, whose `pages`
function builds every page of its kinds from the resolved library: `index` (home and section
indexes), `program` (handbook, curricula), `cohort` (cohort page, agendas, print page, packs)
and `library` (topics, challenges, modules). The plan asks every family for its pages, in
this order; the engine's `not_in_nav` comes from the kinds kept out of the nav.

A new kind is a family module plus its template, added to `FAMILIES` here (or, in a test or
an extension, passed to `register`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..views import Kind, PageSpec
from . import certificate, cohort, index, library, program, results

if TYPE_CHECKING:
    from ...resolve.site import Resolved

Family = Callable[["Resolved"], list[PageSpec]]

FAMILIES: list[tuple[tuple[Kind, ...], Family]] = [
    (index.KINDS, index.pages),
    (program.KINDS, program.pages),
    (cohort.KINDS, cohort.pages),
    (library.KINDS, library.pages),
    (results.KINDS, results.pages),
    (certificate.KINDS, certificate.pages),
]


def kinds() -> dict[str, Kind]:
    """Every registered kind by name."""
    found: dict[str, Kind] = {}
    for members, _ in FAMILIES:
        for kind in members:
            if kind.name in found:
                raise ValueError(f"two page kinds are named {kind.name!r}")
            if not kind.in_nav and not kind.glob:
                raise ValueError(f"the page kind {kind.name!r} is out of the nav: give it a "
                                 "not_in_nav pattern (glob)")
            found[kind.name] = kind
    return found


def register(members: Iterable[Kind], family: Family) -> None:
    """Add a family of kinds after the built-in ones: its pages come last in the plan."""
    FAMILIES.append((tuple(members), family))
    try:
        kinds()  # refuse a name that is taken, or an out-of-nav kind without a pattern
    except ValueError:
        FAMILIES.pop()
        raise


def plan_pages(resolved: Resolved) -> list[PageSpec]:
    """Every page of every registered kind."""
    pages: list[PageSpec] = []
    for _, family in FAMILIES:
        pages += family(resolved)
    return pages


def not_in_nav() -> list[str]:
    """The `not_in_nav` patterns of the kinds kept out of the nav."""
    return [kind.glob for kind in kinds().values() if not kind.in_nav]
