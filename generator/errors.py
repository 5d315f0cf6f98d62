"""The one error type for user mistakes, and a collection of them.

Every mistake an author can make is reported as a `ContentError` naming the file, line, column,
field path and a hint, so the CLI and the MkDocs hook can print it without a traceback.
Programming errors are not wrapped: they raise as usual.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .resources import default_templates

Kind = Literal["content", "template"]


@dataclass(frozen=True)
class ContentError:
    """One located mistake in the content or templates."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str = ""
    hint: str = ""
    # "template": the fix is in a template (the project's own or the packaged one), not in
    # the content; set where templates are rendered, so no message is sorted by file name.
    kind: Kind = "content"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line or 0, self.column or 0, self.field)

    def format(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.field + ': ' if self.field else ''}{self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


@dataclass
class HandbookError(Exception):
    """Raised once a stage has collected every mistake it could find."""

    errors: list[ContentError] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.errors = sorted(self.errors, key=ContentError.sort_key)
        super().__init__(self.report())

    def report(self) -> str:
        return "\n".join([self.headline(), *(e.format() for e in self.errors)])

    def headline(self) -> str:
        """"2 errors in the content and 1 in the templates; nothing was written.": who has
        to fix what (an author edits content; a template override may just be out of date)."""
        templates = sum(e.kind == "template" for e in self.errors)
        content = len(self.errors) - templates
        counts = [(n, where) for n, where in ((content, "the content"),
                                              (templates, "the templates")) if n]
        (count, where), *rest = counts or [(0, "the content")]
        text = f"{count} error{'s' if count != 1 else ''} in {where}"
        text += "".join(f" and {n} in {other}" for n, other in rest)
        return text + "; nothing was written."


def outdated_override_hint(template: Path | None) -> str:
    """What a hint adds when a template the project overrides fails while rendering: a copy
    of an older packaged template may call a name the handbook no longer provides."""
    if template is None or template.resolve().is_relative_to(default_templates().resolve()):
        return ""
    return ("; this template is the project's own copy and may have been made for an older "
            "handbook: run `handbook doctor` to see what changed in the packaged original")


QUOTE_LIMIT = 60  # characters of a value a message repeats; enough to recognise it


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A value as a message repeats it: quoted, and cut short when long, so a mistake in a
    long field prints one line and not the whole field."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text):,} characters)"


def format_loc(loc: Iterable[str | int]) -> str:
    """A field path as authors read it: `meeting_plan[2].agenda[0].minutes`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def relative(path: Path, root: Path) -> str:
    """Show paths relative to the project so messages stay short and stable. A link is named
    by where it stands, not where it points."""
    mine, base = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    if not mine.is_relative_to(base):  # resolved only then: a resolve is several lstat calls
        mine, base = path.resolve(), root.resolve()
        if not mine.is_relative_to(base):
            return path.as_posix()
    return mine.relative_to(base).as_posix()


def did_you_mean(value: str, choices: Iterable[str], what: str) -> str:
    """A hint naming the closest known ids, or listing what exists."""
    options: Sequence[str] = sorted(set(choices))
    close = difflib.get_close_matches(value, options, n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(repr(c) for c in close) + "?"
    if not options:
        return f"there are no {what} yet"
    shown = ", ".join(options[:8]) + (", ..." if len(options) > 8 else "")
    return f"known {what}: {shown}"
