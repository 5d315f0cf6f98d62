"""Rendered files by path, where a folder the render cache holds is not read unless asked for.

After a small edit nearly every folder's key is unchanged. Reading every one's entry (60 MB of
Markdown and calendars on the bench set, four times that at four times its size) only for the
write stage to hash it all and find that the docs folder holds it already was a quarter of the
generator's time on such a rebuild. So a hit on an entry file hands on the entry (`Stored`) in
place of its bytes, and every file carries the key of the folder it was rendered or found under
(`Outputs.token`). The write stage's memo keeps, beside each file's hash and stat, the token it
was last written or confirmed with (write/files.py): a file whose stat is still the one recorded
with the same token holds that key's output, since rendering is a pure function of the key
(cache.py), and is neither read nor hashed. Only output taken from an entry is vouched for so;
output rendered in this run is compared. An entry is read only when its bytes are asked for (a
file touched from outside, a new memo, the public edition's name scan); one that cannot be read
by then is rendered again, as the templates are then, and that output vouches for no key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from .cache import RenderCache, Rendered


class Stored:
    """One folder's output in a cache entry, read on first use; or, when the entry cannot be
    read by then, rendered again (`again`: as the templates are now, which may no longer be
    what the key was worked out from, so such output vouches for no key)."""

    def __init__(self, key: str, read: Callable[[], Rendered | None],
                 again: Callable[[], Rendered]) -> None:
        self.key = key
        self._read, self._again = read, again
        self._value: Rendered | None = None
        self.rendered_again = False

    def get(self, path: str) -> bytes:
        if self._value is None:
            self._value = self._read()
            if self._value is None:
                self._value, self.rendered_again = self._again(), True
        texts, files = self._value
        return texts[path] if path in texts else files[path]


class Outputs(Mapping[str, bytes]):
    """Files by path in a fixed order: bytes, or a `Stored` entry read when asked for; and
    the key of the folder each was rendered under, where it has one (`token`: a `Stored`
    entry's own key, else `tokens`)."""

    def __init__(self, items: dict[str, bytes | Stored], tokens: dict[str, str]) -> None:
        self._items = items
        self._tokens = tokens

    def __getitem__(self, path: str) -> bytes:
        found = self._items[path]
        return found.get(path) if isinstance(found, Stored) else found

    def __contains__(self, path: object) -> bool:
        return path in self._items  # without reading an entry

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def token(self, path: str) -> str | None:
        """The key of the folder whose rendering `self[path]` is; None: no key vouches for
        its bytes (rendered without a cache, changed after rendering, or rendered again
        when its entry was lost)."""
        found = self._items[path]
        if isinstance(found, Stored):
            return None if found.rendered_again else found.key
        return self._tokens.get(path)

    def unread(self, path: str) -> str | None:
        """The key of the cache entry `self[path]` is taken from, unless it was rendered
        again: the write memo may vouch that the docs folder holds it. Output rendered in
        this run is compared instead, so a docs folder that took a wrong entry is put right
        once the entry is gone (deleting build/cache/generator still repairs it)."""
        found = self._items[path]
        return self.token(path) if isinstance(found, Stored) else None

    def changed(self, new: Mapping[str, bytes]) -> Outputs:
        """These outputs with the files in `new` replaced (no longer what a key rendered)."""
        items = {path: new.get(path, found) for path, found in self._items.items()}
        return Outputs(items, {p: t for p, t in self._tokens.items() if p not in new})

    @staticmethod
    def joined(parts: Iterable[Mapping[str, bytes]]) -> Outputs:
        """One mapping of several that share no path (two claims on one path are a bug)."""
        items: dict[str, bytes | Stored] = {}
        tokens: dict[str, str] = {}
        for part in parts:
            for path in part:
                if path in items:
                    raise RuntimeError(f"two outputs for the same path: {path}")
                if isinstance(part, Outputs):
                    items[path] = part._items[path]
                    if path in part._tokens:
                        tokens[path] = part._tokens[path]
                else:
                    items[path] = part[path]
        return Outputs(items, tokens)


class Collected:
    """What the render stage gathers, folder by folder, before it puts it in page order."""

    def __init__(self) -> None:
        self.items: dict[str, bytes | Stored] = {}
        self.tokens: dict[str, str] = {}

    def add(self, found: Mapping[str, bytes], keys: Mapping[str, str]) -> None:
        """Rendered or read files; `keys`: the folder key of each that was stored under one."""
        self.items.update(found)
        self.tokens.update((path, keys[path]) for path in found if path in keys)

    def forget(self, paths: Iterable[str]) -> None:
        """Files whose bytes vouch for no key after all."""
        for path in paths:
            self.tokens.pop(path, None)

    def take(self, cache: RenderCache, key: str, paths: tuple[list[str], list[str]],
             again: Callable[[], Rendered]) -> bool:
        """Take a folder (its pages' and calendars' paths) from the entry under `key`: as a
        `Stored` when the entry is a file (`again` renders it if it cannot be read by the
        time it is wanted), else read now. False: no entry to take."""
        pages, calendars = paths
        if cache.defers(key):
            def read() -> Rendered | None:
                found = _fitting(cache.get(key), paths)
                if found is None:  # damaged or gone: the next run misses it and stores it
                    cache.drop(key)
                return found

            self.items.update(dict.fromkeys((*pages, *calendars), Stored(key, read, again)))
            return True
        found = _fitting(cache.get(key), paths)
        if found is None:
            return False
        every = dict.fromkeys((*pages, *calendars), key)
        self.add(found[0], every)
        self.add(found[1], every)
        return True

    def outputs(self, order: Iterable[str]) -> Outputs:
        items = {path: self.items[path] for path in order}
        return Outputs(items, {path: self.tokens[path] for path in items if path in self.tokens})


def _fitting(found: Rendered | None, paths: tuple[list[str], list[str]]) -> Rendered | None:
    """An entry that holds exactly the folder's pages and calendars (else None)."""
    if found is None or found[0].keys() != set(paths[0]) or found[1].keys() != set(paths[1]):
        return None
    return found
