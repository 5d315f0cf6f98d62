"""Content hashes of in-memory data: the render cache's keys (render/cache.py) and the
preview's plan memo (plan/memo.py) hash the same view models the same way."""

from __future__ import annotations

import copyreg
import hashlib
import io
import pickle
from typing import Any

import pydantic


def joined_digest(*parts: bytes | memoryview) -> bytes:
    """One hash of `parts` whose boundaries count (so (ab, c) and (a, bc) differ)."""
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.digest()


def _ref(digest: bytes) -> None:
    """Stands in a pickle for an object already hashed (`Digests`); never called."""


class Digests:
    """Content hashes of the data a run's pages show, each validated model hashed once.

    Pages share most of their data (every page of a cohort holds its program, every
    listing its items): the library's models (pydantic) are hashed once, and wherever one
    appears again its digest stands in for it, a Merkle hash. A model's set of fields set
    goes in sorted: a set of strings iterates in an order that changes with each process's
    hash seed. Everything else is pickled as it is, in C. Models are kept alive, so an id
    is never reused within the life of one instance: one instance per render."""

    def __init__(self) -> None:
        self.known: dict[int, tuple[bytes, object]] = {}
        self.table: dict[type, Any] = dict(copyreg.dispatch_table)
        pending: list[type] = [pydantic.BaseModel]
        while pending:
            cls = pending.pop()
            self.table[cls] = self._model
            pending += cls.__subclasses__()

    def of(self, value: object) -> bytes:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = self.table
        pickler.dump(value)
        return joined_digest(buffer.getbuffer())

    def _model(self, model: pydantic.BaseModel) -> tuple[Any, tuple[bytes]]:
        found = self.known.get(id(model))
        if found is None:
            state = {name: sorted(value) if name == "__pydantic_fields_set__" else value
                     for name, value in model.__getstate__().items()}
            found = self.known[id(model)] = (self.of((type(model), state)), model)
        return _ref, (found[0],)
