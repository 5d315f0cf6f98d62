"""`handbook new`: start a program or cohort from a complete, commented, valid file.

Why: copying an existing file drags its content along and hides which keys are optional. A
scaffold names every key with a comment saying what it is for, uses realistic values and only
references ids that exist in the content folder at hand, so it passes `handbook check` as
written and the author edits from a working state instead of debugging a blank page.

The files are Jinja templates (`templates/scaffold/`, overridable like page templates by a file
of the same name in the project's templates/), and each key's comment is the `description` of
its model field, the same text the JSON Schema shows: one source of truth for both.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from pydantic import BaseModel

from .. import resources
from ..errors import ContentError, HandbookError, did_you_mean, relative
from ..load.loader import YAML_SUFFIXES, discover, parse_yaml
from ..render.pages import PACKAGED_PREFIX
from ..validate import models
from ..validate.models import SLUG_PATTERN
from .schema import schema_comment

SESSIONS_IF_UNKNOWN = 12  # only sizes the example end_by when the program cannot be read


@dataclass(frozen=True)
class ExistingIds:
    """The ids a scaffold may reference: what exists in the content folder right now (not the
    validated `Library` of validate/, which needs a whole valid site)."""

    topics: list[str]
    challenges: list[str]
    modules: dict[str, list[str]]  # module id -> audiences

    @classmethod
    def scan(cls, content: Path) -> ExistingIds:
        topics, challenges, modules = [], [], {}
        for kind, ident, path, _ in discover(content):
            if not re.fullmatch(SLUG_PATTERN, ident):
                continue  # `check` reports it; a scaffold must not reference it
            if kind == "topic":
                topics.append(ident)
            elif kind == "challenge":
                challenges.append(ident)
            elif kind == "module":
                audience = _read(path, "audience")
                if isinstance(audience, list):
                    modules[ident] = [str(a) for a in audience]
        return cls(sorted(topics), sorted(challenges), modules)

    def modules_for(self, audience: str, prefer: Iterable[str], count: int) -> list[str]:
        """Modules meant for `audience` (a curriculum naming any other fails `check`)."""
        fitting = [m for m, audiences in self.modules.items() if audience in audiences]
        return pick(fitting, prefer, count)


def pick(available: Iterable[str], prefer: Iterable[str], count: int) -> list[str]:
    """Up to `count` ids: the preferred ones that exist first, then the rest in order."""
    pool = sorted(set(available))
    chosen = [p for p in prefer if p in pool]
    chosen += [p for p in pool if p not in chosen]
    return chosen[:count]


def _read(path: Path, key: str) -> object:
    """One top-level value of a YAML file, or None if the file cannot be read."""
    try:
        data, _ = parse_yaml(path.read_text(encoding="utf-8"), path.name)
    except (HandbookError, OSError, UnicodeDecodeError):
        return None
    return data.get(key) if isinstance(data, dict) else None


def _check_id(ident: str, what: str, path: Path, root: Path) -> None:
    if not re.fullmatch(SLUG_PATTERN, ident):
        raise HandbookError([ContentError(
            relative(path, root), f"the {what} {ident!r} is not a valid id",
            hint="use lowercase letters, digits and single hyphens, e.g. spring-2028",
        )])


def _existing(folder: Path, stem: str) -> Path | None:
    for suffix in YAML_SUFFIXES:
        if (folder / f"{stem}{suffix}").exists():
            return folder / f"{stem}{suffix}"
    return None


def _refuse_existing(folder: Path, stem: str, root: Path) -> None:
    found = _existing(folder, stem)
    if found is not None:
        raise HandbookError([ContentError(
            relative(found, root), "the file already exists",
            hint="pick another id, or edit the existing file",
        )])


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML), so no value is misread."""
    return json.dumps(text, ensure_ascii=False)


def _flow(ids: list[str]) -> str:
    return "[" + ", ".join(ids) + "]"


def _humanise(ident: str) -> str:
    words = ident.replace("-", " ")
    return words[:1].upper() + words[1:]


def describe(model: str, field: str) -> str:
    """The description of a model field, as the JSON Schema shows it: a scaffold's comment."""
    cls = getattr(models, model, None)
    if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
        raise LookupError(f"no content model named {model!r}")
    description = cls.model_fields[field].description
    if not description:
        raise LookupError(f"{model}.{field} has no description")
    return description


def _environment(templates: Path | None) -> jinja2.Environment:
    """The project's templates/ first, then the packaged ones, as for pages (render.pages):
    `handbook override scaffold/cohort.yml.j2` gives a project its own scaffold."""
    packaged = resources.default_templates()
    folders = [str(packaged)]
    if templates is not None and templates.is_dir() and templates.resolve() != packaged.resolve():
        folders.insert(0, str(templates))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([
            jinja2.PrefixLoader({PACKAGED_PREFIX: jinja2.FileSystemLoader(str(packaged))}),
            jinja2.FileSystemLoader(folders)]),
        undefined=jinja2.StrictUndefined, autoescape=False,  # the output is YAML, not HTML
        trim_blocks=True, keep_trailing_newline=True)
    env.filters["q"] = _q
    env.filters["flow"] = _flow
    env.globals["describe"] = describe
    return env


