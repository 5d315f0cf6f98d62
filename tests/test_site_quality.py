"""Quality checks on the built shipped site, with the real tools a reviewer would use.

- offline: pages load and search works with no request leaving the local server;
- search: typing key by key finds a topic, a challenge and a cohort;
- accessibility: axe-core finds nothing beyond tests/a11y-baseline.txt (theme-only issues);
- valid HTML: the Nu HTML Checker (vnu.jar) finds nothing beyond tests/vnu-filter.txt;
- links: LinkChecker finds no broken link or anchor;
- print: a cohort's print page prints every agenda on its own sheet, without navigation.

The tools come from `npm ci` (axe-core, vnu-jar), Debian (chromium, java, pdftotext) and the
venv (linkchecker). Outside CI a missing tool skips its test with a reason; with CI=true it
fails it, so a green CI run means every check really ran.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from contextlib import AbstractContextManager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import _QuietHandler, browser_page, serve

REPO = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
AXE = REPO / "node_modules/axe-core/axe.min.js"
VNU = REPO / "node_modules/vnu-jar/build/dist/vnu.jar"
A11Y_BASELINE = TESTS / "a11y-baseline.txt"
VNU_FILTER = TESTS / "vnu-filter.txt"

HOME = ""
PROGRAMS = "programs/"
PROGRAM = "programs/reverse-mentoring/"
COHORT = "programs/reverse-mentoring/2027-spring-london/"
AGENDA = COHORT + "02-digital-toolkit/"
PRINT = COHORT + "print/"
TOPIC = "topics/fresh-perspectives-in-strategy/"
CHALLENGE = "challenges/junior-confidence/"
MODULE = "training/active-listening/"
CURRICULUM = "programs/reverse-mentoring/curriculum-mentee/"


# --- tools -------------------------------------------------------------------------------

def missing(message: str) -> None:
    """Skip outside CI, fail under CI=true (the same rule as tests/browser.py)."""
    if os.environ.get("CI") == "true":
        pytest.fail(message + "; CI must install it (see .ci/run)")
    pytest.skip(message)


def node_module(path: Path) -> Path:
    if not path.is_file():
        missing(f"{path.relative_to(REPO)} is missing (run `npm ci` at the top level)")
    return path


def command(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        missing(f"`{name}` is not installed (Debian package `{package}`)")
    return found  # type: ignore[return-value]


# --- helpers -----------------------------------------------------------------------------

def local(url: str, base: str) -> bool:
    """Whether a request stays on the local test server (data: and blob: never leave)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.netloc == urlsplit(base).netloc


