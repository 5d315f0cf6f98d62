"""The reader's language: `language: de` in site.yml gives a German site (labels through the
gettext catalogs, dates through Babel, Material's interface and search), and every catalog
holds exactly the messages the code and templates use."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from conftest import REPO, handbook, make_project, run_cli
from handbook.i18n import LANGUAGES, Lang, catalog_path
from handbook.render.pages import escape_text
from handbook.write.engine_config import engine_config

KEYWORDS = {"N_": None, "gettext": None, "ngettext": (1, 2), "_": None}


def _code_messages() -> set[str]:
    """Every msgid the templates and the Python stages use, by babel.cfg's rules (what
    `make messages` extracts)."""
    method_map, options_map = parse_mapping_cfg((REPO / "babel.cfg").open())
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(REPO), method_map, options_map, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_holds_exactly_the_messages_in_use(language: str) -> None:
    used = _code_messages()
    assert len(used) > 100  # the extraction found the templates and the code
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po)
    translated = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog
                  if m.id and not m.fuzzy
                  and all(m.string if isinstance(m.string, tuple) else [m.string])}
    listed = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}
    assert sorted(used - translated) == [], f"missing in {language}"
    assert sorted(listed - used) == [], f"unused in {language}"
    assert not catalog.obsolete, f"obsolete (#~) entries in {language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    with catalog_path(language).open("rb") as po:
        for message in read_po(po):
            if not message.id or isinstance(message.id, tuple):
                continue
            names = set(re.findall(r"%\((\w+)\)s", message.id))
            assert set(re.findall(r"%\((\w+)\)s", message.string)) == names, message.id


def test_dates_times_and_durations_follow_the_locale() -> None:
    day = dt.date(2027, 3, 15)
    assert Lang("en").day(day) == "Monday 15 March 2027"  # as the site has always written it
    assert Lang("de").day(day) == "Montag, 15. März 2027"
    assert Lang("fr").day(day) == "lundi 15 mars 2027"
    assert Lang("es").day(day) == "lunes, 15 de marzo de 2027"
    evening = dt.datetime(2027, 3, 15, 17, 5)
    assert {Lang(code).clock(evening) for code in LANGUAGES} == {"17:05"}  # 24-hour clock
    assert Lang("en").minutes(90) == "90 minutes"
    assert Lang("de").minutes(90) == "90 Minuten"
    assert Lang("es").minutes(90) == "90 minutos"
    assert Lang("de").cadence("every 2 weeks") == "alle 2 Wochen"
    assert Lang("fr").cadence("weekly") == "chaque semaine"


def test_numbers_and_shares_follow_the_locale() -> None:
    assert [Lang("en").number(4.333), Lang("en").percent(86.66)] == ["4.33", "86.7%"]
    assert Lang("en").number(3.0) == "3"  # no trailing zeros, as English pages always had
    assert [Lang("de").number(4.333), Lang("de").percent(86.66)] == ["4,33", "86,7\u00a0%"]
    assert Lang("fr").percent(38, 0) == "38\u00a0%" and Lang("es").number(0.5, 1) == "0,5"
    assert escape_text("86,7\u00a0%") == "86,7\u00a0%"  # the no-break space survives a page


def test_the_engine_config_sets_the_theme_and_search_language(tmp_path: Path) -> None:
    config = {"theme": {"name": "material", "language": "en"},
              "plugins": [{"search": {"separator": "[ ]+"}}, "handbook"]}
    out = yaml.safe_load(engine_config(config, root=tmp_path, build=tmp_path / "build",
                                       docs=tmp_path / "build/docs", nav=None,
                                       site={"title": "T", "language": "fr"}))
    assert out["theme"]["language"] == "fr"
    assert out["plugins"][0] == {"search": {"separator": "[ ]+", "lang": "fr"}}


def test_an_unknown_language_is_a_located_error(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    site = root / "content" / "site.yml"
    site.write_text(site.read_text(encoding="utf-8") + "language: klingon\n", encoding="utf-8")
    done = run_cli("check", cwd=root)
    assert done.returncode == 1
    assert "site.yml" in done.stderr and "language" in done.stderr
    assert "'klingon' is not a language handbook has labels for" in done.stderr
    assert "en, de, fr, es" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def german_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped content built with `language: de`."""
    root = make_project(tmp_path_factory.mktemp("german"))
    site = root / "content" / "site.yml"
    site.write_text(site.read_text(encoding="utf-8") + "language: de\n", encoding="utf-8")
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def test_the_german_site_has_german_labels_dates_and_lang(german_site: Path) -> None:
    cohort = german_site / "build/docs/programs/reverse-mentoring/2027-spring-london"
    page = (cohort / "index.md").read_text(encoding="utf-8")
    assert "## Terminplan" in page
    assert "- **Erstes Treffen:** Montag, 15. März 2027" in page
    assert "[Alle Termine in Ihren Kalender übernehmen]" in page
    agenda = (cohort / "01-kickoff-and-expectations.md").read_text(encoding="utf-8")
    assert "Treffen 1 von 10" in agenda and "**Ziel:**" in agenda
    assert "| Uhrzeit | Minuten | Punkt |" in agenda
    html = (german_site / "site/index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in html
    nav = yaml.safe_load((german_site / "build/mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    assert [next(iter(item)) for item in nav][:2] == ["Startseite", "Programme"]


def test_german_results_pages_speak_german_and_write_german_numbers(german_site: Path) -> None:
    program = german_site / "build/docs/programs/reverse-mentoring"
    page = (program / "2026-spring-birmingham/results.md").read_text(encoding="utf-8")
    assert "| KPI | Zielwert | Gemessen | Ergebnis | Grundlage |" in page
    assert "| 86,7\u00a0% | Erreicht | 15 Antworten |" in page  # CLDR: comma, no-break space
    assert "| Ja | 5 | 38\u00a0% |" in page
    assert "<title id=\"hb-chart-1-t\">" in page and "(erreicht), Zielwert:" in page
    assert "**Durchgeführte Treffen:** 88,8\u00a0%" in page
    overview = (program / "results.md").read_text(encoding="utf-8")
    assert "| Jahrgang | Gemessen | Ergebnis | Grundlage |" in overview
    assert "Ziel ≥ 85\u00a0%" in overview  # the target line's label in the chart
    cohort = (program / "2026-spring-birmingham/index.md").read_text(encoding="utf-8")
    assert "[Ergebnisse: KPIs und Umfrageantworten](results.md)" in cohort


def test_german_certificates_speak_german(german_site: Path) -> None:
    cohort = german_site / "build/docs/programs/reverse-mentoring/2026-spring-birmingham"
    page = (cohort / "certificates.md").read_text(encoding="utf-8")
    assert "## Teilnahmebescheinigung" in page
    assert "Hiermit wird bescheinigt, dass" in page
    assert "Montag" in page and " bis " in page
    pack = (cohort / "pack-coordinator.md").read_text(encoding="utf-8")
    assert "## Teilnahmebescheinigungen" in pack
    html = (german_site / "site/index.html").read_text(encoding="utf-8")
    assert "Programmbüro:" in html and "Program office:" not in html


def test_german_calendars_describe_meetings_in_german(german_site: Path) -> None:
    cohort = german_site / "build/docs/programs/reverse-mentoring/2027-spring-london"
    text = re.sub(r"\r?\n ", "", (cohort / "2027-spring-london.ics").read_text("utf-8"))
    assert "\\nTagesordnung: https://" in text
    assert "Agenda: " not in text


def _label_forms(message: str) -> list[str]:
    """Where a generator label would show in a page's Markdown if it were left English: a
    sentence (four words or more, between placeholders) anywhere; a short label as a
    heading, a bold label, a table cell or a link."""
    parts = [p.strip(" .:,") for p in re.split(r"%\(\w+\)s", message)]
    sentences = [p for p in parts if len(p.split()) >= 4]
    if sentences:
        return sentences
    if "%(" in message or not message[:1].isupper():
        return []  # a value ('mentor', 'hybrid') or a short frame around content
    return [f"# {message}\n", f"**{message}**", f"| {message} |", f"[{message}]"]


def _content_texts(content: Path) -> list[str]:
    """Every text of the (English) shipped content, as written and as a page prints it, longest
    first: a page's own content may say "Coordinator" or "the training modules"."""
    texts: set[str] = set()

    def leaves(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                leaves(value)
        elif isinstance(node, list):
            for value in node:
                leaves(value)
        elif isinstance(node, str) and len(node) > 2:
            texts.update({node.strip(), escape_text(node)})

    for file in content.rglob("*.yml"):
        leaves(yaml.safe_load(file.read_text(encoding="utf-8")))
    return sorted(texts, key=len, reverse=True)


def test_no_english_generator_label_on_a_german_page(german_site: Path) -> None:
    with catalog_path("de").open("rb") as po:
        catalog = read_po(po)
    labels = [m.id for m in catalog if isinstance(m.id, str) and m.id and m.string != m.id]
    forms = [form for label in labels for form in _label_forms(label)]
    texts = _content_texts(german_site / "content")
    pages = sorted((german_site / "build/docs").rglob("*.md"))
    assert len(pages) > 100
    found = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for content_text in texts:  # what remains is what the generator wrote
            text = text.replace(content_text, "\0")
        found += [(str(page.relative_to(german_site)), form) for form in forms if form in text]
    assert found == []
