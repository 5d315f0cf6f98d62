"""The whole generator as one call per front end: load -> validate -> resolve -> plan ->
render -> write.

Data flows one way through the stages; each stage collects all the mistakes it can find and
raises one HandbookError, and nothing touches disk until every page has rendered.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from babel import Locale

from . import resources
from .errors import HandbookError, relative
from .i18n import N_, Lang
from .load.loader import RawDocument, load_content
from .load.overlays import load_overlays
from .load.parsed import ParsedCache
from .plan import memo
from .plan.calendars import agenda_urls
from .plan.site import SitePlan, plan_site
from .plan.views import PageSpec
from .render.cache import RenderCache
from .render.outputs import Outputs
from .render.pages import render_site
from .resolve.holiday_table import HolidayTable
from .resolve.revisions import read_revisions
from .resolve.site import resolve
from .validate.documents import validate
from .validate.library import Library
from .validate.overlays import Coverage, translate
from .write.engine_config import (
    CONFIG_NAME,
    THEME_FOLDER,
    alternates,
    engine_config,
    read_project_config,
    theme_files,
)
from .write.files import WriteReport, memo_for, write_if_changed, write_tree
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
    # One language of a multi-language site (site.yml `languages`): its docs folder is
    # build/<lang>/docs (see `in_language`); None: the site as site.yml describes it.
    language: str | None = None
    pdf: bool = False  # the build makes PDFs (engine/pdf.py): cohort pages link them
    # Reuse the generator's cache of rendered folders (render/cache.py); False (`--clean`)
    # renders everything and stores it afresh.
    cache: bool = True
    # Keep planned cohorts and rendered folders in memory for the next run of this process
    # (plan/memo.py, render/cache.py): the preview, which regenerates on every save. Such a
    # caller also owns the heap's full collections (`_kept`).
    keep: bool = False

    def in_language(self, language: str) -> Project:
        """This project building one of its languages, into build/<lang>/."""
        base = self.docs.parent.parent if self.language else self.docs.parent
        return replace(self, docs=base / language / self.docs.name, language=language)

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
    outputs: Mapping[str, bytes]  # render.outputs.Outputs: some read only when wanted
    seconds: float
    report: WriteReport | None = None
    timings: dict[str, float] = field(default_factory=dict)
    # The engine's files outside the docs folder, by path under `Project.build`: the
    # generated mkdocs.yml and the merged theme folder (engine_config.py).
    engine: dict[str, bytes] = field(default_factory=dict)
    # A language of a multi-language site: its code and what its texts lack (check reports it).
    language: str | None = None
    coverage: tuple[Coverage, ...] = ()

    def summary(self, seconds: float) -> str:
        """The one line a build ends with: what was built and how long it all took."""
        c = self.plan.counts
        return (f"{c['programs']} programs, {c['cohorts']} cohorts, {c['meetings']} meetings, "
                f"{c['pages']} pages in {seconds:.1f} s")


class _Laps:
    """Seconds per stage, for -v."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.timings: dict[str, float] = {}

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name], self.last = now - self.last, now
        if _KEEPING:
            # What the stages so far built lives until the site is written: out of the
            # collector's sight (gc.freeze), it is not walked again and again while the
            # next stages allocate (a quarter of the plan stage's time on a large site).
            gc.freeze()


_KEEPING: list[bool] = []  # non-empty while `_kept` runs (and the heap was not frozen before)


@contextlib.contextmanager
def _kept(keep: bool = False) -> Iterator[None]:
    """Let `_Laps` freeze the heap stage by stage, and give it back to the collector when
    the run ends (last run's data must be collectable). A heap someone else froze is left
    as it is. `keep` (`Project.keep`, the preview): the caller keeps running and owns the
    heap; it collects and freezes it while idle (engine/preview.py `IdleCollector`), so
    nothing is thawed here (thawing put its frozen heap back in every full collection's
    way, and counting the frozen objects walks all of them)."""
    if _KEEPING or (not keep and gc.get_freeze_count()):
        yield
        return
    _KEEPING.append(True)
    try:
        yield
    finally:
        _KEEPING.clear()
        if not keep:
            gc.unfreeze()


def prepare(project: Project) -> Result:
    """Everything short of writing, for one site: the project's own, or the one language it
    was given (`Project.in_language`)."""
    return prepare_all(project)[0][1]


