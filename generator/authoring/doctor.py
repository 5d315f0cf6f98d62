"""`handbook doctor` and `handbook override`: a project's own copies of packaged templates and
theme files, and whether the packaged originals moved on since.

A file in a project's templates/ or site_overrides/ wins over the packaged file of the same
name for good, so an upgrade of handbook never reaches it: a copy made for an older handbook
may call a name the new one no longer passes, or miss a fix. A copy made by `handbook
override` records in its first line the handbook version and a hash of the packaged original
it was taken from; doctor compares that hash with the packaged file installed now. The old
text itself is not kept, so doctor cannot show what changed upstream; `--diff` shows how the
copy differs from the packaged file today. A template that extends the packaged one
(`{% extends "handbook/cohort.md.j2" %}`) inherits every change, unless a block it replaces
is gone from the packaged template: then its text silently stops showing, and doctor says so.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import jinja2
from jinja2 import nodes

from .. import resources
from ..render.pages import PACKAGED_PREFIX

# The project's folder -> where its packaged counterpart is (looked up at call time).
FOLDERS: dict[str, Callable[[], Path]] = {
    "templates": lambda: resources.default_templates(),
    "site_overrides": lambda: resources.default_overrides(),
}
RECORD = re.compile(r"handbook-override: (?P<name>\S+) from handbook (?P<version>\S+) "
                    r"sha256=(?P<sha>[0-9a-f]{64})")
EXTENDS = re.compile(r"""\{%-?\s*extends\s+["']""" + PACKAGED_PREFIX + r"""/([^"']+)["']""")
# How each kind of file takes a one-line comment. Theme .html files are Jinja templates: a
# Jinja comment never reaches the built page (`-#}` also eats the newline after it).
COMMENTS = {".j2": ("{# ", " #}"), ".html": ("{#- ", " -#}"), ".css": ("/* ", " */"),
            ".js": ("/* ", " */"), ".svg": ("<!-- ", " -->")}
KEEP = "(keep this line: `handbook doctor` reads it)"


class OverrideError(Exception):
    """A `handbook override` that cannot be done: the message names the file and the fix."""


@dataclass(frozen=True)
class Finding:
    """One project file that overrides or extends a packaged one."""

    path: str  # relative to the project, with /
    attention: bool  # True: the team should look at it
    message: str


def version() -> str:
    try:
        return metadata.version("handbook")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _digest(path: Path) -> str:
    """Of the text with Windows line ends read as Unix ones, so a checkout's line ends
    never make a copy look stale."""
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")


def _own_folder(root: Path, folder: str) -> Path | None:
    """The project's folder, unless it is missing or is the packaged one (this repository)."""
    own, packaged = root / folder, FOLDERS[folder]()
    if not own.is_dir() or own.resolve() == packaged.resolve():
        return None
    return own


def examine(root: Path) -> list[Finding]:
    """Every file of the project's templates/ and site_overrides/ that takes the place of a
    packaged one or extends one; files of the project's own are left out."""
    findings = []
    for folder in FOLDERS:
        own = _own_folder(root, folder)
        if own is None:
            continue
        for path in sorted(own.rglob("*")):
            name = path.relative_to(own).as_posix()
            if path.is_file() and not any(p.startswith(".") for p in name.split("/")):
                finding = _examine(folder, name, path)
                if finding is not None:
                    findings.append(finding)
    return findings


def _examine(folder: str, name: str, path: Path) -> Finding | None:
    shown, packaged = f"{folder}/{name}", FOLDERS[folder]()
    text = _read(path)
    extends = EXTENDS.search(text)
    if extends:
        return _examine_extending(folder, shown, text, extends.group(1))
    record = RECORD.search("\n".join(text.splitlines()[:3]))
    original = packaged / name
    if not original.is_file():
        if record is None:
            return None  # a file of the project's own
        return Finding(shown, True, f"copied from the packaged {name} of handbook "
                       f"{record['version']}, which handbook {version()} no longer has, so "
                       "it overrides nothing now: see CHANGELOG.md, then move or remove it")
    if record is None and _digest(path) == _digest(original):
        return Finding(shown, False, f"the same as the packaged {name}: remove it to follow "
                       "future changes, or keep it and record its version with "
                       f"`handbook override --accept {shown}`")
    if record is None:
        return Finding(shown, True, f"takes the place of the packaged {name}, with no record "
                       f"of the handbook it was copied from: compare it with {original} "
                       f"(`handbook override --diff {shown}`), then record it with "
                       f"`handbook override --accept {shown}`")
    if record["sha"] == _digest(original):
        return Finding(shown, False, f"up to date: the packaged {name} is unchanged since "
                       f"this copy was made from handbook {record['version']}")
    return Finding(shown, True, f"the packaged {name} changed since this copy was made from "
                   f"handbook {record['version']}: compare with `handbook override --diff "
                   f"{shown}`, bring over what you need, then `handbook override --accept "
                   f"{shown}`")


def _examine_extending(folder: str, shown: str, text: str, parent: str) -> Finding:
    try:
        replaced = _defined_blocks(text)
    except jinja2.TemplateSyntaxError as error:
        return Finding(shown, True, f"line {error.lineno}: {error.message}")
    try:
        available = _inherited_blocks(folder, parent)
    except jinja2.TemplateNotFound:
        return Finding(shown, True, f"extends {PACKAGED_PREFIX}/{parent}, which handbook "
                       f"{version()} does not have: see CHANGELOG.md")
    missing = sorted(replaced - available)
    if missing:
        names = ", ".join(repr(block) for block in missing)
        return Finding(shown, True, f"replaces block {names}, which the packaged {parent} "
                       "no longer has, so that text is not shown: move it into a block that "
                       f"exists (`handbook override --extend {parent}` lists them)")
    names = ", ".join(sorted(replaced)) or "no block"
    return Finding(shown, False, f"extends the packaged {parent} and replaces {names}: every "
                   "other change to it reaches the site")


def _defined_blocks(text: str) -> set[str]:
    tree = jinja2.Environment(extensions=["jinja2.ext.i18n"]).parse(text)
    return {block.name for block in tree.find_all(nodes.Block)}


def _inherited_blocks(folder: str, name: str) -> set[str]:
    """The blocks a template and the templates it extends define, in the packaged folder and,
    for the theme, Material's templates behind it (main.html extends base.html)."""
    search = [str(FOLDERS[folder]())]
    if folder == "site_overrides":
        from mkdocs.utils import get_theme_dir  # only here: the core never imports MkDocs

        search.append(get_theme_dir("material"))
    loader, env = jinja2.FileSystemLoader(search), jinja2.Environment()
    blocks: set[str] = set()
    seen: set[str] = set()
    current: str | None = name
    while current is not None and current not in seen:
        seen.add(current)
        source, _, _ = loader.get_source(env, current)
        blocks |= _defined_blocks(source)
        parent = next(iter(jinja2.Environment(extensions=["jinja2.ext.i18n"]).parse(
            source).find_all(nodes.Extends)), None)
        current = parent.template.value if parent and isinstance(
            parent.template, nodes.Const) else None
    return blocks


def report(findings: list[Finding]) -> tuple[str, int]:
    """What `handbook doctor` prints, one line per file and a closing line, and its exit
    code: 1 when a file needs attention."""
    lines = [f"{f.path}: {'NEEDS ATTENTION: ' if f.attention else ''}{f.message}"
             for f in findings]
    count = sum(f.attention for f in findings)
    if not findings:
        lines.append(f"No overrides: this project uses the templates and theme packaged with "
                     f"handbook {version()}.")
    elif count:
        lines.append(f"{count} of {len(findings)} overriding files "
                     f"{'needs' if count == 1 else 'need'} attention (handbook {version()}).")
    else:
        lines.append(f"All {len(findings)} overriding files are up to date with handbook "
                     f"{version()}.")
    return "\n".join(lines), 1 if count else 0


def warning(root: Path) -> str | None:
    """The one line `handbook build` adds when doctor would complain."""
    count = sum(f.attention for f in examine(root))
    if not count:
        return None
    files = "file" if count == 1 else "files"
    return (f"Note: {count} {files} in templates/ or site_overrides/ may not match handbook "
            f"{version()}: run `handbook doctor`.")


# --- handbook override -------------------------------------------------------------------


def _locate(name: str) -> tuple[str, str, Path]:
    """`cohort.md.j2`, `templates/cohort.md.j2`, `partials/copyright.html`, ... -> the
    project folder, the name inside it and the packaged file."""
    name = name.replace("\\", "/").removeprefix("./")
    folders = list(FOLDERS)
    for folder in FOLDERS:
        if name.startswith(folder + "/"):
            folders, name = [folder], name[len(folder) + 1:]
    for folder in folders:
        packaged = FOLDERS[folder]() / name
        if packaged.is_file():
            return folder, name, packaged
    known = [f"{folder}/{p.relative_to(FOLDERS[folder]()).as_posix()}" for folder in FOLDERS
             for p in FOLDERS[folder]().rglob("*") if p.is_file()]
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5) or sorted(known)[:5]
    raise OverrideError(f"{name}: handbook packages no template or theme file of this name; "
                        f"did you mean {', '.join(close)}?")


