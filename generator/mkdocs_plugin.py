"""MkDocs glue: run the generator before MkDocs reads the docs folder, and set the nav.

Publishing is not done here: `handbook build` builds into a staging folder and swaps it in
(`publish.py`); a plain `mkdocs build` writes site_dir directly, as MkDocs always does.

Kept thin on purpose: all logic lives in the core (`pipeline`), which never imports MkDocs,
so the site can move to another engine that reads mkdocs.yml.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup, escape
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from . import preview, resources
from .embed import BodyReuse, drop_markers
from .errors import HandbookError
from .fork import can_fork, cpu_count
from .mkdocs_csp import CONFIG_KEY, NONCE, allow_live_reload
from .mkdocs_nav import LIMIT, page_nav
from .mkdocs_parallel import ParallelBuild
from .pipeline import NAV_FILE, Project, generate
from .render import PACKAGED_PREFIX
from .sanitize import sanitize_html
from .search_terms import add_joined_forms

SKIP_ENV = "HANDBOOK_ALREADY_GENERATED"  # set by `handbook build`, which generated already
# Navigation and site settings of the previous build, per docs folder. Module-level because
# `mkdocs serve` may make new plugin instances for each rebuild.
_PREVIOUS_SHAPE: dict[str, str] = {}


class HandbookConfig(Config):
    content = c.Type(str, default="content")
    templates = c.Type(str, default="templates")
    overrides = c.Type(str, default="site_overrides")  # the project's theme overrides
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

    def on_startup(self, *, command: str, dirty: bool) -> None:
        type(self).command, type(self).dirty = command, dirty

    def on_config(self, config: Any) -> Any:
        root = Path(config.config_file_path).parent
        project = Project(root, root / self.config.content, root / self.config.templates,
                          Path(config.docs_dir))
        config.theme.dirs[:] = theme_dirs(config.theme, root / self.config.overrides)
        if self.command == "serve":  # let the inline live-reload script run (mkdocs_csp.py)
            config.extra[CONFIG_KEY] = NONCE
        self.error_docs = None
        if os.environ.get(SKIP_ENV) != "1":
            try:
                generate(project)
            except HandbookError as error:
                if self.command != "serve":
                    raise PluginError(error.report()) from None
                # A failed rebuild would leave the preview hanging: show the report instead.
                self.error_docs = preview.error_docs(project.docs, error.report())
                _PREVIOUS_SHAPE[str(project.docs)] = ""  # once fixed, rebuild every page
                config.docs_dir, config.nav = str(self.error_docs), None
                return config
        shape = (project.docs / NAV_FILE).read_text("utf-8")
        stamp = shape + _files_stamp([root / self.config.overrides,  # and the theme's
                                      resources.default_overrides()])
        if self.dirty and _PREVIOUS_SHAPE.get(str(project.docs), stamp) != stamp:
            # A dirty build rebuilds only pages whose files changed; a new nav or title must
            # reach every page's sidebar, and an edited theme every page, so mark every page
            # changed.
            for page in project.docs.rglob("*.md"):
                page.touch()
        _PREVIOUS_SHAPE[str(project.docs)] = stamp
        generated = yaml.safe_load(shape)
        config.nav = generated["nav"]
        site = generated["site"]
        # Material prints site_name into HTML, escaped in some places (`| e`) and not in
        # others; text escaped once as Markup reads right in both (`| e` leaves Markup alone).
        config.site_name = escape(site["title"])
        for key in ("site_description", "site_author"):
            if config[key] and not isinstance(config[key], Markup):
                config[key] = escape(config[key])
        config.extra["handbook"] = site  # the footer partial shows the contact from site.yml
        # MkDocs stamps the sitemap with the build date; take it from the content instead.
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(site["source_date_epoch"]))
        return config

    def on_pre_build(self, *, config: Any) -> None:
        # Per build: `mkdocs serve` keeps this instance for every rebuild.
        self.parallel: ParallelBuild | None = None
        self.reuse = BodyReuse() if self.config.reuse else None
        if self.reuse is not None:  # the bodies' trees are kept as each page is converted
            config.markdown_extensions.append(self.reuse.extension())

    @event_priority(-100)  # after every other plugin has changed the files and nav
    def on_nav(self, nav: Any, *, config: Any, files: Any) -> Any:
        jobs = (self.config.jobs or cpu_count()) if can_fork() else 1
        if self.command == "build" and not self.dirty and jobs > 1:
            self.parallel = ParallelBuild(jobs, engine_of(config))
            self.parallel.start(files)
        return nav

    def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
        # `{% extends "handbook/main.html" %}` in a project's main.html: the packaged one.
        packaged = jinja2.FileSystemLoader(str(resources.default_overrides()))
        env.loader = jinja2.ChoiceLoader([jinja2.PrefixLoader({PACKAGED_PREFIX: packaged}),
                                          env.loader])
        return self.parallel.env(env, files, config) if self.parallel else env

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        return self.parallel.post_page(output, page) if self.parallel else output

    @event_priority(100)  # before the search plugin writes the index the workers add to
    def on_post_build(self, *, config: Any) -> None:
        if self.error_docs is not None:
            preview.show_everywhere(Path(config.site_dir), config.site_url or "/")
            return
        if self.parallel:
            self.parallel.finish(config)
        # Every entry is in now (the workers' too): hyphenated words, findable joined up.
        search = getattr(config.plugins.get("material/search"), "search_index", None)
        if search is not None:
            add_joined_forms(search.entries)

    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        if self.config.sidebar_limit > 0:
            context["nav"] = page_nav(nav, self.config.sidebar_limit)
        return context

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Any) -> str:
        if self.parallel:
            markdown = self.parallel.page_markdown(markdown, page)
        return self.reuse.plan(markdown, page.file.src_uri) if self.reuse else markdown

    @event_priority(-100)  # last: what any plugin made of the page passes the allowlist
    def on_page_content(self, html: str, *, page: Any, config: Any, files: Any) -> str:
        if self.reuse is not None and page.present_anchor_ids is not None:
            page.present_anchor_ids |= self.reuse.finish()
        # Repeated bodies are cleaned on every page that shows them, copied or converted.
        return sanitize_html(drop_markers(html))

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        root = Path(config.config_file_path).parent
        server.watch(str(root / self.config.content))
        for folder in (self.config.templates, self.config.overrides):  # optional folders
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        allow_live_reload(server)
        return server

    def on_build_error(self, *, error: Exception) -> None:
        if self.parallel:
            self.parallel.abort(error)


def engine_of(config: Any) -> str:
    """The engine running this plugin, as its package and logger namespace: `mkdocs` or
    `properdocs` (ProperDocs, MkDocs' fork, logs as `properdocs.*`)."""
    return type(config).__module__.partition(".")[0]


def _files_stamp(folders: list[Path]) -> str:
    """Names and modification times of the files in the theme overrides (the project's and
    the packaged ones; Material's own never change while serving)."""
    return "".join(f"\n{path}:{path.stat().st_mtime_ns}" for folder in folders
                   for path in sorted(folder.rglob("*")) if path.is_file())


def theme_dirs(theme: Any, overrides: Path) -> list[str]:
    """The theme's template folders with the project's overrides (if it has any) and then
    the packaged ones in front of Material's: a file in an earlier folder wins, page
    templates and assets alike. A `custom_dir` in mkdocs.yml stays first; a folder named
    twice (custom_dir: site_overrides, or this repository, whose overrides are the packaged
    ones) is kept once, where it comes first."""
    front = [str(overrides)] if overrides.is_dir() else []
    front.append(str(resources.default_overrides()))
    custom = [theme.custom_dir] if theme.custom_dir else []
    seen: set[str] = set()
    ordered: list[str] = []
    for folder in [*custom, *front, *theme.dirs]:
        key = os.path.normcase(os.path.realpath(folder))
        if key not in seen:
            seen.add(key)
            ordered.append(folder)
    return ordered
