"""The search index: words split at quotes and brackets, hyphenated words findable joined up."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser import browser_page, serve
from conftest import REPO
from handbook.engine.search_terms import FIELDS, add_joined_forms, joined_forms
from test_search_browser import quoted_site, search  # noqa: F401 (a fixture)

QUOTED = ['"Pepe"', "'Pepe'", "“Pepe”", "‘Pepe’", "«Pepe»", "‹Pepe›", "„Pepe“", "(Pepe)",
          "[Pepe]", "{Pepe}", "Pepe/Lupe", "Pepe,Lupe"]


def _search_config() -> dict[str, Any]:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "search" in plugin:
            return dict(plugin["search"])
    raise AssertionError("mkdocs.yml configures no search options")


def test_separator_frees_words_from_every_common_quote_and_bracket() -> None:
    # Material's worker splits with this pattern as a JavaScript RegExp; as written here
    # (character class, \s, \uXXXX) it means the same in Python.
    separator = re.compile(_search_config()["separator"])
    for quoted in QUOTED:
        words = [w for w in separator.split(f"José {quoted} García") if w]
        assert "Pepe" in words, (quoted, words)
    assert [w for w in separator.split("re-matching co\u2011founder") if w] == [
        "re", "matching", "co", "founder"]
    assert separator.split("3.5") == ["3.5"]  # decimals and versions stay whole


def test_joined_form_fields_are_indexed_with_their_sources_boosts() -> None:
    fields = _search_config()["fields"]
    boosts = {"title": 1000, "text": 1}  # Material's defaults for the fields they come from
    assert {name: spec["boost"] for name, spec in fields.items()} == {
        FIELDS[source]: boost for source, boost in boosts.items()}


def test_joined_forms_of_hyphenated_words() -> None:
    text = ("<p>The re-matching of a Co-Founder, then re-matching again; a mother-in-law, "
            "1-on-1 and co\u2010chair.</p><p>On 2027-03-04, 9-12 people; -- strict - no</p>")
    assert joined_forms(text) == ["rematching", "cofounder", "motherinlaw", "1on1", "cochair"]
    assert joined_forms("no hyphens here") == []


def test_entries_gain_joined_fields_and_keep_what_a_reader_sees() -> None:
    entries: list[dict[str, Any]] = [
        {"location": "topics/x/", "title": "Re-matching", "text": "<p>A co-founder.</p>",
         "boost": 0.5},
        {"location": "topics/x/#plain", "title": "Plain", "text": "<p>Nothing joined.</p>"},
    ]
    add_joined_forms(entries)
    assert entries == [
        {"location": "topics/x/", "title": "Re-matching", "text": "<p>A co-founder.</p>",
         "boost": 0.5, "title_joined": "rematching", "text_joined": "cofounder"},
        {"location": "topics/x/#plain", "title": "Plain", "text": "<p>Nothing joined.</p>"},
    ]
    before = json.dumps(entries)
    add_joined_forms(entries)  # a dirty rebuild sees entries of earlier builds again
    assert json.dumps(entries) == before


def test_built_index_holds_joined_forms(shipped_site: Path) -> None:
    index = json.loads((shipped_site / "site/search/search_index.json").read_text("utf-8"))
    assert index["config"]["fields"].keys() >= set(FIELDS.values())
    joined = [doc for doc in index["docs"] if "text_joined" in doc]
    assert joined, "no entry of the shipped site got joined forms"
    for doc in joined:
        assert doc["text_joined"].split() == joined_forms(doc["text"])


# --- adversarial pass on issue 13: long words, accents -------------------------------------


@pytest.mark.parametrize("text", ["T" * 100_000, "ab-" * 33_000 + "c", "é" * 100_000,
                                  "x" * 50_000 + "-" + "y" * 50_000, "a_" * 50_000,
                                  ("word " * 20_000) + "Ünal"])
def test_joined_forms_take_linear_time(text: str) -> None:
    """A 100,000-letter word took minutes: the pattern backtracked at every letter."""
    started = time.perf_counter()
    joined_forms(text)
    assert time.perf_counter() - started < 0.2


def test_accented_words_also_get_their_plain_forms() -> None:
    """Material's search only lower-cases: someone typing Garcia (no accent) must still find
    García, so the unaccented form goes into the same hidden fields."""
    text = "<p>José García, Ünal and François met Łukasz at the café; García-López too.</p>"
    assert joined_forms(text) == ["jose", "garcia", "unal", "francois", "cafe", "lopez",
                                  "garcíalópez", "garcialopez"]
    assert joined_forms("plain words, re-matching") == ["rematching"]


def test_entries_gain_plain_forms_of_accented_words() -> None:
    entries: list[dict[str, Any]] = [{"location": "a/", "title": "Señora Ünal",
                                      "text": "<p>Dr. García.</p>"}]
    add_joined_forms(entries)
    assert entries[0]["title_joined"] == "senora unal"
    assert entries[0]["text_joined"] == "garcia"


@pytest.mark.browser
@pytest.mark.parametrize("typed", ["Garcia", "garcia", "Jose", "García"])
def test_search_finds_accented_names_typed_without_accents(quoted_site: Path,  # noqa: F811
                                                           typed: str) -> None:
    with serve(quoted_site) as base, browser_page() as page:
        results = search(page, base, typed)
    assert any(r.endswith("/topics/tooling/") for r in results), (typed, results)
