"""Write stage: put the generated docs folder on disk, touching only what changed.

Unchanged files keep their timestamps (so `mkdocs serve` and any engine's incremental build see
only real edits); files no longer generated are removed, so a deleted cohort disappears; each
file is written to a temporary name and renamed, so a reader never sees half a page.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from .. import fork
from ..render.outputs import Outputs

KEEP = {".gitkeep"}


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int


Stat = tuple[int, int, int, int]  # inode, size, modification and change times in ns


@dataclass
class Written:
    """What the write stage put in one folder in this process, kept for the preview's next
    run (`Project.keep`): each file's bytes, its stat right after, and the render key it
    came from (render/outputs.py). A file whose stat is still that one holds those bytes,
    so it is compared in memory instead of read (reading the 6,000 files of a large site was
    a fifth of a preview rebuild), or not at all when its output comes from the same key; a
    file touched from outside (edited by hand, its folder deleted) has another stat and is
    read and compared as before."""
    files: dict[str, tuple[bytes, Stat, str | None]] = field(default_factory=dict)

    def holds(self, root: str, path: str, kept: bytes) -> bool:
        """Whether the file at `path` certainly holds the content `kept` tells already."""
        known = self.files.get(path)
        return known is not None and known[0] == kept and _stat(f"{root}/{path}") == known[1]

    def vouched(self, root: str, path: str, token: str | None) -> bytes | None:
        """What is kept of the file at `path` if it certainly holds the output of the render
        key `token` (it was written or found holding it, and its stat has not changed)."""
        known = self.files.get(path)
        if token is None or known is None or known[2] != token:
            return None
        return known[0] if _stat(f"{root}/{path}") == known[1] else None

    def kept(self, content: bytes) -> bytes:
        """What is kept of a file's content to tell it again: here the bytes themselves."""
        return content

    def save(self) -> None:
        """Nothing to do: the memory is the memo."""


class Recorded(Written):
    """`Written` between runs (`handbook build`): kept in a file, each file's SHA-256 in place
    of its bytes. Reading and comparing every generated file was most of the write stage
    (6,000 files on the bench set, 24,000 at four times its size); a stat and a hash in
    memory cost about half. The file carries a checksum; one damaged or of another format is
    ignored as a whole, and any file whose stat or hash differs is read and compared as
    without it, so the memo can only spare work, never keep a stale file."""

    MAGIC = b"handbook-docs-written 2\n"

    def __init__(self, path: Path, read: bool = True) -> None:
        super().__init__()
        self.path = path
        if read:
            with contextlib.suppress(OSError, ValueError, TypeError, EOFError, AttributeError):
                data = path.read_bytes()
                body = data[len(self.MAGIC) + 32:]
                if data.startswith(self.MAGIC) and \
                        hashlib.sha256(body).digest() == data[len(self.MAGIC):][:32]:
                    self.files = {str(name): (bytes(digest), cast(Stat, tuple(stat)),
                                              None if token is None else str(token))
                                  for name, (digest, stat, token)
                                  in marshal.loads(body).items()}

    def kept(self, content: bytes) -> bytes:
        return hashlib.sha256(content).digest()

    def save(self) -> None:
        """Write the memo; one that cannot be written costs a full comparison next time."""
        body = marshal.dumps(self.files)
        with contextlib.suppress(OSError):
            atomic_write(self.path, self.MAGIC + hashlib.sha256(body).digest() + body)


_WRITTEN: dict[str, Written] = {}


def written(folder: Path) -> Written:
    """This process's memory of `folder` (one per docs folder: each language has its own)."""
    return _WRITTEN.setdefault(str(folder), Written())


def memo_for(docs: Path, keep: bool, read: bool = True) -> Written:
    """The write memo of a docs folder: in this process's memory for a caller that keeps
    running (`keep`, the preview), else the file beside it in cache/ (`read` False: start
    afresh, as `--clean` does)."""
    return written(docs) if keep else Recorded(docs.parent / "cache" / "written.bin", read)


def _stat(path: str) -> Stat | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns


