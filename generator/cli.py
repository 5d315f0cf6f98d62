"""The `handbook` command: a thin front end over the pipeline, like the MkDocs plugin.

User mistakes print as located messages with exit code 1 and no traceback; everything else
is a bug and raises normally.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .authoring import doctor, importer, init, scaffold, survey_import
from .authoring.schema import write_schemas
from .engine import engines, publish
from .errors import HandbookError, relative
from .pipeline import Project, generate, prepare, write_bare_config
from .write.engine_config import CONFIG_NAME

root_option = click.option("--root", type=click.Path(file_okay=False, path_type=Path),
                           default=Path("."), show_default=True,
                           help="Project folder holding mkdocs.yml, content/ and templates/.")
content_option = click.option(
    "--content", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Content folder, when it is not content/ in the project folder (a path from the "
         "current folder).")


def _project(root: Path, content: Path | None) -> Project:
    return Project.at(root, content=str(content.resolve())) if content else Project.at(root)


class Say:
    """What a command prints, set by -q and -v.

    quiet: problems only (errors, MkDocs warnings, skipped rows), so a scheduled job stays
    silent unless someone has to act; the exit code says whether it worked.
    normal: problems, progress on stderr, and one closing line on stdout.
    verbose: also the seconds each stage took and, for build, MkDocs' own INFO lines.
    """

    def __init__(self, level: int) -> None:
        self.level = level

    @property
    def verbose(self) -> bool:
        return self.level > 0

    def done(self, text: str) -> None:
        """The closing line: what was done (stdout, so it can be read by a script)."""
        if self.level >= 0:
            click.echo(text)

    def progress(self, text: str) -> None:
        if self.level >= 0:
            click.echo(text, err=True)

    def detail(self, text: str) -> None:
        if self.level > 0:
            click.echo(text, err=True)

    def timings(self, timings: dict[str, float]) -> None:
        for stage, seconds in timings.items():
            self.detail(f"  {stage:<9} {seconds:6.2f} s")


def say_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """-q/--quiet and -v/--verbose, handed to the command as one `say`."""

    @functools.wraps(command)
    def wrapper(*args: Any, quiet: bool, verbose: bool, **kwargs: Any) -> Any:
        if quiet and verbose:
            raise click.UsageError("--quiet and --verbose ask for opposite things: give one.")
        return command(*args, say=Say(-1 if quiet else 1 if verbose else 0), **kwargs)

    wrapper = click.option("-v", "--verbose", is_flag=True,
                           help="Also print the time each stage took (build: and MkDocs' "
                                "progress).")(wrapper)
    return click.option("-q", "--quiet", is_flag=True,
                        help="Print only problems: errors and warnings.")(wrapper)


engine_option = click.option(
    "--engine", type=click.Choice(sorted(engines.ENGINES)), default="mkdocs", show_default=True,
    help="The engine that builds the site from the generated build/mkdocs.yml (properdocs "
         "and zensical: pip install 'handbook[properdocs]' or 'handbook[zensical]').")


def _engine(name: str) -> engines.Engine:
    try:
        return engines.ENGINES[name].require()
    except engines.EngineMissing as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)


def _fail(error: HandbookError) -> None:
    click.echo(error.report(), err=True)
    sys.exit(1)


def _fail_writing(error: OSError, root: Path) -> None:
    """A full disk or a folder we may not write: one line naming the path, exit 1."""
    click.echo(publish.describe(error, "write", Path(root)), err=True)
    sys.exit(1)


@click.group()
@click.version_option(package_name="handbook", prog_name="handbook",
                      message="%(prog)s %(version)s")
def main() -> None:
    """Build mentoring-program handbooks from YAML content."""


@main.command()
@root_option
@content_option
@say_options
def check(root: Path, content: Path | None, say: Say) -> None:
    """Validate the content and render every page in memory; write nothing."""
    try:
        result = prepare(_project(root, content))
    except HandbookError as error:
        _fail(error)
    say.timings(result.timings)
    say.done(f"Content is valid: {result.summary(result.seconds)}.")


@main.command("generate")
@root_option
@content_option
@say_options
def generate_command(root: Path, content: Path | None, say: Say) -> None:
    """Write the pages into build/docs and the engine's config as build/mkdocs.yml (with
    build/theme, the theme folder it names); build nothing. Any engine then builds the site:
    mkdocs, properdocs or zensical `build -f build/mkdocs.yml`."""
    started = time.perf_counter()
    project = _project(root, content)
    try:
        result = generate(project)
    except HandbookError as error:
        _fail(error)
    except OSError as error:
        _fail_writing(error, root)
    say.timings(result.timings)
    say.done(f"Generated {relative(project.build / CONFIG_NAME, project.root)}: "
             f"{result.summary(time.perf_counter() - started)}.")


@main.command()
@root_option
@content_option
@click.option("--strict/--no-strict", default=True, show_default=True,
              help="Treat the engine's warnings (broken links, missing pages) as errors.")
@engine_option
@say_options
def build(root: Path, content: Path | None, strict: bool, engine: str, say: Say) -> None:
    """Generate the pages, then build the site into site/ (the old site stays on failure).

    The engine builds from the generated build/mkdocs.yml into a hidden staging folder beside
    site/; only a build that finished (and passed --strict) is swapped in, by `publish`.
    Ctrl-C, `kill` or a full disk at any moment leave the previous site/ whole; the next build
    clears what an interrupted one left.
    """
    chosen = _engine(engine)
    started = time.perf_counter()
    config_file = Path(root) / "mkdocs.yml"
    site = publish.site_folder(config_file)
    staging: Path | None = None
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        publish.recover(site)
        project = _project(root, content)
        say.progress(f"Generating pages from {relative(project.content, project.root)}/ ...")
        result = generate(project)
        report = result.report
        assert report is not None
        say.progress(f"  {len(result.outputs)} files: {len(report.written)} written, "
                     f"{len(report.removed)} removed, {report.unchanged} unchanged "
                     f"({result.seconds:.1f} s)")
        say.timings(result.timings)
        if (note := doctor.warning(project.root)) is not None:  # one line, not the report
            click.echo(note, err=True)
        say.progress(f"Building {site.name}/ with {chosen.label} ...")
        engine_started = time.perf_counter()
        staging = publish.stage(site)
        if not _run_engine(chosen, project.build / CONFIG_NAME, staging, strict, say.verbose,
                           result.plan.site.get("source_date_epoch")):
            click.echo(f"{chosen.label} failed; the previous {site.name}/ is unchanged.",
                       err=True)
            sys.exit(1)
        publish.swap(staging, site)
        publish.recover(site)  # leftovers a killed engine was still writing at the start
        say.timings({engine: time.perf_counter() - engine_started})
    except HandbookError as error:
        _fail(error)
    except publish.PublishError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    except OSError as error:  # e.g. a full disk while the generator writes build/docs
        _fail_writing(error, root)
    except KeyboardInterrupt as interrupt:
        swapped = staging is not None and not staging.exists() and site.is_dir()
        click.echo(f"Interrupted; the new {site.name}/ was already published." if swapped
                   else f"Interrupted; the previous {site.name}/ is unchanged.", err=True)
        sys.exit(getattr(interrupt, "code", 128 + signal.SIGINT))
    finally:
        signal.signal(signal.SIGTERM, previous)
        if staging is not None and staging.exists():
            publish.discard(staging)
    say.done(f"Built {site.name}/: {result.summary(time.perf_counter() - started)}.")


class _Terminated(KeyboardInterrupt):
    """SIGTERM (`kill PID`) ends a build the way Ctrl-C does: engine stopped, site kept."""

    code = 128 + signal.SIGTERM


def _terminated(signum: int, frame: object) -> None:
    raise _Terminated


def _die_with_parent() -> None:
    """Linux: the kernel stops MkDocs if `handbook` dies, even by SIGKILL."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


