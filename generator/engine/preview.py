"""The live preview: one rebuild per save, and after a content error the located report in
the browser, not a hang.

A save rebuilt the preview two or three times: the plugin regenerates build/ inside the
rebuild, and MkDocs watched build/docs and build/mkdocs.yml, so the generator's own writes
(and the pages the plugin marks changed) asked for another rebuild, which only then read the
new nav. Now the server watches what authors edit (content, templates, overrides, the
project's mkdocs.yml), not the generated files; the rebuild takes a new nav from the config it
just generated, and asks for one more rebuild only when other settings changed (MkDocs loads
the config file at the start of a rebuild).

`mkdocs serve` stops answering while its last rebuild failed, so an author saw a blank page
and no message. Instead, the plugin has MkDocs build a one-page docs folder holding the report
(as a code block: Markdown escapes it), and every page the reader may be on is replaced by that
page, so the browser shows the error where it is and reloads into the fixed page on the next
save. No MkDocs import: the dev server and the search plugin are reached through the objects
MkDocs hands the plugin.
"""

from __future__ import annotations

import gc
import html
import importlib
import os
import shutil
import textwrap
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from .cache_files import by_page, fragment, write_index

INTRO = ("The preview shows the last error instead of the site. Fix the file named below and "
         "save it: this page reloads by itself.")


def remove_outputs(config: Any, engine: str, removed: Iterable[str]) -> None:
    """Take out of the preview's site what the engine made of the docs files the generator
    just removed (a deleted cohort's pages and calendars): a `--dirty` build never deletes,
    so they stayed at their addresses until the preview was started again."""
    files = importlib.import_module(f"{engine}.structure.files")
    site = Path(config.site_dir).resolve()
    for src in removed:
        made = files.File(src, config.docs_dir, str(site), config.use_directory_urls)
        output = Path(made.abs_dest_path).resolve()
        if not output.is_relative_to(site) or output == site:
            continue
        output.unlink(missing_ok=True)
        folder = output.parent
        while folder != site:  # and the folders that held only them
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent


def error_docs(docs: Path, report: str) -> Path:
    """A docs folder beside `docs` whose only page shows `report` verbatim."""
    folder = docs.parent / f".{docs.name}-error"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    text = f"# The content has errors\n\n{INTRO}\n\n{textwrap.indent(report, '    ')}\n"
    (folder / "index.md").write_text(text, "utf-8", newline="\n")
    return folder


def show_everywhere(site: Path, base_url: str) -> None:
    """Put the built error page at every page's address, and at 404.html for the rest.

    A `<base>` keeps the page's relative links (stylesheets, scripts) pointing at the root.
    """
    page = (site / "index.html").read_text("utf-8")
    page = page.replace("<head>", f'<head>\n<base href="{html.escape(base_url)}">', 1)
    for other in [*site.rglob("*.html"), site / "404.html"]:
        if other != site / "index.html":
            other.write_text(page, "utf-8", newline="\n")



def can_rebuild(server: Any) -> bool:
    """Whether `rebuild` can ask this dev server (MkDocs' or ProperDocs' LiveReloadServer)
    for a rebuild; if not, the plugin leaves the generated files watched, as before."""
    return hasattr(server, "_rebuild_cond") and hasattr(server, "_want_rebuild") \
        and hasattr(server, "unwatch")


def rebuild(server: Any) -> None:
    """Ask for one more rebuild, as a watched file's change does (MkDocs' livereload)."""
    with server._rebuild_cond:
        server._want_rebuild = True
        server._rebuild_cond.notify_all()


