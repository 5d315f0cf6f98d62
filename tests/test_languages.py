"""Sites in several languages (issue 18): translation overlays, one site per language, the
fallback notice and the missing-translations report.

Overlays are tested in process on small documents; one build of the shipped content in three
languages (en, de with the German overlays, fr falling back) is shared by the build tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO, handbook, make_project, run_cli
from handbook.errors import HandbookError
from handbook.load.loader import load_content
from handbook.load.overlays import load_overlays
from handbook.validate.documents import validate
from handbook.validate.overlays import text_paths, translate

CONTENT = REPO / "content"


def _overlay_project(tmp_path: Path, overlay: str, name: str = "digital-tools") -> Path:
    """The shipped content with one topic's German overlay replaced by `overlay`."""
    root = make_project(tmp_path)
    (root / "content/topics" / f"{name}.de.yml").write_text(overlay, encoding="utf-8")
    return root


def _translate(root: Path, language: str = "de") -> tuple[list, list]:
    documents = load_content(root / "content", root)
    return translate(documents, load_overlays(root / "content", root), language)


def _errors(root: Path) -> list:
    with pytest.raises(HandbookError) as caught:
        _translate(root)
    return caught.value.errors


def test_overlays_are_kept_apart_from_the_documents() -> None:
    documents = load_content(CONTENT, REPO)
    overlays = load_overlays(CONTENT, REPO)
    assert not any(re.search(r"\.[a-z]{2}$", d.id) for d in documents)
    topic = next(o for o in overlays if o.file == "content/topics/digital-tools.de.yml")
    assert (topic.kind, topic.id, topic.language) == ("topic", "digital-tools", "de")
    assert {o.language for o in overlays} == {"de"}


def test_an_overlay_replaces_texts_and_keeps_everything_else() -> None:
    merged, coverage = _translate(REPO)
    topic = next(d for d in merged if d.file == "content/topics/digital-tools.yml")
    assert topic.data["title"] == "Digitale Werkzeuge im Arbeitsalltag"
    original = next(d for d in load_content(CONTENT, REPO) if d.file == topic.file)
    assert topic.data["activity"]["minutes"] == original.data["activity"]["minutes"]
    berlin = next(d for d in merged if d.id == "2027-autumn-berlin")
    assert berlin.data["place"].startswith("Raum Spree")
    assert berlin.data["pairs"][0]["mentor"] == "Emre Yıldız"  # names are never translated
    assert berlin.data["pairs"][0]["department"] == "Data Engineering und Controlling"
    library = validate(merged)  # the translated site passes every check the original does
    assert library.site.contact.name == "Personalentwicklung"  # an office name is a text
    site = next(c for c in coverage if c.file == "content/site.yml")
    assert site.overlay == "content/site.de.yml" and ("title",) not in site.missing
    assert ("organisation",) not in site.missing  # a name: never counted as untranslated


def test_untranslated_files_and_texts_are_counted() -> None:
    _, coverage = _translate(REPO)
    by_file = {c.file: c for c in coverage}
    london = by_file["content/programs/reverse-mentoring/cohorts/2027-spring-london.yml"]
    assert london.overlay is None and len(london.missing) == london.texts > 0
    berlin = by_file["content/programs/reverse-mentoring/cohorts/2027-autumn-berlin.yml"]
    assert berlin.complete
    documents = load_content(CONTENT, REPO)
    topic = next(d for d in documents if d.file == "content/topics/digital-tools.yml")
    assert ("title",) in text_paths(topic) and ("activity", "minutes") not in text_paths(topic)


def test_a_key_the_original_lacks_is_located_in_the_overlay(tmp_path: Path) -> None:
    root = _overlay_project(tmp_path, "title: Digitale Werkzeuge\nsumary: Ein Satz.\n")
    [error] = _errors(root)
    assert (error.file, error.line, error.field) == ("content/topics/digital-tools.de.yml", 2,
                                                     "sumary")
    assert "has no 'sumary'" in error.message and "summary" in error.hint


