"""What a cohort or agenda page does in the reader's browser (meetings.js), in real Chromium
with its clock set inside a shipped cohort: the next-meeting banner, held meetings, checklists
that stay ticked in the reader's own browser, and the invitation in the reader's time zone.

With JavaScript off the page is the built HTML; with it on, nothing leaves the host and the
Content-Security-Policy reports no violation.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from browser import FLAGS, Watch, chromium_path, serve
from conftest import FIXTURES, handbook, make_project

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")
COHORT = "programs/new-hire-buddy/2027-q2-manchester/"
FIRST = COHORT + "01-welcome-and-first-week/"
SECOND = COHORT + "02-tools-and-systems/"


@contextmanager
def reader(base: str, when: dt.datetime, zone: str = "Europe/London",
           javascript: bool = True) -> Iterator[tuple[object, Watch, list[str]]]:
    """A page in real headless Chromium whose clock reads `when` in time zone `zone`; yields
    the page, its CSP watch and every URL it requested."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            context = browser.new_context(timezone_id=zone, java_script_enabled=javascript)
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base[:-1])
            page = context.new_page()
            page.clock.set_fixed_time(when)
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            yield page, Watch(page), requests
        finally:
            browser.close()


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped content built without PDFs (printing them is tests/test_pdf.py's business,
    and a print runs this script too)."""
    root = make_project(tmp_path_factory.mktemp("meetings"))
    done = handbook("build", "--no-pdf", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def _clean(watch: Watch, requests: list[str], base: str) -> None:
    assert watch.violations() == [] and watch.dialogs == []
    assert [url for url in requests if not url.startswith(base)] == []


def _text(page: object, selector: str) -> str:
    return " ".join(page.locator(selector).inner_text().split())  # type: ignore[attr-defined]


def test_the_cohort_page_names_the_next_meeting_and_marks_held_ones(shipped: Path) -> None:
    with serve(shipped / "site") as base, \
            reader(base, dt.datetime(2027, 4, 20, 9, 0, tzinfo=LONDON)) as (page, watch, asked):
        page.goto(base + COHORT)
        banner = _text(page, ".hb-next")
        assert re.search(r"Next meeting: 2 of 6, Tools and systems, Thursday 22 April 2027, "
                         r"12:30 .*in 2 days", banner), banner
        rows = page.locator("table tr:has(.hb-meeting)")
        assert rows.count() == 6
        held = [rows.nth(i).get_attribute("class") or "" for i in range(6)]
        assert ["hb-held" in c for c in held] == [True, False, False, False, False, False]
        assert "Held" in rows.nth(0).inner_text() and "Held" not in rows.nth(1).inner_text()
        _clean(watch, asked, base)


@pytest.mark.parametrize(("when", "first", "second"), [
    (dt.datetime(2027, 4, 1, 8, 0), r"This is the next meeting: in 7 days\.",
     r"Next meeting: 1 of 6, .*in 7 days\. This meeting is in 21 days\."),
    (dt.datetime(2027, 4, 20, 9, 0), r"This meeting was held\. Next meeting: 2 of 6, .*"
     r"in 2 days", r"This is the next meeting: in 2 days\."),
    (dt.datetime(2027, 4, 22, 11, 0), r"Next meeting: 2 of 6, .*today",
     r"This is the next meeting: today\."),
    (dt.datetime(2027, 4, 22, 12, 45), r"Meeting 2 of 6 is on now", r"This meeting is on now\."),
    (dt.datetime(2027, 12, 1, 9, 0), r"All 6 meetings have been held\.",
     r"All 6 meetings have been held\."),
])
def test_each_agenda_page_says_where_it_stands(shipped: Path, when: dt.datetime,
                                                first: str, second: str) -> None:
    with serve(shipped / "site") as base, \
            reader(base, when.replace(tzinfo=LONDON)) as (page, watch, asked):
        page.goto(base + FIRST)
        assert re.search(first, _text(page, ".hb-next")), _text(page, ".hb-next")
        page.goto(base + SECOND)
        assert re.search(second, _text(page, ".hb-next")), _text(page, ".hb-next")
        _clean(watch, asked, base)


def _boxes(page: object, heading: str) -> object:
    return page.locator(  # type: ignore[attr-defined]
        f"h2:has-text('{heading}') ~ ul.task-list").first.locator("input[type=checkbox]")


def _tick(box: object) -> None:
    """Click where the reader sees the tick box: Material draws it over the checkbox."""
    box.evaluate("box => box.scrollIntoView({block: 'center'})")  # type: ignore[attr-defined]
    box.click(force=True)  # type: ignore[attr-defined]  # at its place: the drawn box gets it
    assert box.is_checked()  # type: ignore[attr-defined]


def test_a_ticked_item_stays_ticked_and_clear_resets_the_meeting(shipped: Path) -> None:
    with serve(shipped / "site") as base, \
            reader(base, dt.datetime(2027, 4, 20, 9, 0, tzinfo=LONDON)) as (page, watch, asked):
        page.goto(base + SECOND)
        prepare, after = _boxes(page, "Prepare"), _boxes(page, "After the meeting")
        assert prepare.count() == 2 and after.count() == 2 and prepare.first.is_enabled()
        _tick(prepare.nth(1))
        _tick(after.first)
        page.reload()
        prepare, after = _boxes(page, "Prepare"), _boxes(page, "After the meeting")
        assert [prepare.nth(i).is_checked() for i in range(2)] == [False, True]
        assert [after.nth(i).is_checked() for i in range(2)] == [True, False]
        page.goto(base + FIRST)  # another meeting keeps its own ticks
        assert not _boxes(page, "Prepare").first.is_checked()
        page.goto(base + SECOND)
        page.get_by_role("button", name=re.compile("Clear the ticks")).click()
        assert not _boxes(page, "Prepare").nth(1).is_checked()
        page.reload()
        assert not _boxes(page, "Prepare").nth(1).is_checked()
        assert not _boxes(page, "After the meeting").first.is_checked()
        _clean(watch, asked, base)


def test_a_changed_item_does_not_inherit_the_old_tick(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", FIXTURES / "mini" / "content")
    assert handbook("build", "--no-pdf", cwd=root).returncode == 0
    agenda = "programs/pilot/first/01-start/"
    with serve(root / "site") as base, \
            reader(base, dt.datetime(2027, 3, 20, 9, 0, tzinfo=LONDON)) as (page, watch, asked):
        page.goto(base + agenda)
        _tick(_boxes(page, "Prepare").first)
        _tick(_boxes(page, "After the meeting").first)
        program_file = root / "content/programs/pilot/program.yml"
        program = yaml.safe_load(program_file.read_text("utf-8"))
        program["meeting_plan"][0]["preparation"] = ["Read the handbook twice"]
        program_file.write_text(yaml.safe_dump(program, sort_keys=False), "utf-8")
        done = handbook("build", "--no-pdf", cwd=root)
        assert done.returncode == 0, done.stdout + done.stderr
        page.reload()
        assert "Read the handbook twice" in page.locator("ul.task-list").first.inner_text()
        assert not _boxes(page, "Prepare").first.is_checked()  # changed: unticked
        assert _boxes(page, "After the meeting").first.is_checked()  # unchanged: kept
        _clean(watch, asked, base)


def test_without_javascript_the_page_is_the_built_html(shipped: Path) -> None:
    site = shipped / "site"
    with serve(site) as base, reader(base, dt.datetime(2027, 4, 20, 9, 0, tzinfo=LONDON),
                                     javascript=False) as (page, _watch, asked):
        for path in (COHORT, SECOND):
            page.goto(base + path)
            built = (site / path / "index.html").read_text("utf-8")
            article = page.locator("article").inner_html()
            assert page.locator(".hb-next").inner_text() == ""
            assert page.locator(".hb-next").bounding_box()["height"] == 0
            assert page.locator(".hb-held, .hb-held-mark, article button").count() == 0
            page.set_content(built)  # the same markup, parsed by the same browser
            assert page.locator("article").inner_html() == article
        page.goto(base + SECOND)
        assert page.locator("ul.task-list input[disabled]").count() == 4
        assert "12:30–13:15 BST (Europe/London)" in page.locator(".hb-invite-text").inner_text()
        assert [url for url in asked if not url.startswith(base)] == []


def test_the_invitation_is_in_the_readers_time_zone(shipped: Path) -> None:
    with serve(shipped / "site") as base, \
            reader(base, dt.datetime(2027, 4, 20, 9, 0, tzinfo=LONDON),
                   zone="America/New_York") as (page, watch, asked):
        page.goto(base + SECOND)
        href = page.get_by_role("link", name="Email the invitation").get_attribute("href")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query, strict_parsing=True)
        assert set(query) == {"subject", "body"}
        assert query["subject"] == ["Mentoring meeting 2 of 6: Tools and systems "
                                    "(Q2 2027 New Joiners – Manchester)"]
        body = query["body"][0]
        assert "\r\n" in body and "\n" not in body.replace("\r\n", "")
        assert re.search(r"When: Thursday 22 April 2027, 07:30–08:15 EDT "
                         r"\(12:30–13:15 BST \(Europe/London\)\)", body), body
        assert "Where: Pankhurst Room, 4th floor, Manchester office" in body
        assert "- Agree follow-up actions (5 min)" in body
        text = page.locator(".hb-invite-text").inner_text()
        assert text.replace("\n", "\r\n") == body
        page.get_by_role("button", name="Copy the invitation").click()
        assert page.evaluate("navigator.clipboard.readText()") == text
        _clean(watch, asked, base)


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped content as a German site (site.yml `language: de`)."""
    root = make_project(tmp_path_factory.mktemp("meetings-de"))
    site_file = root / "content/site.yml"
    site_file.write_text(site_file.read_text("utf-8") + "language: de\n", "utf-8")
    done = handbook("build", cwd=root)  # HANDBOOK_PDF=0 (conftest): no PDFs
    assert done.returncode == 0, done.stdout + done.stderr
    return root