def prepare_all(project: Project, store: bool = False) -> list[tuple[Project, Result]]:
    """Everything short of writing: what `handbook check` runs. One (project, result) per
    language: the project itself for a one-language site; for site.yml `languages`, the
    project of each language (`Project.in_language`), the default first, or only
    `project.language` when it has one. Content is loaded once for all languages; `store`:
    keep the parsed files in build/cache/ for the next run (generating does, checking
    writes nothing)."""
    with _kept(project.keep):
        return _prepare_all(project, store)


PARSED_FILE = "build/cache/content.bin"  # under the project's root (load/parsed.py)
HOLIDAYS_FILE = "build/cache/holidays.bin"  # the same (resolve/holiday_table.py)


def _prepare_all(project: Project, store: bool = False) -> list[tuple[Project, Result]]:
    lap = _Laps()
    parsed = ParsedCache(project.root / PARSED_FILE if store else None, read=project.cache)
    documents = load_content(project.content, project.root, parsed)
    parsed.save()
    overlays = load_overlays(project.content, project.root)
    revisions = read_revisions(project.content, project.root)  # the calendar ledger
    lap("load")
    library = validate(documents)
    lap("validate")
    holidays = HolidayTable(project.root / HOLIDAYS_FILE, read=project.cache)
    try:
        return _prepare_languages(project, documents, overlays, library, revisions, holidays,
                                  lap)
    finally:
        if store:  # `handbook check` reads the table but writes nothing
            holidays.save()


def _prepare_languages(project: Project, documents: list[RawDocument],
                       overlays: list[RawDocument],
                       library: Library, revisions: Any, holidays: HolidayTable, lap: _Laps
                       ) -> list[tuple[Project, Result]]:
    languages = library.site.languages
    if not languages:
        if project.language is not None:
            raise HandbookError([library.source("site", "site").error(
                (), f"the site is in one language: there is no {project.language!r} to build",
                "list the site's languages in site.yml, e.g. `languages: [en, de]`")])
        return [(project, _prepare(project, library, revisions, holidays, lap))]
    results = []
    for language in [project.language] if project.language else languages:
        if language not in languages:
            raise HandbookError([library.source("site", "site").error(
                ("languages",), f"the site has no language {language!r}",
                f"its languages are {', '.join(languages)}")])
        mine, lap = project.in_language(language), _Laps()
        coverage: list[Coverage] = []
        if language == languages[0]:
            library = validate(_site_language(documents, language))
        else:
            translated, coverage = translate(_site_language(documents, language), overlays,
                                             language)
            library = validate(translated)
        lap("validate")
        results.append((mine, _prepare(mine, library, revisions, holidays, lap, coverage)))
    return results


def _site_language(documents: list[RawDocument], language: str) -> list[RawDocument]:
    """The documents with site.yml saying which language this build is (Site.language: the
    labels, dates and theme follow) and where it is published (`url` + `<lang>/`)."""
    found = []
    for doc in documents:
        if doc.kind == "site" and isinstance(doc.data, dict):
            data = {**doc.data, "language": language}
            if isinstance(data.get("url"), str):
                data["url"] = data["url"].rstrip("/") + f"/{language}/"
            doc = replace(doc, data=data)
        found.append(doc)
    return found


def _prepare(project: Project, library: Library, revisions: Any, holidays: HolidayTable,
             lap: _Laps, coverage: Sequence[Coverage] = ()) -> Result:
    """One site from its validated library: resolve, plan, render, and the engine's files."""
    started, timings = lap.started, lap.timings
    resolved = resolve(library, agenda_urls(library.site), revisions, pdf=project.pdf,
                       holidays=holidays)
    lap("resolve")
    with memo.kept(project.keep) as kept:
        plan = plan_site(resolved)
    lap("plan")
    cache = render_cache(project)
    cache.known = kept.digests()
    pages, files = render_site(plan.pages, plan.calendars, project.template_dirs, project.root,
                               resolved.library.site.language, cache)
    lap("render")
    languages = library.site.languages
    if languages and project.language:
        pages = untranslated_notices(pages, plan.pages, coverage, project.language,
                                     languages[0])
    outputs = Outputs.joined([pages, files])
    check_public(library, plan, outputs, relative(project.docs, project.root))
    engine = engine_files(project, plan.site, plan.nav, languages)
    return Result(plan, outputs, time.perf_counter() - started, timings=timings, engine=engine,
                  language=project.language, coverage=tuple(coverage))


