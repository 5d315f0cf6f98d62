"""Build the MkDocs site on every core: the pages are shared out among forked processes.

MkDocs converts and writes pages one after another on one core, and that is nearly all of a
large site's build time. Once MkDocs has read the config, the files and the navigation (work
every process needs, done once), the plugin forks one worker per extra core. Each process
converts and writes only its share of the pages, in whole units: a page the nav leaves out (an
agenda, a print page, a pack: the plan's `not_in_nav`) goes with the index page of its folder,
the page that links to it, so a cohort's print page and packs find the HTML of its agendas in
the same process (see embed.py). The grouping follows the plan's nav, not the folder layout.
Pages of a unit of their own whose bodies other pages repeat (the playbooks) are converted in
every process but written by one. Workers send their search-index entries and warning counts
to the main process, which merges them in page order, so the site is byte for byte the one a single
process builds (a test compares the two). Each process also sends the anchors its pages hold
and the links to anchors they make; the main process checks every such link once all pages
are in (MkDocs would check only against pages it rendered itself), so `--strict` fails on a
broken anchor whichever process rendered the page.

Warnings are counted, and the pages this process leaves to others are kept quiet, on the
loggers of the engine that runs the build: `mkdocs.*` under MkDocs, `properdocs.*` under
ProperDocs, whose logger is also the parent of `mkdocs`.

`mkdocs build` forks, and so does the preview (`mkdocs serve --dirty`, which `handbook serve`
runs) in its first build and in its builder process (preview_builder.py), for the pages its
rebuild changed; never a process running other threads, and only where `fork.can_fork()`
allows it (Linux); on macOS and Windows the plugin builds in one process, the same bytes. This
module knows MkDocs internals on purpose, so that the core never has to.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import signal
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from ..fork import can_fork, hold_signals, release_signals, split
from ..render.embed import embedded, has_body

SKIP_TEMPLATE = "handbook-not-this-process.html"


def units(pages: list[Any]) -> dict[str, str]:
    """Each page's unit, named by the page it hangs off: a page out of the nav goes with the
    index page of its folder (which links to it); every other page is a unit of its own."""
    indexes = {f.src_uri.rpartition("/")[0]: f.src_uri for f in pages if f.name == "index"}
    found = {}
    for file in pages:
        index = indexes.get(file.src_uri.rpartition("/")[0])
        out = index is not None and file.inclusion.is_not_in_nav()
        found[file.src_uri] = index if index is not None and out else file.src_uri
    return found


def with_embedded(unit: dict[str, str], embeds: dict[str, set[str]]) -> dict[str, str]:
    """`unit` with each page of a unit of its own that pages of exactly one other unit
    repeat (`embeds`: page -> the pages whose bodies it repeats) moved into that unit: its
    process then converts it once, where another would have converted it again for them (a
    new cohort title rebuilds the cohort's packs and the playbooks they repeat)."""
    alone = Counter(unit.values())
    by: dict[str, set[str]] = {}
    for src, bodies in embeds.items():
        for body in bodies:
            by.setdefault(body, set()).add(unit[src])
    moved = dict(unit)
    for body, units in by.items():
        if body in unit and unit[body] == body and alone[body] == 1 and len(units) == 1:
            (home,) = units
            if home != body:
                moved[body] = home
    return moved


def share_out(sizes: dict[str, int], jobs: int,
              unit: dict[str, str] | None = None) -> list[set[str]]:
    """Pages per process: whole units (`unit` maps a page to its unit; by default each page
    is one), biggest first, each to the least loaded process."""
    units: dict[str, list[str]] = {}
    for src in sorted(sizes):
        units.setdefault((unit or {}).get(src, src), []).append(src)
    pages = list(units.values())
    parts = split(pages, [sum(sizes[src] for src in unit) for unit in pages], jobs)
    return [{src for unit in part for src in unit} for part in parts]


class _QuietSkips(logging.Filter):
    """The engine logs every page that produced no output; here that is by design."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Page skipped")


_QUIET_SKIPS = _QuietSkips()  # one filter, however many builds a preview's builder runs


class WarningCount(logging.Handler):
    """Counts the warnings and errors a worker logs (for `--strict` in the main process)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class ParallelBuild:
    """One build shared by forked processes; index 0 is the process MkDocs started."""

    def __init__(self, jobs: int, engine: str = "mkdocs",
                 collect: Callable[[Any], dict[str, Any]] | None = None) -> None:
        self.jobs = jobs
        # What the caller keeps of each page, taken in the process that built it (the page
        # cache's title, front matter and link lookups), merged into `collected`.
        self.collect = collect
        self.collected: dict[str, dict[str, Any]] = {}
        self.engine = engine  # the engine's package and logger namespace
        self.log = logging.getLogger(f"{engine}.plugins.handbook")
        self.index = 0
        self.owned: set[str] = set()
        self.grouped: set[str] = set()  # pages in a unit of several pages
        self.repeated: set[str] | None = None  # bodies this process's pages repeat (if known)
        self.workers: list[tuple[int, Path]] = []  # (pid, result file), in the main process
        self.result: Path | None = None  # in a worker: where its results go
        self.warnings: WarningCount | None = None
        self.order: dict[str, int] = {}  # page URL -> place in MkDocs' page order
        self.pages: dict[str, Any] = {}  # src_uri -> page, in page order
        # Per page rendered here: the ids it holds and its links to anchors (checked last).
        self.anchors: dict[str, list[str]] = {}
        self.links: dict[str, dict[str, dict[str, str]]] = {}

    @property
    def is_worker(self) -> bool:
        return self.index > 0

    def start(self, files: Any, skip: set[str] | frozenset[str] = frozenset()) -> None:
        """Share out the pages and fork the workers (on_nav: files and nav are complete).
        Pages in `skip` (taken from the page cache) are built by no process."""
        if not can_fork():  # the plugin checks too; never fork where it is unsafe, regardless
            self.jobs = 1
        pages = files.documentation_pages()
        self.order = {f.url: i for i, f in enumerate(pages)}
        self.files = {f.src_uri: f for f in pages}
        pages = [f for f in pages if f.src_uri not in skip]
        unit = units(pages)
        # Part of the site (the rest taken from the page cache): which bodies each page
        # repeats, so that a body is converted only where a page repeats it. Not worth
        # reading every page for in a whole build, whose shares repeat every body anyway.
        embeds = _embeds(pages) if skip else None
        if embeds is not None:
            unit = with_embedded(unit, embeds)
        sizes = Counter(unit.values())
        self.grouped = {src for src, name in unit.items() if sizes[name] > 1}
        shares = share_out({f.src_uri: os.path.getsize(f.abs_src_path) for f in pages},
                           self.jobs, unit)
        logging.getLogger(f"{self.engine}.commands.build").addFilter(_QUIET_SKIPS)
        sys.stdout.flush()
        sys.stderr.flush()
        for index in range(1, self.jobs):
            handle, name = tempfile.mkstemp(prefix="handbook-worker-", suffix=".json")
            os.close(handle)
            held = hold_signals()
            pid = os.fork()
            if pid == 0:
                self.index, self.result, self.workers = index, Path(name), []
                release_signals(held)
                self.warnings = WarningCount()
                logging.getLogger(self.engine).addHandler(self.warnings)
                break
            self.workers.append((pid, Path(name)))
            release_signals(held)
        self.owned = shares[self.index]
        self.repeated = None if embeds is None else \
            {body for src in self.owned for body in embeds.get(src, ())}

    def page_markdown(self, markdown: str, page: Any) -> str:
        """Pages of other processes: no output here, and no conversion unless their body
        is repeated by pages of this process."""
        if page.file.src_uri in self.owned:
            return markdown
        page.meta["template"] = SKIP_TEMPLATE
        page.meta["search"] = {"exclude": True}
        grouped = page.file.src_uri in self.grouped  # its unit's process converts it
        wanted = self.repeated is None or page.file.src_uri in self.repeated
        return markdown if has_body(markdown) and not grouped and wanted else ""

    def env(self, env: jinja2.Environment, files: Any, config: Any) -> jinja2.Environment:
        loaders: list[jinja2.BaseLoader] = [jinja2.DictLoader({SKIP_TEMPLATE: ""})]
        env.loader = jinja2.ChoiceLoader(loaders + ([env.loader] if env.loader else []))
        if self.is_worker:  # theme assets, sitemap and 404 page: the main process writes them
            for file in [f for f in files if not f.is_documentation_page()]:
                files.remove(file)
            config.theme.static_templates.clear()
            config.extra_templates.clear()
        return env

    def post_page(self, output: str, page: Any) -> str:
        """Keep the anchors and anchor links of the pages rendered here for `finish`, and
        leave the engine nothing to check: it knows only the anchors of its own pages."""
        src = page.file.src_uri
        if src in self.owned:
            self.anchors[src] = sorted(page.present_anchor_ids or ())
            self.links[src] = {to.src_uri: dict(links)
                               for to, links in (page.links_to_anchors or {}).items()}
            if self.collect is not None:
                self.collected[src] = self.collect(page)
        page.links_to_anchors = None
        return output if src in self.owned else ""

    def finish(self, config: Any) -> None:
        """A worker hands over and exits; the main process waits and merges."""
        search = _search_index(config)
        if self.is_worker:
            assert self.result is not None and self.warnings is not None
            counts = self.warnings.count
            self.result.write_text(json.dumps({
                "entries": search.entries if search is not None else [],
                "warnings": counts, "anchors": self.anchors, "links": self.links,
                "collected": self.collected}), "utf-8")
            leave(0)
        entries, warnings, failed = [], 0, 0
        for pid, result in self.workers:
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                failed += 1
            else:
                data = json.loads(result.read_text("utf-8"))
                entries.extend(data["entries"])
                warnings += data["warnings"]
                self.anchors.update(data["anchors"])
                self.links.update(data["links"])
                self.collected.update(data["collected"])
            result.unlink(missing_ok=True)
        self.workers = []
        if failed:
            error = importlib.import_module(f"{self.engine}.exceptions").PluginError
            raise error(f"{failed} of the processes building pages failed (see above)")
        if warnings:  # counted again here, so that --strict fails as it would on one process
            self.log.warning(f"{warnings} warnings from the other build processes (shown above)")
        self._check_anchors(config)
        if search is not None:
            search.entries.extend(entries)
            search.entries.sort(key=lambda e: self.order.get(e["location"].partition("#")[0], -1))

    def _check_anchors(self, config: Any) -> None:
        """Every page's links to anchors, checked against every page's anchors, in page
        order: what the engine checks after building in one process."""
        for src, file in self.files.items():
            if src in self.anchors:
                file.page.present_anchor_ids = set(self.anchors[src])
        for src, file in self.files.items():
            if src not in self.links:
                continue
            file.page.links_to_anchors = {self.files[to]: links
                                          for to, links in self.links[src].items()
                                          if to in self.files}
            file.page.validate_anchor_links(files=None,
                                            log_level=config.validation.links.anchors)

    def abort(self, error: BaseException | None = None) -> None:
        """A failed build: a worker says why and exits at once (the engine would report
        the error only after the build); the main process stops its workers."""
        if self.is_worker:
            if error is not None:
                self.log.error(f"A build process failed: {type(error).__name__}: {error}")
            leave(1)
        for pid, result in self.workers:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            result.unlink(missing_ok=True)
        self.workers = []


def _embeds(pages: list[Any]) -> dict[str, set[str]]:
    """Page -> the pages whose bodies it repeats, from the Markdown of `pages` (MkDocs Files)."""
    found = {}
    for file in pages:
        try:
            with open(file.abs_src_path, encoding="utf-8-sig", errors="replace") as source:
                bodies = embedded(source.read())
        except OSError:  # MkDocs reports a vanished page itself
            continue
        if bodies:
            found[file.src_uri] = bodies
    return found


def _search_index(config: Any) -> Any:
    """Material's search index, whose entries each process fills for its own pages."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is not None and hasattr(index, "entries"):
            return index
    return None


def leave(code: int) -> None:
    # A worker must never run MkDocs' code after the build (publishing, exit handlers), nor,
    # with MkDocs inside handbook (inprocess.py), handbook's.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