def search(page, words: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Type into Material's search box key by key; return the result paths, best first."""
    page.click("label.md-search__icon, .md-search__input")
    box = page.locator("input.md-search__input")
    box.press_sequentially(words, delay=40)
    page.wait_for_selector(".md-search-result__item > a", timeout=15000)
    page.wait_for_timeout(300)  # let the last keystroke's results replace the earlier ones
    links = page.eval_on_selector_all(".md-search-result__item > a",
                                      "links => links.map(a => a.href)")
    return [urlsplit(link).path for link in links]  # drops the ?h= highlight query


def reasoned_lines(path: Path) -> list[tuple[str, str]]:
    """`entry  # reason` lines of a baseline/filter file; every entry must give a reason."""
    entries = []
    for number, raw in enumerate(path.read_text("utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        entry, _, reason = line.partition("  # ")
        assert entry.strip() and reason.strip(), (
            f"{path.name}:{number}: write `entry  # one-line reason` (two spaces before #)")
        entries.append((entry.strip(), reason.strip()))
    return entries


# --- 1. offline ----------------------------------------------------------------------------

@pytest.mark.browser
def test_pages_and_search_work_with_no_request_leaving_the_server(shipped_site: Path) -> None:
    requests: list[str] = []

    def record(route) -> None:  # type: ignore[no-untyped-def]
        requests.append(route.request.url)
        if local(route.request.url, base):
            route.continue_()
        else:
            route.abort()

    with serve(shipped_site / "site") as base, browser_page() as page:
        page.context.route("**/*", record)
        page.on("request", lambda request: requests.append(request.url))
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        for path in (HOME, COHORT, AGENDA):
            response = page.goto(base + path, wait_until="networkidle")
            assert response is not None and response.ok, path
        results = search(page, "premortem")
        page.wait_for_load_state("networkidle")
    outside = sorted({url for url in requests if not local(url, base)})
    assert not outside, f"requests left the local server: {outside}"
    assert not failed, f"requests failed: {failed}"
    assert any(r.endswith("/" + TOPIC) for r in results), results
    # The search worker fetched the index from the local server, not from anywhere else.
    assert any(url.endswith("search/search_index.json") for url in requests), requests


# --- 2. search -----------------------------------------------------------------------------

SEARCHES = {
    "premortem": TOPIC,  # a word only the fresh-perspectives topic guide uses
    "impostor": CHALLENGE,  # a word only the junior-confidence playbook uses
    "Manchester": "programs/new-hire-buddy/2027-q2-manchester/",  # a cohort's name
}


@pytest.mark.browser
@pytest.mark.parametrize("words", list(SEARCHES))
def test_search_lists_the_right_page_among_the_first_three(shipped_site: Path,
                                                            words: str) -> None:
    with serve(shipped_site / "site") as base, browser_page() as page:
        page.goto(base)
        results = search(page, words)
    assert any(r.endswith("/" + SEARCHES[words]) for r in results[:3]), results


# --- 3. accessibility --------------------------------------------------------------------

A11Y_PAGES = (HOME, COHORT, AGENDA, TOPIC, MODULE)


@pytest.mark.browser
def test_axe_finds_no_accessibility_violation_beyond_the_baseline(shipped_site: Path) -> None:
    axe = node_module(AXE)
    baseline = {tuple(entry.split(None, 1)) for entry, _ in reasoned_lines(A11Y_BASELINE)}
    assert all(len(item) == 2 for item in baseline), "baseline lines are `rule-id selector`"
    found: dict[tuple[str, str], set[str]] = {}
    with serve(shipped_site / "site") as base, browser_page() as page:
        # An init script, not a <script> tag: the site's CSP refuses inline scripts.
        page.add_init_script(path=str(axe))
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            for path in A11Y_PAGES:
                page.goto(base + path, wait_until="networkidle")
                violations = page.evaluate(
                    "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                    ".violations.map(v => ({id: v.id, help: v.help,"
                    " targets: v.nodes.map(n => n.target.join(' '))}))")
                for violation in violations:
                    for target in violation["targets"]:
                        key = (violation["id"], target)
                        found.setdefault(key, set()).add(
                            f"/{path} ({scheme}): {violation['help']}")
    new = {key: pages for key, pages in found.items() if key not in baseline}
    assert not new, "axe violations not in tests/a11y-baseline.txt:\n" + "\n".join(
        f"{rule} {target}  <- {'; '.join(sorted(pages))}" for (rule, target), pages in new.items())
    stale = baseline - set(found)
    assert not stale, f"tests/a11y-baseline.txt lists violations axe no longer finds: {stale}"


# --- 4. valid HTML -----------------------------------------------------------------------

def test_nu_html_checker_finds_no_error_beyond_the_filter(shipped_site: Path) -> None:
    java = command("java", "default-jre-headless")
    vnu = node_module(VNU)
    site = shipped_site / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50, "the shipped site should have every page"
    done = subprocess.run([java, "-jar", str(vnu), "--errors-only", "--format", "json",
                           "--stdout", *map(str, pages)],
                          capture_output=True, text=True, timeout=600, check=False)
    messages = json.loads(done.stdout)["messages"]
    assert done.returncode in (0, 1) and messages is not None, done.stderr
    # Each filter expression is searched in "message | extract (whitespace collapsed)".
    known = [(re.compile(entry), entry) for entry, _ in reasoned_lines(VNU_FILTER)]
    used: set[str] = set()
    errors = []
    for message in messages:
        extract = " ".join(message.get("extract", "").split())
        text = f"{message.get('message', '')} | {extract}"
        matched = [entry for pattern, entry in known if pattern.search(text)]
        if matched:
            used.update(matched)
            continue
        where = message.get("url", "").split("/site/", 1)[-1]
        errors.append(f"{where}:{message.get('lastLine')}: {message.get('type')}: "
                      f"{message.get('message')}\n    {message.get('extract', '').strip()}")
    assert not errors, f"{len(errors)} HTML errors not in tests/vnu-filter.txt:\n" + "\n".join(
        errors[:40])
    stale = {entry for _, entry in known} - used
    assert not stale, f"tests/vnu-filter.txt has entries matching nothing: {stale}"


# --- 5. links ------------------------------------------------------------------------------

class _LinkCheckerHandler(_QuietHandler):
    """Sends the `LinkChecker` header, which lifts LinkChecker's per-host rate limit
    (about 3 requests a second otherwise: minutes for this site)."""

    def end_headers(self) -> None:
        self.send_header("LinkChecker", "local test server")
        super().end_headers()


def serve_links(folder: Path) -> AbstractContextManager[str]:
    return serve(folder, _LinkCheckerHandler)


LINKCHECKER_CONFIG = """\
[checking]
threads=10
maxrequestspersecond=500
[filtering]
checkextern=0
ignore=
  ^data:
[csv]
parts=urlname,parentname,result,warningstring,valid,url
[AnchorCheck]
"""


def page_urls(site: Path, base: str) -> list[str]:
    """The URL of every HTML page in a built site."""
    urls = []
    for page in sorted(site.rglob("*.html")):
        path = page.relative_to(site).as_posix()
        urls.append(base + (path.removesuffix("index.html") if page.name == "index.html"
                            else path))
    return urls


def linkcheck(site: Path, tmp_path: Path) -> tuple[str, set[str], list[str]]:
    """Run LinkChecker with its AnchorCheck plugin over every page of a served site.

    Returns the base URL, the URLs checked and the problems (broken links, missing anchors).
    AnchorCheck fetches and parses a page once per anchor linked (every heading's permalink
    and table-of-contents entry): over a thousand parses, minutes in one process. So every
    page is a start URL checked to depth 1 (each page's links and their anchors are checked
    from that page), spread over parallel LinkChecker processes.
    """
    linkchecker = Path(sys.executable).parent / "linkchecker"
    if not linkchecker.exists():
        missing("linkchecker is not installed in the venv (pip install -e '.[test]')")
    config = tmp_path / "linkcheckerrc"
    config.write_text(LINKCHECKER_CONFIG, "utf-8")
    with serve_links(site) as base:
        urls = page_urls(site, base)
        workers = max(1, min(4, os.cpu_count() or 1, len(urls)))
        runs = [subprocess.Popen([str(linkchecker), "-f", str(config), "--no-status",
                                  "-r", "1", "-o", "csv", "-v", *urls[n::workers]],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for n in range(workers)]
        outputs = [run.communicate(timeout=600) for run in runs]
    rows = []
    for run, (stdout, stderr) in zip(runs, outputs, strict=True):
        returncode = run.returncode
        # 0: all good; 1: broken links or warnings; anything else: LinkChecker failed.
        assert returncode in (0, 1), stdout + stderr
        found = list(csv.DictReader(stdout.splitlines(keepends=True), delimiter=";"))
        assert found and set(found[0]) == {"urlname", "parentname", "result",
                                           "warningstring", "valid", "url"}, stdout + stderr
        bad = [row for row in found if row["valid"] != "True" or row["warningstring"]]
        assert bool(bad) == (returncode == 1), stdout + stderr
        rows += found
    checked = {row["url"] for row in rows if row["url"].startswith(base)}
    problems = sorted({f"/{row['parentname'].removeprefix(base)} -> {row['urlname']}: "
                       f"{row['result']} {row['warningstring']}".strip()
                       for row in rows if row["valid"] != "True" or row["warningstring"]})
    return base, checked, problems


def test_linkchecker_finds_no_broken_link_or_anchor(shipped_site: Path,
                                                     tmp_path: Path) -> None:
    _, checked, problems = linkcheck(shipped_site / "site", tmp_path)
    assert len(checked) > 1000, f"LinkChecker checked only {len(checked)} URLs"
    assert sum("#" in url for url in checked) > 500, "anchors were not checked"
    assert not problems, "\n".join(problems)


def test_linkchecker_run_reports_broken_links_and_anchors(tmp_path: Path) -> None:
    """The check above would notice: a missing page, a missing anchor on another page and
    a missing anchor on the same page are all reported."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text(
        '<!doctype html><title>i</title><h1 id="top">i</h1><a href="a/#one">ok</a> '
        '<a href="a/#two">no anchor</a> <a href="gone/">no page</a> <a href="#top">ok</a>')
    (site / "a/index.html").write_text(
        '<!doctype html><title>a</title><h1 id="one">a</h1><a href="#nowhere">no anchor</a>')
    _, _, problems = linkcheck(site, tmp_path)
    assert len(problems) == 3, problems
    for link in ("-> #nowhere: ", "-> a/#two: ", "-> gone/: "):
        assert any(link in problem for problem in problems), problems


# --- 6. print ------------------------------------------------------------------------------

@pytest.mark.browser
def test_print_page_puts_every_agenda_on_its_own_sheet(shipped_site: Path,
                                                       tmp_path: Path) -> None:
    pdftotext = command("pdftotext", "poppler-utils")
    pdfinfo = command("pdfinfo", "poppler-utils")
    agendas = sorted(p.name for p in (shipped_site / "site" / COHORT).iterdir()
                     if p.is_dir() and p.name[:2].isdigit())
    pdf = tmp_path / "print.pdf"
    with serve(shipped_site / "site") as base, browser_page() as page:
        page.emulate_media(media="print")
        page.goto(base + PRINT, wait_until="networkidle")
        titles = page.eval_on_selector_all(
            "h2.hb-new-sheet", "hs => hs.map(h => h.firstChild.textContent.trim())")
        shown = page.evaluate("""() => [
            '.md-header', '.md-tabs', '.md-sidebar--primary', '.md-sidebar--secondary',
            '.md-footer', '.md-search'].map(s => [s, [...document.querySelectorAll(s)]
              .map(e => getComputedStyle(e).display)])""")
        page.pdf(path=str(pdf), format="A4", print_background=True)
    assert len(titles) == len(agendas) == 10, (titles, agendas)
    for selector, displays in shown:
        assert displays and set(displays) == {"none"}, f"{selector} prints: {displays}"

    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True)
    count = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert count, info.stdout
    pages = int(count.group(1))
    assert pages >= len(titles) + 1, f"{pages} sheets for {len(titles)} agendas"
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    sheets = [" ".join(sheet.split()) for sheet in text.split("\f")]
    for title in titles:
        starts = [n for n, sheet in enumerate(sheets) if sheet.startswith(title)]
        assert starts, f"no sheet starts with the agenda {title!r}"
    flat = " ".join(sheets)
    for chrome in ("Search", "Skip to content", "Switch to", "Back to top", "Made with"):
        assert chrome not in flat, f"{chrome!r} is printed"
