"""Load stage: find content files and parse their YAML, keeping every node's line.

Why not `yaml.safe_load`: it silently keeps the last of two duplicate keys, turns `NO` and `off`
into False, reads `1.10` as the float 1.1 and forgets where a value came from. Here the C
parser builds the node tree (fast), and we build plain data ourselves: every scalar stays the
string the author typed (the typed models decide what it means), duplicate keys are errors, and
each value's line and column are kept so later stages can point at them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml

from ..errors import ContentError, HandbookError, format_loc, quote, relative
from .parsed import ParsedCache

try:  # the C parser is 4x faster; fall back so a machine without libyaml still works
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]
Mark = tuple[int, int]  # 1-based line and column

NULLS = {"", "~", "null", "Null", "NULL"}
KINDS = ("topic", "challenge", "module", "program", "cohort", "site", "results")
LIBRARY_DIRS = {"topics": "topic", "challenges": "challenge", "training": "module"}
YAML_SUFFIXES = (".yml", ".yaml")
# `topic.de.yml` beside `topic.yml` translates its texts (validate/overlays.py); discover()
# leaves such files to load/overlays.py.
OVERLAY_STEM = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2})$")


@dataclass(frozen=True)
class RawDocument:
    """One parsed YAML file: plain data plus where each value stands in the file."""

    kind: str
    id: str
    file: str  # path relative to the project root, for messages
    data: Any
    marks: dict[Path_, Mark]
    program: str | None = None  # for cohorts: the program folder they live in
    language: str | None = None  # a translation overlay (X.<lang>.yml): its language
    overlay: RawDocument | None = None  # with translations applied: the overlay they came from

    def mark(self, path: Path_) -> Mark | None:
        """The mark of the deepest node on `path` that exists (a missing key: its parent)."""
        for end in range(len(path), -1, -1):
            found = self.marks.get(tuple(path[:end]))
            if found is not None:
                return found
        return None

    def error(self, path: Path_, message: str, hint: str = "") -> ContentError:
        """A ContentError pointing at the value found at `path` in this file, or in the
        translation overlay when the value itself came from there."""
        if self.overlay is not None and tuple(path) in self.overlay.marks:
            return self.overlay.error(path, message, hint)
        mark = self.mark(path)
        return ContentError(self.file, message, mark[0] if mark else None,
                            mark[1] if mark else None, format_loc(path), hint)


# Limits that keep hostile or broken files from costing minutes or gigabytes; each is far
# above what a handbook needs (the shipped content: files under 40 kB, 5 levels, no aliases).
MAX_FILE_BYTES = 2_000_000  # one content file (messages say "2 MB")
MAX_TEXT_CHARS = 100_000  # one text value, about 40 printed pages
MAX_KEY_CHARS = 100  # one key; every key is a field name
MAX_DEPTH = 64  # lists and groups of keys inside each other
MAX_ALIAS_VALUES = 10_000  # values a file's aliases (*name) may repeat in all
# Nesting comes from '[' and '{', or from indentation and runs of '- ', '? ', ': ' at the start
# of a line (about two levels per column). Below both thresholds a file nests at most some 500
# levels, which libyaml's composer (recursing in C) survives and _Builder then reports past
# MAX_DEPTH; above either, _check_nesting measures the depth on the event stream first.
_SCAN_FLOW = 256  # '[' and '{' in the whole file
_DEEP_LINE = re.compile(r"\n(?:[ \t]|[-?:][ \t]){64}")  # indentation and '- ' runs
# Control characters other than tab and line feed: invisible, and some reach the reader's
# terminal or browser as commands. YAML escapes (\0, \a, \e) or pasted text bring them in.
# Also refused, as invisible: the direction overrides and isolates (U+202A-U+202E,
# U+2066-U+2069), which make a name or a cell read differently from what it says, a byte
# order mark inside text (U+FEFF; one at the start of a file is the file's, and allowed) and
# the zero-width space (U+200B). The zero-width joiner and non-joiner (U+200D, U+200C) stay
# allowed: emoji sequences and scripts such as Persian and the Indic ones need them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufeff]")
_INVISIBLE = {"\u200b": "zero-width space", "\ufeff": "byte order mark"}


class _Problem(Exception):
    """A mistake found while building values, located at a node and a field path."""

    def __init__(self, node: yaml.Node | yaml.Event | yaml.Mark, path: Path_, message: str,
                 hint: str) -> None:
        super().__init__(message)
        # The loader marks every node and event; the C loader's Mark is another class with
        # the same line and column.
        mark = node if isinstance(node, yaml.Mark) else cast(yaml.Mark, node.start_mark)
        self.mark, self.path, self.message, self.hint = _mark(mark), path, message, hint


def _mark(mark: yaml.Mark) -> Mark:
    return (mark.line + 1, mark.column + 1)


class _Builder:
    """Builds plain data from libyaml's node tree. An alias is the same node object met
    again; what aliases repeat is counted, so nested aliases cannot expand to billions."""

    def __init__(self, controls: bool) -> None:
        self.marks: dict[Path_, Mark] = {}
        self.seen: set[int] = set()
        self.inside_alias = 0
        self.repeated = 0
        self.controls = controls  # False: the text can hold no control character to look for

    def build(self, node: yaml.Node, path: Path_) -> Any:
        if len(path) > MAX_DEPTH:
            raise _nesting_problem(node, path[:1])  # the whole path would fill a screen
        ident = id(node)
        if ident not in self.seen and not self.inside_alias:
            self.seen.add(ident)
            return self._value(node, path)
        self.repeated += 1
        if self.repeated > MAX_ALIAS_VALUES:
            raise _Problem(node, path, f"aliases (*name) repeat more than "
                           f"{MAX_ALIAS_VALUES:,} values in this file",
                           "an alias repeats everything under its anchor (&name), and aliases "
                           "of aliases multiply; write the values out instead")
        self.inside_alias += 1
        try:
            return self._value(node, path)
        finally:
            self.inside_alias -= 1

    def _value(self, node: yaml.Node, path: Path_) -> Any:
        self.marks[path] = _mark(node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node, path, self.controls)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        return self._mapping(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        result: dict[str, Any] = {}
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Problem(key_node, path, "a key must be plain text, not a list or a "
                               "group of keys", "write the key as a word followed by a colon, "
                               "e.g. `title: ...`")
            key = str(key_node.value)
            if len(key) > MAX_KEY_CHARS:
                raise _Problem(key_node, path, f"the key {quote(key)} is longer than "
                               f"{MAX_KEY_CHARS} characters", "keys are field names such as "
                               "`title`; is a colon missing its quotes in a value above?")
            if key in seen:
                raise _Problem(key_node, (*path, key), f"the key {quote(key)} appears twice "
                               f"(first on line {_mark(seen[key].start_mark)[0]})",
                               "YAML keeps only one of them; delete or rename one")
            seen[key] = key_node
            result[key] = self.build(value_node, (*path, key))
        return result


def _scalar(node: yaml.ScalarNode, path: Path_, controls: bool) -> str | None:
    value: str = node.value
    if node.style in (None, "") and value in NULLS:  # plain: libyaml says ""
        return None
    if len(value) > MAX_TEXT_CHARS:
        raise _Problem(node, path, f"the text is {len(value):,} characters long; a value may "
                       f"have at most {MAX_TEXT_CHARS:,}", "split it, or link to a document "
                       "kept elsewhere")
    control = _CONTROL.search(value) if controls else None
    if control and control.group() > "\x9f":
        char = control.group()
        name = _INVISIBLE.get(char, "direction control")
        raise _Problem(node, path, f"the text contains the invisible character U+{ord(char):04X} "
                       f"({name}) at position {control.start() + 1}",
                       "delete it (in most editors: move the cursor across the spot and watch "
                       "where it stops); such characters come with text copied from web pages "
                       "or chats, and can make a name or a table cell read differently from "
                       "what it says")
    if control:
        raise _Problem(node, path, f"the text contains the control character "
                       f"U+{ord(control.group()):04X} at position {control.start() + 1}",
                       "delete it; only tabs and line breaks may appear in text. Escapes such "
                       "as \\0, \\a or \\e in double quotes, or text pasted from a "
                       "spreadsheet, bring such characters in")
    return value


def _nesting_problem(at: yaml.Node | yaml.Event, path: Path_) -> _Problem:
    return _Problem(at, path, f"values are nested more than {MAX_DEPTH} levels deep",
                    "check for unclosed or repeated '[' and '{', or lines indented too far")


def _check_nesting(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before libyaml's composer sees it: the composer
    recurses in C, and about 100,000 nested '[' crash the interpreter. The exact check walks
    libyaml's event stream, which holds no recursion; most files skip it (see _SCAN_FLOW)."""
    if text.count("[") + text.count("{") < _SCAN_FLOW and not _DEEP_LINE.search("\n" + text):
        return
    loader = _BaseLoader(text)
    depth = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _nesting_problem(event, ())
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def _syntax_error(exc: yaml.MarkedYAMLError, file: str, text: str) -> ContentError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    hint = ("check indentation, and quote values that contain ': ' or start with a special "
            "character such as '*', '&', '!', '{' or '['")
    if exc.context_mark and "end of stream" in problem:  # the end of the file helps nobody
        mark = exc.context_mark
        if "quoted scalar" in (exc.context or ""):
            return ContentError(file, "YAML syntax error: the quote that opens here is never "
                                "closed", mark.line + 1, mark.column + 1,
                                hint="add the closing quote at the end of the value; a quote "
                                "inside the value is written twice ('') or escaped (\\\")")
    if exc.context:
        problem = f"{exc.context}, {problem}"
    opened = _quote_run_on(text, mark) if mark else None
    if opened and mark:
        return ContentError(file, f"YAML syntax error: the quote that opens here runs on to "
                            f"line {mark.line + 1}, where the YAML breaks ({exc.problem})",
                            opened.line + 1, opened.column + 1,
                            hint="is the closing quote of this value missing?")
    return ContentError(file, f"YAML syntax error: {problem}",
                        mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                        hint=hint)


