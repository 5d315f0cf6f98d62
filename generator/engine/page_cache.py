"""The page cache `handbook build` keeps between builds: what each published page was made of.

A page of the published site is taken over by the next build, without being converted or
rendered again, only when everything it was made from is unchanged. Per page, the cache holds
two keys and what the rest of the build needs of the page without rebuilding it:

- `content`: its Markdown, and what its links found among the site's files (MkDocs turns a
  link into a URL only if the target exists, so a deleted target changes the page);
- `nav`: what the page shows of the navigation (mkdocs_cache.NavSignatures): its sidebar,
  tabs and neighbours, with the titles and addresses of every entry it shows;
- the published file's identity (inode, size, mtime), so a page edited or replaced in site/
  by anything but a build is rebuilt;
- its front matter, title, anchors, links to anchors and search entries: other pages'
  sidebars, the anchor check and the search index need them.

A whole-cache key (`settings`) holds everything every page depends on: the engine's
settings (all of the generated config but the nav), the theme folder, the versions of every
installed distribution, the handbook code itself, and the build date. A cache of another
format, another key, or one that does not parse is ignored as a whole: the build is then a
clean one. The same goes for static files (calendars, theme assets): one whose content and
published file are unchanged is linked, not copied. Pure Python: no MkDocs import
(mkdocs_cache.py is the glue).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import marshal
import os
import platform
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import resources

FORMAT = 3
# What `handbook build` hands the engine (engine/mkdocs_plugin.py reads them): the cache of the
# published site, where the new cache goes (published with the site), and the published site
# the old cache describes. Without them (a plain `mkdocs build -f build/mkdocs.yml`) the
# plugin keeps no cache.
ENV_IN = "HANDBOOK_PAGE_CACHE_IN"
ENV_OUT = "HANDBOOK_PAGE_CACHE_OUT"
ENV_SITE = "HANDBOOK_PREVIOUS_SITE"
TAKEN = ".taken"  # beside a new cache: how many pages its build took over (took_over)
ENV_SPARE = "HANDBOOK_STAGING_IS_SPARE"  # "1": the staging folder is the spare site
CACHE_FOLDER = "cache"  # under build/ (or build/<lang>/), git-ignored
CACHE_FILE = "pages.bin"

Stat = tuple[int, int, int]
# A static file's content digest, its published file's stat and its source's stat.
Static = tuple[str, Stat, Stat]


@dataclass
class PageRecord:
    content: str
    nav: str
    dest: str  # the output file, relative to the site folder
    stat: Stat
    meta: dict[str, Any]
    title: str | None
    anchors: list[str]
    links: dict[str, dict[str, str]]  # target src_uri -> {anchor: link as written}
    lookups: dict[str, str | None]  # path a link looked up -> the file's URL, or None
    # Its search entries as the index's JSON writes them (comma-joined): a page taken over
    # adds them to the index as they are, never parsed nor serialized again.
    entries: str = ""
    source: Stat = (0, 0, 0)  # its Markdown file's stat when `content` was taken


@dataclass
class Loaded:
    """A cache as read: its pages and static files, and two keys of the whole build it
    describes. While they are unchanged, no page's view of the navigation changed
    (`nav`), nor what any link looked up among the files (`files`)."""

    pages: dict[str, PageRecord] = field(default_factory=dict)
    static: dict[str, Static] = field(default_factory=dict)
    nav: str | None = None
    files: str | None = None


def digest(*parts: str | bytes) -> str:
    """A key from parts whose boundaries count (so ('ab', 'c') != ('a', 'bc'))."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def stat_of(path: Path | str) -> Stat | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def folder_digest(folder: Path) -> str:
    """Every file under `folder` by path and content ('' for a missing folder)."""
    if not folder.is_dir():
        return ""
    parts: list[str | bytes] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


_CODE: str | None = None


def code_digest() -> str:
    """The handbook package as it is on disk (an editable install changes without a new
    version number) with the defaults it ships (in an editable install they lie beside the
    package: templates/, site_overrides/), Python's version and every installed
    distribution's version (MkDocs, Material, Python-Markdown and their extensions all shape
    the HTML). Once per process."""
    global _CODE
    if _CODE is None:
        package = Path(__file__).resolve().parent.parent
        beside = [folder for folder in (resources.default_templates(),
                                        resources.default_overrides())
                  if package not in folder.resolve().parents]
        _CODE = digest(folder_digest(package), *map(folder_digest, beside),
                       platform.python_version(), *installed())
    return _CODE


