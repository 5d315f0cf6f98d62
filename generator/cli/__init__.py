"""The `handbook` command: a thin front end over the pipeline, like the MkDocs plugin.

This module holds the commands that read content and build (`check`, `generate`, `build`,
`serve`); the authoring commands are in authoring.py, what both share in base.py.

User mistakes print as located messages with exit code 1 and no traceback; everything else
is a bug and raises normally.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from ..authoring import doctor
from ..engine import engines, inprocess, page_cache, publish, uptodate
from ..engine import pdf as pdfs
from ..errors import HandbookError, relative
from ..pipeline import Project, Result, generate_all, prepare_all, write_bare_config
from ..validate.overlays import coverage_report
from ..write.engine_config import CONFIG_NAME
from . import authoring as authoring  # registers the authoring commands on `main`
from .base import (
    Say,
    content_option,
    engine_option,
    fail,
    fail_writing,
    main,
    project_at,
    require_engine,
    root_option,
    say_options,
)

__all__ = ["main"]


@main.command()
@root_option
@content_option
@say_options
def check(root: Path, content: Path | None, say: Say) -> None:
    """Validate the content and render every page in memory; write nothing."""
    try:
        results = [result for _, result in prepare_all(project_at(root, content))]
    except HandbookError as error:
        fail(error)
    for result in results:
        say.timings(result.timings)
    if len(results) > 1:  # a report, not errors: an untranslated text falls back
        say.done(coverage_report([c for r in results for c in r.coverage],
                                 [str(r.language) for r in results]))
    say.done(f"Content is valid: {_summary(results, sum(r.seconds for r in results))}.")


def _summary(results: list[Result], seconds: float) -> str:
    """The closing line's figures; a multi-language site names its languages."""
    line = results[0].summary(seconds)
    if results[0].language is None:
        return line
    return f"{len(results)} languages ({', '.join(str(r.language) for r in results)}), {line}"


@main.command("generate")
@root_option
@content_option
@click.option("--clean", is_flag=True, default=False,
              help="Ignore the generator's cache (build/cache/generator/): render every page "
                   "again, and store it afresh.")
@say_options
def generate_command(root: Path, content: Path | None, clean: bool, say: Say) -> None:
    """Write the pages into build/docs and the engine's config as build/mkdocs.yml (with
    build/theme, the theme folder it names); build nothing. Any engine then builds the site:
    mkdocs, properdocs or zensical `build -f build/mkdocs.yml`."""
    started = time.perf_counter()
    project = dataclasses.replace(project_at(root, content), cache=not clean)
    try:
        built = generate_all(project)
    except HandbookError as error:
        fail(error)
    except OSError as error:
        fail_writing(error, root)
    for _, result in built:
        say.timings(result.timings)
    configs = ", ".join(relative(p.build / CONFIG_NAME, project.root) for p, _ in built)
    say.done(f"Generated {configs}: "
             f"{_summary([r for _, r in built], time.perf_counter() - started)}.")


@main.command()
@root_option
@content_option
@click.option("--strict/--no-strict", default=True, show_default=True,
              help="Treat the engine's warnings (broken links, missing pages) as errors.")
@engine_option
@click.option("--pdf/--no-pdf", default=True, show_default=True, envvar="HANDBOOK_PDF",
              help="Print a PDF of each cohort and of each pack with Chromium and link them "
                   "from the cohort page (`pdf: false` in content/site.yml turns them off "
                   "too; so does the environment variable HANDBOOK_PDF=0).")
@click.option("--clean", is_flag=True, default=False,
              help="Ignore the build cache (build/cache/) and build every page again.")