def _quote_run_on(text: str, error: yaml.Mark) -> yaml.Mark | None:
    """Where a quoted value opens that spans lines and ends on the line of a syntax error: an
    unclosed quote that the next quote in the file closed, far below the mistake."""
    loader = _BaseLoader(text)
    last = None
    try:
        while (token := loader.get_token()) is not None and token.start_mark.index < error.index:
            last = token
    except yaml.MarkedYAMLError:
        pass
    finally:
        loader.dispose()
    if (isinstance(last, yaml.ScalarToken) and last.style in ('"', "'")
            and last.start_mark.line < last.end_mark.line == error.line):
        opening: yaml.Mark = last.start_mark
        return opening
    return None


def parse_yaml(text: str, file: str) -> tuple[Any, dict[Path_, Mark]]:
    """Parse one YAML document into plain data and marks, or raise a located error."""
    if len(text) > MAX_FILE_BYTES:
        raise HandbookError([_too_big(file, len(text), "characters")])
    loader = None
    try:
        _check_nesting(text)
        loader = _BaseLoader(text)
        node = loader.get_single_node()
        if node is None:
            raise HandbookError([ContentError(file, "the file is empty", 1, 1,
                                              hint="write the YAML keys this file needs")])
        # Only an escape (a backslash) or a character YAML lets through unescaped can put a
        # control character in a value; most files hold neither, and skip the search.
        builder = _Builder("\\" in text or _CONTROL.search(text) is not None)
        return builder.build(node, ()), builder.marks
    except yaml.MarkedYAMLError as exc:
        raise HandbookError([_syntax_error(exc, file, text)]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. a control
        before = text[: max(exc.position, 0)]
        raise HandbookError([ContentError(
            file, f"character {exc.character!r} is not allowed in YAML",
            before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1,
            hint="delete it; it often comes from copying out of a spreadsheet or PDF",
        )]) from None
    except _Problem as problem:
        raise HandbookError([ContentError(file, problem.message, *problem.mark,
                                          format_loc(problem.path), problem.hint)]) from None
    finally:
        if loader is not None:
            loader.dispose()


def _too_big(file: str, size: int, unit: str = "bytes") -> ContentError:
    return ContentError(file, f"the file has {size:,} {unit}; a content file may have at most "
                        f"{MAX_FILE_BYTES:,} (2 MB)", 1, 1,
                        hint="split it (a program's cohorts are files of their own), or check "
                        "that it is the file you meant")


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
            for path in _yaml_files(program_dir / "results"):  # survey results, attendance
                found.append(("results", path.stem, path, program_dir.name))
    return found


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in YAML_SUFFIXES
                  and not OVERLAY_STEM.match(p.stem))


