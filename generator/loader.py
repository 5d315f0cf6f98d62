"""Load stage: find content files and parse their YAML, keeping every node's line.

Why not `yaml.safe_load`: it silently keeps the last of two duplicate keys, turns `NO` and `off`
into False, reads `1.10` as the float 1.1 and forgets where a value came from. Here the C
parser builds the node tree (fast), and we build plain data ourselves: every scalar stays the
string the author typed (the typed models decide what it means), duplicate keys are errors, and
each value's line and column are kept so later stages can point at them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, HandbookError, format_loc, relative

try:  # the C parser is 4x faster; fall back so a machine without libyaml still works
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]
Mark = tuple[int, int]  # 1-based line and column

NULLS = {"", "~", "null", "Null", "NULL"}
KINDS = ("topic", "challenge", "module", "program", "cohort", "site")
LIBRARY_DIRS = {"topics": "topic", "challenges": "challenge", "training": "module"}
YAML_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class RawDocument:
    """One parsed YAML file: plain data plus where each value stands in the file."""

    kind: str
    id: str
    file: str  # path relative to the project root, for messages
    data: Any
    marks: dict[Path_, Mark]
    program: str | None = None  # for cohorts: the program folder they live in

    def mark(self, path: Path_) -> Mark | None:
        """The mark of the deepest node on `path` that exists (a missing key: its parent)."""
        for end in range(len(path), -1, -1):
            found = self.marks.get(tuple(path[:end]))
            if found is not None:
                return found
        return None

    def error(self, path: Path_, message: str, hint: str = "") -> ContentError:
        """A ContentError pointing at the value found at `path` in this file."""
        mark = self.mark(path)
        return ContentError(self.file, message, mark[0] if mark else None,
                            mark[1] if mark else None, format_loc(path), hint)


class _DuplicateKey(Exception):
    def __init__(self, key: str, node: yaml.Node, first: yaml.Node) -> None:
        super().__init__(key)
        self.key, self.node, self.first = key, node, first


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _build(node: yaml.Node, path: Path_, marks: dict[Path_, Mark]) -> Any:
    marks[path] = _mark(node)
    if isinstance(node, yaml.ScalarNode):
        if node.style in (None, "") and node.value in NULLS:  # plain: libyaml says ""
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, (*path, i), marks) for i, child in enumerate(node.value)]
    assert isinstance(node, yaml.MappingNode)
    result: dict[str, Any] = {}
    seen: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
        if key in seen:
            raise _DuplicateKey(key, key_node, seen[key])
        seen[key] = key_node
        result[key] = _build(value_node, (*path, key), marks)
    return result


def parse_yaml(text: str, file: str) -> tuple[Any, dict[Path_, Mark]]:
    """Parse one YAML document into plain data and marks, or raise a located error."""
    loader = _BaseLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise HandbookError([ContentError(file, "the file is empty", 1, 1,
                                              hint="write the YAML keys this file needs")])
        marks: dict[Path_, Mark] = {}
        return _build(node, (), marks), marks
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}, {problem}"
        raise HandbookError([ContentError(
            file, f"YAML syntax error: {problem}",
            mark.line + 1 if mark else None, mark.column + 1 if mark else None,
            hint="check indentation, and quote values that contain ': ' or start with a "
                 "special character such as '*', '&', '!', '{' or '['",
        )]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. a control
        before = text[: max(exc.position, 0)]
        raise HandbookError([ContentError(
            file, f"character {exc.character!r} is not allowed in YAML",
            before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1,
            hint="delete it; it often comes from copying out of a spreadsheet or PDF",
        )]) from None
    except _DuplicateKey as dup:
        line, column = _mark(dup.node)
        raise HandbookError([ContentError(
            file, f"the key {dup.key!r} appears twice (first on line {_mark(dup.first)[0]})",
            line, column, field=dup.key,
            hint="YAML keeps only one of them; delete or rename one",
        )]) from None
    finally:
        loader.dispose()


def discover(content: Path) -> list[tuple[str, str, Path, str | None]]:
    """Every content file as (kind, id, path, program), sorted so output never depends on
    the order the file system lists directories in."""
    found: list[tuple[str, str, Path, str | None]] = []
    site = [content / f"site{s}" for s in YAML_SUFFIXES if (content / f"site{s}").is_file()]
    found += [("site", "site", p, None) for p in site]
    for folder, kind in LIBRARY_DIRS.items():
        for path in _yaml_files(content / folder):
            found.append((kind, path.stem, path, None))
    programs = content / "programs"
    if programs.is_dir():
        for program_dir in sorted(p for p in programs.iterdir() if p.is_dir()):
            for suffix in YAML_SUFFIXES:
                path = program_dir / f"program{suffix}"
                if path.is_file():
                    found.append(("program", program_dir.name, path, None))
            for path in _yaml_files(program_dir / "cohorts"):
                found.append(("cohort", path.stem, path, program_dir.name))
    return found


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in YAML_SUFFIXES)


def load_content(content: Path, root: Path) -> list[RawDocument]:
    """Parse every content file, collecting all syntax errors before giving up."""
    if not content.is_dir():
        raise HandbookError([ContentError(
            relative(content, root), "the content folder does not exist",
            hint="run from the project root, or pass --content PATH",
        )])
    documents: list[RawDocument] = []
    errors: list[ContentError] = []
    for kind, ident, path, program in discover(content):
        file = relative(path, root)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            errors.append(ContentError(file, f"not UTF-8 text ({exc.reason} at byte "
                                       f"{exc.start})", hint="save the file as UTF-8"))
            continue
        try:
            data, marks = parse_yaml(text, file)
        except HandbookError as exc:
            errors.extend(exc.errors)
            continue
        documents.append(RawDocument(kind, ident, file, data, marks, program))
    if errors:
        raise HandbookError(errors)
    return documents
