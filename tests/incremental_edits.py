"""Edits for the incremental-build property test (issue 17, tests/test_incremental.py).

Each edit is a small function over a project folder made by `handbook init`: it changes files
the way a person would (content YAML, a template or theme override, mkdocs.yml, adding and
deleting files), draws its choices from the `random.Random` it is given (so hypothesis can
replay a sequence), leaves the project valid (`handbook build --strict` passes) and returns one
line saying what it did, for the failure message. Register a new one with `@edit`.

An edit that finds nothing it can apply (delete a topic when no added topic is left) says so
and changes nothing; an edit whose anchor text is gone from the starter (the starter changed)
fails loudly instead of silently becoming a no-op.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import random
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from handbook.authoring import init
from handbook.resources import default_overrides, default_templates

Edit = Callable[[Path, random.Random], str]
EDITS: dict[str, Edit] = {}

WORDS = ["Spring", "Autumn", "Zoë", "Ærøskøbing", "O'Brien", "Nguyễn", "Łódź", "Quetzal",
         "Pilot", "Café", "North", "Team <b>", "A & B", "Zanzibar", "José (Pepe)"]


# The starter's dates follow the day it is made: a fixed day keeps the project (and these
# edits' anchors) the same whenever the tests run.
STARTER_DAY = dt.date(2026, 12, 6)


def make_starter(target: Path) -> Path:
    """The project `handbook init` writes, as of STARTER_DAY."""
    init.create(target, today=STARTER_DAY)
    return target


@functools.cache
def _pristine() -> dict[str, bytes]:
    """The starter's content files and mkdocs.yml as `handbook init` writes them."""
    with tempfile.TemporaryDirectory() as folder:
        root = make_starter(Path(folder) / "starter")
        return {p.relative_to(root).as_posix(): p.read_bytes()
                for p in [root / "mkdocs.yml", *(root / "content").rglob("*.yml")]}


def edit(function: Edit) -> Edit:
    """Register `function` under its name as one of the edits the property test draws."""
    EDITS[function.__name__] = function
    return function


# --- helpers --------------------------------------------------------------------------------

