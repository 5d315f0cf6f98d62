"""What a page's key holds besides its Markdown: the settings every page depends on, and what
the page shows of the navigation (the page cache's and the preview's measure of which pages a
change in the navigation reaches).

The settings are all of the generated config but its nav, the theme folder, the code and the
versions (page_cache.code_digest), and the build date; the cache is used only with plugins and
Markdown extensions known to act page by page (`unsafe`).

Material draws, on each page, every entry on the path to the page with its siblings, and of
every other section only what a pruned section shows (its title, and where its first page is);
without `navigation.prune`, every entry. The tabs are the top-level entries, each with its
first page. An entry's title, address, front matter and whether it is active all count, and
the previous and next pages (`<link rel=prev/next>`): so a title changed in the nav reaches
exactly the pages that show it. mkdocs_nav's shortening of long sections is applied first,
as the sidebar is drawn from it.
"""

from __future__ import annotations

import importlib
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import page_cache
from .mkdocs_nav import page_nav
from .page_cache import digest

# Plugins whose work is per page (or on config only): their output for a page depends only on
# what the page key holds.
PAGE_LOCAL_PLUGINS = {"search", "material/search", "handbook"}
MARKDOWN_BUILTINS = {"abbr", "admonition", "attr_list", "codehilite", "def_list", "extra",
                     "fenced_code", "footnotes", "legacy_attrs", "legacy_em", "md_in_html",
                     "meta", "nl2br", "sane_lists", "smarty", "tables", "toc", "wikilinks"}
READS_FILES = {"pymdownx.snippets"}


def unsafe(config: Any) -> str | None:
    """Why the cache cannot be used with this config (a plugin or extension it cannot see
    through), or None."""
    for name in config.plugins:
        if name not in PAGE_LOCAL_PLUGINS:
            return f"the plugin {name!r} may read other pages"
    if config.get("hooks"):
        return "hooks may read other pages"
    for extension in config.markdown_extensions:
        if not isinstance(extension, str):
            if type(extension).__module__.startswith("handbook."):
                continue
            return f"the Markdown extension {type(extension).__name__} is not known"
        name = extension.removeprefix("markdown.extensions.")
        if name in READS_FILES or not (name in MARKDOWN_BUILTINS
                                        or name.startswith("pymdownx.")):
            return f"the Markdown extension {extension!r} may read other files"
    return None


def without_nav(text: str) -> str:
    """The generated config without its `nav:` block (each page's signature holds what it
    shows of the nav) and without the comment it opens with (what it was made from: a
    project adding an mkdocs.yml that holds handbook's default settings changes no page)."""
    lines, skipping = [], False
    body = text.splitlines()
    while body and body[0].startswith("#"):
        del body[0]
    for line in body:
        if line.startswith("nav:"):
            skipping = True
            continue
        if skipping and line[:1] not in ("", " ", "-", "#"):
            skipping = False
        if not skipping:
            lines.append(line)
    return "\n".join(lines)


def settings_key(config: Any, nav: Any, engine: str) -> str:
    """What every page depends on: the generated config but its nav, the theme folder, the
    code and versions (page_cache.code_digest), the build date, and the home page."""
    text = Path(config.config_file_path).read_text("utf-8")
    custom = config.theme.custom_dir
    home = nav.homepage.url if nav.homepage is not None else ""
    return digest(str(page_cache.FORMAT), engine, without_nav(text),
                  page_cache.folder_digest(Path(custom)) if custom else "",
                  page_cache.code_digest(), os.environ.get("SOURCE_DATE_EPOCH", ""), home,
                  repr(config.strict), repr(sorted(config.theme.get("features") or [])))


def _first_leaf(item: Any) -> Any:
    while getattr(item, "children", None):
        item = item.children[0]
    return item


class NavSignatures:
    """What a page shows of the navigation (None: a page out of the nav), as a key.

    An entry off the page's path looks the same from every page, so its part is worked out
    once (for the nav's own objects only: the per-page copies mkdocs_nav makes are not)."""

    def __init__(self, nav: Any, limit: int, prune: bool,
                 title_of: Callable[[Any], str | None],
                 meta_of: Callable[[Any], dict[str, Any]]) -> None:
        self.nav, self.limit, self.prune = nav, limit, prune
        self.title_of, self.meta_of = title_of, meta_of
        self.originals: set[int] = set()
        self.memo: dict[int, str] = {}
        self.outside: str | None = None
        stack = list(nav.items)
        while stack:
            item = stack.pop()
            self.originals.add(id(item))
            stack.extend(getattr(item, "children", None) or [])

    def _meta(self, page: Any) -> str:
        return json.dumps(self.meta_of(page), sort_keys=True, default=str)

    def _part(self, item: Any) -> str:
        if not item.active and id(item) in self.originals:
            found = self.memo.get(id(item))
            if found is None:
                found = self.memo[id(item)] = self._shown(item)
            return found
        return self._shown(item)

    def _shown(self, item: Any) -> str:
        if item.is_page:
            return repr(("P", item.url, self.title_of(item), item.active,
                         self._meta(item)))
        if item.is_link:
            return repr(("L", item.title, item.url))
        leaf = _first_leaf(item)
        head = repr(("S", item.title, item.active, len(item.children),
                     getattr(leaf, "url", None), self._meta(leaf) if leaf.is_page else ""))
        if not (item.active or not self.prune):  # a pruned section: its title and first page
            return head
        return head + "[" + ",".join(self._part(child) for child in item.children) + "]"

    def whole(self) -> str:
        """The navigation as every page's signature reads it: while this key is unchanged,
        so is every page's signature. Each section with its count of entries, then its
        entries (so the flat list is the tree); every title as the page shows it."""
        parts = [repr((self.limit, self.prune))]
        stack = list(reversed(self.nav.items))
        while stack:
            item = stack.pop()
            if item.is_page:
                parts.append(repr(("P", item.url, self.title_of(item), self._meta(item))))
            elif item.is_link:
                parts.append(repr(("L", item.title, item.url)))
            else:
                parts.append(repr(("S", item.title, len(item.children))))
                stack.extend(reversed(item.children))
        return digest(*parts)

    def __call__(self, page: Any | None) -> str:
        if page is None or id(page) not in self.originals:
            # Out of the nav (an agenda, a pack): nothing is active, no neighbours; the
            # same for every such page, so worked out once.
            if self.outside is None:
                self.outside = self._signature(None)
            return self.outside
        return self._signature(page)

    def _signature(self, page: Any | None) -> str:
        if page is not None:
            page.active = True
        try:
            shown = page_nav(self.nav, self.limit) if self.limit > 0 else self.nav
            parts = [self._part(item) for item in shown]
            for near in (getattr(page, "previous_page", None),
                         getattr(page, "next_page", None)):
                parts.append(repr((near.url, self.title_of(near)) if near is not None
                                  else None))
        finally:
            if page is not None:
                page.active = False
        return digest(*parts)




