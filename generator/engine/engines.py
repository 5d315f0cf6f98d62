"""The engines that build a site from the generated config (`build/mkdocs.yml`), and how each
is started: MkDocs (a dependency), ProperDocs and Zensical (extras of the handbook package).

Each reads the generated config unchanged. MkDocs and ProperDocs write where `-d` says (the
staging folder of `handbook build`); Zensical has no such flag and writes the config's
`site_dir` (`build/site`, inside the config's folder, where Zensical insists it be), which
`handbook build` then moves into the staging folder. Never imports an engine.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from ..write import engine_config


class EngineMissing(Exception):
    """The chosen engine is not installed: one line naming the install command."""


@dataclass(frozen=True)
class Engine:
    name: str  # as given to --engine, and the module `python -m` runs
    label: str  # as people write it
    extra: str | None  # the handbook extra that installs it; None: always installed
    takes_site_dir: bool  # `build -d FOLDER`; else it writes the config's site_dir

    def require(self) -> Engine:
        """This engine, or EngineMissing when its package is not installed."""
        if importlib.util.find_spec(self.name) is None:
            raise EngineMissing(f"{self.label} is not installed: pip install "
                                f"'handbook[{self.extra or self.name}]'")
        return self

    def build_command(self, config: Path, target: Path, strict: bool) -> list[str]:
        command = [sys.executable, "-m", self.name, "build", "-f", str(config)]
        if self.takes_site_dir:
            command += ["-d", str(target)]
        return command + (["--strict"] if strict else [])

    def serve_command(self, config: Path, dev_addr: str) -> list[str]:
        if self.takes_site_dir:  # MkDocs and ProperDocs: our plugin regenerates on edits
            return [sys.executable, "-m", self.name, "serve", "--dirty", "--dev-addr",
                    dev_addr, "-f", str(config)]
        return [sys.executable, "-m", self.name, "serve", "-f", str(config), "-a", dev_addr]

    def output(self, config: Path) -> Path:
        """Where a build of `config` ends up when the engine takes no -d."""
        return config.parent / engine_config.SITE_FOLDER


ENGINES = {engine.name: engine for engine in (
    Engine("mkdocs", "MkDocs", None, takes_site_dir=True),
    Engine("properdocs", "ProperDocs", "properdocs", takes_site_dir=True),
    Engine("zensical", "Zensical", "zensical", takes_site_dir=False),
)}


def environment(source_date_epoch: int | None) -> dict[str, str]:
    """The engine's environment: UTF-8 pipes (Windows would use the ANSI code page), MkDocs'
    notice about MkDocs 2 silenced, and the build date from the content (sitemap dates), unless
    the caller set one."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}
    if source_date_epoch is not None:
        env.setdefault("SOURCE_DATE_EPOCH", str(source_date_epoch))
    return env


def move_output(source: Path, staging: Path) -> None:
    """Put an engine's finished output folder in place of the (empty) staging folder."""
    staging.rmdir()
    try:
        os.replace(source, staging)
    except OSError:  # another filesystem: copy, then remove
        shutil.copytree(source, staging)
        shutil.rmtree(source)
