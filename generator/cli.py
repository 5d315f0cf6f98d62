"""The `handbook` command: a thin front end over the pipeline, like the MkDocs plugin.

User mistakes print as located messages with exit code 1 and no traceback; everything else
is a bug and raises normally.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from .errors import HandbookError
from .mkdocs_plugin import SKIP_ENV
from .pipeline import Project, generate, prepare

root_option = click.option("--root", type=click.Path(file_okay=False, path_type=Path),
                           default=Path("."), show_default=True,
                           help="Project folder holding mkdocs.yml, content/ and templates/.")


def _fail(error: HandbookError) -> None:
    click.echo(error.report(), err=True)
    sys.exit(1)


@click.group()
def main() -> None:
    """Build mentoring-program handbooks from YAML content."""


@main.command()
@root_option
def check(root: Path) -> None:
    """Validate the content and render every page in memory; write nothing."""
    try:
        result = prepare(Project.at(root))
    except HandbookError as error:
        _fail(error)
    click.echo(f"Content is valid: {result.summary()}.")


@main.command()
@root_option
@click.option("--strict/--no-strict", default=True, show_default=True,
              help="Treat MkDocs warnings (broken links, missing pages) as errors.")
def build(root: Path, strict: bool) -> None:
    """Generate the pages, then build the site into site/ (the old site stays on failure)."""
    try:
        result = generate(Project.at(root))
    except HandbookError as error:
        _fail(error)
    # No --quiet: it hides warnings from MkDocs' counter, and --strict would pass them.
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(Path(root) / "mkdocs.yml")]
    if strict:
        command.append("--strict")
    env = {**os.environ, SKIP_ENV: "1", "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(command, env=env, check=False)
    if done.returncode != 0:
        click.echo("MkDocs failed; the previous site/ is unchanged.", err=True)
        sys.exit(1)
    click.echo(f"Built site/: {result.summary()} (generator stage).")


@main.command()
@root_option
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True)
def serve(root: Path, dev_addr: str) -> None:
    """Preview with live reload: edits under content/ or templates/ rebuild the site."""
    os.execv(sys.executable, [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", dev_addr,
                              "-f", str(Path(root) / "mkdocs.yml")])
