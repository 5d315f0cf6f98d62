"""`handbook init`: a new handbook project that checks, builds and serves as it stands.

Why: a team should start from a working project, not from a copy of this repository. The
project holds only what the team owns: its content, a `mkdocs.yml`, a `.gitignore` and a
README. Templates and theme overrides stay in the installed package, so an upgrade reaches
every page the team did not override (see `resources.py`).

The project files are text shipped beside the templates (`templates/project/`), one copy that
a test keeps in line with the repository's own `mkdocs.yml`. The starter content is made by
the same scaffolds `handbook new` uses, plus one topic guide, challenge playbook and training
module copied from the shipped example, so every kind of page shows from the first build.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from .. import resources
from . import scaffold
from .schema import schema_comment, write_schemas

STARTER_PROGRAM = "mentoring-program"
STARTER_COHORT = "first-cohort"
# Example files the starter copies, chosen because they fit any program (ids the program
# scaffold prefers, so it references them).
STARTER_EXAMPLES = ("topics/digital-tools.yml", "challenges/meetings-drifting.yml",
                    "training/program-orientation.yml")
# Shipped name -> name in the project (a dot-file may not survive packaging).
PROJECT_FILES = {"mkdocs.yml": "mkdocs.yml", "gitignore": ".gitignore", "README.md": "README.md"}

SITE_YML = """\
{comment}
# Site-wide settings: the name on every page, the program office contact and the privacy mode.
title: Our Mentoring Handbook   # shown in the header of every page
organisation: Example Organisation   # shown in the footer
description: >-   # one sentence for the home page
  Program handbooks, cohort schedules, meeting agendas and training for our mentoring programs.
contact:   # the program office, shown in the footer of every page
  name: People Development Office
  email: mentoring@example.com
  phone: "Ext. 1234"
# url: https://intranet.example.com/mentoring   # where the site is published (optional)
# internal: names, pairs and contact details are shown; public: no participant appears anywhere.
privacy: internal
"""


class InitError(Exception):
    """The target cannot take a new project; the message is one line for the command."""


def create(target: Path, example: bool = False, today: dt.date | None = None) -> list[Path]:
    """Make a project in `target` (new, or an empty folder); returns the files written."""
    _refuse_unless_empty(target)
    target.mkdir(parents=True, exist_ok=True)
    for shipped, name in PROJECT_FILES.items():
        shutil.copyfile(resources.project_files() / shipped, target / name)
    content = target / "content"
    if example:
        shutil.copytree(resources.example_content(), content,
                        ignore=shutil.ignore_patterns(".*", "__pycache__"))
    else:
        _starter(target, content, today or dt.date.today())
    write_schemas(target)  # the files' first-line comments point editors at these
    return sorted(p for p in target.rglob("*") if p.is_file())


def _refuse_unless_empty(target: Path) -> None:
    here = target.resolve() == Path.cwd().resolve()
    shown = "this folder" if here else target.as_posix()
    if target.is_dir():
        if any(target.iterdir()):
            raise InitError(f"{shown} is not empty: `handbook init` only writes into a new or "
                            "empty folder, so that nothing there is overwritten")
    elif target.exists() or target.is_symlink():
        raise InitError(f"{shown} exists and is not a folder: choose another name")


def _starter(root: Path, content: Path, today: dt.date) -> None:
    """site.yml, three library files, and a program with one cohort from the scaffolds."""
    content.mkdir()
    comment = schema_comment("site", content / "site.yml", root)
    (content / "site.yml").write_text(SITE_YML.format(comment=comment), encoding="utf-8",
                                      newline="\n")  # the same file on every system
    for name in STARTER_EXAMPLES:
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(resources.example_content() / name, content / name)
    scaffold.new_program(root, STARTER_PROGRAM)
    scaffold.new_cohort(root, STARTER_PROGRAM, STARTER_COHORT, today)