ENGLISH_WORDS = re.compile(r"Next meeting|This meeting|meetings have been|Held|Clear the|"
                           r"Copy the|in \d+ days|today|tomorrow")


def test_a_german_page_speaks_german_in_the_browser(german: Path) -> None:
    """The sentences the script writes come translated from the page (data-hb-say-*), and
    dates and 'in 3 days' follow <html lang>."""
    with serve(german / "site") as base, \
            reader(base, dt.datetime(2027, 4, 19, 9, 0, tzinfo=LONDON)) as (page, watch, asked):
        page.goto(base + COHORT)
        banner = _text(page, ".hb-next")
        assert re.search(r"Nächstes Treffen: 2 von 6, .*Donnerstag, 22\. April 2027, 12:30 "
                         r".*in 3 Tagen", banner), banner
        rows = page.locator("table tr:has(.hb-meeting)")
        assert "Stattgefunden" in rows.nth(0).inner_text()
        page.goto(base + SECOND)
        assert _text(page, ".hb-next") == "Dies ist das nächste Treffen: in 3 Tagen."
        page.goto(base + FIRST)
        assert re.match(r"Dieses Treffen hat stattgefunden\. Nächstes Treffen: 2 von 6",
                        _text(page, ".hb-next")), _text(page, ".hb-next")
        assert page.get_by_role("button", name="Häkchen dieses Treffens entfernen").count() == 1
        assert page.get_by_role("button", name="Einladung kopieren").count() == 1
        assert "Mentoring-Treffen 1 von 6" in page.locator(".hb-invite-text").inner_text()
        script_wrote = page.locator(".hb-next, .hb-held-mark, article button").all_inner_texts()
        assert not ENGLISH_WORDS.search(" ".join(script_wrote)), script_wrote
        _clean(watch, asked, base)
