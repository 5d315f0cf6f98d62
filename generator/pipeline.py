"""The whole generator as one call per front end: load -> validate -> plan -> render -> write.

Data flows one way through the stages; each stage collects all the mistakes it can find and
raises one HandbookError, and nothing touches disk until every page has rendered.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import resources
from .errors import relative
from .load.loader import load_content
from .plan.calendars import agenda_urls
from .plan.site import SitePlan, plan_site
from .render.pages import render_site
from .resolve.revisions import read_revisions
from .resolve.site import resolve
from .validate.documents import validate
from .write.engine_config import (
    CONFIG_NAME,
    THEME_FOLDER,
    engine_config,
    read_project_config,
    theme_files,
)
from .write.files import WriteReport, collect_outputs, write_if_changed, write_tree
from .write.ledger import record
from .write.privacy import check_public


@dataclass(frozen=True)
class Project:
    """Where things are. Defaults follow the repository layout.

    `templates` is the project's own folder, which need not exist: the templates packaged
    with handbook stand behind it (see `template_dirs`)."""

    root: Path
    content: Path
    templates: Path
    docs: Path

    @property
    def template_dirs(self) -> list[Path]:
        """Where templates are looked up, first match wins: the project's templates/ if it
        exists, then the packaged defaults (always last; see render.make_environment)."""
        packaged = resources.default_templates()
        own = self.templates
        mine = [own] if own.is_dir() and own.resolve() != packaged.resolve() else []
        return [*mine, packaged]

    @property
    def config_file(self) -> Path:
        """The project's mkdocs.yml: the settings people edit."""
        return self.root / "mkdocs.yml"

    @property
    def build(self) -> Path:
        """Where the engine's files go: the docs folder, and beside it the generated
        config (`engine_config`) and theme folder."""
        return self.docs.parent

    @classmethod
    def at(cls, root: Path, content: str = "content", templates: str = "templates",
           docs: str = "build/docs") -> Project:
        root = root.resolve()
        return cls(root, root / content, root / templates, root / docs)


@dataclass(frozen=True)
class Result:
    plan: SitePlan
    outputs: dict[str, bytes]
    seconds: float
    report: WriteReport | None = None
    timings: dict[str, float] = field(default_factory=dict)
    # The engine's files outside the docs folder, by path under `Project.build`: the
    # generated mkdocs.yml and the merged theme folder (engine_config.py).
    engine: dict[str, bytes] = field(default_factory=dict)

    def summary(self, seconds: float) -> str:
        """The one line a build ends with: what was built and how long it all took."""
        c = self.plan.counts
        return (f"{c['programs']} programs, {c['cohorts']} cohorts, {c['meetings']} meetings, "
                f"{c['pages']} pages in {seconds:.1f} s")


def prepare(project: Project) -> Result:
    """Everything short of writing: what `handbook check` runs."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    last = started

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        timings[name], last = now - last, now

    documents = load_content(project.content, project.root)
    revisions = read_revisions(project.content, project.root)  # the calendar ledger
    lap("load")
    library = validate(documents)
    lap("validate")
    resolved = resolve(library, agenda_urls(library.site), revisions)
    lap("resolve")
    plan = plan_site(resolved)
    lap("plan")
    pages, files = render_site(plan.pages, plan.calendars, project.template_dirs, project.root,
                               resolved.library.site.language)
    lap("render")
    outputs = collect_outputs(pages, files)
    check_public(library, plan, outputs, relative(project.docs, project.root))
    engine = engine_files(project, plan.site, plan.nav)
    return Result(plan, outputs, time.perf_counter() - started, timings=timings, engine=engine)


def generate(project: Project, record_revisions: bool = True) -> Result:
    """Prepare, then bring the docs folder, the theme folder and the generated config up to
    date; the config last, so an engine that sees it finds the files it names.

    The calendar ledger is recorded after the docs, for what is published; a preview passes
    `record_revisions=False`: its half-typed edits must not bump a SEQUENCE, and a ledger
    written into the watched content/ would trigger a second rebuild."""
    result = prepare(project)
    started = time.perf_counter()
    report = write_tree(project.docs, result.outputs)
    write_engine_files(project, result.engine)
    if record_revisions:
        record(project.content, project.root, result.plan.calendars.values())
    seconds = time.perf_counter() - started
    return Result(result.plan, result.outputs, result.seconds + seconds, report,
                  {**result.timings, "write": seconds}, result.engine)


def engine_files(project: Project, site: dict[str, Any] | None, nav: list[Any] | None
                 ) -> dict[str, bytes]:
    """The generated config and the merged theme folder, by path under `project.build`."""
    settings = read_project_config(project.config_file, project.root)
    engine = {f"{THEME_FOLDER}/{name}": data
              for name, data in theme_files(project.root, settings).items()}
    engine[CONFIG_NAME] = engine_config(settings, root=project.root, build=project.build,
                                        docs=project.docs, site=site, nav=nav)
    return engine


def write_engine_files(project: Project, engine: dict[str, bytes]) -> None:
    """The theme folder, then the config that names it (only files that changed)."""
    theme = THEME_FOLDER + "/"
    write_tree(project.build / THEME_FOLDER, {name[len(theme):]: data for name, data
                                              in engine.items() if name.startswith(theme)})
    write_if_changed(project.build / CONFIG_NAME, engine[CONFIG_NAME])


def write_bare_config(project: Project) -> None:
    """A generated config for content that does not build yet (`handbook serve` on a broken
    first try): the project's settings and folders, no nav; the preview then shows the error
    and picks up the fix."""
    project.docs.mkdir(parents=True, exist_ok=True)
    write_engine_files(project, engine_files(project, None, None))
