"""What every `handbook` command shares: the command group, the --root, --content, --engine,
-q and -v options, and the two ways a command fails (a content error, a write error).

Why a module of its own: the build commands (cli/__init__.py) and the authoring commands
(cli/authoring.py) both hang off `main`, and neither should import the other.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..engine import engines, publish
from ..errors import HandbookError
from ..pipeline import Project

root_option = click.option("--root", type=click.Path(file_okay=False, path_type=Path),
                           default=Path("."), show_default=True,
                           help="Project folder holding mkdocs.yml, content/ and templates/.")
content_option = click.option(
    "--content", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Content folder, when it is not content/ in the project folder (a path from the "
         "current folder).")


def project_at(root: Path, content: Path | None) -> Project:
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


def require_engine(name: str) -> engines.Engine:
    try:
        return engines.ENGINES[name].require()
    except engines.EngineMissing as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)


def fail(error: HandbookError) -> None:
    click.echo(error.report(), err=True)
    sys.exit(1)


def fail_writing(error: OSError, root: Path) -> None:
    """A full disk or a folder we may not write: one line naming the path, exit 1."""
    click.echo(publish.describe(error, "write", Path(root)), err=True)
    sys.exit(1)


@click.group()
@click.version_option(package_name="handbook", prog_name="handbook",
                      message="%(prog)s %(version)s")
def main() -> None:
    """Build mentoring-program handbooks from YAML content."""


