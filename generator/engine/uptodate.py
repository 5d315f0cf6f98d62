"""`handbook build` with nothing changed: say so and stop, before anything heavy is imported.

A build is a function of the project's files, the handbook code, the installed packages, the
command line and a few environment variables. After a build is published, `record` keeps a key
of all of those (file contents, not dates) and of the published site's files as the build left
them (path, inode, size, modification time). When the same command runs again and both keys
still match, the site it would build is the one already there, so `check` reports that and the
build ends in a fraction of a second (the package's import alone takes longer, so this module
imports nothing of it but page_cache, which is plain Python).

Any doubt means a build: another command line, a file edited (even one the build may not read:
the whole project folder counts but for what builds write), a package upgraded, site/ touched,
or `--clean`, which never takes this path (but a clean build is recorded like any other).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from .page_cache import CACHE_FOLDER, code_digest, digest

STAMP = "uptodate.json"  # in build/cache/
FORMAT = 1
LEDGER = "calendar-revisions.yml"  # written by the build itself (write/ledger.py)
# Folders no build reads: version control, environments, caches; at the top only, what builds
# write (build/ and the site folder with its staging, old and spare folders).
NEVER_READ = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__",
              ".pytest_cache", ".ruff_cache", ".mypy_cache", ".tox"}
WRITTEN = {"build", "dist"}
ENVIRONMENT = re.compile(r"^(HANDBOOK_\w*|SOURCE_DATE_EPOCH|PATH|TZ|LANG|LC_\w+)$")
_SITE_DIR = re.compile(r"""^site_dir:\s*['"]?([^'"#\n]+?)['"]?\s*(?:#.*)?$""", re.M)

# The command line `check` found not up to date, for `record` once that build is published
# (None when the build was not started from the command line, e.g. in tests).
ARGV: list[str] | None = None
FOUND: dict[str, str] | None = None  # the inputs `check` read, if it got that far


def _command(argv: list[str]) -> list[str]:
    """The command line but what does not change the site (how much it says, --clean)."""
    return [arg for arg in argv if arg not in ("--clean", "-v", "--verbose", "-q", "--quiet")]


def _root(argv: list[str]) -> Path:
    for n, arg in enumerate(argv):
        if arg == "--root" and n + 1 < len(argv):
            return Path(argv[n + 1]).resolve()
        if arg.startswith("--root="):
            return Path(arg.split("=", 1)[1]).resolve()
    return Path.cwd().resolve()


def _site(root: Path) -> Path:
    """The site folder as mkdocs.yml names it (simply written), else site/."""
    try:
        found = _SITE_DIR.search((root / "mkdocs.yml").read_text("utf-8"))
    except (OSError, UnicodeDecodeError):
        found = None
    return (root / (found.group(1).strip() if found else "site")).resolve()


def _files(root: Path, site: Path) -> Iterator[Path]:
    written = WRITTEN | {site.name}
    for folder, dirs, names in os.walk(root):
        top = Path(folder) == root
        dirs[:] = sorted(d for d in dirs if d not in NEVER_READ and not (
            top and (d in written or d.startswith(f".{site.name}-"))))
        for name in sorted(names):
            yield Path(folder, name)


def inputs(argv: list[str], root: Path, site: Path) -> dict[str, str]:
    """What the build reads, by name: each project file's content digest, and the rest."""
    found = {"argv": json.dumps(_command(argv)), "cwd": os.getcwd(), "code": code_digest(),
             "python": sys.executable,
             "env": json.dumps(sorted((k, v) for k, v in os.environ.items()
                                      if ENVIRONMENT.match(k)))}
    for path in _files(root, site):
        try:
            found[path.relative_to(root).as_posix()] = digest(path.read_bytes())
        except OSError:
            found[str(path)] = "unreadable"
    return found


def published(site: Path) -> str:
    """The published site's files as the build left them: path, inode, size and time of each
    (not followed if a link), a folder's files before its folders, by name. With `scandir`
    and the paths built as it goes: `os.walk` and `relpath` took a quarter of a second on a
    site of 6,000 files, after every build."""
    parts: list[str] = []
    folders = [(str(site), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as found:
            entries = sorted(found, key=lambda entry: entry.name)
        below = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                below.append((entry.path, f"{prefix}{entry.name}/"))
                continue
            st = entry.stat(follow_symlinks=False)
            parts.append(f"{prefix}{entry.name}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}")
        folders += reversed(below)  # popped in name order
    return digest(*parts)


def _stamp(root: Path) -> Path:
    return root / "build" / CACHE_FOLDER / STAMP


def check(argv: list[str]) -> str | None:
    """The line to print when the site is up to date for this command, else None (and the
    command line is kept for `record`)."""
    global ARGV, FOUND
    started = time.perf_counter()
    FOUND = None
    if "--help" in argv:
        return None
    if "--clean" in argv:  # builds all the same, and what it publishes is recorded
        ARGV = list(argv)
        return None
    root = _root(argv)
    site = _site(root)
    found = None
    try:
        stamp = json.loads(_stamp(root).read_text("utf-8"))
        fresh = isinstance(stamp, dict) and stamp.get("format") == FORMAT and site.is_dir()
        if fresh:
            found = inputs(argv, root, site)
            fresh = (stamp.get("inputs") == digest(json.dumps(found, sort_keys=True))
                     and stamp.get("site") == published(site))
    except (OSError, ValueError):
        fresh = False
    if fresh:
        return (f"Nothing changed since the last build: {site.name}/ is up to date "
                f"({time.perf_counter() - started:.1f} s).")
    ARGV, FOUND = list(argv), found
    return None


def record(site: Path, before: dict[str, str] | None) -> None:
    """After a published build: the key of its inputs (`before`, taken as it started, with the
    calendar ledger as the build left it) and of the site. Not if anything else changed while
    it ran: the next build then runs in full."""
    if ARGV is None or before is None:
        return
    root = _root(ARGV)
    if site.resolve() != _site(root):
        return  # a site folder `_site` cannot find: no fast path
    after = inputs(ARGV, root, site)
    if {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
            and Path(k).name != LEDGER}:
        return
    stamp = _stamp(root)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({
        "format": FORMAT, "inputs": digest(json.dumps(after, sort_keys=True)),
        "site": published(site)}), "utf-8")


def started() -> dict[str, str] | None:
    """The inputs as the build starts (for `record`), when it came from the command line:
    those `check` read, if it did (earlier still: a file edited since then makes `record`
    find a change and keep no stamp), else read now."""
    if ARGV is None:
        return None
    if FOUND is not None:
        return FOUND
    root = _root(ARGV)
    return inputs(ARGV, root, _site(root))
