"""Load stage, translations: find and parse the `X.<lang>.yml` overlays beside content files.

An overlay holds only the texts of its original in another language (notes/i18n-format.md):
`digital-tools.de.yml` beside `digital-tools.yml`, `program.de.yml` beside `program.yml`,
`site.de.yml` beside `site.yml`. Here they are only found and parsed, with their lines kept;
validate/overlays.py checks their shape against the original and applies them per language.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ContentError, HandbookError, relative
from .loader import OVERLAY_STEM, YAML_SUFFIXES, RawDocument, discover, parse_yaml


def load_overlays(content: Path, root: Path) -> list[RawDocument]:
    """Every translation overlay as a RawDocument of its original's kind and id, with
    `language` set, sorted by file; an overlay without an original is a located error."""
    originals: dict[tuple[Path, str], tuple[str, str, str | None]] = {}
    for kind, ident, path, program in discover(content):
        originals[(path.parent, path.stem)] = (kind, ident, program)
    overlays: list[RawDocument] = []
    errors: list[ContentError] = []
    for folder in sorted({parent for parent, _ in originals}):
        for path in sorted(folder.iterdir()):
            found = OVERLAY_STEM.match(path.stem)
            if not (found and path.suffix in YAML_SUFFIXES and path.is_file()):
                continue
            file = relative(path, root)
            original = originals.get((folder, found["stem"]))
            if original is None:
                errors.append(ContentError(
                    file, f"this translation has no original {found['stem']}.yml beside it",
                    hint=f"a translation into {found['lang']!r} sits beside the file it "
                         f"translates, named like it with .{found['lang']} before .yml; "
                         "rename it to match its original"))
                continue
            try:
                data, marks = parse_yaml(path.read_text(encoding="utf-8"), file)
            except HandbookError as exc:
                errors.extend(exc.errors)
                continue
            except UnicodeDecodeError as exc:
                errors.append(ContentError(file, f"not UTF-8 text ({exc.reason} at byte "
                                           f"{exc.start})", hint="save the file as UTF-8"))
                continue
            kind, ident, program = original
            overlays.append(RawDocument(kind, ident, file, data, marks, program,
                                        language=found["lang"]))
    if errors:
        raise HandbookError(errors)
    return overlays
