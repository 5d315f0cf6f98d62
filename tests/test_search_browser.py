"""Material's search, driven in a real headless Chromium as a person would use it."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import browser_page, serve

pytestmark = pytest.mark.browser


def search(page, base: str, words: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Type into Material's search box key by key and return the result links."""
    page.goto(base)
    page.click("label.md-search__icon, .md-search__input")
    box = page.locator("input.md-search__input")
    box.press_sequentially(words, delay=40)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    links = page.eval_on_selector_all(".md-search-result__item > a",
                                      "links => links.map(a => a.href)")
    return [link.split("?", 1)[0] for link in links]  # drop the ?h= highlight query


def test_search_finds_a_word_only_one_training_module_uses(mini_site: Path) -> None:
    with serve(mini_site / "site") as base, browser_page() as page:
        results = search(page, base, "quetzal")
    assert results, "search listed nothing"
    assert any(r.endswith("/training/listening/") for r in results), results


def test_search_over_shipped_content(shipped_site: Path) -> None:
    with serve(shipped_site / "site") as base, browser_page() as page:
        results = search(page, base, "attunement")
    assert any(r.endswith("/training/active-listening/") for r in results[:3]), results
