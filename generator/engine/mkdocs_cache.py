"""Incremental builds inside MkDocs: a page whose inputs did not change is not built again.

MkDocs converts and renders every page on every build. Here, once MkDocs has read the files and
the navigation, each page is checked against the cache of the published site (page_cache.py):
if its Markdown, what its links found, what it shows of the navigation and every setting are
unchanged, and its published file is still the one the cache describes, MkDocs never reads,
converts or renders it. Its file is linked from the published site into the new one, and what
other parts of the build need of it comes from the cache: its front matter and title (other
pages' sidebars show them), its anchors and links to anchors (the anchor check covers every
page, as in a clean build) and its search entries (merged in page order). The sitemap, the 404
page, the search index and the static files are made by MkDocs every time, from all pages.

What a page shows of the navigation is its key's `nav` part (mkdocs_keys.py), so a title
changed in the nav rebuilds exactly the pages that show it.

The cache is used only with the plugins and Markdown extensions known to act page by page
(`unsafe`): a plugin that builds something from all pages, or an extension that reads other
files (`pymdownx.snippets`), would make a page depend on more than the cache can see, so with
one of those every page is built. A build with a warning keeps no cache. This module knows
MkDocs internals on purpose, as mkdocs_parallel.py does.
"""

from __future__ import annotations

import dataclasses
import errno
import importlib
import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..render.bytecode import CheckedBytecodeCache
from . import page_cache
from .cache_files import by_page, files_key, fragment, link, linker, nothing, page_url, write_index
from .mkdocs_keys import NavSignatures, front_matter, settings_key, unsafe
from .page_cache import PageRecord, digest


