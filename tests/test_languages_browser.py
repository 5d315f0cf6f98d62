"""A site in several languages in a real browser: the language switcher keeps the reader on
the same page, and each language searches only its own pages (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import browser_page, serve
from conftest import handbook
from test_languages import _multilingual

AGENDA = "programs/reverse-mentoring/2027-autumn-berlin/01-kickoff-and-expectations/"
GERMAN_WORD = "Werkzeuge"  # "Digitale Werkzeuge im Arbeitsalltag": topics/digital-tools.de.yml


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _multilingual(tmp_path_factory.mktemp("languages-browser"))
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "site"


def test_the_switcher_lands_on_the_same_agenda_in_the_other_language(site: Path) -> None:
    assert (site / "en" / AGENDA / "index.html").is_file()
    with serve(site) as base, browser_page() as page:
        page.goto(base)  # site/index.html sends the reader on to the default language
        page.wait_for_url(f"{base}en/")
        page.goto(f"{base}en/{AGENDA}")
        assert "Spree Room" in page.inner_text("article")
        page.hover(".md-header__option .md-select")
        page.click(".md-select__link[hreflang=de]")
        page.wait_for_url(f"{base}de/{AGENDA}")
        assert page.locator("html").get_attribute("lang") == "de"
        assert "Raum Spree" in page.inner_text("article")


def test_german_search_finds_german_pages_only(site: Path) -> None:
    with serve(site) as base, browser_page() as page:
        page.goto(f"{base}de/")
        page.click("label.md-search__icon, .md-search__input")
        page.locator("input.md-search__input").press_sequentially(GERMAN_WORD, delay=40)
        page.wait_for_selector(".md-search-result__item > a", timeout=15000)
        links = page.eval_on_selector_all(".md-search-result__item > a",
                                          "links => links.map(a => a.href)")
        text = page.inner_text(".md-search-result")
    assert links and all(link.startswith(f"{base}de/") for link in links), links
    assert f"{base}de/topics/digital-tools/" in [link.split("?")[0] for link in links]
    assert GERMAN_WORD in text


def test_english_search_knows_no_german_page(site: Path) -> None:
    with serve(site) as base, browser_page() as page:
        page.goto(f"{base}en/")
        page.click("label.md-search__icon, .md-search__input")
        page.locator("input.md-search__input").press_sequentially(GERMAN_WORD, delay=40)
        page.wait_for_selector(".md-search-result__meta", timeout=15000)
        page.wait_for_timeout(500)
        links = page.eval_on_selector_all(".md-search-result__item > a",
                                          "links => links.map(a => a.href)")
    assert not any(f"{base}de/" in link for link in links), links