def watch_settings(server: Any, settings: Path) -> None:
    """Rebuild when the project's mkdocs.yml is created, saved, replaced or removed. Watched
    through its folder rather than as a file, which must exist to be watched: a project
    without one is built with handbook's settings, and one added while the preview ran went
    unseen until it was restarted. The observer's look into that folder sees the one file
    only (`Listing`): a project folder of thousands of files is not stated five times a
    second, and its name is looked up as the system does (any case where the file system
    ignores case). Only changes count, not reads (native observers report an open): a
    rebuild reads it. The server keeps the path (`SETTINGS_FILE`) for the preview's own
    server (preview_server.py), which watches it the same way. A server whose observer is
    not the one `poll_faster` made watches the file itself, if there is one, as before."""
    listing = getattr(getattr(server, "observer", None), LISTING, None)
    if not can_rebuild(server) or listing is None:
        if settings.is_file():
            server.watch(str(settings))
        return
    from watchdog.events import FileSystemEvent, FileSystemEventHandler

    wanted = os.path.abspath(settings)
    folder, name = os.path.split(wanted)

    class Settings(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.is_directory or event.event_type not in CHANGES:
                return
            paths = [event.src_path, getattr(event, "dest_path", "")]
            if wanted in {os.path.abspath(os.fsdecode(path)) for path in paths if path}:
                rebuild(server)

    # This watch's own spelling of the folder ("<folder>/."): the observer's other watches of
    # it, or of a folder above (a `watch:` of the project), still see all it holds.
    spelled = os.path.join(folder, os.curdir)
    listing.only[spelled] = name
    server.observer.schedule(Settings(), spelled, recursive=False)
    setattr(server, SETTINGS_FILE, wanted)


SETTINGS_FILE = "handbook_settings_file"  # the dev server's attribute: the file watched
CHANGES = {"created", "modified", "deleted", "moved"}  # watchdog's event types that change a file
LISTING = "handbook_listing"  # the attribute of an observer `poll_faster` made: its Listing


class Listing:
    """How the preview's observer looks into a folder: `listdir`, but in a folder watched
    for one file (`only`: the folder as that watch spells it -> the name), that name alone
    (the observer states what it is given, and leaves out what is not there: one stat, not
    one per entry)."""

    def __init__(self, listdir: Callable[[Any], Iterator[os.DirEntry[str]]]) -> None:
        self.listdir = listdir
        self.only: dict[str, str] = {}

    def __call__(self, path: str | None) -> Iterator[Any]:  # DirEntry or Named
        name = self.only.get(path) if isinstance(path, str) else None
        return self.listdir(path) if name is None else iter([Named(name)])


class Named(NamedTuple):
    """An entry by its name only: all watchdog's snapshot reads of an entry."""

    name: str


POLL_SECONDS = 0.2  # MkDocs' server looks every 0.5 s: on average 0.25 s of each reload


def poll_faster(server: Any, listdir: Callable[[Any], Iterator[os.DirEntry[str]]] = os.scandir
                ) -> None:
    """Have the dev server look for changes every `POLL_SECONDS`: a save waited 0.25 s on
    average (up to 0.5 s) before its rebuild even started. Still polling, like MkDocs, not
    the system's change notifications, which miss edits on network shares and in mounted
    folders; a look at a project's sources is a few milliseconds (5 ms for the bench set's
    400 files), through `listdir` (`IdleCollector.listdir` holds it during rebuilds). Only
    an observer not started and watching nothing is replaced (the plugin has unwatched the
    generated files); the server keeps its own otherwise. The server's own watching is kept
    because it also decides to add the live-reload script to pages."""
    from watchdog.observers.polling import PollingObserver, PollingObserverVFS

    observer = getattr(server, "observer", None)
    if isinstance(observer, PollingObserver) and not observer.is_alive() \
            and not observer.emitters:
        listing = Listing(listdir)
        server.observer = PollingObserverVFS(os.stat, listing, polling_interval=POLL_SECONDS)
        setattr(server.observer, LISTING, listing)


IDLE_SECONDS = 1.0  # after a rebuild: the browser has reloaded the page by then
MOST_REBUILDS = 3  # in a row without an idle moment; then the next one collects first
HOLD_SECONDS = 5.0  # the longest a look for changes waits for a rebuild to end


class IdleCollector:
    """Runs Python's full garbage collection while the preview is idle, not in a rebuild.

    The preview's process holds the last rebuild's site in memory (planned pages, rendered
    folders, what the write stage wrote, MkDocs' pages): millions of objects, which each
    full collection walks. One came in most rebuilds, triggered by what the rebuild
    allocated: 0.5 to 1 s of a 2 s rebuild. Now, once a rebuild has been over for
    `IDLE_SECONDS` and no other is asked for, everything is collected and what survives is
    frozen (gc.freeze): later collections, the ones a rebuild triggers included, walk only
    what is newer. What a rebuild leaves behind (the generator freezes its stages' data as
    it goes, pipeline.py `_kept`) is collected at the next idle moment, the frozen heap
    thawed first; saves that come faster than that (an editor saving every second) have the
    collection run before every `MOST_REBUILDS + 1`th rebuild, so memory stays bounded."""

    def __init__(self) -> None:
        self.timer: threading.Timer | None = None
        self.rebuilds = 0  # since the last collection
        self.server: Any = None  # the dev server, once serving: is a rebuild asked for?
        self.resting = threading.Event()  # no rebuild running
        self.resting.set()
        # False in the preview's builder process (preview_builder.py), which must keep to
        # one thread to fork: there its loop asks `idle_in` and calls `when_idle`.
        self.threaded = True
        self.due: float | None = None  # when an unthreaded collector is idle enough

    def busy(self) -> None:
        """A rebuild starts: no collection during it (but before it, after too many)."""
        self.stop()
        self.resting.clear()
        self.rebuilds += 1
        if self.rebuilds > MOST_REBUILDS:
            self.collect()

    def idle(self) -> None:
        """A rebuild is over: collect if no other starts within `IDLE_SECONDS`."""
        self.stop()
        self.resting.set()
        if not self.threaded:
            self.due = time.monotonic() + IDLE_SECONDS
            return
        self.timer = threading.Timer(IDLE_SECONDS, self._when_idle)
        self.timer.daemon = True
        self.timer.start()

    def stop(self, wait: bool = False) -> None:
        """No collection to come (the server stops, or a rebuild starts), and no look for
        changes held. `wait`: until the timer's thread has ended (a collection under way
        finishes first), so that the process may fork."""
        self.resting.set()
        self.due = None
        timer, self.timer = self.timer, None
        if timer is not None:
            timer.cancel()
            if wait and timer is not threading.current_thread():
                timer.join()

    def idle_in(self) -> float | None:
        """Unthreaded: seconds until `when_idle` is due (None: nothing to collect)."""
        return None if self.due is None else max(0.0, self.due - time.monotonic())

    def when_idle(self) -> None:
        """Unthreaded: the idle moment came with no rebuild asked for."""
        self.due = None
        self._when_idle()

    def listdir(self, path: Any) -> Iterator[os.DirEntry[str]]:
        """The dev server's look for changes (`poll_faster`), held while a rebuild runs (at
        most `HOLD_SECONDS`): its thread took the interpreter's lock from the rebuild
        thread at every file it looked at, five times a second. An edit saved meanwhile is
        found by the first look after the rebuild, as before (the watcher compares with its
        look before)."""
        self.resting.wait(HOLD_SECONDS)
        return os.scandir(path)

    def _when_idle(self) -> None:
        if not getattr(self.server, "_want_rebuild", False):  # a save is waiting: let it be
            self.collect()

    def collect(self) -> None:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.rebuilds = 0


class PreviewIndex:
    """The preview's search index, kept across rebuilds as each page's entries in JSON text.

    Material's search plugin keeps the previous index and, on a dirty rebuild, drops the old
    entries of the first page built only ("the list will only contain sections for a single
    page"): after an edit that rebuilt several pages (a cohort's page, pack and print page),
    the others were listed twice, old and new. Here each page built replaces its own entries,
    a page gone loses them, and all are written in page order, as a full build lists them;
    only the pages built are serialized."""

    def __init__(self) -> None:
        self.fragments: dict[str, str] = {}  # page URL -> its entries (cache_files.fragment)

    def write(self, plugin: Any, rendered: set[str], order: dict[str, int]) -> None:
        """Have Material write the whole index (on_post_build, before its own): `rendered`
        the URLs of the pages this rebuild built, `order` every page's URL -> its place."""
        index = getattr(plugin, "search_index", None)
        if index is None:
            return
        found = by_page(index.entries)
        parts = [fragment(entries) for url, entries in found.items() if url not in order]
        for url in rendered:
            self.fragments[url] = fragment(found.get(url, []))
        for url in [url for url in self.fragments if url not in order]:
            del self.fragments[url]
        parts += [self.fragments[url] for url in sorted(self.fragments, key=order.__getitem__)]
        write_index(index, parts)
        plugin.search_index_prev = None  # nothing for Material to merge
