"""Write stage: put the generated docs folder on disk, touching only what changed.

Unchanged files keep their timestamps (so `mkdocs serve` and any engine's incremental build see
only real edits); files no longer generated are removed, so a deleted cohort disappears; each
file is written to a temporary name and renamed, so a reader never sees half a page.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import fork

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
    run (`Project.keep`): each file's bytes and its stat right after. A file whose stat is
    still that one holds those bytes, so it is compared in memory instead of read (reading
    the 6,000 files of a large site was a fifth of a preview rebuild); a file touched from
    outside (edited by hand, its folder deleted) has another stat and is read and compared
    as before."""
    files: dict[str, tuple[bytes, Stat]] = field(default_factory=dict)

    def holds(self, root: str, path: str, content: bytes) -> bool:
        """Whether the file at `path` certainly holds `content` already."""
        known = self.files.get(path)
        return known is not None and known[0] == content and _stat(f"{root}/{path}") == known[1]


_WRITTEN: dict[str, Written] = {}


def written(folder: Path) -> Written:
    """This process's memory of `folder` (one per docs folder: each language has its own)."""
    return _WRITTEN.setdefault(str(folder), Written())


def _stat(path: str) -> Stat | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns


def collect_outputs(pages: dict[str, bytes], files: dict[str, bytes]) -> dict[str, bytes]:
    """All outputs by path (pages' Markdown and calendars, all bytes as the render stage
    hands them over); two outputs claiming one path is a bug, never silently merged."""
    outputs = dict(pages)
    for path, content in files.items():
        if path in outputs:
            raise RuntimeError(f"two outputs for the same path: {path}")
        outputs[path] = content
    return outputs


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


def _write_changed(folder: Path, outputs: dict[str, bytes], paths: list[str]) -> list[str]:
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


def write_tree(folder: Path, outputs: dict[str, bytes], memo: Written | None = None
               ) -> WriteReport:
    """Make `folder` hold exactly `outputs` (plus .gitkeep). `memo`: what this process wrote
    there last time (see `Written`), brought up to date."""
    folder.mkdir(parents=True, exist_ok=True)
    root = str(folder)
    paths = sorted(outputs)
    todo = paths if memo is None else [p for p in paths if not memo.holds(root, p, outputs[p])]
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
                files[path] = (outputs[path], stat)
        memo.files = files
    return report


def _remove_stale(folder: Path, outputs: dict[str, bytes]) -> list[str]:
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