# "OSError: [Errno 28] No space left on device: 'path'", or with shutil's two paths
# "...: 'source' -> 'target'": the target is the one being written.
ENGINE_OSERROR = re.compile(
    r"^\w*(?:Error|Exception): \[Errno (\d+)\] ([^:']+)(?:: '(?:.*?' -> ')?(.*)')?")


def _run_engine(engine: engines.Engine, config_file: Path, staging: Path, strict: bool,
                verbose: bool = False, source_date_epoch: int | None = None) -> bool:
    """The engine on the generated config into `staging`, passing on its warnings and errors
    (and, verbose, its INFO lines); True if it succeeded."""
    # No --quiet: it hides warnings from MkDocs' counter, and --strict would pass them.
    command = engine.build_command(config_file, staging, strict)
    output = None if engine.takes_site_dir else engine.output(config_file)
    if output is not None and output.exists():  # what a failed run left
        shutil.rmtree(output)
    env = engines.environment(source_date_epoch)
    crash: list[str] = []  # a traceback is held back: a full disk there is one line
    # Own session: Ctrl-C reaches only `handbook`, which stops the engine and its workers.
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          encoding="utf-8", errors="replace",
                          start_new_session=os.name == "posix",
                          preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                          ) as process:
        assert process.stdout is not None
        try:
            for line in process.stdout:  # pass on warnings and errors, not MkDocs' chatter
                if crash or line.startswith("Traceback"):
                    crash.append(line.rstrip())
                elif line.strip() and (verbose or not line.startswith("INFO")):
                    click.echo(line.rstrip(), err=True)
        except BaseException:
            _stop(process)
            raise
    if process.returncode != 0 and crash:
        found = ENGINE_OSERROR.match(crash[-1])
        if not found:
            click.echo("\n".join(crash), err=True)  # a bug: show all of it
            return False
        number, reason, path = found.groups()
        error = OSError(int(number), reason.strip(), path)
        raise publish.PublishError(publish.describe(error, "write", staging))
    if process.returncode == 0 and output is not None:
        engines.move_output(output, staging)
    return process.returncode == 0


