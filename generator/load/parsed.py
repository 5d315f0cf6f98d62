"""Parsed content files kept between runs: a file whose text is unchanged is not parsed again.

Parsing every YAML file was most of the load stage, and the load stage runs on every build and
on every preview rebuild, for a change to one file. Parsing is a pure function of a file's text
(and of the loader's code), so the result is kept under a hash of the text: in memory for the
life of the process (the preview's rebuilds), and in build/cache/content.bin between builds.
What is kept is marshalled plain data (strings, lists, dicts and the marks' tuples), so every
hit gives new objects that no earlier run can have changed. The file carries a checksum and the
loader's fingerprint; one that does not match is ignored as a whole. Files that fail to parse
are never kept, so their errors are reported on every run.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

import yaml

MAGIC = b"handbook-parsed-content 1\n"
_MEMORY: dict[bytes, bytes] = {}  # text hash -> marshalled (data, marks), this process


def _fingerprint() -> bytes:
    """The loader's code and PyYAML's version: either changes what a text parses to."""
    code = Path(__file__).with_name("loader.py").read_bytes()
    return hashlib.blake2b(code + yaml.__version__.encode(), digest_size=20).digest()


class ParsedCache:
    """One run's use of the kept parses; `file`: where they are kept between runs (None:
    memory only, as `handbook check`, which writes nothing, uses it)."""

    def __init__(self, file: Path | None, read: bool = True) -> None:
        self.file = file
        self.version = _fingerprint()
        self.used: dict[bytes, bytes] = {}
        self.added = False
        if file is not None and read:
            self._read(file)

    def _read(self, file: Path) -> None:
        try:
            data = file.read_bytes()
        except OSError:
            return
        head, check, body = data[:len(MAGIC)], data[len(MAGIC):len(MAGIC) + 20], \
            data[len(MAGIC) + 20:]
        if head != MAGIC or hashlib.blake2b(body, digest_size=20).digest() != check:
            return
        try:
            version, entries = marshal.loads(body)
        except (ValueError, TypeError, EOFError):
            return
        if version == self.version and isinstance(entries, dict):
            for key, value in entries.items():
                if isinstance(key, bytes) and isinstance(value, bytes):
                    _MEMORY.setdefault(key, value)

    def _key(self, text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20,
                               key=self.version).digest()

    def get(self, text: str) -> tuple[Any, Any] | None:
        key = self._key(text)
        found = _MEMORY.get(key)
        if found is None:
            return None
        try:
            data, marks = marshal.loads(found)
        except (ValueError, TypeError, EOFError):
            return None
        self.used[key] = found
        return data, marks

    def put(self, text: str, data: Any, marks: Any) -> None:
        key = self._key(text)
        self.used[key] = _MEMORY[key] = marshal.dumps((data, marks))
        self.added = True

    def save(self) -> None:
        """Keep what this run used (the memory too: a preview keeps only the current
        files' parses), and write the file if anything was parsed anew or dropped."""
        stale = _MEMORY.keys() - self.used.keys()
        for key in stale:
            del _MEMORY[key]
        if self.file is None or not (self.added or stale or not self.file.exists()):
            return
        body = marshal.dumps((self.version, self.used))
        temp = self.file.with_name(f"{self.file.name}.{os.getpid()}.tmp")
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(MAGIC + hashlib.blake2b(body, digest_size=20).digest() + body)
            os.replace(temp, self.file)
        except OSError:  # a cache that cannot be written costs a parse next time
            with contextlib.suppress(OSError):
                temp.unlink()
