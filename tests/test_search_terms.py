"""The search index: words split at quotes and brackets, hyphenated words findable joined up."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from conftest import REPO
from handbook.search_terms import FIELDS, add_joined_forms, joined_forms

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