def installed() -> list[str]:
    """Every distribution on the import path by the name of its metadata folder, which is
    its name and version (`mkdocs-1.6.1.dist-info`): where importlib.metadata looks, without
    parsing each one's METADATA (40 ms of every build)."""
    found: set[str] = set()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as entries:
                found.update(e.name for e in entries
                             if e.name.endswith((".dist-info", ".egg-info")))
        except OSError:  # a zip file or a folder that is gone
            continue
    return sorted(found)


MAGIC = b"handbook-page-cache\n"
CHECK = 32  # bytes of the checksum that precedes the body


def _checksum(body: bytes) -> bytes:
    """SHA-256: the processor computes it (SHA extensions of current x86 and ARM chips),
    2-4x faster than blake2b on a cache of tens of megabytes, read and written every build."""
    return hashlib.sha256(body).digest()


def shared(record: PageRecord) -> PageRecord:
    """`record` with the paths and anchors it names interned: pages name the same targets
    (a cohort's pages all link its meetings), and marshal writes an object it has seen once
    as a reference. The cache is a quarter smaller and reads faster; a cache read back holds
    them interned still, so only the records of pages just built need this."""
    intern = sys.intern
    return dataclasses.replace(
        record, dest=intern(record.dest), anchors=[intern(a) for a in record.anchors],
        links={intern(to): {intern(a): intern(w) for a, w in found.items()}
               for to, found in record.links.items()},
        lookups={intern(path): intern(url) if url is not None else None
                 for path, url in record.lookups.items()})


def load(path: Path | None, settings: str) -> Loaded:
    """The cache at `path` made with these `settings`; an empty one if there is no cache, or
    it is of another format or settings, or damaged (its checksum is checked before anything
    is read from it)."""
    if path is None:
        return Loaded()
    try:
        data = path.read_bytes()
        head, check, body = data[:len(MAGIC)], data[len(MAGIC):len(MAGIC) + CHECK], \
            data[len(MAGIC) + CHECK:]
        if head != MAGIC or _checksum(body) != check:
            return Loaded()
        form, made_with, nav, files, pages, static = marshal.loads(body)
        if form != FORMAT or made_with != settings:
            return Loaded()
        records = {str(src): PageRecord(*fields) for src, fields in pages.items()}
        kept = {str(dest): (str(made), tuple(stat), tuple(source))
                for dest, (made, stat, source) in static.items()}
        return Loaded(records, kept, str(nav), str(files))
    except (OSError, ValueError, TypeError, EOFError):
        return Loaded()


def save(path: Path, settings: str, pages: dict[str, PageRecord],
         static: dict[str, Static], nav: str = "", files: str = "",
         taken: tuple[int, int] | None = None) -> None:
    """Write the cache (to a temporary name first: a reader never sees half of it), and with
    `taken` a note beside it for `took_over`.

    marshal, not JSON: a large site's cache (mostly search entries) is tens of megabytes, and
    marshal reads and writes it ten times faster; it holds plain values only. It is Python's
    own format, which the settings key (Python's version) ties the cache to."""
    body = marshal.dumps((FORMAT, settings, nav, files, {
        src: (r.content, r.nav, r.dest, r.stat, r.meta, r.title, r.anchors, r.links,
              r.lookups, r.entries, r.source) for src, r in pages.items()}, static))
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    temp.write_bytes(MAGIC + _checksum(body) + body)
    os.replace(temp, path)
    if taken is not None:
        path.with_name(path.name + TAKEN).write_text(f"{taken[0]} {taken[1]}", "ascii")


def took_over(path: Path) -> tuple[int, int]:
    """How many pages the build that wrote the cache `path` took over from the published
    site, of how many; (0, 0) if it did not say. The note is removed: read it once."""
    note = path.with_name(path.name + TAKEN)
    try:
        taken, pages = note.read_text("ascii").split()
        note.unlink()
        return int(taken), int(pages)
    except (OSError, ValueError):
        return 0, 0


def json_safe(value: Any) -> bool:
    """Whether `value` survives a trip through JSON unchanged (front matter may hold dates)."""
    try:
        return bool(json.loads(json.dumps(value)) == value)
    except (TypeError, ValueError):
        return False


def publish(pending: Path, current: Path) -> None:
    """The cache of a build that was published becomes the cache of the published site."""
    with contextlib.suppress(FileNotFoundError):
        os.replace(pending, current)


def drop(path: Path) -> None:
    for stale in (path, path.with_name(path.name + TAKEN)):
        with contextlib.suppress(OSError):
            stale.unlink()