def atomic_write(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    _replace(str(target), content)


def write_if_changed(target: Path, content: bytes) -> bool:
    """Write `target` atomically unless it already holds `content`; True if written (an
    unchanged file keeps its timestamp, so a watching engine does not rebuild)."""
    try:
        if target.read_bytes() == content:
            return False
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        pass
    atomic_write(target, content)
    return True


def _replace(target: str, content: bytes) -> None:
    # '.tmp' suffix: a leftover from a crash can never pass for a content or page file. The
    # process id keeps two writers apart without mkstemp's random names (a third of the
    # write stage on large sites); a leftover of a dead process with our id is replaced.
    folder, name = os.path.split(target)  # '/' here; on Windows '\\' or '/'
    temp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as stream:
            stream.write(content)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def _write_changed(folder: Path, outputs: Mapping[str, bytes], paths: list[str]
                   ) -> list[str]:
    """Write each of `paths` whose content differs from what is on disk; return those.

    Plain `os` calls on strings: on a cold build of thousands of files, pathlib objects and
    the lookups of files that cannot exist yet (in a folder this call created) were a good
    part of the stage's own time."""
    root = str(folder)
    written = []
    created: dict[str, bool] = {}  # folder -> made by this call (so it holds nothing to compare)
    for rel in paths:
        parent = f"{root}/{rel.rpartition('/')[0]}".rstrip("/")
        new = created.get(parent)
        if new is None:
            new = created[parent] = not os.path.isdir(parent)
            if new:
                os.makedirs(parent, exist_ok=True)
        target = f"{root}/{rel}"
        if not new:
            try:
                with open(target, "rb") as stream:
                    if stream.read() == outputs[rel]:
                        continue
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                pass
        _replace(target, outputs[rel])
        written.append(rel)
    return written


def write_tree(folder: Path, outputs: Mapping[str, bytes], memo: Written | None = None
               ) -> WriteReport:
    """Make `folder` hold exactly `outputs` (plus .gitkeep). `memo`: what was written there
    last time (see `Written`, `Recorded`), brought up to date. A file the memo vouches for
    by its render key is not asked for (`Outputs` reads it from the render cache only then)."""
    folder.mkdir(parents=True, exist_ok=True)
    root = str(folder)
    paths = sorted(outputs)
    token = outputs.token if isinstance(outputs, Outputs) else lambda path: None
    unread = outputs.unread if isinstance(outputs, Outputs) else lambda path: None
    kept: dict[str, bytes] = {}
    todo = paths if memo is None else []
    if memo is not None:
        for path in paths:
            vouched = memo.vouched(root, path, unread(path))
            if vouched is not None:
                kept[path] = vouched
                continue
            kept[path] = memo.kept(outputs[path])
            if not memo.holds(root, path, kept[path]):
                todo.append(path)
    parts = fork.split(todo, [len(outputs[p]) + 4096 for p in todo], fork.jobs_for(len(todo)))
    written = sorted(rel for part in fork.map_parts(
        lambda part: _write_changed(folder, outputs, part), parts) for rel in part)
    unchanged = len(paths) - len(written)
    report = WriteReport(tuple(written), tuple(_remove_stale(folder, outputs)), unchanged)
    if memo is not None:
        checked = set(todo)
        files = {}
        for path in paths:
            stat = _stat(f"{root}/{path}") if path in checked else memo.files[path][1]
            if stat is not None:
                files[path] = (kept[path], stat, token(path))
        memo.files = files
        memo.save()
    return report


def _remove_stale(folder: Path, outputs: Mapping[str, bytes]) -> list[str]:
    """Delete files no longer generated, then folders left empty; return the files."""
    removed = []
    root = str(folder)
    for current, _dirs, files in os.walk(root, topdown=False):
        rel_dir = current[len(root) + 1:].replace(os.sep, "/")  # Windows walks with '\\'
        for name in files:
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if rel not in outputs and name not in KEEP:
                os.unlink(f"{current}/{name}")
                removed.append(rel)
        if current != root and not os.listdir(current):
            os.rmdir(current)
    return sorted(removed)
