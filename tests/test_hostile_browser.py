"""Names come from spreadsheets: hostile values must show as text and never run."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from browser import browser_page, serve
from conftest import FIXTURES, handbook, make_project

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>window.__pwned = 'script'; alert(1)</script>",
    "<img src=x onerror=\"window.__pwned = 'img'; alert(2)\">",
    "\"><svg onload=alert(3)>",
    "</title><script>alert(4)</script>",
    "Ana | Bo [x](javascript:alert(5)) *bold* `code` {: #id }",
    "&lt;script&gt;alert(6)&lt;/script&gt;",
]
PROSE = ("Intro <script>alert(7)</script> and <a href='javascript:alert(8)'>a link</a> "
         "and <iframe src=javascript:alert(10)></iframe> and **bold**\n")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("hostile"), FIXTURES / "mini" / "content")
    cohort_file = root / "content/programs/pilot/cohorts/first.yml"
    cohort = yaml.safe_load(cohort_file.read_text())
    cohort["title"] = PAYLOADS[3]
    cohort["summary"] = PROSE
    cohort["coordinator"]["name"] = PAYLOADS[1]
    cohort["pairs"] = [{"mentor": m, "mentee": f"Mentee {i} {PAYLOADS[-i - 1]}",
                        "department": PAYLOADS[4]} for i, m in enumerate(PAYLOADS)]
    cohort_file.write_text(yaml.safe_dump(cohort, allow_unicode=True))
    topic_file = root / "content/topics/tooling.yml"
    topic = yaml.safe_load(topic_file.read_text())
    topic["title"] = PAYLOADS[2]
    topic["why_it_matters"] = PROSE
    topic_file.write_text(yaml.safe_dump(topic, allow_unicode=True))
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stderr
    return root


def pages(root: Path) -> list[str]:
    site = root / "site"
    return sorted(str(p.parent.relative_to(site)) + "/" for p in site.rglob("index.html"))


def test_no_dialog_and_no_content_script_runs_on_any_page(hostile_site: Path) -> None:
    dialogs: list[str] = []
    with serve(hostile_site / "site") as base, browser_page() as page:
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in pages(hostile_site):
            page.goto(base + path.removeprefix("./"))
            page.wait_for_load_state("load")
            assert page.evaluate("window.__pwned") is None, path
            hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
            assert not [h for h in hrefs if h.lower().startswith("javascript:")], path
        # Search results render titles and text from the index: still no script.
        page.goto(base)
        page.click(".md-search__input")
        page.locator("input.md-search__input").press_sequentially("Mentee", delay=30)
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        page.wait_for_timeout(500)
        assert page.evaluate("window.__pwned") is None
    assert dialogs == []


def test_every_pair_appears_intact_as_text(hostile_site: Path) -> None:
    with serve(hostile_site / "site") as base, browser_page() as page:
        page.goto(base + "programs/pilot/first/")
        rows = page.eval_on_selector_all(
            "#pairs ~ .md-typeset__scrollwrap table tbody tr, #pairs + * table tbody tr",
            "rows => rows.map(r => Array.from(r.cells, c => c.innerText))")
        title = page.locator("h1").inner_text()
        coordinator = page.locator("article").inner_text()
    assert title.removesuffix("¶") == PAYLOADS[3]  # ¶ is the permalink
    assert PAYLOADS[1] in coordinator
    assert rows == [[m, f"Mentee {i} {PAYLOADS[-i - 1]}", PAYLOADS[4]]
                    for i, m in enumerate(PAYLOADS)]


def test_prose_keeps_markdown_but_loses_html_and_script_links(hostile_site: Path) -> None:
    html = (hostile_site / "site/topics/tooling/index.html").read_text("utf-8")
    article = html.split("<article", 1)[1]
    assert "<script>alert(7)" not in article and "<iframe" not in article
    assert "&lt;script&gt;alert(7)&lt;/script&gt;" in article  # shown as text
    assert "<a href='javascript" not in article and "<strong>bold</strong>" in article
