"""Write stage: put the generated docs folder on disk, touching only what changed.

Unchanged files keep their timestamps (so `mkdocs serve` and any engine's incremental build see
only real edits); files no longer generated are removed, so a deleted cohort disappears; each
file is written to a temporary name and renamed, so a reader never sees half a page.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import fork

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
    # '.tmp' suffix: a leftover from a crash can never pass for a content or page file. The
    # process id keeps two writers apart without mkstemp's random names (a third of the
    # write stage on large sites); a leftover of a dead process with our id is replaced.
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as stream:
            stream.write(content)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _write_changed(folder: Path, outputs: dict[str, bytes], paths: list[str]) -> list[str]:
    """Write each of `paths` whose content differs from what is on disk; return those."""
    written = []
    for rel in paths:
        target = folder / rel
        try:
            if target.read_bytes() == outputs[rel]:
                continue
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            pass
        atomic_write(target, outputs[rel])
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
    removed = []
    for path in sorted(folder.rglob("*"), reverse=True):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel not in outputs and path.name not in KEEP:
            path.unlink()
            removed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return WriteReport(tuple(written), tuple(removed), unchanged)
