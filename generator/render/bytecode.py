"""Jinja's compiled templates kept between runs, checked: the theme's (by the engine glue) and
the generator's own templates (render/pages.py) are compiled once, not on every build."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import jinja2
import jinja2.bccache


class CheckedBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's bytecode cache with a checksum over each file: Jinja checks only a header, and
    a damaged file (a bad block, a build killed while writing) failed the build with a pickle
    error; now it is compiled again. Written to a temporary name, then renamed."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            data = Path(self._get_cache_filename(bucket)).read_bytes()
        except OSError:
            return
        body = data[20:]
        if hashlib.blake2b(body, digest_size=20).digest() != data[:20]:
            return
        try:
            bucket.bytecode_from_string(body)
        except Exception:  # a file made to pass the checksum: compile again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        body = bucket.bytecode_to_string()
        path = Path(self._get_cache_filename(bucket))
        temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            temp.write_bytes(hashlib.blake2b(body, digest_size=20).digest() + body)
            os.replace(temp, path)
        except OSError:  # a cache that cannot be written costs a compile next time
            temp.unlink(missing_ok=True)
