"""Material's search, driven in a real headless Chromium as a person would use it."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import browser_page, serve
from conftest import FIXTURES, handbook, make_project

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


# A topic summary (plain text, searchable) with a word in every common kind of quote or bracket
# and some hyphenated terms; each pair is (what a reader types, the quoted word).
QUOTED = [("Pepe", '"Pepe"'), ("Lupe", "'Lupe'"), ("Tito", "“Tito”"), ("Nacho", "‘Nacho’"),
          ("Chus", "«Chus»"), ("Quique", "(Quique)"), ("Paco", "[Paco]"), ("Rafa", "{Rafa}")]
SUMMARY = ('José "Pepe" García led the re-matching of pairs with the co-founder; '
           + ", ".join(quoted for _, quoted in QUOTED[1:]) + ".")


@pytest.fixture(scope="module")
def quoted_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini fixture with the quoted and hyphenated words in a topic's summary."""
    root = make_project(tmp_path_factory.mktemp("quoted"), FIXTURES / "mini" / "content")
    topic = root / "content/topics/tooling.yml"
    text = topic.read_text("utf-8").splitlines(keepends=True)
    summary = SUMMARY.replace("\\", "\\\\").replace('"', '\\"')
    text = [f'summary: "{summary}"\n' if line.startswith("summary:") else line for line in text]
    topic.write_text("".join(text), "utf-8")
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "site"


@pytest.mark.parametrize("typed", [typed for typed, _ in QUOTED]
                         + ["rematch", "rematching", "re-matching", "cofounder", "matching"])
def test_search_finds_quoted_and_hyphenated_words(quoted_site: Path, typed: str) -> None:
    with serve(quoted_site) as base, browser_page() as page:
        results = search(page, base, typed)
    assert any(r.endswith("/topics/tooling/") for r in results), (typed, results)