def render(name: str, templates: Path | None, **values: Any) -> str:
    """One scaffold template (`scaffold/<name>`) filled in."""
    return _environment(templates).get_template(f"scaffold/{name}").render(**values)


def _write(path: Path, text: str, root: Path) -> str:
    """Check the text parses, then write it; returns the path as messages show it."""
    parse_yaml(text, relative(path, root))  # a scaffold bug must never write a broken file
    path.parent.mkdir(parents=True, exist_ok=True)
    # "x": never overwrite, even in a race; "\n": the same file on Windows as elsewhere.
    with path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return relative(path, root)


# --- program -------------------------------------------------------------------------------


def new_program(root: Path, ident: str, content: Path | None = None) -> str:
    """Write content/programs/<id>/program.yml; returns its path relative to root."""
    content = content or root / "content"
    folder = content / "programs" / ident
    _check_id(ident, "program id", folder / "program.yml", root)
    _refuse_existing(folder, "program", root)
    path = folder / "program.yml"
    text = program_text(ident, ExistingIds.scan(content), schema_comment("program", path, root),
                        root / "templates")
    return _write(path, text, root)


def program_text(ident: str, library: ExistingIds, comment: str,
                 templates: Path | None = None) -> str:
    """The scaffold of a program: every key, a comment on each, ids that exist."""
    topics = pick(library.topics, ["digital-tools", "expectations-of-work"], 2)
    challenges = pick(library.challenges, ["meetings-drifting", "managing-expectations"], 2)
    curricula = {
        "mentor": library.modules_for("mentor", ["program-orientation", "active-listening"], 2),
        "mentee": library.modules_for("mentee", ["program-orientation", "feedback-both-ways"], 2),
        "coordinator": library.modules_for(
            "coordinator", ["program-orientation", "coordinator-launch-and-matching"], 2),
    }
    missing = [what for what, ids in (("topic guides", library.topics),
                                      ("challenge playbooks", library.challenges),
                                      ("training modules", list(library.modules))) if not ids]
    note = ""
    if missing:
        listed = ", ".join(missing[:-1]) + (" or " if len(missing) > 1 else "") + missing[-1]
        note = textwrap.fill(f"content/ has no {listed} yet, so the lists that reference "
                             "them are empty: add their ids once the files exist.",
                             width=98, initial_indent="# ", subsequent_indent="# ")
    return render("program.yml.j2", templates, schema_comment=comment, ident=ident,
                  title=_humanise(ident), note=note, curricula=curricula,
                  challenges=challenges, kickoff_topics=topics[:1], review_topics=topics[1:2],
                  kickoff_challenges=challenges[1:2] or challenges[:1],
                  review_challenges=challenges[:1])


# --- cohort --------------------------------------------------------------------------------


def new_cohort(root: Path, program: str, ident: str, today: dt.date | None = None,
               content: Path | None = None) -> str:
    """Write content/programs/<program>/cohorts/<id>.yml; returns its path relative to root."""
    content = content or root / "content"
    program_dir = content / "programs" / program
    _check_id(program, "program id", program_dir / "program.yml", root)
    _check_id(ident, "cohort id", program_dir / "cohorts" / f"{ident}.yml", root)
    program_file = _existing(program_dir, "program")
    if program_file is None:
        known = [i for k, i, _, _ in discover(content) if k == "program"]
        raise HandbookError([ContentError(
            relative(program_dir / "program.yml", root), f"there is no program {program!r}",
            hint=did_you_mean(program, known, "programs")
            + f"; create it first with `handbook new program {program}`",
        )])
    _refuse_existing(program_dir / "cohorts", ident, root)
    plan = _read(program_file, "meeting_plan")
    sessions = len(plan) if isinstance(plan, list) and plan else SESSIONS_IF_UNKNOWN
    path = program_dir / "cohorts" / f"{ident}.yml"
    text = cohort_text(program, ident, sessions, today or dt.date.today(),
                       schema_comment("cohort", path, root), root / "templates")
    return _write(path, text, root)


def _first_of_month_after(day: dt.date) -> dt.date:
    if day.day == 1:
        return day
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def cohort_text(program: str, ident: str, sessions: int, today: dt.date, comment: str,
                templates: Path | None = None) -> str:
    """The scaffold of a cohort: dates a few weeks ahead, an end_by the plan fits into."""
    start = _first_of_month_after(today + dt.timedelta(days=21))
    blackout = start + dt.timedelta(days=42)
    # every 2 weeks, plus a week to reach the weekday and room for moved or skipped meetings
    end_by = start + dt.timedelta(weeks=2 * sessions + 8)
    return render("cohort.yml.j2", templates, schema_comment=comment, program=program,
                  ident=ident, title=_humanise(ident), start=start.isoformat(),
                  blackout_start=blackout.isoformat(),
                  blackout_end=(blackout + dt.timedelta(days=4)).isoformat(),
                  end_by=end_by.isoformat())
