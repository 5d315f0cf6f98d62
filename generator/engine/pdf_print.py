"""Print pages to PDF with headless Chromium (Playwright), offline and a few at a time.

Each page is loaded from a loopback server over the staging folder with JavaScript off (what
a reader's script would do with the clock or local storage has no place on paper, and the PDF
must not depend on the day it was built); a request to anywhere else is aborted. Before
printing, `PREPARE` (run by the driver, not by the page) adds a contents list, points links to
parts of the same document at their heading so they jump inside the PDF, and turns links to
other pages into the published address, or plain text when the site has none. Chromium's
outline of the tagged headings becomes the PDF's bookmarks; the header names the cohort and the
footer numbers the pages, in the brand colour.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import hashlib
import html
import http.server
import os
import re
import signal
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from playwright.async_api import Browser, PdfMargins, Route

# The flags tests/browser.py starts Chromium with: no sandbox (containers), nothing fetched;
# and a resolver that answers no name: the route below sees only the page's requests, and
# Chromium's own services looked up update.googleapis.com and accounts.google.com while
# printing (the loopback server is an address, looked up by no one).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
MARGIN: PdfMargins = {"top": "20mm", "bottom": "18mm", "left": "14mm", "right": "14mm"}
TIMEOUT_MS = 120_000
# The most one page may take from loading to a written PDF, all steps together: Chromium on a
# loaded machine has been seen to stall inside a print, and a build must end with a message,
# not hang. HANDBOOK_PDF_TIMEOUT (seconds) overrides it.
PAGE_SECONDS = 180.0
TIMEOUT_ENV = "HANDBOOK_PDF_TIMEOUT"


def page_seconds() -> float:
    """The per-page limit: HANDBOOK_PDF_TIMEOUT when it is a positive number of seconds."""
    try:
        value = float(os.environ.get(TIMEOUT_ENV, ""))
    except ValueError:
        return PAGE_SECONDS
    return value if value > 0 else PAGE_SECONDS

PREPARE = r"""
({siteUrl, css, contents}) => {
  const sheet = document.createElement("style");  // inserted by the driver: no CSP applies
  sheet.textContent = css;
  document.head.append(sheet);
  const article = document.querySelector("article.md-content__inner") || document.body;
  const root = new URL("/", location.href);
  const plain = url => url.origin + url.pathname;
  // Sheets of this document that stand for another page: a playbook's heading links to its
  // page; an agenda's heading "3. Title" stands for the cohort's page 03-<session>.
  const sheets = new Map(), numbered = new Map();
  for (const heading of article.querySelectorAll(".hb-new-sheet[id]")) {
    const link = heading.querySelector("a[href]:not(.headerlink)");
    if (link) sheets.set(plain(new URL(link.href)), heading.id);
    const number = /^(\d+)\.\s/.exec(heading.textContent.trim());
    if (number) numbered.set(Number(number[1]), heading.id);
  }
  const cohort = new URL("..", location.href).pathname;
  const agenda = /^(\d+)-[a-z0-9-]+(?:\/(?:index\.html)?|\.html)$/;
  for (const a of article.querySelectorAll("a.headerlink")) a.remove();
  for (const a of article.querySelectorAll("a[href]")) {
    const raw = a.getAttribute("href");
    if (raw.startsWith("#")) continue;
    const url = new URL(a.href);
    if (url.origin !== location.origin) continue;  // mailto:, https: stay as written
    let id = sheets.get(plain(url));
    const rest = url.pathname.startsWith(cohort) ? url.pathname.slice(cohort.length) : "";
    const match = agenda.exec(rest);
    if (!id && match) id = numbered.get(Number(match[1]));
    if (!id && plain(url) === plain(new URL(location.href)) && url.hash) id = url.hash.slice(1);
    if (id) { a.setAttribute("href", "#" + id); continue; }
    const path = url.pathname.slice(root.pathname.length);
    if (siteUrl) a.setAttribute("href", siteUrl.replace(/\/?$/, "/") + path + url.hash);
    else a.removeAttribute("href");
  }
  // The contents: every section and sheet, linked, on a sheet of its own after the cover.
  const headings = [...article.querySelectorAll("h2[id], h3.hb-new-sheet[id]")];
  if (headings.length) {
    const nav = document.createElement("nav");
    nav.className = "hb-pdf-contents";
    const title = document.createElement("p");
    title.className = "hb-pdf-contents__title";
    title.textContent = contents;
    const list = document.createElement("ul");
    for (const heading of headings) {
      const item = document.createElement("li");
      if (heading.tagName === "H3") item.className = "hb-pdf-contents__sub";
      const link = document.createElement("a");
      link.setAttribute("href", "#" + heading.id);
      link.textContent = heading.textContent.trim();
      item.append(link);
      list.append(item);
    }
    nav.append(title, list);
    headings[0].before(nav);
  }
  const style = getComputedStyle(document.body);
  return (style.getPropertyValue("--md-primary-fg-color") || "#000").trim();
}
"""

STYLE = """
@media print {
  .hb-pdf-contents { break-before: page; break-after: page; }
  .hb-pdf-contents__title { font-size: 1.4em; font-weight: 700;
    color: var(--md-primary-fg-color); }
  .hb-pdf-contents ul { list-style: none; margin-left: 0; }
  .hb-pdf-contents li { margin: 0.3em 0; }
  .hb-pdf-contents__sub { padding-left: 1.5em; }
  .md-typeset .hb-pdf-contents a, .md-typeset a[href^="#"] {
    color: var(--md-typeset-a-color); }
  .md-typeset h1, .md-typeset h2 { color: var(--md-primary-fg-color); }
}
"""

HEADER = ('<div style="font-size:8pt;width:100%;margin:0 14mm;padding-bottom:2mm;'
          'border-bottom:0.5pt solid {colour};color:{colour};font-family:sans-serif">'
          '{heading}</div>')
FOOTER = ('<div style="font-size:8pt;width:100%;text-align:center;color:{colour};'
          'font-family:sans-serif"><span class="pageNumber"></span> / '
          '<span class="totalPages"></span></div>')


class PrintError(Exception):
    """Chromium could not print a page: one line for the user (pdf.py passes it on)."""


class Sheet(NamedTuple):
    """One page to print: its HTML file in the site, the running header, the published
    address of the site (links to pages outside the PDF point there)."""

    page: Path
    heading: str
    site_url: str | None
    epoch: int  # the build date the content gives (SOURCE_DATE_EPOCH), stamped on the PDF
    contents: str = "Contents"  # the contents sheet's title, in the site's language


def identity() -> bytes:
    """What the cache key needs of this module: the code and options that shape a PDF."""
    return hashlib.sha256(Path(__file__).read_bytes()).digest()


DATE = re.compile(rb"(/(?:CreationDate|ModDate) \()D:\d{14}[^)]{0,7}(\))")
NODE = re.compile(rb"\(node(\d+)\)")


def reproducible(data: bytes, epoch: int) -> bytes:
    """The PDF with the parts Chromium varies from run to run made fixed: the creation and
    modification dates (the clock) become the content's build date, and the ids of table
    header cells in the tagged structure (a counter shared by every page the renderer drew)
    are numbered from 0 in order of appearance. Both keep their length, so the byte offsets
    in the cross-reference table stay right."""
    stamp = dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("D:%Y%m%d%H%M%S+00'00'")
    data = DATE.sub(lambda m: m.group(1) + stamp.encode() + m.group(2), data)
    seen: dict[bytes, int] = {}

    def renumber(match: re.Match[bytes]) -> bytes:
        digits = match.group(1)
        return b"(node%0*d)" % (len(digits), seen.setdefault(digits, len(seen)))

    return NODE.sub(renumber, data)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """Files of the staging folder to the printing Chromium only: a request naming another
    host (a web page in the builder's own browser that rebinds a name to 127.0.0.1 could
    otherwise read the internal edition while it prints) is refused, and no folder is listed."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self) -> Any:
        port = self.server.server_address[1]  # type: ignore[index]
        if self.headers.get("Host") != f"127.0.0.1:{port}":
            self.send_error(403)
            return None
        return super().send_head()

    def list_directory(self, path: Any) -> Any:
        self.send_error(404)
        return None


