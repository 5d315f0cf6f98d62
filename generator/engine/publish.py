"""Publish a finished build: swap a staging folder into site/ so site/ is always one whole site.

`handbook build` owns this, not a MkDocs hook: MkDocs runs its shutdown hooks from a `finally`,
so a hook cannot tell a finished build from an interrupted one. The engine writes into a hidden
staging folder beside site/ (same filesystem, so renames are atomic); only after it finished
and passed `--strict` does `swap` move site/ aside and the staging folder in. Folders are named
so that any crash state is recognisable on disk:

- `.site-new-*`  a staging folder: never published; removed by the next build.
- `.site-old-*`  the previous site, whole (it got this name by one atomic rename). If site/ is
  missing, a kill landed between the two renames of a swap: `recover` renames it back.
- `.site-gone-*` an old site being removed: may be half deleted, so it is only ever removed.
- `.site-spare`  the site before the current one, kept whole (incremental builds): the next
  build renames it to a staging folder and the engine rewrites only what differs (deleting
  and creating thousands of files is the slowest part of a build on many disks). It is never
  published as it is.

Pure Python on purpose: no MkDocs import, so another engine could be swapped in the same way.
"""

from __future__ import annotations

import contextlib
import errno
import html
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from babel import Locale

from ..errors import HandbookError
from ..fork import hold_signals, release_signals
from ..write.engine_config import read_project_config

NEW, OLD, GONE, SPARE = "new", "old", "gone", "spare"


class PublishError(Exception):
    """An environmental failure (disk full, no permission, site/ busy): one line for the user."""


def site_folder(config_file: Path) -> Path:
    """The `site_dir` of an mkdocs.yml (default `site`), as MkDocs resolves it."""
    try:
        config = read_project_config(config_file, config_file.parent)
    except (OSError, HandbookError):
        config = {}  # generation reports a broken config file, with its line
    value = config.get("site_dir")
    return (config_file.parent / (value if isinstance(value, str) else "site")).absolute()


def _prefix(site: Path, kind: str) -> str:
    return f".{site.name}-{kind}-"


def _advice(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "free some disk space and run `handbook build` again"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "make sure you may write there, then run `handbook build` again"
    if error.errno in (errno.EBUSY, errno.ETXTBSY):
        return "close programs using it (a file browser, a web server), then build again"
    return "fix that, then run `handbook build` again"


def describe(error: OSError, doing: str, fallback: Path) -> str:
    """One line: what failed on which path, why, and what to do."""
    path = error.filename or fallback
    reason = error.strerror or str(error)
    return f"Could not {doing} {path}: {reason}; {_advice(error)}."


@contextlib.contextmanager
def _os_errors(doing: str, path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        raise PublishError(describe(error, doing, path)) from None


def _check_site(site: Path) -> None:
    if site.exists() and not site.is_dir():
        raise PublishError(f"{site} is not a folder: move or delete it, then run "
                           "`handbook build` again.")


def _remove(folder: Path, site: Path) -> None:
    """Rename to `.site-gone-*` (atomic) before deleting, so a half-deleted folder is never
    mistaken for a whole old site."""
    gone = folder
    if not folder.name.startswith(_prefix(site, GONE)):
        gone = folder.with_name(_prefix(site, GONE) + folder.name.rsplit("-", 1)[-1])
        os.replace(folder, gone)
    shutil.rmtree(gone, ignore_errors=True)


def recover(site: Path) -> None:
    """Undo what an interrupted build left: restore a site/ lost between the two renames of a
    swap, then remove staging, old and half-deleted folders."""
    _check_site(site)
    if not site.exists():
        olds = sorted(site.parent.glob(_prefix(site, OLD) + "*"),
                      key=lambda p: p.stat().st_mtime_ns)
        if olds:
            with _os_errors("restore the previous site from", olds[-1]):
                os.replace(olds[-1], site)
    for kind in (NEW, OLD, GONE):  # what cannot go now (a file still open) goes next time
        for leftover in site.parent.glob(_prefix(site, kind) + "*"):
            if leftover.is_dir() and not leftover.is_symlink():
                with contextlib.suppress(OSError):
                    _remove(leftover, site)


def spare_folder(site: Path) -> Path:
    return site.with_name(_prefix(site, SPARE).rstrip("-"))


def stage_from_spare(site: Path) -> Path | None:
    """The spare site renamed into a staging folder for the engine to bring up to date (it
    removes what it does not keep), or None if there is no spare."""
    _check_site(site)
    spare = spare_folder(site)
    if not spare.is_dir() or spare.is_symlink():
        return None
    staging = site.with_name(_prefix(site, NEW) + secrets.token_hex(4))
    with _os_errors("reuse", spare):
        os.replace(spare, staging)
    return staging


def clear_root(staging: Path, languages: set[str]) -> None:
    """A spare staging folder of a site in several languages: only its languages' folders
    stay (each engine run brings its own up to date); index.html is written again."""
    with _os_errors("clear", staging):
        for entry in staging.iterdir():
            if entry.is_dir() and not entry.is_symlink() and entry.name in languages:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def stage(site: Path) -> Path:
    """A new, empty, hidden staging folder beside site/ for the engine to build into."""
    _check_site(site)
    with _os_errors("create a build folder in", site.parent):
        site.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=_prefix(site, NEW), dir=site.parent))
        # mkdtemp makes it owner-only (0o700); published as site/, a web server running as
        # another user would get 403. Give it what `mkdir` gives, as MkDocs' own site/ had.
        os.chmod(staging, 0o777 & ~_umask())
        return staging


