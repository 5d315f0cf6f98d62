"""The preview's memory of planned cohorts: a cohort whose inputs are unchanged since the last
run in this process gets the very page specs planned then.

Planning every cohort's pages was a third of a preview rebuild after an edit to one cohort,
and hashing those pages again for the render cache's keys another quarter. A cohort's pages
(kinds/cohort.py `cohort_pages`) are a pure function of what it is given: the cohort, its
schedule and source file, its program, its results, the site settings, the library's topics,
challenges and modules, the edition and whether PDFs are linked. So a hash of exactly that is
the key; a hit returns the same objects, with their digests for the render keys
(render/cache.py `folder_key`), which stay valid since the memo keeps the objects alive.

Only a caller that keeps running asks for it (`kept(True)`: the preview's plugin); in a
one-shot build the memo would cost its hashing and never hit. Entries not used by a run are
dropped at its end.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..digests import Digests

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
            digests = Digests()
            found = self.kept[key] = (pages, [digests.of(page) for page in pages])
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
def kept(on: bool) -> Iterator[CohortMemo | None]:
    """The process's memo while planning, when `on`; None (plan everything) otherwise."""
    if not on:
        yield None
        return
    _ACTIVE.append(_MEMO)
    try:
        yield _MEMO
    finally:
        _ACTIVE.clear()
        _MEMO.finish()


def current() -> CohortMemo | None:
    """The memo of the planning under way, if its caller asked for one."""
    return _ACTIVE[-1] if _ACTIVE else None