def _stop(process: subprocess.Popen[str]) -> None:
    """End the engine and any worker it forked (they share its process group)."""
    stop: Callable[[int], None] = (
        (lambda sig: os.killpg(process.pid, sig)) if os.name == "posix" else
        (lambda sig: process.terminate()))
    with contextlib.suppress(ProcessLookupError):
        stop(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            stop(getattr(signal, "SIGKILL", signal.SIGTERM))
        process.wait()


@main.command()
@root_option
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True)
@engine_option
def serve(root: Path, dev_addr: str, engine: str) -> None:
    """Preview with live reload: edits under content/ or templates/ rebuild the site.

    Generates, then runs the engine's `serve` on build/mkdocs.yml. MkDocs and ProperDocs run
    with --dirty: they rebuild only pages whose generated file changed (the generator leaves
    unchanged files alone), the handbook plugin regenerates before every rebuild and marks
    every page changed when the navigation changes, so sidebars never go stale. Zensical runs
    no plugin: run `handbook generate` after an edit, and it picks up the new files.
    """
    chosen = _engine(engine)
    project = Project.at(root)
    try:
        generate(project, record_revisions=False)  # a preview publishes nothing
    except HandbookError as error:
        if not chosen.takes_site_dir:  # no plugin to show the error in the preview
            _fail(error)
        # The plugin shows the report in the preview and rebuilds once it is fixed; the
        # engine needs a config to start with.
        if not (project.build / CONFIG_NAME).is_file():
            try:
                write_bare_config(project)
            except HandbookError as bare:  # mkdocs.yml itself is broken
                _fail(bare)
    except OSError as error:
        _fail_writing(error, root)
    command = chosen.serve_command(project.build / CONFIG_NAME, dev_addr)
    if sys.platform == "win32":  # no exec there: execv would end this process and give the
        sys.exit(subprocess.call(command))  # prompt back while MkDocs runs on, so wait
    os.execv(sys.executable, command)


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
        _fail(error)
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
        written = scaffold.new_program(root, ident, _project(root, content).content)
    except HandbookError as error:
        _fail(error)
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
                                      content=_project(root, content).content)
    except HandbookError as error:
        _fail(error)
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
        result = importer.import_pairs(root, program, cohort, spreadsheet, str(spreadsheet),
                                       columns, append=append,
                                       content=_project(root, content).content)
    except HandbookError as error:
        _fail(error)
    for problem in result.skipped:
        click.echo(problem.format(), err=True)  # a skipped row is a problem: -q shows it
    say.done(result.summary())


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
        result = survey_import.import_survey(root, program, cohort, survey, spreadsheet,
                                             str(spreadsheet), columns,
                                             content=_project(root, content).content)
    except HandbookError as error:
        _fail(error)
    for problem in result.skipped:
        click.echo(problem.format(), err=True)
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