def _record_line(name: str, packaged: Path) -> str:
    opening, closing = COMMENTS[Path(name).suffix]
    return (f"{opening}handbook-override: {name} from handbook {version()} "
            f"sha256={_digest(packaged)} {KEEP}{closing}\n")


def _with_record(text: str, record: str) -> str:
    """The text with its record line replaced, or added first (after an XML declaration,
    which must stay first)."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines[:3]):
        if RECORD.search(line):
            lines[index] = record
            return "".join(lines)
    at = 1 if lines and lines[0].startswith("<?xml") else 0
    return "".join([*lines[:at], record, *lines[at:]])


def _target(root: Path, name: str) -> tuple[str, Path, Path]:
    folder, inner, packaged = _locate(name)
    if Path(inner).suffix not in COMMENTS:
        raise OverrideError(f"{folder}/{inner}: a file of this kind has no comment to record "
                            "the handbook version in; copy it by hand (`handbook doctor` will "
                            "list it as unrecorded)")
    return inner, packaged, root / folder / inner


def override(root: Path, name: str) -> Path:
    """Copy a packaged file into the project, with the record doctor reads."""
    inner, packaged, target = _target(root, name)
    if target.exists():
        raise OverrideError(f"{_shown(root, target)} already exists: `handbook override --diff "
                            f"{name}` compares it with the packaged file")
    target.parent.mkdir(parents=True, exist_ok=True)
    text = _with_record(_read(packaged).replace("\r\n", "\n"), _record_line(inner, packaged))
    target.write_text(text, "utf-8", newline="\n")
    return target


def extend(root: Path, name: str) -> Path:
    """Start a template that extends the packaged one and lists the blocks it may replace."""
    folder, inner, _ = _locate(name)
    target = root / folder / inner
    if target.exists():
        raise OverrideError(f"{_shown(root, target)} already exists")
    blocks = ", ".join(sorted(_inherited_blocks(folder, inner)))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        f'{{% extends "{PACKAGED_PREFIX}/{inner}" %}}\n'
        f"{{#- Replace any block of the packaged {inner} here, e.g.\n"
        f"    {{% block NAME %}}...{{{{ super() }}}}...{{% endblock %}}\n"
        f"    ({{{{ super() }}}} prints the packaged block). Blocks: {blocks}. -#}}\n",
        "utf-8", newline="\n")
    return target


def accept(root: Path, name: str) -> Path:
    """Record that the project's copy now matches the packaged file installed now."""
    inner, packaged, target = _target(root, name)
    if not target.is_file():
        raise OverrideError(f"{_shown(root, target)}: no such file in the project; "
                            f"`handbook override {name}` copies it there")
    text = _read(target)
    target.write_text(_with_record(text, _record_line(inner, packaged)), "utf-8", newline="")
    return target


def diff(root: Path, name: str) -> str:
    """How the project's copy differs from the packaged file installed now (record line
    left out), as a unified diff; empty if they are the same."""
    inner, packaged, target = _target(root, name)
    if not target.is_file():
        raise OverrideError(f"{_shown(root, target)}: no such file in the project; "
                            f"`handbook override {name}` copies it there")
    ours = [line for line in _read(target).splitlines(keepends=True) if not RECORD.search(line)]
    return "".join(difflib.unified_diff(
        _read(packaged).splitlines(keepends=True), ours,
        f"packaged {inner} (handbook {version()})", _shown(root, target)))


def _shown(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
