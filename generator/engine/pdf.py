"""Real PDFs of each cohort (its print page) and of each audience pack, built with the site.

Why here and like this: the engine has already turned the print and pack pages into HTML with
the theme's print stylesheet, so the PDF is that HTML printed by headless Chromium (the
browser the project's tests already drive), not a second layout to keep in step. `handbook
build` calls `build_pdfs` on the staging folder after the engine finished and before the swap,
so a published site never links a PDF that is missing or stale.

- Availability is decided before generating (`unavailable`), because the cohort page links
  PDFs only when they will exist; a missing Chromium or Playwright costs one line, not a build.
- Offline: the staging folder is served on a loopback port and every other request is aborted.
- Only what changed is printed: each PDF is cached in build/pdf-cache/ under a hash of its
  page's HTML, the files the page loads, the printing code and the Chromium binary.
- In parallel: one browser, a few pages printing at once (`PARALLEL`).
The printing itself (contents, link rewriting, header and footer) is in `pdf_print.py`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..fork import cpu_count
from ..i18n import N_, Lang
from ..plan.paths import INDEX, address
from ..plan.pdfs import pdf_target
from ..plan.site import SitePlan

CACHE_FOLDER = "pdf-cache"  # under build/, which is git-ignored
PARALLEL = 4  # pages printing at once in the one browser; more only adds memory


class PdfError(Exception):
    """Chromium could not print a page: one line for the user; the old site stays. (Here, not
    in pdf_print.py, which is imported only to print: it loads asyncio and an HTTP server.)"""


@dataclass(frozen=True)
class PdfJob:
    """One PDF: the page it prints and the file it becomes, both relative to the site."""

    page: str  # docs path of the page, e.g. programs/p/c/print.md
    target: str  # programs/p/c/c.pdf
    heading: str  # the running header: the cohort's name
    site_url: str | None  # links to pages outside the PDF point here (None: plain text)
    epoch: int  # the content's build date (plan.site's source_date_epoch): the PDF's date
    contents: str = "Contents"  # the contents sheet's title, in the site's language


@dataclass(frozen=True)
class PdfReport:
    built: int
    reused: int
    seconds: float

    def line(self) -> str:
        total = self.built + self.reused
        return (f"  {total} PDFs: {self.built} built, {self.reused} reused "
                f"({self.seconds:.1f} s)")


# --- availability ---------------------------------------------------------------------------

MAC_PATHS = ("/Applications/Chromium.app/Contents/MacOS/Chromium",
             "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
             "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge")
WINDOWS_PATHS = (r"Google\Chrome\Application\chrome.exe",
                 r"Microsoft\Edge\Application\msedge.exe", r"Chromium\Application\chrome.exe")


def find_chromium() -> str | None:
    """Chromium (or Chrome, or Edge, which print the same way) where the system keeps it."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    candidates: list[str] = []
    if sys.platform == "darwin":
        candidates = list(MAC_PATHS)
    elif os.name == "nt":
        bases = [os.environ.get(v) for v in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")]
        candidates = [str(Path(b) / p) for b in bases if b for p in WINDOWS_PATHS]
    return next((c for c in candidates if Path(c).is_file()), None)


def install_hint() -> str:
    if sys.platform == "darwin":
        return "brew install --cask chromium"
    if os.name == "nt":
        return "winget install Google.Chrome"
    return "sudo apt install chromium"


def unavailable() -> str | None:
    """None when PDFs can be built; otherwise the one line that says why and what to run."""
    if importlib.util.find_spec("playwright") is None:
        return ("No PDFs: Playwright is not installed (pip install playwright); the pages "
                "link no PDF. Build with --no-pdf to skip this note.")
    if find_chromium() is None:
        return (f"No PDFs: Chromium was not found (install it: {install_hint()}); the pages "
                "link no PDF. Build with --no-pdf to skip this note.")
    return None


# --- what to print --------------------------------------------------------------------------


def _field(context: Any, name: str) -> Any:
    """A field of a page's view model (or of a test's plain mapping), None when it has none."""
    try:
        return context[name]
    except KeyError:
        return None


def jobs(plan: SitePlan) -> list[PdfJob]:
    """A job for each page the plan gives a PDF (a cohort's print page and packs)."""
    home = next((p for p in plan.pages if p.path == INDEX), None)
    site = _field(home.context, "site") if home else None
    url = getattr(site, "url", None)
    epoch = int(plan.site.get("source_date_epoch", 0))
    contents = Lang(str(plan.site.get("language", "en"))).gettext(N_("Contents"))
    found = []
    for spec in plan.pages:
        target = pdf_target(spec.path)
        cohort = _field(spec.context, "cohort") if target is not None else None
        if target is not None and cohort is not None:
            found.append(PdfJob(spec.path, target, cohort.title, url, epoch, contents))
    return sorted(found, key=lambda job: job.target)


def page_file(site: Path, page: str) -> Path:
    """The HTML file an engine wrote for a docs page, with or without directory URLs."""
    pretty = site / address(page) / "index.html"
    return pretty if pretty.is_file() else site / (page.removesuffix(".md") + ".html")


ASSET = re.compile(r"<(?:link|script|img)\b[^>]*?\b(?:href|src)=\"([^\"#?]+)", re.IGNORECASE)
# url(x), url("x"), url('x') and @import "x" in a stylesheet
CSS_URL = re.compile(r"""url\(\s*["']?([^"')\s]+)["']?\s*\)|@import\s+["']([^"']+)["']""")


def cache_key(site: Path, job: PdfJob, printer: bytes) -> str:
    """A hash of all that goes into the PDF: the page, every local file it loads (styles,
    scripts, images), the printing code and options, the job and the Chromium binary."""
    html = page_file(site, job.page)
    data = html.read_bytes()
    digest = hashlib.sha256(printer)
    digest.update(repr(job).encode())
    digest.update(data)
    root = site.resolve()
    # Files the page's tags name, then what stylesheets load (fonts, images, @import).
    todo = [(html.parent, ref) for ref in sorted(set(ASSET.findall(data.decode("utf-8",
                                                                              "replace"))))]
    seen: set[Path] = set()
    while todo:
        folder, ref = todo.pop(0)
        if "://" in ref or ref.startswith(("//", "data:", "#")):
            continue
        asset = (folder / ref).resolve()
        if asset in seen or not asset.is_file() or not asset.is_relative_to(root):
            continue
        seen.add(asset)
        content = asset.read_bytes()
        digest.update(asset.relative_to(root).as_posix().encode() + b"\0" + content)
        if asset.suffix == ".css":
            todo += [(asset.parent, re.split(r"[?#]", "".join(found))[0])
                     for found in CSS_URL.findall(content.decode("utf-8", "replace"))]
    return digest.hexdigest()[:32]


def _printer_identity(chromium: str) -> bytes:
    from . import pdf_print

    stat = Path(chromium).stat()
    return pdf_print.identity() + f"{chromium}:{stat.st_size}:{stat.st_mtime_ns}".encode()


# --- building -------------------------------------------------------------------------------


def build_pdfs(site: Path, todo: Iterable[PdfJob], build: Path) -> PdfReport:
    """Write every job's PDF into `site` (the staging folder): from the cache when its inputs
    are unchanged, else printed now. Cache entries no job used are removed afterwards."""
    started = time.perf_counter()
    chromium = find_chromium()
    if chromium is None:  # checked before generating; gone since
        raise PdfError(f"Chromium is gone since the build started: {install_hint()}")
    cache = build / CACHE_FOLDER
    cache.mkdir(parents=True, exist_ok=True)
    printer = _printer_identity(chromium)
    keyed = [(job, cache_key(site, job, printer)) for job in todo]
    missing = {key: job for job, key in keyed if not (cache / f"{key}.pdf").is_file()}
    if missing:
        from . import pdf_print

        workers = max(1, min(PARALLEL, cpu_count() * 2, len(missing)))
        sheets = {key: pdf_print.Sheet(page_file(site, job.page), job.heading, job.site_url,
                                        job.epoch, job.contents)
                  for key, job in missing.items()}
        try:
            pdf_print.print_all(site, chromium, sheets, cache, workers)
        except pdf_print.PrintError as error:
            raise PdfError(str(error)) from None
    for job, key in keyed:
        target = site / job.target
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cache / f"{key}.pdf", target)
    used = {f"{key}.pdf" for _, key in keyed}
    for stale in cache.iterdir():
        if stale.name not in used:
            stale.unlink(missing_ok=True)
    return PdfReport(len(missing), len(keyed) - len(missing), time.perf_counter() - started)