@say_options
def build(root: Path, content: Path | None, strict: bool, engine: str, pdf: bool,
          clean: bool, say: Say) -> None:
    """Generate the pages, then build the site into site/ (the old site stays on failure).

    The engine builds from the generated build/mkdocs.yml into a hidden staging folder beside
    site/; only a build that finished (and passed --strict) is swapped in, by `publish`.
    Ctrl-C, `kill` or a full disk at any moment leave the previous site/ whole; the next build
    clears what an interrupted one left.
    """
    chosen = require_engine(engine)
    started = time.perf_counter()
    config_file = Path(root) / "mkdocs.yml"
    site = publish.site_folder(config_file)
    staging: Path | None = None
    caches: list[_Cache] = []
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        publish.recover(site)
        inputs = uptodate.started()  # for the no-change fast path of the next build
        no_engine = pdfs.unavailable() if pdf else None  # before the plan: it links the PDFs
        project = dataclasses.replace(project_at(root, content), pdf=pdf and no_engine is None,
                                      cache=not clean)
        say.progress(f"Generating pages from {relative(project.content, project.root)}/ ...")
        built = generate_all(project)
        for mine, result in built:
            report = result.report
            assert report is not None
            say.progress(f"  {_in(mine)}{len(result.outputs)} files: {len(report.written)} "
                         f"written, {len(report.removed)} removed, {report.unchanged} "
                         f"unchanged ({result.seconds:.1f} s)")
            say.timings(result.timings)
        if (note := doctor.warning(project.root)) is not None:  # one line, not the report
            click.echo(note, err=True)
        if no_engine is not None and built[0][1].plan.site.get("pdf"):
            click.echo(no_engine, err=True)
        say.progress(f"Building {site.name}/ with {chosen.label} ...")
        engine_started = time.perf_counter()
        caches = [_page_cache(mine, site if mine.language is None else site / mine.language,
                              clean) for mine, _ in built]
        # Incremental: start from the spare site (the one before the current), bringing it
        # up to date, rather than from an empty folder (see publish.py).
        spare = chosen.takes_site_dir and not clean and all(c.reusable for c in caches)
        staging = publish.stage_from_spare(site) if spare else None
        spared = staging is not None
        staging = staging or publish.stage(site)
        if spared and built[0][0].language is not None:
            publish.clear_root(staging, {str(p.language) for p, _ in built})
        # A multi-language site: one engine run per language into staging/<lang>/, and the
        # whole tree swapped in at once, so site/ never mixes two builds.
        for (mine, result), cache in zip(built, caches, strict=True):
            target = staging if mine.language is None else staging / mine.language
            target.mkdir(exist_ok=True)
            env = {**cache.env, page_cache.ENV_SPARE: "1"} if spared else cache.env
            if not _run_engine(chosen, mine.build / CONFIG_NAME, target, strict, say.verbose,
                               result.plan.site.get("source_date_epoch"), env):
                click.echo(f"{chosen.label} failed{_in(mine, ' for ')}; the previous "
                           f"{site.name}/ is unchanged.", err=True)
                sys.exit(1)
            if project.pdf and result.plan.site.get("pdf"):
                say.progress("  " + _in(mine) + pdfs.build_pdfs(target, pdfs.jobs(result.plan),
                                                               mine.build).line().lstrip())
        if built[0][0].language is not None:
            publish.write_language_index(staging, [str(p.language) for p, _ in built],
                                         built[0][1].plan.site["title"])
        # The site before this one stays as the next build's spare only if this build took
        # most pages over from it (they share those files). After a clean build or one that
        # built most pages again, the next build would have to empty it: it is removed now,
        # by the slow build, with any older spare, and the spare is the new site in links.
        taken = [page_cache.took_over(cache.pending) for cache in caches]  # each read once
        keep = spare and all(2 * took >= pages > 0 for took, pages in taken)
        publish.swap(staging, site, keep_spare=keep)
        for cache in caches:  # the new site's page cache goes with it
            cache.publish()
        if chosen.takes_site_dir and not keep and all(c.current.is_file() for c in caches):
            publish.mirror(site)
        uptodate.record(site, inputs)
        publish.recover(site)  # leftovers a killed engine was still writing at the start
        say.timings({engine: time.perf_counter() - engine_started})
    except HandbookError as error:
        fail(error)
    except (publish.PublishError, pdfs.PdfError) as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    except OSError as error:  # e.g. a full disk while the generator writes build/docs
        fail_writing(error, root)
    except KeyboardInterrupt as interrupt:
        swapped = staging is not None and not staging.exists() and site.is_dir()
        click.echo(f"Interrupted; the new {site.name}/ was already published." if swapped
                   else f"Interrupted; the previous {site.name}/ is unchanged.", err=True)
        sys.exit(getattr(interrupt, "code", 128 + signal.SIGINT))
    finally:
        signal.signal(signal.SIGTERM, previous)
        for cache in caches:
            page_cache.drop(cache.pending)  # a build that was not published
        if staging is not None and staging.exists():
            publish.discard(staging)
    say.done(f"Built {site.name}/: "
             f"{_summary([r for _, r in built], time.perf_counter() - started)}.")