def load_content(content: Path, root: Path, parsed: ParsedCache | None = None
                 ) -> list[RawDocument]:
    """Parse every content file, collecting all syntax errors before giving up; a file whose
    text `parsed` holds (parsed.py) is not parsed again."""
    if not content.is_dir():
        raise HandbookError([ContentError(
            relative(content, root), "the content folder does not exist",
            hint="run handbook in the project folder (the one with mkdocs.yml), or name it "
                 "with --root PATH, or name the content folder with --content PATH; "
                 "`handbook init NAME` starts a new project",
        )])
    documents: list[RawDocument] = []
    errors: list[ContentError] = []
    inside = content.resolve()
    for kind, ident, path, program in discover(content):
        file = relative(path, root)
        problem = _unreadable(path, inside, file)
        if problem is not None:
            errors.append(problem)
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            errors.append(ContentError(file, f"not UTF-8 text ({exc.reason} at byte "
                                       f"{exc.start})", hint="save the file as UTF-8"))
            continue
        found = parsed.get(text) if parsed is not None else None
        if found is None:
            try:
                found = parse_yaml(text, file)
            except HandbookError as exc:
                errors.extend(exc.errors)
                continue
            if parsed is not None:
                parsed.put(text, *found)
        data, marks = found
        documents.append(RawDocument(kind, ident, file, data, marks, program))
    if errors:
        raise HandbookError(errors)
    return documents


def _unreadable(path: Path, content: Path, file: str) -> ContentError | None:
    """Why a found file must not be read: it (or a folder on its way) is a link to a place
    outside the content folder, whose files are never published; or it is too big to parse."""
    target = path.resolve()
    if not target.is_relative_to(content):
        return ContentError(file, f"this is a link to {target.as_posix()}, outside the content "
                            "folder; files there are never read", hint="copy the file into "
                            "the content folder, or delete the link")
    size = target.stat().st_size
    return _too_big(file, size) if size > MAX_FILE_BYTES else None