def test_a_list_of_another_length_is_located(tmp_path: Path) -> None:
    root = _overlay_project(tmp_path, "learning_goals:\n  - Nur eines\n")
    [error] = _errors(root)
    assert (error.file, error.line) == ("content/topics/digital-tools.de.yml", 2)
    assert "same items in the same order, but this one has 1" in error.message
    assert "- {}" in error.hint


@pytest.mark.parametrize(("text", "field"), [
    ("activity:\n  minutes: 45\n", "activity.minutes"),
    ("title:\n  - Eine Liste\n", "title"),
])
def test_a_value_that_is_no_text_is_refused(tmp_path: Path, text: str, field: str) -> None:
    root = _overlay_project(tmp_path, text)
    [error] = _errors(root)
    assert error.file == "content/topics/digital-tools.de.yml" and error.field == field
    assert (error.line == 2 and "not a text" in error.message) or "must be text" in error.message


def test_people_and_ids_come_from_the_original(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    cohort = root / "content/programs/reverse-mentoring/cohorts/2027-autumn-berlin.de.yml"
    cohort.write_text("title: Herbst\ncoordinator:\n  name: Stefanie B.\nformat: virtuell\n",
                      encoding="utf-8")
    errors = _errors(root)
    assert [(e.line, e.field) for e in errors] == [(3, "coordinator.name"), (4, "format")]
    assert all("not a text" in e.message for e in errors)


def test_a_translated_text_that_breaks_a_rule_names_the_overlay_line(tmp_path: Path) -> None:
    # A picture from another host breaks the offline rule of prose (validate/prose.py).
    root = _overlay_project(tmp_path, "title: Werkzeuge\nwhy_it_matters: |\n  Siehe "
                            "![Bild](http://example.org/x.png)\n")
    merged, _ = _translate(root)
    with pytest.raises(HandbookError) as caught:
        validate(merged)
    [error] = caught.value.errors
    assert (error.file, error.line, error.field) == ("content/topics/digital-tools.de.yml", 2,
                                                     "why_it_matters")


def test_an_overlay_without_original_is_located(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "content/topics/no-such-topic.de.yml").write_text("title: X\n", encoding="utf-8")
    with pytest.raises(HandbookError) as caught:
        load_overlays(root / "content", root)
    [error] = caught.value.errors
    assert error.file == "content/topics/no-such-topic.de.yml"
    assert "no original no-such-topic.yml" in error.message


def test_a_language_without_a_catalog_is_a_located_error(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    site = root / "content/site.yml"
    site.write_text(site.read_text("utf-8") + "languages: [en, de, xx]\n", "utf-8")
    done = run_cli("check", cwd=root)
    assert done.returncode == 1
    assert "content/site.yml" in done.stderr and "languages" in done.stderr
    assert "'xx'" in done.stderr


# --- a site in three languages ---------------------------------------------------------------

LANGUAGES = "languages: [en, de, fr]\n"


def _multilingual(root: Path) -> Path:
    make_project(root)
    site = root / "content/site.yml"
    site.write_text(site.read_text("utf-8") + LANGUAGES, "utf-8")
    return root


@pytest.fixture(scope="module")
def three_languages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _multilingual(tmp_path_factory.mktemp("languages"))
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def _agenda(site: Path, language: str) -> Path:
    return sorted((site / language / "programs/reverse-mentoring/2027-autumn-berlin")
                  .glob("*/index.html"))[0]


def test_one_site_per_language_and_an_index_without_script(three_languages: Path) -> None:
    site = three_languages / "site"
    assert {p.name for p in site.iterdir() if p.is_dir()} >= {"en", "de", "fr"}
    for language in ("en", "de", "fr"):
        assert (site / language / "index.html").is_file()
        assert (site / language / "search/search_index.json").is_file()
    index = (site / "index.html").read_text("utf-8")
    assert '<meta http-equiv="refresh" content="0; url=en/">' in index
    assert 'href="de/"' in index and 'href="fr/"' in index and "<script" not in index


def test_the_german_agenda_shows_the_overlay_and_the_english_one_english(
        three_languages: Path) -> None:
    site = three_languages / "site"
    german = _agenda(site, "de").read_text("utf-8")
    english = _agenda(site, "en").read_text("utf-8")
    assert "Raum Spree" in german and "Spree Room" not in german
    assert "Spree Room" in english and "Raum Spree" not in english
    assert "not been translated" not in english
    assert _agenda(site, "de").relative_to(site / "de") == _agenda(site, "en").relative_to(
        site / "en")


def test_a_topic_lists_its_meetings_with_dates_in_the_page_language(
        three_languages: Path) -> None:
    """A topic's meetings list names each meeting by its cohort and day, written in the
    site's language like every other date (it was English on every language's site)."""
    for language, weekdays in (("en", ("Monday", "Tuesday", "Wednesday", "Thursday")),
                               ("de", ("Montag", "Dienstag", "Mittwoch", "Donnerstag")),
                               ("fr", ("lundi", "mardi", "mercredi", "jeudi"))):
        topics = sorted((three_languages / "site" / language / "topics").glob("*/index.html"))
        listed = "".join(page.read_text("utf-8").split("<article", 1)[1].split("</article>")[0]
                         for page in topics)  # the page itself, not the nav around it
        found = {word for word in ("Monday", "Tuesday", "Wednesday", "Thursday", "Montag",
                                   "Dienstag", "Mittwoch", "Donnerstag", "lundi", "mardi",
                                   "mercredi", "jeudi") if word in listed}
        assert found and found <= set(weekdays), (language, found)


def test_an_untranslated_page_says_so(three_languages: Path) -> None:
    site = three_languages / "site"
    london = sorted((site / "fr/programs/reverse-mentoring/2027-spring-london").glob(
        "index.html"))[0].read_text("utf-8")
    assert "anglais" in london  # "... affichées en anglais", in the reader's language
    berlin_de = (site / "de/programs/reverse-mentoring/2027-autumn-berlin/index.html")
    assert "Englisch" not in berlin_de.read_text("utf-8").split("md-content")[1][:3000]


def test_the_language_switcher_links_the_same_page(three_languages: Path) -> None:
    page = _agenda(three_languages / "site", "de")
    html = page.read_text("utf-8")
    links = dict(re.findall(r'<a href="([^"]+)" hreflang="(\w\w)" lang', html))
    inverse = {lang: href for href, lang in links.items()}
    assert set(inverse) == {"en", "de", "fr"}
    target = (page.parent / inverse["en"]).resolve()
    assert target == _agenda(three_languages / "site", "en").parent.resolve()


def test_search_indexes_hold_their_own_language(three_languages: Path) -> None:
    site = three_languages / "site"
    german = (site / "de/search/search_index.json").read_text("utf-8")
    english = (site / "en/search/search_index.json").read_text("utf-8")
    assert "Raum Spree" in german and "Raum Spree" not in english
    assert german.startswith('{"config":{"lang":["de"]')


def test_check_reports_missing_translations(tmp_path: Path) -> None:
    root = _multilingual(tmp_path)
    done = run_cli("check", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "Missing translations" in done.stdout
    assert re.search(r"  de: \d+ of \d+ texts missing", done.stdout)
    assert "content/programs/reverse-mentoring/cohorts/2027-spring-london.yml: no " \
           "translation" in done.stdout
    assert "content/topics/digital-tools.yml" not in done.stdout.split("  fr:")[0]
    assert "3 languages (en, de, fr)" in done.stdout


def test_a_one_language_site_is_generated_where_it_was(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    done = run_cli("generate", cwd=root)
    assert done.returncode == 0, done.stderr
    assert (root / "build/docs/index.md").is_file() and not (root / "build/en").exists()
    assert "alternate" not in (root / "build/mkdocs.yml").read_text("utf-8")
