"""MkDocs in the handbook process for `handbook build`: what `mkdocs build` does, without a
second interpreter.

Started as a process of its own, MkDocs cost about half a second of every build before it read
a page (an interpreter, imports handbook had already made, the config read again) and more to
tear its heap down at exit: most of an incremental build after a small edit. MkDocs is
handbook's own dependency, so the default engine runs here, from the same generated files any
engine reads; ProperDocs and Zensical still run as their own processes (`cli._run_engine`).

What the separate process gave for free is done here by hand:
- the environment the engine sees (the page cache's variables, SOURCE_DATE_EPOCH) is set for
  the build and put back after it;
- MkDocs' log reaches the terminal as `mkdocs build` prints it (warnings and errors; its INFO
  lines with -v), and `--strict` counts warnings as before (MkDocs' own build() does that);
- a process the parallel build forked (mkdocs_parallel.py) never comes back into handbook's
  code: one that fails or is interrupted ends at once, and an interrupted build stops its
  workers before handbook removes the staging folder;
- the generator's objects are frozen for the build, so the collections MkDocs' allocations
  trigger do not walk them again and again (the preview does the same while idle);
- the config is parsed by libyaml (PyYAML's C parser, with the same constructors and so the
  same values) rather than in pure Python: a large site's nav made that 0.06 s a build.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import click
import jinja2

from . import publish
from .mkdocs_parallel import leave
from .mkdocs_theme import lacking

ENGINE = "mkdocs"  # the engine this module runs; the others run as processes


def build_here(config_file: Path, staging: Path, strict: bool, verbose: bool,
               env: Mapping[str, str]) -> bool:
    """`mkdocs build -f config_file -d staging [--strict]` in this process, with `env` as
    the engine's environment; True if it succeeded. A full disk (any OSError) is one line
    naming the file being written (of a copy's two paths, the target)."""
    try:
        from mkdocs.config import load_config
        from mkdocs.exceptions import MkDocsException
    except RuntimeError as error:
        if _interrupted(error):
            raise KeyboardInterrupt from None
        raise

    home, config = os.getpid(), None
    try:
        with _environment(env), _log(verbose), _frozen(), _libyaml():
            # No --strict is None, not False, as on MkDocs' command line: a `strict:` in the
            # config then decides.
            config = load_config(config_file=str(config_file), site_dir=str(staging),
                                 strict=True if strict else None)
            _build(config)
    except MkDocsException as error:  # a bad config, or "Aborted with 2 warnings in strict
        _worker_exit(home)            # mode!": MkDocs has logged why
        click.echo(error.format_message(), err=True)
        return False
    except jinja2.TemplateNotFound as missing:  # an OSError to Python, not a failed write
        _worker_exit(home)  # (the handbook plugin says this itself: a project without it)
        _stop_workers(config)
        click.echo(lacking(missing), err=True)
        return False
    except OSError as error:
        _worker_exit(home)
        _stop_workers(config)
        written = OSError(error.errno, error.strerror, error.filename2 or error.filename)
        raise publish.PublishError(publish.describe(written, "write", staging)) from None
    except BaseException as error:  # Ctrl-C, `kill`, a bug: handbook reports it, the site
        _worker_exit(home)          # is kept
        _stop_workers(config)
        if _interrupted(error):
            raise KeyboardInterrupt from None
        raise
    _worker_exit(home)
    return True


def _interrupted(error: BaseException) -> bool:
    """Whether `error` is a Ctrl-C in disguise. MkDocs is imported here, in the build: a
    Ctrl-C that lands while Python makes one of its classes is raised inside a class
    attribute's `__set_name__`, which Python 3.11 wraps in a RuntimeError ("Error calling
    __set_name__ ..."), and it reached the user as a bug's traceback (exit 1)."""
    return isinstance(error, RuntimeError) and isinstance(error.__cause__, KeyboardInterrupt)


def _build(config: Any) -> None:
    """What MkDocs' `build` command does with a loaded config."""
    from mkdocs.commands import build

    config.plugins.on_startup(command="build", dirty=False)
    try:
        build.build(config, dirty=False)
    finally:
        config.plugins.on_shutdown()


def _worker_exit(home: int) -> None:
    """A forked worker that got here (it normally ends inside the build) ends now: it must
    never run handbook's reporting and clean-up, which would remove the staging folder."""
    if os.getpid() != home:
        leave(1)


def _stop_workers(config: Any) -> None:
    """Stop the processes the plugin forked (an exception MkDocs does not report to plugins,
    such as Ctrl-C, never reaches its own clean-up)."""
    for plugin in (config.plugins.values() if config is not None else ()):
        parallel = getattr(plugin, "parallel", None)
        if parallel is not None and not parallel.is_worker:
            parallel.abort()


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    """`env` as os.environ for the build (only the variables it changes), then as before."""
    changed = {name: os.environ.get(name) for name, value in env.items()
               if os.environ.get(name) != value}
    os.environ.update({name: env[name] for name in changed})
    try:
        yield
    finally:
        for name, value in changed.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _log(verbose: bool) -> Iterator[None]:
    """MkDocs' log on stderr as its command line shows it (its formatter, its filter of
    repeated lines); INFO only with -v, as `handbook build` passed it on before."""
    from mkdocs import utils
    from mkdocs.__main__ import ColorFormatter
    from mkdocs.commands import build

    logger = logging.getLogger(ENGINE)
    saved = logger.level, logger.propagate
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(ColorFormatter())
    stream.setLevel(logging.INFO if verbose else logging.WARNING)
    repeated = utils.DuplicateFilter()
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.addHandler(stream)
    build.log.addFilter(repeated)
    try:
        yield
    finally:
        build.log.removeFilter(repeated)
        logger.removeHandler(stream)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """The heap as it is now kept out of the collector's full passes during the build (and
    out of the copies the parallel build's forks would make of its headers)."""
    if gc.get_freeze_count():  # someone else froze it (the preview): theirs to manage
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def _libyaml() -> Iterator[None]:
    """MkDocs' config loader on PyYAML's C parser (where PyYAML has it) for the build: its
    loader class is made from PyYAML's pure-Python `Loader`, of which `CLoader` is the same
    but for the parser."""
    import yaml
    from mkdocs.config import defaults

    if not getattr(yaml, "__with_libyaml__", False):
        yield
        return
    original = defaults.get_yaml_loader
    defaults.get_yaml_loader = functools.partial(original, yaml.CLoader)
    try:
        yield
    finally:
        defaults.get_yaml_loader = original
