"""Small parts of the page cache (mkdocs_cache.py): linking what a build takes over, the key
of the build's file list, and search entries as the index's JSON text."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .page_cache import digest

_MADE: set[Path] = set()  # folders known to exist (one engine run: one process)


def link(source: Path, target: Path) -> None:
    """`target` as a hard link to `source` (a copy where the file system has no links)."""
    if target.parent not in _MADE:
        target.parent.mkdir(parents=True, exist_ok=True)
        _MADE.add(target.parent)
    try:  # a new staging folder holds nothing yet: asking first would cost a stat per file
        os.link(source, target)
    except FileExistsError:
        target.unlink()
        link(source, target)
    except OSError:
        shutil.copy2(source, target)


def files_key(files: Any) -> str:
    """Every file of the build by source and output path: while it is unchanged, every link
    finds what it found (MkDocs looks a link up by source path, and links to its URL)."""
    return digest(*(f"{file.src_uri}\n{file.dest_uri}" for file in files))


def fragment(entries: list[dict[str, Any]]) -> str:
    """Search entries as they stand in the index's JSON, comma-joined: Material writes the
    index with these separators and `default=str`, and the list's text is its entries'."""
    return json.dumps(entries, separators=(",", ":"), default=str)[1:-1]


def by_page(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Search entries by the URL of their page, each page's in their order."""
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        found.setdefault(str(entry["location"]).partition("#")[0], []).append(entry)
    return found


def write_index(search: Any, parts: list[str]) -> None:
    """Have Material's search index (`search`, its SearchIndex) write `parts` as its entries:
    JSON texts (`fragment`), in order. Material's own writer makes the rest of the file (it
    is asked with no entries), so the bytes are what it writes for those entries."""
    docs = ",".join(part for part in parts if part)
    generate = search.generate_search_index

    def generate_search_index(prev: Any) -> str:
        entries, search.entries = search.entries, []
        try:
            empty = generate(None)
        finally:
            search.entries = entries
        assert empty.endswith(',"docs":[]}'), "Material's search index changed its form"
        return str(empty[:-len("]}")]) + docs + "]}"

    search.generate_search_index = generate_search_index


def page_url(file: Any) -> str:
    """A page's URL as its search entries start (MkDocs' Page.url: '' for the home page)."""
    return "" if file.url in (".", "./") else str(file.url)


def nothing(dirty: bool = False) -> None:
    """The copy of a static file the spare staging folder already holds."""


def linker(source: Path, target: str) -> Callable[..., None]:
    def copy_file(dirty: bool = False) -> None:
        link(source, Path(target))
    return copy_file