class _QuietServer(http.server.ThreadingHTTPServer):
    """A browser that closes mid-file (a stopped build kills Chromium) is expected: the
    standard server would print the broken pipe's traceback on the user's terminal."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@contextmanager
def _serve(folder: Path) -> Iterator[str]:
    """The staging folder on a free loopback port, for as long as the printing takes."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def print_all(site: Path, chromium: str, todo: dict[str, Sheet], cache: Path,
              workers: int) -> None:
    """Print each job's page into `cache/<key>.pdf` (written whole, then renamed).

    Ctrl-C or SIGTERM while printing cancel the printing (the browser is closed) and then
    reach the handler that was in place before (the build's: one line, the old site kept)."""
    stops = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.getsignal(signum) for signum in stops}
    try:
        with _serve(site) as base:
            stopped = asyncio.run(_guarded(_print_all(site, base, chromium, todo, cache,
                                                      workers), stops))
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if stopped is not None:
        handler = previous[stopped]
        if callable(handler):
            handler(stopped, None)
        raise KeyboardInterrupt


async def _guarded(main: Coroutine[Any, Any, None],
                   stops: tuple[signal.Signals, ...]) -> signal.Signals | None:
    """Run `main`; the signal that cancelled it, or None when it finished. A terminal's Ctrl-C
    reaches Playwright's driver too, which then dies under the printing: whatever error that
    gives is the stop's, and a driver or browser that died on its own is one line."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    stopped: list[signal.Signals] = []

    def quiet() -> None:  # the dead driver's futures nobody will read
        loop.set_exception_handler(lambda _loop, _context: None)

    def stop(signum: signal.Signals) -> None:
        stopped.append(signum)
        quiet()
        task.cancel()

    for signum in stops:
        loop.add_signal_handler(signum, stop, signum)
    try:
        await main
    except asyncio.CancelledError:
        if not stopped:
            raise
        quiet()
    except PrintError:
        if not stopped:
            raise
        quiet()
    except Exception as error:
        quiet()
        if not stopped:
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise PrintError(f"Chromium stopped while printing the PDFs ({first}); the "
                             "previous site is unchanged. Build again, or build with "
                             "--no-pdf.") from None
    finally:
        for signum in stops:
            loop.remove_signal_handler(signum)
    return stopped[0] if stopped else None


async def _print_all(site: Path, base: str, chromium: str,
                     todo: dict[str, Sheet], cache: Path, workers: int) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            limit = asyncio.Semaphore(workers)
            seconds = page_seconds()

            async def one(key: str, sheet: Sheet) -> None:
                async with limit:
                    path = sheet.page.relative_to(site).as_posix().removesuffix("index.html")
                    try:
                        await asyncio.wait_for(
                            _print_one(browser, base, path, sheet, cache / f"{key}.pdf"),
                            seconds)
                    except TimeoutError:
                        raise PrintError(
                            f"Printing {path} to PDF took over {seconds:g} s, so the build "
                            f"stopped; the previous site is unchanged. Build again, raise "
                            f"{TIMEOUT_ENV}, or build with --no-pdf.") from None

            await asyncio.gather(*(one(key, sheet) for key, sheet in todo.items()))
        finally:
            with contextlib.suppress(TimeoutError):  # a stuck browser: the driver's exit ends it
                await asyncio.wait_for(browser.close(), 30)


async def _print_one(browser: Browser, base: str, path: str, sheet: Sheet,
                     target: Path) -> None:
    context = await browser.new_context(java_script_enabled=False, bypass_csp=True)
    try:
        async def offline(route: Route) -> None:
            if route.request.url.startswith(base):
                await route.continue_()
            else:
                await route.abort()

        await context.route("**/*", offline)
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        response = await page.goto(base + path, wait_until="load")
        if response is None or not response.ok:
            raise PrintError(f"Could not print {path} to PDF: the built page did not load; "
                             "run `handbook build` again.")
        colour: Any = await page.evaluate(PREPARE, {"siteUrl": sheet.site_url, "css": STYLE,
                                                      "contents": sheet.contents})
        safe = html.escape(str(colour), quote=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        data = await page.pdf(format="A4", print_background=True, margin=MARGIN,
                       display_header_footer=True,
                       header_template=HEADER.format(colour=safe,
                                                     heading=html.escape(sheet.heading)),
                       footer_template=FOOTER.format(colour=safe),
                       outline=True, tagged=True)
        partial.write_bytes(reproducible(data, sheet.epoch))
        os.replace(partial, target)
    finally:
        await context.close()