class PageCache:
    """One build's use of the cache: which pages are taken over, and the new cache."""

    def __init__(self, engine: str, cache_in: Path | None, cache_out: Path,
                 previous: Path | None, limit: int, spare: bool = False) -> None:
        self.engine = engine
        # The staging folder is the spare site (publish.py): it is brought up to date, not
        # emptied; `keep` is what stays in it as it is.
        self.spare = spare
        self.keep: set[str] = set()
        self.cache_in, self.cache_out, self.previous = cache_in, cache_out, previous
        self.limit = limit
        self.log = logging.getLogger(f"{engine}.plugins.handbook")
        self.records: dict[str, PageRecord] = {}
        self.reused: set[str] = set()
        self.markdown: dict[str, str] = {}  # src -> digest of its Markdown
        self.meta: dict[str, dict[str, Any]] = {}
        self.titles: dict[str, str | None] = {}
        self.untitled: set[str] = set()  # changed pages whose title only converting tells
        self.defer_links = False  # the parallel build checks anchors: hand them to it
        self.lookups: dict[str, dict[str, str | None]] = {}
        self.current: dict[str, str | None] | None = None
        self.settings = ""
        self.off: str | None = None
        self._unknown = secrets.token_hex(8)  # a title not known before the page is built
        self._undo: list[Callable[[], None]] = []  # the engine's functions to set back
        self._found: dict[str, Any] = {}  # path -> URL, for checking the recorded lookups
        self.static: dict[str, page_cache.Static] = {}
        self.static_now: dict[str, tuple[str, page_cache.Stat]] = {}  # dest -> its source's
        self.sources: dict[str, page_cache.Stat] = {}  # src -> its Markdown file's stat
        self.fragments: dict[str, str] = {}  # src -> its search entries' JSON (built pages)
        self._emptied: list[str] = []  # spare staging folders that kept no file of their own

    # -- before the pages: what can be taken over -------------------------------------------

    def start(self, nav: Any, config: Any, files: Any) -> set[str]:
        """Decide which pages and static files are taken over (on_nav), keep MkDocs away
        from them, and clear a spare staging folder of the rest."""
        self.nav = nav
        self.site = Path(config.site_dir)
        self.prune = "navigation.prune" in (config.theme.get("features") or [])
        self.off = unsafe(config)
        self.settings = settings_key(config, nav, self.engine)
        loaded = page_cache.Loaded() if self.off or self.previous is None else \
            page_cache.load(self.cache_in, self.settings)
        self.records, self.static = loaded.pages, loaded.static
        self.pages = {f.src_uri: f for f in files.documentation_pages()}
        self.files_key = files_key(files)
        self._record_lookups(files)
        unchanged = self._read_pages()
        self._signature = NavSignatures(nav, self.limit, self.prune, self._title,
                                        self._meta_of)
        # The same navigation as the cache's (titles, addresses, front matter): every page
        # shows what it showed, and its signature need not be worked out.
        same_nav = bool(unchanged) and loaded.nav == self._signature.whole()
        same_files = loaded.files == self.files_key  # every link finds what it found
        for src in sorted(unchanged):
            record, file = self.records[src], self.pages[src]
            if ((same_files or self._lookups_hold(record)) and self.previous is not None
                    and page_cache.stat_of(self.previous / record.dest) == tuple(record.stat)
                    and record.dest == file.dest_uri
                    and (same_nav or self._signature(file.page) == record.nav)):
                self.reused.add(src)
        self._keep_engine_away()
        self.take_static(files)
        if self.off:
            self.log.info(f"Build cache off: {self.off}")
        else:
            self.log.info(f"Build cache: {len(self.reused)} of {len(self.pages)} pages "
                          f"unchanged, {len(self.pages) - len(self.reused)} to build")
        return self.reused

    def _read_pages(self) -> set[str]:
        """Each page's Markdown digest, front matter and title; the pages whose Markdown is
        the cache's. A file whose stat is the one the cache took its digest with is not
        read: the generator writes a changed file anew (a new inode and time)."""
        unchanged = set()
        for src, file in self.pages.items():
            record = self.records.get(src)
            self.sources[src] = source = page_cache.stat_of(file.abs_src_path) or (0, 0, 0)
            if record is not None and source[0] and tuple(record.source) == source:
                self.markdown[src] = record.content
            else:
                data = Path(file.abs_src_path).read_bytes()
                self.markdown[src] = digest(data)
                if not self.records:  # a clean build: titles come from the built pages
                    continue
                if record is None or record.content != self.markdown[src]:
                    self.meta[src] = front_matter(self.engine, data)
                    title = self.meta[src].get("title")
                    self.titles[src] = str(title) if title is not None else None
                    if title is None:
                        self.untitled.add(src)
                    continue
            assert record is not None
            unchanged.add(src)
            self.meta[src], self.titles[src] = record.meta, record.title
        return unchanged

    def keep_staging(self, config: Any) -> None:
        """A spare staging folder is not emptied by the engine (on_pre_build, just before
        MkDocs would): `clear_spare` removes what is not kept once that is known."""
        if not self.spare:
            return
        utils: Any = importlib.import_module(f"{self.engine}.utils")
        clean, site = utils.clean_directory, os.path.abspath(config.site_dir)

        def clean_directory(directory: str) -> None:
            if os.path.abspath(directory) != site:
                clean(directory)

        utils.clean_directory = clean_directory
        self._undo.append(lambda: setattr(utils, "clean_directory", clean))

    def _record_lookups(self, files: Any) -> None:
        """Note which files each page's links look for while it is converted."""
        original = files.get_file_from_path
        self._lookup = original

        def get_file_from_path(path: str) -> Any:
            found = original(path)
            if self.current is not None:
                self.current[path] = found.url if found is not None else None
            return found

        files.get_file_from_path = get_file_from_path

    def _lookups_hold(self, record: PageRecord) -> bool:
        for path, url in record.lookups.items():
            now = self._found.get(path, self)
            if now is self:
                found = self._lookup(path)
                now = self._found[path] = found.url if found is not None else None
            if now != url:
                return False
        return True

    def _title(self, page: Any) -> str | None:
        """The title the nav shows for `page`: given in the nav, or the page's own (from
        the cache, or its front matter); unknown until built if it comes from its heading."""
        if "title" in vars(page):  # given in the nav, or set back from the cache
            return str(page.title) if page.title is not None else None
        src = page.file.src_uri
        return self._unknown if src in self.untitled else self.titles.get(src)

    def _meta_of(self, page: Any) -> dict[str, Any]:
        return self.meta.get(page.file.src_uri, {})

    def _keep_engine_away(self) -> None:
        """MkDocs reads and builds pages in two loops of its build(); both skip the pages
        taken over, which get back what other pages and the anchor check read of them."""
        module: Any = importlib.import_module(f"{self.engine}.commands.build")
        populate, build_page = module._populate_page, module._build_page
        reused = self.reused

        def _populate_page(page: Any, config: Any, files: Any, dirty: bool = False) -> None:
            if page.file.src_uri in reused:
                self._restore(page)
                return
            populate(page, config, files, dirty)

        def _build_page(page: Any, *args: Any, **kwargs: Any) -> None:
            if page.file.src_uri not in reused:
                build_page(page, *args, **kwargs)

        module._populate_page, module._build_page = _populate_page, _build_page

        def restore() -> None:
            module._populate_page, module._build_page = populate, build_page

        self._undo.append(restore)

    def _restore(self, page: Any) -> None:
        record = self.records[page.file.src_uri]
        page.meta = dict(record.meta)  # never rendered: nothing changes it
        page.title = record.title
        page.present_anchor_ids = set(record.anchors)
        page.links_to_anchors = None if self.defer_links else {
            self.pages[to]: dict(links) for to, links in record.links.items()
            if to in self.pages} or None

    # -- while pages are converted ------------------------------------------------------------

    def converting(self, page: Any) -> None:
        self.current = self.lookups.setdefault(page.file.src_uri, {})

    def converted(self) -> None:
        self.current = None

    def collect(self, page: Any) -> dict[str, Any]:
        """What the new cache needs of a page from the process that built it."""
        src = page.file.src_uri
        meta = page.meta if page_cache.json_safe(page.meta) else None
        return {"title": page.title, "lookups": self.lookups.get(src, {}), "meta": meta}

    # -- after the pages ----------------------------------------------------------------------

    def finish(self, config: Any, built: dict[str, dict[str, Any]],
               anchors: dict[str, list[str]], links: dict[str, dict[str, dict[str, str]]],
               search: Any) -> None:
        """Link the pages taken over into the new site, and have the search index (Material's,
        or None) written with their entries as the cache holds them."""
        self.unhook()
        site = Path(config.site_dir)
        assert self.previous is not None or not self.reused
        for src in sorted(self.reused):
            dest = self.records[src].dest
            if dest not in self.keep:
                link(self.previous / dest, site / dest)  # type: ignore[operator]
        self.drop_empty_folders()
        if search is not None:
            self._write_index_from_fragments(search)
        self.built, self.anchors, self.links = built, anchors, links

    def _write_index_from_fragments(self, search: Any) -> None:
        """The index as Material writes it, its entries in page order, each page's as JSON
        text: the built pages' serialized here (and kept for the cache), the others' from the
        cache."""
        by_url = by_page(search.entries)
        urls = {page_url(file): src for src, file in self.pages.items()}
        parts = [fragment(entries) for url, entries in by_url.items() if url not in urls]
        for src, file in self.pages.items():
            if src in self.reused:
                parts.append(self.records[src].entries)
            else:
                self.fragments[src] = fragment(by_url.get(page_url(file), []))
                parts.append(self.fragments[src])
        write_index(search, parts)

    def save(self, config: Any, warned: bool) -> None:
        """Write the new cache beside the build (published with the site by `handbook
        build`); none after a warning or with a config the cache cannot see through."""
        page_cache.drop(self.cache_out)
        if warned or self.off:
            return
        site = Path(config.site_dir)
        for src, data in self.built.items():
            self.titles[src] = data.get("title")
            self.untitled.discard(src)
            if data.get("meta") is not None:
                self.meta[src] = data["meta"]
        self._signature = NavSignatures(self.nav, self.limit, self.prune, self._title,
                                        self._meta_of)  # with every title known now
        records: dict[str, PageRecord] = {}
        for src, file in self.pages.items():
            if src in self.reused and file.dest_uri in self.keep:  # the very file start()
                records[src] = self.records[src]  # found published (clear_spare: its inode)
                continue
            stat = page_cache.stat_of(site / file.dest_uri)
            if src in self.reused:  # linked: the same file; copied (no links here): a new one
                if stat is not None:
                    records[src] = dataclasses.replace(self.records[src], stat=stat)
                continue
            found = self.built.get(src)
            if found is None or stat is None or found.get("meta") is None:
                continue
            data = found
            records[src] = page_cache.shared(PageRecord(
                content=self.markdown[src], nav=self._signature(file.page), dest=file.dest_uri,
                stat=stat, meta=data["meta"], title=self._title(file.page),
                anchors=sorted(self.anchors.get(src, [])), links=self.links.get(src, {}),
                lookups=data["lookups"], entries=self.fragments.get(src, ""),
                source=self.sources[src]))
        static = {}
        for dest, (made, source) in self.static_now.items():
            stat = page_cache.stat_of(site / dest)
            if stat is not None:
                static[dest] = (made, stat, source)
        page_cache.save(self.cache_out, self.settings, records, static,
                        nav=self._signature.whole(), files=self.files_key,
                        taken=(len(self.reused), len(self.pages)))

    def take_static(self, files: Any) -> None:
        """Static files (calendars, theme assets) unchanged since the published site are
        linked from it instead of copied; in a spare staging folder, kept as they are (and
        everything else there removed: `clear_spare`)."""
        if self.off:
            self.clear_spare({})
            return
        taken: dict[str, Any] = {}
        expected: dict[str, int] = {self.records[src].dest: self.records[src].stat[0]
                                    for src in self.reused}
        for file in files:
            if file.is_documentation_page() or not file.abs_src_path:
                continue
            source = page_cache.stat_of(file.abs_src_path)
            if source is None:
                continue
            record = self.static.get(file.dest_uri)
            if record is not None and source[0] and tuple(record[2]) == source:
                made = record[0]  # the stat the cache took its digest with: not read again
            else:
                try:
                    made = digest(Path(file.abs_src_path).read_bytes())
                except OSError:
                    continue
            self.static_now[file.dest_uri] = (made, source)
            if (record is not None and record[0] == made and self.previous is not None
                    and page_cache.stat_of(self.previous / file.dest_uri) == tuple(record[1])):
                taken[file.dest_uri] = file
                expected[file.dest_uri] = record[1][0]
        self.clear_spare(expected)
        for dest, file in taken.items():
            file.copy_file = nothing if dest in self.keep else \
                linker(self.previous / dest, file.abs_dest_path)  # type: ignore[operator]

    def clear_spare(self, expected: dict[str, int]) -> None:
        """Keep in a spare staging folder each file that is the very file the published site
        has (one file under two names: the build before linked it), by `expected` (its path
        -> the published file's inode), and remove everything else, before anything is
        written (the engine then writes new files, never into a kept one)."""
        if not self.spare or self.previous is None:
            return
        same_device = os.stat(self.site).st_dev == os.stat(self.previous).st_dev
        root = str(self.site)
        folders = [("", root)]
        while folders:
            relative, folder = folders.pop()
            kept = False
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = relative + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        folders.append((name + "/", entry.path))
                    elif same_device and expected.get(name) == entry.inode():
                        self.keep.add(name)
                        kept = True
                    else:
                        os.unlink(entry.path)
            if not kept and folder != root:
                self._emptied.append(folder)

    def drop_empty_folders(self) -> None:
        """Folders of a spare staging folder that nothing was written into (a deleted
        cohort's): a clean build has none. Only one that kept no file of its own can be
        empty (the engine removes nothing); backwards, children go before parents."""
        for folder in reversed(self._emptied):
            try:
                os.rmdir(folder)
            except OSError as error:  # not empty: something was written into it
                if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
        self._emptied.clear()

    def template_cache(self) -> Any:
        return theme_templates(self.cache_out.parent)

    def unhook(self) -> None:
        while self._undo:
            self._undo.pop()()


def theme_templates(folder: Path) -> CheckedBytecodeCache:
    """The theme's compiled Jinja templates, kept in `folder`/templates (the build cache's
    folder; checked against each template's source by Jinja itself): compiling the theme was
    a tenth of a small rebuild, and of every preview rebuild."""
    folder = folder / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    return CheckedBytecodeCache(str(folder))
