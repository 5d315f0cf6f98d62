"""MkDocs and ProperDocs glue: keep the generated files fresh while serving, plus speed-ups.

Generation writes everything an engine needs as plain files (`build/docs`, and beside it the
generated `build/mkdocs.yml` with the nav, title, footer data and theme folder: see
`engine_config.py`), so any engine builds the site from that config without this plugin.
On that config the plugin does not generate when building (`handbook build` just did) and
regenerates before every rebuild when serving; a rebuild that changes the generated config
is followed by one more, which reads the new file (MkDocs loads the config for every rebuild
and watches the file). Nothing rewrites config at run time: run on any other config (the
project's own mkdocs.yml, by `mkdocs build` in the project folder), the plugin stops the
engine with one line saying what to run instead, before anything is generated or written.

Publishing is not done here: `handbook build` builds into a staging folder and swaps it in
(`publish.py`); a plain `mkdocs build` writes site_dir directly, as MkDocs always does.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from ..errors import HandbookError
from ..fork import can_fork, cpu_count
from ..render.embed import BodyReuse, drop_markers
from ..write.names import CONFIG_NAME, THEME_FOLDER
from . import page_cache, preview, preview_builder
from .cache_files import page_url
from .mkdocs_cache import PageCache, theme_templates
from .mkdocs_csp import CONFIG_KEY, NONCE, allow_live_reload
from .mkdocs_keys import PreviewPages, without_nav
from .mkdocs_nav import LIMIT, page_nav
from .mkdocs_parallel import ParallelBuild, WarningCount
from .mkdocs_theme import lacking, skip_hidden_folders
from .preview import IdleCollector, PreviewIndex
from .sanitize import sanitize_html
from .search_terms import add_joined_forms


class HandbookConfig(Config):
    content = c.Type(str, default="content")
    templates = c.Type(str, default="templates")
    overrides = c.Type(str, default="site_overrides")  # the project's theme overrides
    # The project folder, from the config file's folder: `..` in the generated build/mkdocs.yml.
    project = c.Type(str, default=".")
    # One language of a multi-language site: build/<lang>/mkdocs.yml says which.
    language = c.Optional(c.Type(str))
    # Speed-ups: each builds the same bytes as without it (tests/test_speedups.py compares).
    reuse = c.Type(bool, default=True)  # convert a repeated body once, copy its tree
    jobs = c.Type(int, default=0)  # processes for `mkdocs build`; 0: one per core, 1: no fork
    # A feature, not a speed-up (it changes the sidebars): a section with more entries shows
    # only the page's own entry, its first and its index; 0 lists every entry.
    sidebar_limit = c.Type(int, default=LIMIT)


class HandbookPlugin(BasePlugin[HandbookConfig]):
    # `mkdocs serve` makes new plugin instances for each rebuild without calling on_startup.
    command: str | None = None
    error_docs: Path | None = None  # set while the preview shows a content error

    dirty = False
    # What the previous build rendered with (the generated config but its nav, the theme
    # files): a dirty rebuild must redraw every page when it changed, and the pages whose
    # view of the nav changed (`preview`). MkDocs keeps a plugin with on_startup across
    # rebuilds.
    shape: str | None = None
    preview: PreviewPages | None = None
    index: PreviewIndex | None = None  # the preview's search index, page by page
    # Set per build in on_pre_build; None until then, so a build that fails earlier (in
    # on_config) still reaches on_build_error cleanly.
    parallel: ParallelBuild | None = None
    reuse: BodyReuse | None = None
    cache: PageCache | None = None  # `handbook build` hands over the page cache's paths
    nav: Any = None
    files: Any = None  # this build's (on_nav)
    rendered: set[str] | None = None  # URLs of the pages this build rendered (preview)
    server: Any = None  # the preview's server, once it watches only what authors edit
    collector: IdleCollector | None = None  # the preview's garbage collection, when idle
    rebuild_again = False  # the generated config changed beyond its nav: MkDocs must load it
    builder: preview_builder.Builder | None = None  # the preview's rebuilds, if forked

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command, self.dirty = command, dirty
        if command == "serve" and dirty:
            self.preview = PreviewPages("mkdocs", self.config.sidebar_limit)
            self.index = PreviewIndex()
        if command == "serve":
            self.collector = IdleCollector()

    def on_config(self, config: Any) -> Any:
        here = Path(config.config_file_path).parent
        root = (here / self.config.project).resolve()
        build = Path(config.docs_dir).parent  # Project.build: the generated files' folder
        if Path(config.config_file_path).resolve() != (build / CONFIG_NAME).resolve():
            raise PluginError(_run_instead(config, root))
        self.error_docs = None
        loaded = Path(config.config_file_path).read_text("utf-8")  # what `config` holds
        if self.command == "serve":
            # Only the preview generates: a build's engine run imports no generator code
            # (most of a small rebuild's start-up).
            from ..pipeline import Project, generate

            config.extra[CONFIG_KEY] = NONCE  # let the inline live-reload script run
            if self.collector is not None:
                self.collector.busy()
            project = Project(root, root / self.config.content, root / self.config.templates,
                              Path(config.docs_dir), self.config.language, keep=True)
            try:  # a preview records no calendar revision: it publishes nothing
                made = generate(project, record_revisions=False).report
                preview.remove_outputs(config, engine_of(config), made.removed if made else ())
            except HandbookError as error:
                # A failed rebuild would leave the preview hanging: show the report instead.
                self.error_docs = preview.error_docs(project.docs, error.report())
                self.shape = ""  # once fixed, rebuild every page
                if self.preview is not None:
                    self.preview.forget()
                config.docs_dir, config.nav = str(self.error_docs), None
                return config
            self._take_new_nav(config, loaded)
        theme = build / THEME_FOLDER
        # The settings this build runs with (a new nav is taken at once, other new settings
        # by the rebuild `_take_new_nav` asks for), and the theme files as they are now.
        shape = without_nav(loaded) + "".join(
            f"\n{path}:{path.stat().st_mtime_ns}" for path in sorted(theme.rglob("*"))
            if path.is_file())
        if self.dirty and self.shape not in (None, shape):
            # A dirty build rebuilds only pages whose files changed; new settings or an
            # edited theme must reach every page, so mark every page changed (a new nav
            # reaches the pages that show it: on_nav).
            for page in Path(config.docs_dir).rglob("*.md"):
                page.touch()
        self.shape = shape
        # Material prints site_name into HTML, escaped in some places (`| e`) and not in
        # others; text escaped once as Markup reads right in both (`| e` leaves Markup alone).
        # The generated config holds the title escaped already (engine_config.py): only its
        # type changes here.
        skip_hidden_folders(config.theme)  # a speed-up: the same static files, found sooner
        if not isinstance(config.site_name, Markup):
            config.site_name = Markup(config.site_name)
        for key in ("site_description", "site_author"):
            if config[key] and not isinstance(config[key], Markup):
                config[key] = escape(config[key])
        # MkDocs stamps the sitemap with the build date; take it from the content instead.
        site = config.extra.get("handbook") or {}
        if "source_date_epoch" in site:
            os.environ.setdefault("SOURCE_DATE_EPOCH", str(site["source_date_epoch"]))
        return config

    def _take_new_nav(self, config: Any, loaded: str) -> None:
        """The preview's rebuild runs with the config MkDocs loaded before the plugin
        regenerated it: a new nav (a title, a cohort added) is taken from the new file now;
        any other new setting needs MkDocs to load the file, so one more rebuild is asked for
        (on_post_build): the generated files themselves are not watched (on_serve)."""
        written = Path(config.config_file_path).read_text("utf-8")
        self.rebuild_again = written != loaded and without_nav(written) != without_nav(loaded)
        if written != loaded and not self.rebuild_again:
            yaml: Any = importlib.import_module(f"{engine_of(config)}.utils.yaml")
            config.nav = (yaml.yaml_load(written) or {}).get("nav")

    def on_pre_build(self, *, config: Any) -> None:
        # Per build: `mkdocs serve` keeps this instance for every rebuild.
        self.parallel = None
        self.reuse = BodyReuse() if self.config.reuse else None
        if self.reuse is not None:  # the bodies' trees are kept as each page is converted
            config.markdown_extensions.append(self.reuse.extension())
        self.cache = _page_cache(self.command, engine_of(config), self.config.sidebar_limit)
        self.built: dict[str, dict[str, Any]] = {}
        self.warnings = WarningCount() if self.cache is not None else None
        if self.cache is not None and self.warnings is not None:
            logging.getLogger(engine_of(config)).addHandler(self.warnings)
            self.cache.keep_staging(config)

    @event_priority(-100)  # after every other plugin has changed the files and nav
    def on_nav(self, nav: Any, *, config: Any, files: Any) -> Any:
        self.nav, self.files, self.rendered = nav, files, set()
        if self.preview is not None and self.error_docs is None:
            self.preview.engine = engine_of(config)
            marked = self.preview.mark(nav, files, config)
            if marked:
                logging.getLogger(f"{self.preview.engine}.plugins.handbook").info(
                    f"{marked} pages show a changed navigation: built again")
        reused = self.cache.start(nav, config, files) if self.cache is not None else set()
        jobs = (self.config.jobs or cpu_count()) if can_fork() else 1
        pages = files.documentation_pages()
        if self.command == "build" and not self.dirty:
            collect = self.cache.collect if self.cache is not None else None
        elif self.preview is not None and self.error_docs is None:  # the preview's builder
            collect = self.preview.collect  # (preview_builder.py) or its first build
            reused = {f.src_uri for f in pages} - self.preview.modified
        else:
            jobs = 1
        to_build = [f for f in pages if f.src_uri not in reused]
        if jobs > 1 and worth_forking(to_build):
            logging.getLogger(f"{engine_of(config)}.plugins.handbook").info(
                f"Building {len(to_build)} pages on {jobs} processes")
            self.parallel = ParallelBuild(jobs, engine_of(config), collect)
            if self.cache is not None:
                self.cache.defer_links = True
            self.parallel.start(files, skip=reused)
        return nav

    def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
        if self.cache is not None:  # the theme's templates compiled once, not every build
            env.bytecode_cache = self.cache.template_cache()
        elif self.command == "serve":  # nor on every rebuild of the preview
            env.bytecode_cache = theme_templates(Path(config.docs_dir).parent
                                                 / page_cache.CACHE_FOLDER)
        # `{% extends "handbook/main.html" %}` needs nothing here: the generated theme folder
        # holds the packaged templates under handbook/ (engine_config.theme_files).
        return self.parallel.env(env, files, config) if self.parallel else env

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        if self.preview is not None:
            self.preview.built(page)
            if self.rendered is not None:
                self.rendered.add(page_url(page.file))
        if self.cache is not None and self.parallel is None:
            self.built[page.file.src_uri] = self.cache.collect(page)
        return self.parallel.post_page(output, page) if self.parallel else output

    @event_priority(100)  # before the search plugin writes the index the workers add to
    def on_post_build(self, *, config: Any) -> None:
        if self.collector is not None:
            self.collector.idle()
        if self.error_docs is not None:
            preview.show_everywhere(Path(config.site_dir), config.site_url or "/")
            return
        if self.rebuild_again and self.server is not None:
            preview.rebuild(self.server)
        search = getattr(config.plugins.get("material/search"), "search_index", None)
        if self.parallel:
            # The anchor check (in the main process) covers the pages taken over too; a
            # worker hands over only its own pages' (every page's were 8 MB of JSON to
            # write and read back on a title rebuild of the bench set).
            if self.cache is not None and not self.parallel.is_worker:
                for src in self.cache.reused:
                    record = self.cache.records[src]
                    self.parallel.anchors[src], self.parallel.links[src] = (
                        record.anchors, record.links)
            self.parallel.finish(config)
            if self.preview is not None:  # the workers' pages, as on_post_page keeps them
                self.preview.took(self.parallel.collected, self.parallel.files)
                if self.rendered is not None:
                    self.rendered.update(page_url(self.parallel.files[src])
                                         for src in self.parallel.collected)
        # Every entry built is in now (the workers' too): hyphenated words, findable joined
        # up. The entries of the pages taken over have them already (the cache keeps them).
        if search is not None:
            add_joined_forms(search.entries)
        if self.index is not None and self.files is not None:
            order = {page_url(f): n for n, f in enumerate(self.files.documentation_pages())}
            self.index.write(config.plugins.get("material/search"), self.rendered or set(),
                             order)
        if self.cache is not None:
            self._finish_cache(config, search)
            assert self.warnings is not None
            logging.getLogger(engine_of(config)).removeHandler(self.warnings)
            self.cache.save(config, self.warnings.count > 0)

    def _finish_cache(self, config: Any, search: Any) -> None:
        """Hand the page cache what was built: by the workers, or here."""
        assert self.cache is not None
        if self.parallel:
            built, anchors, links = (self.parallel.collected, self.parallel.anchors,
                                     self.parallel.links)
        else:
            built, anchors, links = self.built, {}, {}
            for src in built:
                page = self.cache.pages[src].page
                anchors[src] = sorted(page.present_anchor_ids or ())
                links[src] = {to.src_uri: dict(found) for to, found
                              in (page.links_to_anchors or {}).items()}
        self.cache.finish(config, built, anchors, links, search)

    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        if self.config.sidebar_limit > 0:
            context["nav"] = page_nav(nav, self.config.sidebar_limit)
        return context

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Any) -> str:
        if self.cache is not None:  # what its links look for, from here to on_page_content
            self.cache.converting(page)
        if self.parallel:
            markdown = self.parallel.page_markdown(markdown, page)
        return self.reuse.plan(markdown, page.file.src_uri) if self.reuse else markdown

    @event_priority(-100)  # last: what any plugin made of the page passes the allowlist
    def on_page_content(self, html: str, *, page: Any, config: Any, files: Any) -> str:
        if self.cache is not None:
            self.cache.converted()
        if self.reuse is not None and page.present_anchor_ids is not None:
            page.present_anchor_ids |= self.reuse.finish()
        # Repeated bodies are cleaned on every page that shows them, copied or converted.
        return sanitize_html(drop_markers(html))

    @event_priority(-100)  # last: the builder forked here holds what every plugin set up
    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        root = (Path(config.config_file_path).parent / self.config.project).resolve()
        if preview.can_rebuild(server):
            # The generated files change only when the plugin regenerates them, inside a
            # rebuild: watched, each save rebuilt two or three times (see preview.py).
            for path in (config.docs_dir, config.config_file_path):
                with contextlib.suppress(KeyError):
                    server.unwatch(path)
            self.server = server
            preview.poll_faster(server, *([self.collector.listdir] if self.collector else []))
        server.watch(str(root / self.config.content))
        for folder in (self.config.templates, self.config.overrides):  # optional folders
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        preview.watch_settings(server, root / "mkdocs.yml")  # the settings the config holds
        if self.collector is not None:
            self.collector.server = server
        allow_live_reload(server)
        if self.server is not None and self.dirty:
            self.builder = preview_builder.start(server, builder, self, config,
                                                 engine_of(config))
        return server

    def on_shutdown(self) -> None:
        if self.collector is not None:
            self.collector.stop()
        if self.builder is not None:
            self.builder.stop()

    def on_build_error(self, *, error: Exception) -> None:
        if self.collector is not None:
            self.collector.idle()
        if self.cache is not None:
            self.cache.unhook()
        if self.parallel:
            self.parallel.abort(error)
        if self.rebuild_again and self.server is not None:  # failed with the settings loaded
            preview.rebuild(self.server)  # before a fix: the fix is a rebuild away
        if (missing := lacking(error)) is not None:  # one message, not a traceback
            raise PluginError(missing) from None


# Below this many pages, or this much Markdown, to build, forking costs more than it gains
# (measured on the bench set: a cohort's new title changes 56 pages, 1 MB of Markdown, whose
# conversion dominates the rebuild; a changed pair, 3 pages and ~120 KB, is done before two
# processes would have started).
FORK_FROM = 64
FORK_FROM_BYTES = 256 * 1024


def worth_forking(pages: list[Any]) -> bool:
    """Whether building these pages (MkDocs Files) on several processes pays."""
    if len(pages) >= FORK_FROM:
        return True
    size = 0
    for file in pages:
        with contextlib.suppress(OSError):  # MkDocs reports a vanished page itself
            size += os.path.getsize(file.abs_src_path)
    return size >= FORK_FROM_BYTES


def _page_cache(command: str | None, engine: str, limit: int) -> PageCache | None:
    """The page cache `handbook build` asked for through the environment (page_cache.py)."""
    out = os.environ.get(page_cache.ENV_OUT)
    if command != "build" or not out:
        return None
    cache_in, previous = os.environ.get(page_cache.ENV_IN), os.environ.get(page_cache.ENV_SITE)
    return PageCache(engine, Path(cache_in) if cache_in else None, Path(out),
                     Path(previous) if previous else None, limit,
                     spare=os.environ.get(page_cache.ENV_SPARE) == "1")


def engine_of(config: Any) -> str:
    """The engine running this plugin, as its package and logger namespace: `mkdocs` or
    `properdocs` (ProperDocs, MkDocs' fork, logs as `properdocs.*`)."""
    return type(config).__module__.partition(".")[0]


def _run_instead(config: Any, root: Path) -> str:
    """The one line for the plugin run on a config other than the generated one: what to
    run instead, with `--root` when the project is not the current folder."""
    def shown(path: Path) -> str:
        try:
            return os.path.relpath(path)
        except ValueError:  # Windows: another drive
            return str(path)

    folder = shown(root)
    option = "" if folder == "." else f" --root {folder}"
    from ..pipeline import Project

    made = shown(Project.at(root).build / CONFIG_NAME)
    return (f"{shown(Path(config.config_file_path))} holds the settings handbook generates from, "
            f"not a config to build: run `handbook build{option}` or `handbook serve{option}`, "
            f"or `handbook generate{option}` then `{engine_of(config)} build -f {made}`")
