"""Planned cohorts by a key of their inputs: the render cache's page digests, and in the
preview, the very page specs planned in its last rebuild.

A cohort's pages (kinds/cohort.py `cohort_pages`) are a pure function of what it is given: the
cohort, its schedule and source file, its program, its results, the site settings, the
library's topics, challenges and modules, the edition and whether PDFs are linked. So a hash
of exactly that is the key, and each page's digest for the render cache (render/cache.py
`folder_key`) is the key and the page's place in the cohort: hashing the 3,400 cohort pages
of the bench set themselves took 1.1 s of every build; their cohorts' keys take 0.14 s. (The
code that plans them is in the render keys' environment: an edited planner misses.)

A caller that keeps running (`kept(True)`: the preview's plugin) keeps the entries between
runs: a cohort whose key is unchanged gets the same page objects (planning every cohort was a
third of a preview rebuild after an edit to one). Entries not used by a run are dropped at its
end. A one-shot build gets a memo of its own, which goes with the run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..digests import joined_digest

if TYPE_CHECKING:
    from .views import PageSpec


class CohortMemo:
    def __init__(self) -> None:
        self.kept: dict[bytes, tuple[list[PageSpec], list[bytes]]] = {}
        self.used: set[bytes] = set()

    def pages(self, key: bytes, plan: Callable[[], list[PageSpec]]) -> list[PageSpec]:
        """The pages kept under `key`, or `plan()`'s, kept with their digests."""
        self.used.add(key)
        found = self.kept.get(key)
        if found is None:
            pages = plan()
            found = self.kept[key] = (pages, [joined_digest(key, n.to_bytes(4, "little"))
                                              for n in range(len(pages))])
        return list(found[0])

    def digests(self) -> dict[int, bytes]:
        """Each kept page's digest by its id (the pages stay alive while kept)."""
        return {id(page): digest for pages, digests in self.kept.values()
                for page, digest in zip(pages, digests, strict=True)}

    def finish(self) -> None:
        """Forget what this run did not use."""
        for key in self.kept.keys() - self.used:
            del self.kept[key]
        self.used = set()


_MEMO = CohortMemo()
_ACTIVE: list[CohortMemo] = []


@contextlib.contextmanager
def kept(on: bool) -> Iterator[CohortMemo]:
    """The memo while planning: the process's, kept between runs, when `on`; else one of
    this run's own."""
    memo = _MEMO if on else CohortMemo()
    _ACTIVE.append(memo)
    try:
        yield memo
    finally:
        _ACTIVE.clear()
        memo.finish()


def current() -> CohortMemo | None:
    """The memo of the planning under way (None: planning outside a pipeline run, as a
    test may: every cohort is planned and hashed as it is)."""
    return _ACTIVE[-1] if _ACTIVE else None
