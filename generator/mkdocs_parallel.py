"""Build the MkDocs site on every core: the pages are shared out among forked processes.

MkDocs converts and writes pages one after another on one core, and that is nearly all of a
large site's build time. Once MkDocs has read the config, the files and the navigation (work
every process needs, done once), the plugin forks one worker per extra core. Each process
converts and writes only its share of the pages, in whole cohort folders, so a cohort's print
page and packs find the HTML of its agendas in the same process (see embed.py). Pages outside
cohort folders whose bodies other pages repeat (the playbooks) are converted in every process
but written by one. Workers send their search-index entries and warning counts to the main
process, which merges them in page order, so the site is byte for byte the one a single
process builds (a test compares the two).

Only `mkdocs build` forks, never `serve` or a dirty build, and only where `fork.can_fork()`
allows it (Linux); on macOS and Windows the plugin builds in one process, the same bytes. This
module knows MkDocs internals on purpose, so that the core never has to.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.utils import CountHandler

from .embed import has_body
from .fork import can_fork, split

SKIP_TEMPLATE = "handbook-not-this-process.html"
log = logging.getLogger("mkdocs.plugins.handbook")


def _unit(src_uri: str) -> str:
    """Pages of one cohort folder stay together; every other page is a unit of its own."""
    parts = src_uri.split("/")
    return "/".join(parts[:3]) if len(parts) > 3 and parts[0] == "programs" else src_uri


def share_out(sizes: dict[str, int], jobs: int) -> list[set[str]]:
    """Pages per process: whole units, biggest first, each to the least loaded process."""
    units: dict[str, list[str]] = {}
    for src in sorted(sizes):
        units.setdefault(_unit(src), []).append(src)
    pages = list(units.values())
    parts = split(pages, [sum(sizes[src] for src in unit) for unit in pages], jobs)
    return [{src for unit in part for src in unit} for part in parts]


class _QuietSkips(logging.Filter):
    """MkDocs logs every page that produced no output; here that is by design."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Page skipped")


class ParallelBuild:
    """One build shared by forked processes; index 0 is the process MkDocs started."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.index = 0
        self.owned: set[str] = set()
        self.workers: list[tuple[int, Path]] = []  # (pid, result file), in the main process
        self.result: Path | None = None  # in a worker: where its results go
        self.warnings: CountHandler | None = None
        self.order: dict[str, int] = {}  # page URL -> place in MkDocs' page order

    @property
    def is_worker(self) -> bool:
        return self.index > 0

    def start(self, files: Any) -> None:
        """Share out the pages and fork the workers (on_nav: files and nav are complete)."""
        if not can_fork():  # the plugin asks `configured_jobs` first; never fork regardless
            self.jobs = 1
        pages = files.documentation_pages()
        self.order = {f.url: i for i, f in enumerate(pages)}
        shares = share_out({f.src_uri: os.path.getsize(f.abs_src_path) for f in pages},
                           self.jobs)
        logging.getLogger("mkdocs.commands.build").addFilter(_QuietSkips())
        sys.stdout.flush()
        sys.stderr.flush()
        for index in range(1, self.jobs):
            handle, name = tempfile.mkstemp(prefix="handbook-worker-", suffix=".json")
            os.close(handle)
            pid = os.fork()
            if pid == 0:
                self.index, self.result, self.workers = index, Path(name), []
                self.warnings = CountHandler()
                self.warnings.setLevel(logging.WARNING)
                logging.getLogger("mkdocs").addHandler(self.warnings)
                break
            self.workers.append((pid, Path(name)))
        self.owned = shares[self.index]

    def page_markdown(self, markdown: str, page: Any) -> str:
        """Pages of other processes: no output here, and no conversion unless their body
        is repeated by pages of this process."""
        if page.file.src_uri in self.owned:
            return markdown
        page.meta["template"] = SKIP_TEMPLATE
        page.meta["search"] = {"exclude": True}
        in_cohort = _unit(page.file.src_uri) != page.file.src_uri
        return markdown if has_body(markdown) and not in_cohort else ""

    def env(self, env: jinja2.Environment, files: Any, config: Any) -> jinja2.Environment:
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({SKIP_TEMPLATE: ""}), env.loader])
        if self.is_worker:  # theme assets, sitemap and 404 page: the main process writes them
            for file in [f for f in files if not f.is_documentation_page()]:
                files.remove(file)
            config.theme.static_templates.clear()
            config.extra_templates.clear()
        return env

    def post_page(self, output: str, page: Any) -> str:
        if page.file.src_uri in self.owned:
            return output
        page.present_anchor_ids = None  # not rendered here: its anchors are checked elsewhere
        return ""

    def finish(self, config: Any) -> None:
        """A worker hands over and exits; the main process waits and merges."""
        search = _search_index(config)
        if self.is_worker:
            assert self.result is not None and self.warnings is not None
            counts = sum(count for _, count in self.warnings.get_counts())
            self.result.write_text(json.dumps({
                "entries": search.entries if search is not None else [],
                "warnings": counts}), "utf-8")
            _exit(0)
        entries, warnings, failed = [], 0, 0
        for pid, result in self.workers:
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                failed += 1
            else:
                data = json.loads(result.read_text("utf-8"))
                entries.extend(data["entries"])
                warnings += data["warnings"]
            result.unlink(missing_ok=True)
        self.workers = []
        if failed:
            raise PluginError(f"{failed} of the processes building pages failed (see above)")
        if warnings:  # counted again here, so that --strict fails as it would on one process
            log.warning(f"{warnings} warnings from the other build processes (shown above)")
        if search is not None:
            search.entries.extend(entries)
            search.entries.sort(key=lambda e: self.order.get(e["location"].partition("#")[0], -1))

    def abort(self) -> None:
        """A failed build: a worker exits at once; the main process stops its workers."""
        if self.is_worker:
            _exit(1)
        for pid, result in self.workers:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            result.unlink(missing_ok=True)
        self.workers = []


def _search_index(config: Any) -> Any:
    """Material's search index, whose entries each process fills for its own pages."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is not None and hasattr(index, "entries"):
            return index
    return None


def _exit(code: int) -> None:
    # A worker must never run MkDocs' code after the build (publishing, exit handlers).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
