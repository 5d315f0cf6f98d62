"""The authoring commands: `doctor`, `override`, `init`, `new`, `import-pairs` and `schema`,
thin front ends over generator/authoring/ that never build a site.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..authoring import doctor, init, scaffold
from ..authoring.schema import write_schemas
from ..engine import publish
from ..errors import HandbookError, relative
from .base import Say, content_option, fail, main, project_at, root_option, say_options


@main.command("doctor")
@root_option
@say_options
def doctor_command(root: Path, say: Say) -> None:
    """Check the project's own templates/ and site_overrides/ against this handbook's.

    Names each file that takes the place of a packaged one and whether the packaged original
    changed since it was copied, and each template extending a packaged one whose replaced
    block is gone. Exit code 1 when a file needs attention.
    """
    findings = doctor.examine(root.resolve())
    text, code = doctor.report(findings)
    *lines, closing = text.splitlines()
    for line in lines:  # -q: only the files to look at
        if say.level >= 0 or "NEEDS ATTENTION" in line:
            click.echo(line)
    if code or say.level >= 0:
        click.echo(closing)
    sys.exit(code)


@main.command("override")
@root_option
@click.argument("name")
@click.option("--extend", "mode", flag_value="extend",
              help="Write a template that extends the packaged one, to replace single blocks.")
@click.option("--diff", "mode", flag_value="diff",
              help="Show how the project's copy differs from the packaged file now.")
@click.option("--accept", "mode", flag_value="accept",
              help="Record that the project's copy was brought up to date with the packaged "
                   "file now (after --diff).")
@say_options
def override_command(root: Path, name: str, mode: str | None, say: Say) -> None:
    """Copy a packaged template or theme file (NAME: cohort.md.j2, partials/copyright.html,
    ...) into the project's templates/ or site_overrides/, where it wins over the packaged
    one. Its first line records the handbook version, for `handbook doctor`."""
    root = root.resolve()
    try:
        if mode == "diff":
            changes = doctor.diff(root, name)
            click.echo(changes or f"{name}: no difference from the packaged file.",
                       nl=not changes)
            return
        action = {"extend": doctor.extend, "accept": doctor.accept}.get(mode or "",
                                                                         doctor.override)
        written = action(root, name)
    except doctor.OverrideError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    shown = relative(written, root)
    say.done({"extend": f"Wrote {shown}: add the blocks you want to replace.",
              "accept": f"Recorded {shown} as up to date with handbook {doctor.version()}."}
             .get(mode or "", f"Wrote {shown}: a copy of the packaged file; it now wins over "
                              "it. `handbook doctor` tells you when the packaged one changes."))


# --- authoring helpers: thin commands over init, scaffold, importer and schema --------------


@main.command("init")
@click.argument("folder", type=click.Path(path_type=Path), default=Path("."))
@click.option("--example", is_flag=True,
              help="Copy the reverse-mentoring and buddy programs that ship with handbook, "
                   "with their topics, playbooks and training, instead of the starter.")
@say_options
def init_command(folder: Path, example: bool, say: Say) -> None:
    """Start a handbook project in FOLDER (a new or empty folder; default: this one).

    Writes content/ (a starter program with one cohort), mkdocs.yml, .gitignore, README.md
    and schemas/. Templates and theme come with handbook: the project needs no copy.
    """
    try:
        written = init.create(folder, example)
    except init.InitError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    except HandbookError as error:
        fail(error)
    except OSError as error:
        click.echo(publish.describe(error, "write", folder), err=True)
        sys.exit(1)
    for path in written:
        say.detail(f"  {relative(path, folder)}")
    what = "the example programs" if example else "a starter program and cohort"
    here = folder.resolve() == Path.cwd().resolve()
    say.done(f"Created a handbook project with {what} in "
             f"{'this folder' if here else folder.as_posix() + '/'}. Next: "
             f"{'' if here else f'cd {folder.as_posix()} && '}handbook serve")


@main.group()
def new() -> None:
    """Start a program or cohort from a complete, commented file that passes `check`."""


@new.command("program")
@root_option
@content_option
@click.argument("ident", metavar="ID")
@say_options
def new_program_command(root: Path, content: Path | None, ident: str, say: Say) -> None:
    """Write content/programs/ID/program.yml (ID: lowercase letters, digits, hyphens)."""
    try:
        written = scaffold.new_program(root, ident, project_at(root, content).content)
    except HandbookError as error:
        fail(error)
    say.done(f"Wrote {written}: a complete example program. Edit it, then run "
             "`handbook check`.")


@new.command("cohort")
@root_option
@content_option
@click.argument("program")
@click.argument("ident", metavar="ID")
@say_options
def new_cohort_command(root: Path, content: Path | None, program: str, ident: str,
                       say: Say) -> None:
    """Write content/programs/PROGRAM/cohorts/ID.yml for an existing program."""
    try:
        written = scaffold.new_cohort(root, program, ident,
                                      content=project_at(root, content).content)
    except HandbookError as error:
        fail(error)
    say.done(f"Wrote {written}: a complete example cohort. Set its dates and coordinator, "
             f"import the pairs with `handbook import-pairs {program} {ident} FILE`, then "
             "run `handbook check`.")


def _column_option(name: str, example: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(f"--{name.replace('_', '-')}-column", name, metavar="HEADER",
                        help=f"Header of the {name.replace('_', ' ')} column, e.g. {example!r} "
                             "(default: recognised by its header).")


@main.command("import-pairs")
@root_option
@click.argument("program")
@click.argument("cohort")
@click.argument("spreadsheet", type=click.Path(dir_okay=False, path_type=Path))
@_column_option("mentor", "Senior colleague")
@_column_option("mentee", "Junior colleague")
@_column_option("department", "Cost centre")
@_column_option("mentor_email", "Senior e-mail")
@_column_option("mentee_email", "Junior e-mail")
@click.option("--append", is_flag=True,
              help="Add to the cohort's pairs, skipping pairs already there, instead of "
                   "replacing them.")
@content_option
@say_options
def import_pairs_command(root: Path, program: str, cohort: str, spreadsheet: Path,
                         append: bool, content: Path | None, say: Say,
                         **columns: str | None) -> None:
    """Read mentor-mentee pairs from a .csv or .xlsx export into a cohort file.

    Columns are found by their headers (Mentor, Mentee, Department, Mentor email, Mentee
    email and common variants); rows that cannot be used are reported and skipped.
    """
    try:
        from ..authoring import importer  # ruamel.yaml: only for the commands that edit

        result = importer.import_pairs(root, program, cohort, spreadsheet, str(spreadsheet),
                                       columns, append=append,
                                       content=project_at(root, content).content)
    except HandbookError as error:
        fail(error)
    for problem in result.skipped:
        click.echo(problem.format(), err=True)  # a skipped row is a problem: -q shows it
    say.done(result.summary())


@main.command()
@root_option
@say_options
def schema(root: Path, say: Say) -> None:
    """Write schemas/<kind>.schema.json (JSON Schema) for editors, from the content models."""
    written = write_schemas(root)
    for path in written:
        say.detail(f"  {relative(path, root)}")
    names = ", ".join(p.name for p in written)
    say.done(f"Wrote {len(written)} JSON Schemas to {relative(written[0].parent, root)}/: "
             f"{names}.")
def _numbered(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
              ) -> dict[int, str]:
    """`--column 2=Satisfaction (1-5)` -> {2: 'Satisfaction (1-5)'}."""
    named = {}
    for value in values:
        number, sep, header = value.partition("=")
        if not sep or not number.strip().isdigit() or not header.strip():
            raise click.BadParameter(f"{value!r}: write the question's number, '=' and the "
                                     "column header, e.g. --column \"2=Satisfaction (1-5)\"")
        named[int(number)] = header.strip()
    return named


@main.command("import-survey")
@root_option
@click.argument("program")
@click.argument("cohort")
@click.argument("survey")
@click.argument("spreadsheet", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--column", "columns", multiple=True, metavar="N=HEADER", callback=_numbered,
              help="The column of the survey's question N (1 for its first), when its header "
                   "is worded differently; repeatable.")
@content_option
@say_options
def import_survey_command(root: Path, program: str, cohort: str, survey: str,
                          spreadsheet: Path, columns: dict[int, str], content: Path | None,
                          say: Say) -> None:
    """Store a survey export (.csv or .xlsx from Microsoft or Google Forms) as aggregate
    results of a cohort; SURVEY `attendance` reads meetings held per pair instead.

    Columns are matched to the survey's questions by their text; answers outside a
    question's scale are reported by row and skipped. Names, emails and free-text answers
    are never stored.
    """
    try:
        from ..authoring import survey_import

        result = survey_import.import_survey(root, program, cohort, survey, spreadsheet,
                                             str(spreadsheet), columns,
                                             content=project_at(root, content).content)
    except HandbookError as error:
        fail(error)
    for problem in result.skipped:
        click.echo(problem.format(), err=True)
    say.done(result.summary())


