"""The render cache: a folder's Markdown and calendars kept from the previous run, reused
when nothing they are made from has changed.

Rendering is a pure function of a folder's page specs (their view models) and calendar
files, the templates, the site language and handbook's own code (filters, escaping, the
catalogs). So the key of a folder is a hash of exactly that: the pickled specs and calendars
(the data the templates read, not a hand-written list of what a page depends on), the bytes
of every template in the search path, and a fingerprint of the package's code and the
libraries that shape the output. Pickling is faithful (equal bytes unpickle to equal data),
so two runs with one key rendered the same input; a run whose pickle differs for equal data
only misses. A folder is the unit because its pages share rendered bodies (`Partials`).

An entry is one file per key under the cache folder, checked on reading (format, key,
checksum, types): a corrupt, truncated or foreign entry is a miss, never an error.
Folders that fail to render are never stored, so errors are reported on every run.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import marshal
import os
import pickle
import sys
import zlib
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .. import fork, resources
from ..digests import Digests, joined_digest
from ..plan import kinds

FORMAT = b"handbook-render-cache 2\n"
ENTRY = ".entry"
# Libraries whose versions change the bytes a page or calendar renders to.
LIBRARIES = ("jinja2", "markupsafe", "babel", "pyyaml", "icalendar", "tzdata")
SUFFIXES = (".py", ".j2", ".po", ".mo")

Rendered = tuple[dict[str, bytes], dict[str, bytes]]  # UTF-8 Markdown by page, bytes by calendar


def _tree(folder: Path, suffixes: tuple[str, ...] = ()) -> list[bytes]:
    """Each file's path under `folder` and its bytes' hash, in a fixed order."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and (not suffixes or path.suffix in suffixes):
            found.append(joined_digest(path.relative_to(folder).as_posix().encode(),
                                 path.read_bytes()))
    return found


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> bytes:
    """handbook's own code and catalogs, the packaged templates, and the versions of Python
    and of the libraries that render: an edited generator never reuses an old page. Once
    per process (the code cannot change under a running process)."""
    return fingerprint(Path(__file__).resolve().parent.parent, resources.default_templates())


def fingerprint(package: Path, templates: Path) -> bytes:
    """`code_fingerprint` of the package folder and packaged templates given."""
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    return joined_digest(FORMAT, sys.version.encode(), str(marshal.version).encode(),
                   "\n".join(versions).encode(), *_tree(package, SUFFIXES),
                   b"templates", *_tree(templates))


def environment_key(template_dirs: Sequence[Path], language: str, zones: Iterable[str] = ()
                    ) -> bytes:
    """What every page's rendering shares: the code (with any page kinds registered from
    outside handbook), the language, every file in the template search path, in its order
    (a file earlier in the path wins), and the time zone files the calendars are written
    from (`zones`: a system's zone database is updated apart from any package)."""
    return joined_digest(code_fingerprint(), *_extension_code(), language.encode(),
                   *(joined_digest(b"folder", *_tree(folder)) for folder in template_dirs
                     if folder.is_dir()),
                   *(_zone_file(zone) for zone in sorted(set(zones))))


def _extension_code() -> list[bytes]:
    """The source of the modules of page kinds registered from outside the package
    (`plan.kinds.register`): their view models' properties shape what a template prints."""
    modules = {family.__module__ for _, family in kinds.FAMILIES}
    modules |= {kind.view.__module__ for members, _ in kinds.FAMILIES for kind in members}
    found = []
    for name in sorted(m for m in modules if m.split(".")[0] != __name__.split(".")[0]):
        file = getattr(sys.modules.get(name), "__file__", None)
        try:
            found.append(joined_digest(name.encode(), Path(file).read_bytes() if file else b"?"))
        except OSError:
            found.append(joined_digest(name.encode(), b"unreadable"))
    return found


def _zone_file(zone: str) -> bytes:
    """A zone's TZif file where zoneinfo finds it first; the tzdata package's (its version
    is in the code fingerprint) when the system has none."""
    for base in zoneinfo.TZPATH:
        path = Path(base) / zone
        if ".." not in Path(zone).parts and path.is_file():
            return joined_digest(zone.encode(), path.read_bytes())
    return joined_digest(zone.encode(), b"tzdata package")


def folder_key(environment: bytes, digests: Digests, pages: Sequence[object],
               calendars: Iterable[object], known: Mapping[int, bytes] | None = None
               ) -> str | None:
    """The key of one folder's output, or None when its data cannot be pickled (a plug-in's
    view model holding a function, say): such a folder is rendered every time. What may
    pickle to other bytes for equal data (a set other than a model's fields set, which
    iterates in the hash seed's order; equal values that are one object on one run and two
    on another) costs a miss, never a wrong page. Each page is hashed on its own; `known`
    gives the digest of pages hashed before (by id: the preview's plan keeps them alive,
    plan/memo.py)."""
    try:
        parts = [(known or {}).get(id(page)) or digests.of(page) for page in pages]
        return joined_digest(environment, *parts, digests.of(list(calendars))).hex()
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
        return None