def _umask() -> int:
    """The process's umask. Linux shows it in /proc; elsewhere it can only be read by setting
    it, so it is set back at once (the build runs no other thread at this point)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text("ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def discard(staging: Path) -> None:
    """Drop an unfinished build; what cannot be removed now goes on the next build."""
    shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the few microseconds between the renames (POSIX only);
    a signal that arrives meanwhile is delivered right after."""
    previous = hold_signals()
    try:
        yield
    finally:
        release_signals(previous)


def swap(staging: Path, site: Path, keep_spare: bool = False) -> None:
    """Publish `staging` as site/; the previous site is removed only once the new one is in,
    or with `keep_spare` kept as the spare for the next build to start from. Without
    `keep_spare` a spare left by an earlier build goes too: it shares no file with the new
    site, so the next build would have to empty it (slower than starting afresh)."""
    _check_site(site)
    old = site.with_name(_prefix(site, OLD) + staging.name.rsplit("-", 1)[-1])
    moved, failure = False, None
    with _signals_held():  # nothing but the two renames (and an undo) in here
        try:
            if site.exists():
                os.replace(site, old)
                moved = True
            os.replace(staging, site)
        except OSError as error:
            failure = error
            if moved:
                with contextlib.suppress(OSError):  # left for `recover` if even this fails
                    os.replace(old, site)
    if failure is not None:
        discard(staging)
        raise PublishError(describe(failure, "publish the new site as", site))
    with contextlib.suppress(OSError):  # the site is published; the next build retries
        spare = spare_folder(site)
        if spare.exists() and (moved or not keep_spare):  # one this build did not start from
            _remove(spare, site)
        if moved and keep_spare:
            os.replace(old, spare)
        elif moved:
            _remove(old, site)


def mirror(site: Path) -> None:
    """Make the spare a copy of site/ in hard links, after a build that kept none (a clean
    one, or one that built most pages again): the next build then starts from it as from
    any spare, replacing only what it
    builds, instead of linking every file into a new folder (a clean build is slow anyway;
    the first edit after it should not be). Where links cannot be made (FAT, some network
    shares) there is no spare, as before. Built under a staging name, so that a half-made
    copy is removed by the next build, never used."""
    spare = spare_folder(site)
    if spare.exists() or not site.is_dir():
        return
    staging = site.with_name(_prefix(site, NEW) + secrets.token_hex(4))
    root, copy = str(site), str(staging)
    try:
        for current, _folders, files in os.walk(root):
            target = copy + current[len(root):]
            os.mkdir(target)
            for name in files:
                os.link(os.path.join(current, name), os.path.join(target, name))
        os.chmod(copy, os.stat(root).st_mode & 0o7777)
        os.replace(copy, spare)
    except OSError:
        shutil.rmtree(copy, ignore_errors=True)


def write_language_index(staging: Path, languages: list[str], title: str) -> None:
    """site/index.html of a site in several languages (site/<lang>/ each): it sends the
    reader to the default language without script (a meta refresh, which the pages' CSP
    leaves alone) and lists every language, for a browser that does not follow it."""
    first = languages[0]
    links = "\n".join(f'    <li><a href="{code}/" hreflang="{code}" lang="{code}">'
                      f"{html.escape(Locale.parse(code).get_display_name(code) or code)}</a></li>"
                      for code in languages)
    page = (f'<!doctype html>\n<html lang="{first}">\n<head>\n  <meta charset="utf-8">\n'
            f'  <meta http-equiv="Content-Security-Policy" content="default-src \'self\'; '
            f"script-src 'self'\">\n"
            f'  <meta http-equiv="refresh" content="0; url={first}/">\n'
            f"  <title>{html.escape(title)}</title>\n"
            f'  <link rel="canonical" href="{first}/">\n</head>\n<body>\n'
            f"  <h1>{html.escape(title)}</h1>\n  <ul>\n{links}\n  </ul>\n</body>\n</html>\n")
    with _os_errors("write", staging / "index.html"):
        (staging / "index.html").write_text(page, encoding="utf-8")