@dataclasses.dataclass(frozen=True)
class _Cache:
    """One engine run's page cache (engine/page_cache.py): the published site's, and the
    new one, published with the new site."""

    current: Path
    pending: Path
    env: dict[str, str]

    @property
    def reusable(self) -> bool:
        """Whether this run takes pages over from the published site."""
        return page_cache.ENV_IN in self.env

    def publish(self) -> None:
        if self.pending.exists():
            page_cache.publish(self.pending, self.current)
        else:  # an engine without the plugin: the old cache describes no published site
            page_cache.drop(self.current)


def _page_cache(project: Project, site: Path, clean: bool) -> _Cache:
    """The page cache of one engine run, whose published site is `site`; `clean` takes
    nothing over (and a new cache is made all the same)."""
    folder = project.build / page_cache.CACHE_FOLDER
    current = folder / page_cache.CACHE_FILE
    pending = folder / f"pending-{page_cache.CACHE_FILE}"
    env = {page_cache.ENV_OUT: str(pending)}
    if not clean and current.is_file() and site.is_dir():
        env.update({page_cache.ENV_IN: str(current), page_cache.ENV_SITE: str(site)})
    return _Cache(current, pending, env)


def _in(project: Project, before: str = "") -> str:
    """'de: ' naming the language a line is about, on a multi-language site."""
    return "" if project.language is None else (f"{before}{project.language}" if before
                                                 else f"{project.language}: ")


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
                verbose: bool = False, source_date_epoch: int | None = None,
                extra_env: dict[str, str] | None = None) -> bool:
    """The engine on the generated config into `staging`, passing on its warnings and errors
    (and, verbose, its INFO lines); True if it succeeded."""
    env = {**engines.environment(source_date_epoch), **(extra_env or {})}
    if engine.name == inprocess.ENGINE:  # MkDocs, handbook's own dependency: no new process
        return inprocess.build_here(config_file, staging, strict, verbose, env)
    # No --quiet: it hides warnings from MkDocs' counter, and --strict would pass them.
    command = engine.build_command(config_file, staging, strict)
    output = None if engine.takes_site_dir else engine.output(config_file)
    if output is not None and output.exists():  # what a failed run left
        shutil.rmtree(output)
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
@click.option("--language", default=None, help="On a site in several languages (site.yml "
              "`languages`): the one to preview (default: the first).")
@engine_option
def serve(root: Path, dev_addr: str, language: str | None, engine: str) -> None:
    """Preview with live reload: edits under content/ or templates/ rebuild the site.

    Generates, then runs the engine's `serve` on build/mkdocs.yml. MkDocs and ProperDocs run
    with --dirty: they rebuild only pages whose generated file changed (the generator leaves
    unchanged files alone), the handbook plugin regenerates before every rebuild and marks
    every page changed when the navigation changes, so sidebars never go stale. Zensical runs
    no plugin: run `handbook generate` after an edit, and it picks up the new files.
    """
    chosen = require_engine(engine)
    project = Project.at(root)
    if language:
        project = project.in_language(language)
    try:  # a preview publishes nothing; a site in several languages previews one
        project = generate_all(project, record_revisions=False)[0][0]
    except HandbookError as error:
        if not chosen.takes_site_dir:  # no plugin to show the error in the preview
            fail(error)
        # The plugin shows the report in the preview and rebuilds once it is fixed; the
        # engine needs a config to start with.
        if not (project.build / CONFIG_NAME).is_file():
            try:
                write_bare_config(project)
            except HandbookError as bare:  # mkdocs.yml itself is broken
                fail(bare)
    except OSError as error:
        fail_writing(error, root)
    command = chosen.serve_command(project.build / CONFIG_NAME, dev_addr)
    if sys.platform == "win32":  # no exec there: execv would end this process and give the
        sys.exit(subprocess.call(command))  # prompt back while MkDocs runs on, so wait
    os.execv(sys.executable, command)