CACHE_FOLDER = "build/cache/generator"  # under the project's root; build/ is git-ignored


def render_cache(project: Project) -> RenderCache:
    """The render cache of this site, or of this language of a multi-language site: each
    keeps its own entries, which a run of another language never prunes."""
    return RenderCache(project.root / CACHE_FOLDER / (project.language or "site"),
                       read=project.cache, keep=project.keep)


def generate(project: Project, record_revisions: bool = True) -> Result:
    """Prepare, then bring the docs folder, the theme folder and the generated config up to
    date; the config last, so an engine that sees it finds the files it names.

    The calendar ledger is recorded after the docs, for what is published; a preview passes
    `record_revisions=False`: its half-typed edits must not bump a SEQUENCE, and a ledger
    written into the watched content/ would trigger a second rebuild."""
    return generate_all(project, record_revisions)[0][1]


def generate_all(project: Project, record_revisions: bool = True
                 ) -> list[tuple[Project, Result]]:
    """`generate` for every language of the site (see `prepare_all`): each into its own
    build/<lang>/. Calendars record their revisions from the default language only: the
    ledger fingerprints an event's texts, and two languages would bump it every build."""
    with _kept(project.keep):
        return _generate_all(project, record_revisions)


def _generate_all(project: Project, record_revisions: bool) -> list[tuple[Project, Result]]:
    done: list[tuple[Project, Result]] = []
    for mine, result in prepare_all(project, store=True):
        started = time.perf_counter()
        report = write_tree(mine.docs, result.outputs, memo_for(mine.docs, mine.keep, mine.cache))
        write_engine_files(mine, result.engine)
        if record_revisions and not done and project.language is None:  # the default
            record(mine.content, mine.root, result.plan.calendars.values())
        seconds = time.perf_counter() - started
        done.append((mine, replace(result, seconds=result.seconds + seconds, report=report,
                                   timings={**result.timings, "write": seconds})))
    return done


def engine_files(project: Project, site: dict[str, Any] | None, nav: list[Any] | None,
                 languages: list[str] | None = None) -> dict[str, bytes]:
    """The generated config and the merged theme folder, by path under `project.build`;
    for one language of several, the language switcher's entries (`alternates`)."""
    settings = read_project_config(project.config_file, project.root)
    engine = {f"{THEME_FOLDER}/{name}": data
              for name, data in theme_files(project.root, settings).items()}
    extra = {"alternates": alternates(languages)} if languages and project.language else {}
    memo = project.build / "cache" / "engine-config.bin" if project.cache else None
    engine[CONFIG_NAME] = engine_config(settings, root=project.root, build=project.build,
                                        docs=project.docs, site=site, nav=nav, memo=memo,
                                        **extra)
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


# The notice on a page whose texts are not all translated (a message of the catalogs).
UNTRANSLATED = N_("Parts of this page have not been translated yet and are shown in "
                  "%(language)s.")


def untranslated_notices(pages: Outputs, specs: Sequence[PageSpec],
                         coverage: Sequence[Coverage], language: str, default: str
                         ) -> Outputs:
    """Pages whose own content file lacks translations say so at the top, in the reader's
    language. A page depends on more than its file (an agenda shows its program's session,
    a listing its items' summaries), but its own file holds the texts it is about: the
    notice follows that file, so it never appears on a page for texts shown only in passing."""
    lacking = {c.file for c in coverage if not c.complete}
    sources = {spec.path: spec.source for spec in specs}
    if not lacking:
        return pages
    reader = Lang(language)
    try:
        name = Locale.parse(default).get_display_name(language) or default
        text = reader.gettext(UNTRANSLATED, language=name)
    except (OSError, ValueError):  # no catalog for the language: the English message
        text = UNTRANSLATED % {"language": Locale.parse(default).get_display_name("en")}
    notice = f'!!! note ""\n    {text}\n\n'
    found = {}
    for path in pages:
        if sources.get(path) in lacking:
            head, body = _front_matter(pages[path].decode("utf-8"))
            found[path] = (head + notice + body).encode("utf-8")
    return pages.changed(found)


def _front_matter(markdown: str) -> tuple[str, str]:
    """The page's YAML front matter (with its blank line) and the rest."""
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 3)
        if end >= 0:
            cut = end + 5
            while markdown[cut:cut + 1] == "\n":
                cut += 1
            return markdown[:cut], markdown[cut:]
    return "", markdown