def _yaml(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are YAML): names with quotes or colons stay
    data."""
    return json.dumps(value, ensure_ascii=False)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(WORDS)} {rng.randrange(100)}"


def _sub(path: Path, pattern: str, replacement: str | Callable[[re.Match[str]], str],
         count: int = 1) -> None:
    """Replace `pattern` (multi-line) in `path`; the anchor must be there."""
    text = path.read_text("utf-8")
    new, found = re.subn(pattern, replacement, text, count=count, flags=re.MULTILINE)
    assert found, f"{pattern!r} is not in {path}: the starter changed; update the edit"
    path.write_text(new, "utf-8")


def _same_size(path: Path, pattern: str, rng: random.Random) -> str:
    """Change one ASCII letter of the value matched by `pattern` (group 1) into another: the
    file keeps its size, which a cache keyed on (size, mtime) alone would not notice."""
    text = path.read_text("utf-8")
    match = re.search(pattern, text, flags=re.MULTILINE)
    assert match, f"{pattern!r} is not in {path}: the starter changed; update the edit"
    value = match.group(1)
    letters = [i for i, c in enumerate(value) if c.isascii() and c.isalpha()]
    i = rng.choice(letters)
    other = rng.choice([c for c in "abcdefghijklmnopqrstuvwxyz" if c != value[i].lower()])
    changed = value[:i] + other + value[i + 1:]
    start = match.start(1)
    path.write_text(text[:start] + changed + text[match.end(1):], "utf-8")
    return changed


def _set(path: Path, pattern: str, choices: list[str], rng: random.Random) -> str:
    """Set the value matched by `pattern` (group 2, after group 1) to one of `choices` other
    than the current one; returns it."""
    text = path.read_text("utf-8")
    match = re.search(pattern, text, flags=re.MULTILINE)
    assert match, f"{pattern!r} is not in {path}: the starter changed; update the edit"
    value = rng.choice([c for c in choices if c != match.group(2)])
    path.write_text(text[:match.start(2)] + value + text[match.end(2):], "utf-8")
    return value


def _cohorts(root: Path) -> list[Path]:
    return sorted((root / "content/programs").glob("*/cohorts/*.yml"))


def _topics(root: Path) -> list[Path]:
    """Topic files, not their translation overlays (topic.de.yml)."""
    return sorted(p for p in (root / "content/topics").glob("*.yml")
                  if not re.search(r"\.[a-z]{2}\.yml$", p.name))


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _override(root: Path, folder: str, shipped: Path, name: str, rng: random.Random,
              change: Callable[[str, int], str]) -> str:
    """Add, change or remove the project's override `folder/name` of the shipped file."""
    target = root / folder / name
    if target.exists() and rng.random() < 0.35:
        target.unlink()
        return f"removed the override {folder}/{name} (the shipped one applies again)"
    base = target.read_text("utf-8") if target.exists() else (shipped / name).read_text("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    verb = "changed" if target.exists() else "added"
    target.write_text(change(base, rng.randrange(10_000)), "utf-8")
    return f"{verb} the override {folder}/{name}"


# --- content --------------------------------------------------------------------------------

@edit
def nothing(root: Path, rng: random.Random) -> str:
    return "no change"


@edit
def revert(root: Path, rng: random.Random) -> str:
    """One of the starter's files back to the bytes `handbook init` wrote (A -> B -> A after
    an edit; a deleted starter cohort comes back)."""
    name = rng.choice(sorted(_pristine()))
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_bytes(_pristine()[name])
    return f"{name}: back to the starter's"


@edit
def cohort_title(root: Path, rng: random.Random) -> str:
    cohort = rng.choice(_cohorts(root))
    if rng.random() < 0.5:
        title = _same_size(cohort, r'^title: "?([^"#\n]*?)"?\s*(?:#.*)?$', rng)
        return f"{_rel(root, cohort)}: title -> {title!r} (same size)"
    title = _name(rng)
    _sub(cohort, r"^title: .*$", f"title: {_yaml(title)}")
    return f"{_rel(root, cohort)}: title -> {title!r}"


@edit
def cohort_title_same_mtime(root: Path, rng: random.Random) -> str:
    """Same size and the old modification time: what `cp -p`, `rsync -t` or an archive
    restores. Only the bytes say the file changed."""
    cohort = rng.choice(_cohorts(root))
    before = cohort.stat()
    title = _same_size(cohort, r'^title: "?([^"#\n]*?)"?\s*(?:#.*)?$', rng)
    os.utime(cohort, ns=(before.st_atime_ns, before.st_mtime_ns))
    return f"{_rel(root, cohort)}: title -> {title!r} (same size, same mtime)"


@edit
def pair_names(root: Path, rng: random.Random) -> str:
    cohort = rng.choice(_cohorts(root))
    role = rng.choice(["mentor", "mentee"])
    lines = cohort.read_text("utf-8").splitlines(keepends=True)
    found = [i for i, line in enumerate(lines) if re.match(rf"\s*-? *{role}: ", line)]
    assert found, f"no {role} in {cohort}"
    i = rng.choice(found)
    name = _name(rng)
    lines[i] = re.sub(rf"({role}: ).*?(\s*#.*)?$", lambda m: m.group(1) + _yaml(name)
                      + (m.group(2) or ""), lines[i].rstrip("\n")) + "\n"
    cohort.write_text("".join(lines), "utf-8")
    return f"{_rel(root, cohort)}: pair {found.index(i) + 1} {role} -> {name!r}"


@edit
def meeting_time(root: Path, rng: random.Random) -> str:
    """The start time, the first date or the time zone of a cohort's schedule (kept inside
    the cohort's end_by)."""
    cohort = rng.choice(_cohorts(root))
    what = rng.choice(["time", "start", "time_zone"])
    if what == "time":
        choices = [f'"{h:02d}:{m:02d}"' for h in range(7, 19) for m in (0, 15, 30, 45)]
    elif what == "start":  # another day of the same month
        month = re.search(r"^  start: (\d{4}-\d{2})-", cohort.read_text("utf-8"), re.MULTILINE)
        assert month, f"no schedule start in {cohort}"
        choices = [f"{month.group(1)}-{d:02d}" for d in range(1, 29)]
    else:
        choices = ["Europe/London", "Europe/Berlin", "America/New_York"]
    value = _set(cohort, rf"^(  {what}: )(\S+)", choices, rng)
    return f"{_rel(root, cohort)}: schedule {what} -> {value}"


@edit
def topic_text(root: Path, rng: random.Random) -> str:
    topic = rng.choice(_topics(root))
    key = rng.choice(["title", "summary"])
    text = f"{_name(rng)} with *emphasis* and a [link](https://example.com/{rng.randrange(99)})"
    _sub(topic, rf"^{key}: .*$", f"{key}: {_yaml(text if key == 'summary' else _name(rng))}")
    return f"{_rel(root, topic)}: {key} changed"


@edit
def meeting_plan(root: Path, rng: random.Random) -> str:
    """A meeting's title or one agenda item's text in program.yml: the meeting pages, the
    print page and the packs (which repeat the agenda bodies), and the calendars."""
    program = rng.choice(sorted((root / "content/programs").glob("*/program.yml")))
    lines = program.read_text("utf-8").splitlines(keepends=True)
    key = rng.choice(["item", "title"])
    pattern = r"^(\s+item: )" if key == "item" else r"^(    title: )"
    plan = next(i for i, line in enumerate(lines) if line.startswith("meeting_plan:"))
    found = [i for i, line in enumerate(lines) if i > plan and re.match(pattern, line)]
    assert found, f"no meeting {key} in {program}"
    i = rng.choice(found)
    text = _name(rng)
    lines[i] = re.sub(pattern + ".*", lambda m: m.group(1) + _yaml(text), lines[i].rstrip("\n"))
    lines[i] += "\n"
    program.write_text("".join(lines), "utf-8")
    return f"{_rel(root, program)}: meeting {key} {found.index(i) + 1} -> {text!r}"


@edit
def library_text(root: Path, rng: random.Random) -> str:
    """The title or summary of a training module or a challenge playbook."""
    path = rng.choice(sorted((root / "content/training").glob("*.yml"))
                      + sorted((root / "content/challenges").glob("*.yml")))
    key = rng.choice(["title", "summary"])
    _sub(path, rf"^{key}: .*$", f"{key}: {_yaml(_name(rng))}")
    return f"{_rel(root, path)}: {key} changed"


@edit
def program_title(root: Path, rng: random.Random) -> str:
    program = rng.choice(sorted((root / "content/programs").glob("*/program.yml")))
    title = _name(rng)
    _sub(program, r"^title: .*$", f"title: {_yaml(title)}")
    return f"{_rel(root, program)}: title -> {title!r}"


@edit
def site_footer(root: Path, rng: random.Random) -> str:
    """The organisation in content/site.yml: shown in the footer of every page."""
    name = _name(rng)
    _sub(root / "content/site.yml", r"^organisation: .*$", f"organisation: {_yaml(name)}")
    return f"content/site.yml: organisation -> {name!r}"


@edit
def site_languages(root: Path, rng: random.Random) -> str:
    """One site, or one per language (build/<lang>/cache/), and back."""
    site = root / "content/site.yml"
    text = site.read_text("utf-8")
    if re.search(r"^languages:", text, flags=re.MULTILINE):
        site.write_text(re.sub(r"^languages:.*\n", "", text, flags=re.MULTILINE), "utf-8")
        return "content/site.yml: languages removed (one site)"
    languages = rng.choice([["en", "de"], ["en", "fr"], ["de", "en"]])
    site.write_text(text + f"languages: [{', '.join(languages)}]\n", "utf-8")
    return f"content/site.yml: languages {languages}"


@edit
def add_cohort(root: Path, rng: random.Random) -> str:
    return _copy_retitled(root, rng, rng.choice(_cohorts(root)), "extra-")


def _copy_retitled(root: Path, rng: random.Random, source: Path, prefix: str) -> str:
    """A copy of `source` beside it, under a numbered name and with a new title."""
    target = source.with_name(f"{prefix}{rng.randrange(100)}.yml")
    text = re.sub(r"^title: .*$", f"title: {_yaml(_name(rng))}", source.read_text("utf-8"),
                  count=1, flags=re.MULTILINE)
    verb = "replaced" if target.exists() else "added"
    target.write_text(text, "utf-8")
    return f"{verb} {_rel(root, target)} (a copy of {source.name})"


@edit
def delete_cohort(root: Path, rng: random.Random) -> str:
    cohorts = _cohorts(root)
    if len(cohorts) < 2:
        return "delete_cohort: only one cohort left, nothing deleted"
    gone = rng.choice(cohorts)
    gone.unlink()
    return f"deleted {_rel(root, gone)}"


@edit
def add_topic(root: Path, rng: random.Random) -> str:
    return _copy_retitled(root, rng, rng.choice(_topics(root)), "extra-topic-")


@edit
def delete_topic(root: Path, rng: random.Random) -> str:
    """Deletes a topic an edit added: the starter's own are named by its meeting plan."""
    added = [p for p in _topics(root) if p.name.startswith("extra-topic-")]
    if not added:
        return "delete_topic: no added topic, nothing deleted"
    gone = rng.choice(added)
    gone.unlink()
    return f"deleted {_rel(root, gone)}"


# --- templates and theme --------------------------------------------------------------------

TEMPLATES = ["cohort.md.j2", "topic.md.j2", "program.md.j2", "home.md.j2", "meeting.md.j2",
             "agenda_body.md.j2", "partials/agendas.md.j2", "partials/next_meeting.md.j2"]


@edit
def template_override(root: Path, rng: random.Random) -> str:
    """A project template in templates/: a copy of the packaged one with a line added."""
    return _override(root, "templates", default_templates(), rng.choice(TEMPLATES), rng,
                     lambda text, n: text.rstrip("\n") + f"\n\nLocal note {n}.\n")


@edit
def theme_css(root: Path, rng: random.Random) -> str:
    return _override(root, "site_overrides", default_overrides(),
                     "assets/stylesheets/handbook.css", rng,
                     lambda text, n: text + f"\n.md-typeset h1 {{ letter-spacing: {n}px; }}\n")


@edit
def theme_partial(root: Path, rng: random.Random) -> str:
    name = rng.choice(["partials/copyright.html", "partials/logo.html", "main.html"])
    return _override(root, "site_overrides", default_overrides(), name, rng,
                     lambda text, n: f"<!-- local {n} -->\n" + text)


@edit
def theme_asset(root: Path, rng: random.Random) -> str:
    """A static file of the theme's own (copied to site/ as it is): added, changed, removed."""
    target = root / "site_overrides/assets/notes.txt"
    if target.exists() and rng.random() < 0.4:
        target.unlink()
        return "removed site_overrides/assets/notes.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"Note {rng.randrange(10_000)}\n", "utf-8")
    return "wrote site_overrides/assets/notes.txt"


# --- mkdocs.yml ------------------------------------------------------------------------------

@edit
def mkdocs_markdown(root: Path, rng: random.Random) -> str:
    """A Markdown extension's option: the toc permalink, or the tasklist's custom checkbox."""
    config = root / "mkdocs.yml"
    if rng.random() < 0.5:
        value = _set(config, r"^(\s+permalink: )(.*)$", ["true", '"#"', '"¶"', '"§"'], rng)
        return f"mkdocs.yml: toc permalink -> {value}"
    value = _set(config, r"^(\s+custom_checkbox: )(.*)$", ["true", "false"], rng)
    return f"mkdocs.yml: tasklist custom_checkbox -> {value}"


@edit
def mkdocs_palette(root: Path, rng: random.Random) -> str:
    value = _set(root / "mkdocs.yml", r"^(\s+primary: )(.*)$",
                 ["custom", "indigo", "teal", "deep orange"], rng)
    return f"mkdocs.yml: first palette's primary -> {value}"


@edit
def mkdocs_sidebar_limit(root: Path, rng: random.Random) -> str:
    """The handbook plugin's sidebar_limit: set (small values change the sidebars of this
    small site) or back to a comment (the default)."""
    line = _set(root / "mkdocs.yml", r"^(\s+)(#? ?sidebar_limit: \d+)",
                ["# sidebar_limit: 15", "sidebar_limit: 0", "sidebar_limit: 1",
                 "sidebar_limit: 2", "sidebar_limit: 15"], rng)
    return f"mkdocs.yml: handbook plugin {line}"