def folder_keys(groups: Sequence[tuple[Sequence[object], Sequence[object]]], environment: bytes,
                jobs: int, known: Mapping[int, bytes]) -> list[str | None]:
    """Every folder's key (its pages and calendars: `folder_key`), on every core: only keys
    travel back."""
    weights = [len(pages) + len(calendars) for pages, calendars in groups]
    parts = fork.split(list(enumerate(groups)), weights, jobs)

    def part_keys(part: list[tuple[int, tuple[Sequence[object], Sequence[object]]]]
                  ) -> list[tuple[int, str | None]]:
        digests = Digests()
        return [(index, folder_key(environment, digests, *group, known)) for index, group in part]

    keys: list[str | None] = [None] * len(groups)
    for found in fork.map_parts(part_keys, parts):
        for index, key in found:
            keys[index] = key
    return keys


_MEMORY: dict[Path, dict[str, Rendered]] = {}  # cache folder -> key -> entry, this process


class RenderCache:
    """The entries in one folder (one per site language: see the pipeline). `read` False:
    every lookup misses, and what is rendered is stored afresh (`--clean`). `keep`: the
    entries are also kept in memory for the next run of this process (the preview), so its
    rebuilds read no entry file; `known` is the digests of pages planned before
    (plan/memo.py)."""

    def __init__(self, folder: Path, read: bool = True, keep: bool = False) -> None:
        self.folder = folder
        self.read = read
        self.memory = _MEMORY.setdefault(folder, {}) if keep and read else None
        self.known: Mapping[int, bytes] = {}
        self._listed: set[str] | None = None

    def templates(self) -> str:
        """Where the generator's compiled templates are kept (render/bytecode.py): a folder
        per code fingerprint, as the compiled code depends on the environment's settings."""
        folder = self.folder.parent.parent / "generator-templates" / code_fingerprint().hex()[:16]
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder)

    def holds_entries(self) -> bool:
        """Whether any entry may be found (none on a first run: no lookups needed)."""
        return bool(self.memory) or bool(self._files())

    def _files(self) -> set[str]:
        """The entry files in the folder, listed once per run (a run writes new ones only
        under keys it looked up and missed)."""
        if self._listed is None:
            try:
                self._listed = {p.name for p in self.folder.iterdir() if p.name.endswith(ENTRY)}
            except OSError:
                self._listed = set()
        return self._listed

    def defers(self, key: str) -> bool:
        """Whether the entry under `key` is a file that may be read when its bytes are wanted
        (outputs.py) rather than now: not for a caller that keeps entries in memory (the
        preview reads none again anyway), nor when the cache is not read."""
        return self.memory is None and self.read and key + ENTRY in self._files()

    def get(self, key: str) -> Rendered | None:
        if not self.read:
            return None
        if self.memory is not None and key in self.memory:
            return self.memory[key]
        if key + ENTRY not in self._files():  # no file to try
            return None
        value = self._read(key)
        if value is not None and self.memory is not None:
            self.memory[key] = value
        return value

    def _read(self, key: str) -> Rendered | None:
        try:
            data = (self.folder / (key + ENTRY)).read_bytes()
        except OSError:
            return None
        head = FORMAT + key.encode() + b"\n"
        body = data[len(head) + 4:]
        if not data.startswith(head) or data[len(head):len(head) + 4] != _checksum(body):
            return None
        try:
            value = marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            return None
        return value if _well_formed(value) else None

    def put(self, key: str, value: Rendered) -> None:
        """Store an entry (atomically: a reader sees the old file, the new or none). A cache
        that cannot be written is no error: the next run renders again."""
        if self.memory is not None:
            self.memory[key] = value
        body = marshal.dumps(value)
        data = FORMAT + key.encode() + b"\n" + _checksum(body) + body
        target = self.folder / (key + ENTRY)
        temporary = target.with_name(f".{target.name}.{os.getpid()}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            os.replace(temporary, target)
            self._files().add(target.name)
        except OSError:
            temporary.unlink(missing_ok=True)

    def drop(self, key: str) -> None:
        """Remove the entry under `key` (one found damaged)."""
        self._files().discard(key + ENTRY)
        with contextlib.suppress(OSError):
            (self.folder / (key + ENTRY)).unlink()

    def keep_only(self, keys: Iterable[str]) -> None:
        """Remove the entries this run did not use (and leftovers of interrupted writes),
        so the cache holds one site's worth, not every version ever built."""
        keys = set(keys)
        wanted = {key + ENTRY for key in keys}
        if self.memory is not None:
            for key in self.memory.keys() - keys:
                del self.memory[key]
        try:
            files = list(self.folder.iterdir())
        except OSError:
            return
        for path in files:
            if path.name not in wanted:
                with contextlib.suppress(OSError):
                    path.unlink()


def _checksum(body: bytes) -> bytes:
    """Against a damaged file (the key already says what the entry is for): CRC-32, which
    catches any truncation or burst of errors and reads 60 MB in a few milliseconds."""
    return zlib.crc32(body).to_bytes(4, "little")


def _well_formed(value: object) -> bool:
    if not (isinstance(value, tuple) and len(value) == 2):
        return False
    texts, files = value
    return (isinstance(texts, dict) and isinstance(files, dict)
            and all(type(k) is str and type(v) is bytes for k, v in texts.items())
            and all(type(k) is str and type(v) is bytes for k, v in files.items()))
