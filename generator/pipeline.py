"""The whole generator as one call per front end: load -> validate -> plan -> render -> write.

Data flows one way through the stages; each stage collects all the mistakes it can find and
raises one HandbookError, and nothing touches disk until every page has rendered.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import resources
from .errors import relative
from .loader import load_content
from .plan import SitePlan, plan_site
from .privacy import check_public
from .render import DUMPER, render_site
from .revisions import read_revisions, record
from .validate import validate
from .write import WriteReport, collect_outputs, write_tree

NAV_FILE = ".nav.yml"  # dot-files are not published by MkDocs


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
    plan = plan_site(library, revisions)
    lap("plan")
    pages, files = render_site(plan.pages, plan.calendars, project.template_dirs, project.root)
    lap("render")
    nav = yaml.dump({"nav": plan.nav, "site": plan.site}, Dumper=DUMPER, allow_unicode=True,
                    sort_keys=False)
    outputs = collect_outputs({**pages, NAV_FILE: nav}, files)
    check_public(library, plan, outputs, relative(project.docs, project.root))
    return Result(plan, outputs, time.perf_counter() - started, timings=timings)


def generate(project: Project) -> Result:
    """Prepare, then bring the docs folder up to date."""
    result = prepare(project)
    started = time.perf_counter()
    report = write_tree(project.docs, result.outputs)
    record(project.content, project.root, result.plan.calendars.values())  # after the docs
    seconds = time.perf_counter() - started
    return Result(result.plan, result.outputs, result.seconds + seconds, report,
                  {**result.timings, "write": seconds})
