"""Write stage: put the generated docs folder on disk, touching only what changed.

Unchanged files keep their timestamps (so `mkdocs serve` and any engine's incremental build see
only real edits); files no longer generated are removed, so a deleted cohort disappears; each
file is written to a temporary name and renamed, so a reader never sees half a page.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from .. import fork

KEEP = {".gitkeep"}


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int


def collect_outputs(pages: dict[str, str], files: dict[str, bytes]) -> dict[str, bytes]:
    """All outputs by path; two outputs claiming one path is a bug, never silently merged."""
    outputs: dict[str, bytes] = {}
    for path, content in [*((p, t.encode("utf-8")) for p, t in pages.items()), *files.items()]:
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


def write_tree(folder: Path, outputs: dict[str, bytes]) -> WriteReport:
    """Make `folder` hold exactly `outputs` (plus .gitkeep)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = sorted(outputs)
    parts = fork.split(paths, [len(outputs[p]) + 4096 for p in paths], fork.jobs_for(len(paths)))
    written = sorted(rel for part in fork.map_parts(
        lambda part: _write_changed(folder, outputs, part), parts) for rel in part)
    unchanged = len(paths) - len(written)
    return WriteReport(tuple(written), tuple(_remove_stale(folder, outputs)), unchanged)


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
