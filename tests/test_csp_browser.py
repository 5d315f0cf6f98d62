"""The Content-Security-Policy: on every page, strict for scripts, and the site still works.

The policy is the last wall: if an escaping bug ever lets markup from content through, the
browser still refuses inline script and event handlers. These tests build real sites and drive
real Chromium: every page, search and the palette toggle must run with no violation reported.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import Watch, browser_page, serve
from conftest import FIXTURES, make_project
from test_serve import serving, wait_for

pytestmark = pytest.mark.browser


class _Head(HTMLParser):
    """The CSP meta of a page and everything that loads or runs before it."""

    def __init__(self) -> None:
        super().__init__()
        self.policy: str | None = None
        self.before: list[str] = []  # tags that fetch or run before the policy
        self.inline_scripts: list[str] = []
        self._in_script = False
        self._script_type: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == \
                "content-security-policy":
            self.policy = self.policy or values.get("content") or ""
        elif tag in ("script", "link", "img", "style") and self.policy is None:
            self.before.append(tag)
        if tag == "script":
            self._in_script = "src" not in values
            self._script_type = values.get("type")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip() and self._script_type != "application/json":
            self.inline_scripts.append(data.strip()[:80])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def directives(policy: str) -> dict[str, list[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_carries_a_strict_policy_before_anything_loads(shipped_site: Path) -> None:
    found = html_pages(shipped_site / "site")
    assert len(found) > 20
    for path in found:
        head = _Head()
        head.feed(path.read_text("utf-8"))
        assert head.policy, f"{path}: no Content-Security-Policy meta"
        policy = directives(head.policy)
        assert policy["script-src"] == ["'self'"], path  # no 'unsafe-inline', no other host
        assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
        assert not [v for vs in policy.values() for v in vs if re.match(r"(https?:|\*)", v)]
        assert head.before == [], f"{path}: {head.before} load before the policy"
        assert head.inline_scripts == [], f"{path}: inline script {head.inline_scripts}"


def test_every_page_runs_with_no_violation(shipped_site: Path) -> None:
    site = shipped_site / "site"
    paths = [str(p.relative_to(site)).removesuffix("index.html") for p in html_pages(site)]
    with serve(site) as base, browser_page() as page:
        watch = Watch(page)
        for path in paths:
            page.goto(base + path)
            page.wait_for_load_state("load")
            assert page.evaluate("typeof __md_get") == "function", path  # Material's base ran
            assert watch.violations() == [], path
    assert watch.dialogs == []


def test_search_and_palette_work_under_the_policy(mini_site: Path) -> None:
    with serve(mini_site / "site") as base, browser_page() as page:
        watch = Watch(page)
        page.goto(base + "topics/tooling/")
        page.click("label.md-search__icon, .md-search__input")
        page.locator("input.md-search__input").press_sequentially("quetzal", delay=40)
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        results = page.eval_on_selector_all(".md-search-result__item > a",
                                            "links => links.map(a => a.href)")
        page.keyboard.press("Escape")
        scheme = "document.body.getAttribute('data-md-color-scheme')"
        before = page.evaluate(scheme)
        page.locator("form[data-md-component=palette] label:visible").first.click()
        page.wait_for_selector(f"body:not([data-md-color-scheme={before}])")
        after = page.evaluate(scheme)
        page.reload()  # the choice is remembered (localStorage, read by palette.js)
        page.wait_for_load_state("load")
        remembered = page.evaluate(scheme)
        page.goto(base)  # and on another page
        elsewhere = page.evaluate(scheme)
        violations = watch.violations()
    assert any("/training/listening/" in r for r in results), results
    assert {before, after} == {"default", "slate"}
    assert remembered == after and elsewhere == after
    assert violations == [] and watch.dialogs == []


def test_preview_reloads_itself_under_the_policy(tmp_path: Path) -> None:
    """`handbook serve` (`mkdocs serve` on the generated config) adds an inline live-reload
    script to every page it serves."""
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    with serving(root) as base:
        url = base + "programs/pilot/first/"
        wait_for(url, "First cohort")
        with browser_page() as page:
            watch = Watch(page)
            page.goto(url)
            page.wait_for_load_state("load")
            cohort = root / "content/programs/pilot/cohorts/first.yml"
            cohort.write_text(cohort.read_text().replace("title: First cohort",
                                                         "title: Renamed cohort"))
            page.wait_for_selector("h1:has-text('Renamed cohort')", timeout=60000)
            violations = watch.violations()
    assert violations == []