class PreviewPages:
    """The preview's share: `handbook serve` runs MkDocs with --dirty, which rebuilds only the
    pages whose generated file changed; a page whose view of the navigation changed (a title
    in the nav, a cohort added to its section) is marked changed too, by touching its file.
    Kept across rebuilds (the plugin lives as long as the server)."""

    def __init__(self, engine: str, limit: int) -> None:
        self.engine, self.limit = engine, limit
        self.signatures: dict[str, str] = {}
        self.titles: dict[str, str | None] = {}
        self.meta: dict[str, dict[str, Any]] = {}
        self.whole: str | None = None  # the nav's key (NavSignatures.whole) at the last build
        self.modified: set[str] = set()  # the pages this build rebuilds (`mark` tells)

    def mark(self, nav: Any, files: Any, config: Any) -> int:
        """Touch the file of each page whose view of the nav changed; how many (on_nav)."""
        pages = files.documentation_pages()
        changed = {f.src_uri for f in pages if f.is_modified()}
        self.modified = modified = set(changed)
        unknown, untitled = secrets.token_hex(8), set()
        for file in pages:
            # MkDocs asks twice more per page (read, write): answered from here
            file.is_modified = _member(modified, file.src_uri)
            if file.src_uri in changed or file.src_uri not in self.meta:
                with open(file.abs_src_path, "rb") as source:
                    self.meta[file.src_uri] = front_matter(self.engine, source.read())
                title = self.meta[file.src_uri].get("title")
                if title is None:
                    untitled.add(file.src_uri)
                else:
                    self.titles[file.src_uri] = str(title)

        def title_of(page: Any) -> str | None:
            if "title" in vars(page):
                return str(page.title) if page.title is not None else None
            src = page.file.src_uri
            return unknown if src in untitled else self.titles.get(src)

        keys = NavSignatures(nav, self.limit,
                             "navigation.prune" in (config.theme.get("features") or []),
                             title_of, lambda page: self.meta.get(page.file.src_uri, {}))
        marked, whole = 0, keys.whole()
        if whole == self.whole:  # the same nav as the last build's: no view of it changed
            pages = [f for f in pages if f.src_uri not in self.signatures]
        self.whole = whole
        for file in pages:
            key = keys(file.page)
            if self.signatures.get(file.src_uri) not in (None, key) and \
                    file.src_uri not in changed:
                os.utime(file.abs_src_path)
                self.modified.add(file.src_uri)
                marked += 1
            self.signatures[file.src_uri] = key
        return marked

    def built(self, page: Any) -> None:
        self.titles[page.file.src_uri] = page.title
        self.meta[page.file.src_uri] = dict(page.meta)

    @staticmethod
    def collect(page: Any) -> dict[str, Any]:
        """What `built` keeps of a page a forked worker built, as JSON can carry it back
        (mkdocs_parallel.py); front matter JSON cannot carry (dates) is read again."""
        meta = dict(page.meta)
        return {"title": None if page.title is None else str(page.title),
                "meta": meta if page_cache.json_safe(meta) else None}

    def took(self, collected: dict[str, dict[str, Any]], files: dict[str, Any]) -> None:
        """`built`, for the pages the workers built (`collect`); `files`: src_uri -> File."""
        for src, kept in collected.items():
            self.titles[src] = kept["title"]
            meta = kept["meta"]
            if meta is None:
                with open(files[src].abs_src_path, "rb") as source:
                    meta = front_matter(self.engine, source.read())
            self.meta[src] = meta

    def forget(self) -> None:
        """After the preview showed an error: every page is built again."""
        self.signatures.clear()
        self.whole = None


def _member(found: set[str], src_uri: str) -> Callable[[], bool]:
    """A File's `is_modified` once `mark` knows: membership in the set it fills (which also
    holds the pages it touches afterwards). Equal to the engine's answer, which compares the
    page's and its output's modification times, without three stat calls per page each time
    it is asked (twice per page: 0.08 s per rebuild of the 3,540-page bench set here)."""
    return lambda: src_uri in found


def front_matter(engine: str, data: bytes) -> dict[str, Any]:
    """A page's front matter as MkDocs reads it ({} if it has none or it does not parse)."""
    if not data.startswith(b"---"):
        return {}
    get_data = importlib.import_module(f"{engine}.utils.meta").get_data
    try:
        meta = get_data(data.decode("utf-8-sig", "replace"))[1]
    except Exception:  # MkDocs reports a broken front matter when it reads the page
        return {}
    return meta if isinstance(meta, dict) else {}
