"""Render stage: page specs become Markdown text in memory, through Jinja templates.

Values from YAML are data, never markup: the environment's `finalize` hook escapes every value a
template prints, in one place, for both HTML and Markdown. Prose fields (`MarkdownText`) keep
their Markdown but lose raw HTML and script links."""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
import yaml

from .. import fork
from ..digests import Digests
from ..errors import ContentError, HandbookError, outdated_override_hint, relative
from ..i18n import DEFAULT as DEFAULT_LANGUAGE
from ..i18n import Lang
from ..plan.views import PageSpec
from ..resolve.events import CalendarFile
from . import embed, i18n
from .bytecode import CheckedBytecodeCache
from .cache import RenderCache, Rendered, environment_key, folder_key, folder_keys
from .calendars import serialize_calendars
from .outputs import Collected, Outputs
from .text import Raw, escape_text, finalize, href_filter, html_label, html_text, link_to, url_link

PACKAGED_PREFIX = "handbook"  # `{% extends "handbook/cohort.md.j2" %}`: the packaged original


def _raw_concat(parts: Iterable[str]) -> Raw:
    """What Jinja joins rendered template text with. `{{ super() }}`, `{{ self.intro() }}` and
    `{% set x %}...{% endset %}` print text a template already rendered (values in it are
    escaped): marked Raw, `finalize` prints it as is instead of escaping it a second time."""
    return Raw("".join(parts))


@functools.lru_cache(maxsize=8)
def make_environment(template_dirs: tuple[str, ...], listing: tuple[str, ...] = (),
                     language: str = DEFAULT_LANGUAGE, bytecode: str | None = None,
                     directory_urls: bool = True) -> jinja2.Environment:
    """One environment per template search path for the life of the process: each template
    is compiled once, and recompiled only when its file changes (Jinja checks the mtime).

    `template_dirs` are the project's folders, then the packaged defaults (last): a file in
    an earlier folder wins for every page and partial that names it, and
    `handbook/<name>` always means the packaged one, so a project template can extend it and
    replace one block. `listing` (the files in the project's folders) is only part of the
    cache key: a file added there during `serve` must make a new environment, since Jinja
    would keep using the packaged template it found before. `language`: the catalog the
    templates' labels come from (i18n.py). `bytecode`: where compiled templates are kept
    between runs (RenderCache.templates). `directory_urls`: the engine's `use_directory_urls`
    (the addresses `href` writes)."""
    packaged = jinja2.FileSystemLoader(template_dirs[-1])
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.PrefixLoader({PACKAGED_PREFIX: packaged}),
                                    jinja2.FileSystemLoader(list(template_dirs))]),
        undefined=jinja2.StrictUndefined,
        finalize=finalize,
        autoescape=False,  # output is Markdown; finalize does the escaping
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=CheckedBytecodeCache(bytecode) if bytecode else None,
    )
    env.concat = _raw_concat  # type: ignore[method-assign]
    env.filters["link"] = link_to
    env.filters["url"] = url_link
    env.filters["e"] = escape_text
    env.filters["html"] = html_text
    env.filters["label"] = html_label
    env.filters["href"] = href_filter(directory_urls)
    env.globals["heading"] = lambda level: Raw("#" * level)  # for partials used at any depth
    i18n.install(env, Lang(language), finalize, Raw)
    return env


DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's where built: much faster


def _heading_mark(depth: int) -> Raw:
    """`heading()` while a partial renders: marks how deep below the partial's own level a
    heading is, so one rendering serves every level the body is shown at."""
    return Raw(f"\x1f{depth}\x1f")


HEADING_MARK = re.compile("\x1f(\\d+)\x1f")


class Partials:
    """`body` and `embed` for templates: a page's own body and a body it repeats from another
    page, each rendered from a partial and marked for reuse (see embed.py).

    A body is rendered once per folder and shared by every page of that folder that shows it
    (a meeting's page, its cohort's print page and packs), at whatever heading level each
    shows it: its links are relative to the page, so pages of one folder share its text. A
    partial uses `level` only through `heading()`. One instance per run, so nothing outlives
    a change of content; `share=False` renders every body afresh (tests compare the two).
    """

    def __init__(self, env: jinja2.Environment, share: bool = True) -> None:
        self.env = env
        self.share = share
        self.memo: dict[tuple[str, str, str], str] = {}

    @jinja2.pass_context
    def body(self, context: jinja2.runtime.Context, template: str, level: int) -> Raw:
        text = self._shared(context, context["page_path"], template, {})
        return Raw(f"{embed.body_start(level)}\n\n{_at_level(text, level)}\n\n{embed.body_end()}")

    @jinja2.pass_context
    def embed(self, context: jinja2.runtime.Context, src: str, template: str, level: int,
              **values: Any) -> Raw:
        text = self._shared(context, src, template, values)
        return Raw(f"{embed.embed_start(src, level)}\n\n{_at_level(text, level)}\n\n"
                   f"{embed.embed_end()}")

    def _shared(self, context: jinja2.runtime.Context, src: str, template: str,
                values: dict[str, Any]) -> str:
        key = (src, template, posixpath.dirname(context["page_path"]))
        text = self.memo.get(key) if self.share else None
        if text is None:
            text = self.memo[key] = self.env.get_template(template).render(
                {**context.get_all(), **values, "level": 0, "heading": _heading_mark}
            ).strip("\n")
        return text


def _at_level(text: str, level: int) -> str:
    return HEADING_MARK.sub(lambda m: "#" * (level + int(m[1])), text)


def front_matter(page: PageSpec) -> str:
    # MkDocs shows the title as HTML, so it is stored escaped.
    meta: dict[str, object] = {"title": html.escape(page.title, quote=False)}
    if page.search_exclude:
        meta["search"] = {"exclude": True}
    elif page.search_boost is not None:
        meta["search"] = {"boost": page.search_boost}
    text = yaml.dump(meta, Dumper=DUMPER, allow_unicode=True, sort_keys=True)
    return "---\n" + text + "---\n\n"


def _template_error(exc: Exception, page: PageSpec, root: Path) -> ContentError:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        file = relative(Path(exc.filename), root) if exc.filename else str(exc.name)
        return ContentError(file, f"template syntax error: {exc.message}", exc.lineno,
                            hint=f"while rendering {page.path} from {page.source}",
                            kind="template")
    # Runtime errors: the template frame in the traceback gives the line.
    tb, line, name, path = exc.__traceback__, None, page.template, None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            line, name, path = tb.tb_lineno, relative(Path(filename), root), Path(filename)
        tb = tb.tb_next
    stale = outdated_override_hint(path) if isinstance(exc, jinja2.UndefinedError) else ""
    return ContentError(name, f"template error: {exc}", line,
                        hint=f"while rendering {page.path} from {page.source}{stale}",
                        kind="template")


def render_site(pages: Iterable[PageSpec], calendars: dict[str, CalendarFile],
                template_dirs: list[Path], root: Path, language: str = DEFAULT_LANGUAGE,
                cache: RenderCache | None = None, directory_urls: bool = True
                ) -> tuple[Outputs, Outputs]:
    """Markdown of every page (UTF-8) and the bytes of every calendar file, or every template
    error found. `template_dirs`: the project's folders first, the packaged defaults last.

    Large sites render on every core (see fork.py), in parts of whole folders, so the
    bodies and events a cohort's pages and calendars repeat are rendered once per part as
    they would be in one. With a `cache` (cache.py), a folder whose key is unchanged is
    taken from it instead (read only when wanted: outputs.py); the keys are computed in the
    parts too, on every core."""
    pages = list(pages)
    folders: dict[str, Group] = {}
    for page in pages:
        folders.setdefault(posixpath.dirname(page.path), ([], []))[0].append(page)
    for path, calendar in calendars.items():
        folders.setdefault(posixpath.dirname(path), ([], []))[1].append((path, calendar))
    groups = list(folders.values())
    jobs = fork.jobs_for(len(pages) + len(calendars))
    got = Collected()
    keys: list[str | None] = [None] * len(groups)
    missing = list(range(len(groups)))
    zones = {str(event.start.tzinfo) for file in calendars.values() for event in file.events}
    def environment_now() -> bytes:
        return environment_key(template_dirs, language, zones, directory_urls)

    environment = environment_now() if cache else b""
    env_dirs = tuple(str(p) for p in template_dirs)
    listing = tuple(sorted(str(file) for folder in template_dirs[:-1]
                           for file in folder.rglob("*") if file.is_file()))

    def render(part: list[tuple[str | None, Group]]) -> Made:
        return _render_stored(part, cache, environment, env_dirs, root, listing, language,
                              directory_urls)

    def again(group: Group) -> Rendered:  # an entry lost before it was read: not stored,
        # the templates may have changed since the key was worked out (outputs.Stored)
        texts, files, failures, _ = _render_stored([(None, group)], None, environment, env_dirs,
                                                   root, listing, language, directory_urls)
        if failures:
            raise HandbookError([error for _, error in failures])
        return texts, files

    if cache and cache.read and cache.holds_entries():
        keys = folder_keys(groups, environment, jobs, cache.known)
        missing = [index for index, (group, key) in enumerate(zip(groups, keys, strict=True))
                   if not (key and got.take(cache, key, _paths(group),
                                            functools.partial(again, group)))]
    # A page costs about four events in a file (measured: 0.29 and 0.07 ms).
    weights = [4 * len(groups[i][0]) + sum(len(c.events) for _, c in groups[i][1])
               for i in missing]
    parts = fork.split([(keys[i], groups[i]) for i in missing], weights,
                       jobs if len(missing) == len(groups) else fork.jobs_for(sum(weights) // 4))
    errors: dict[str, ContentError] = {}  # one message per broken template
    stored: dict[str, str] = {}
    for texts, serialized, failures, made in fork.map_parts(render, parts):
        got.add(texts, made)
        got.add(serialized, made)
        stored.update(made)
        for template, error in failures:
            errors.setdefault(template, error)
    if errors:
        raise HandbookError(list(errors.values()))
    if cache and stored and environment_now() != environment:
        got.forget(stored)  # a template saved while rendering: its output vouches for no key
        for key in set(stored.values()):
            cache.drop(key)
        stored = {}
    if cache:
        cache.keep_only([*(key for key in keys if key), *stored.values()])
    return got.outputs(page.path for page in pages), got.outputs(calendars)


Group = tuple[list[PageSpec], list[tuple[str, CalendarFile]]]  # one folder's pages, calendars


# Pages' Markdown and calendars by path, template errors, and the key each file was stored under.
Made = tuple[dict[str, bytes], dict[str, bytes], list[tuple[str, ContentError]], dict[str, str]]


def _render_stored(part: list[tuple[str | None, Group]], cache: RenderCache | None,
                   environment: bytes, template_dirs: tuple[str, ...], root: Path,
                   listing: tuple[str, ...], language: str, directory_urls: bool = True
                   ) -> Made:
    """`_render_part` over some folders, texts encoded (once: cached folders stay bytes), each
    folder stored under its key (and each of its files mapped to that key); one without a
    key yet (`--clean`) gets it here."""
    if cache:  # before rendering, as in a lookup round (a template may touch the data)
        digests = Digests()
        part = [(key or folder_key(environment, digests, *g, cache.known), g) for key, g in part]
    texts, files, errors = _render_part(
        [p for _, g in part for p in g[0]], template_dirs, root,
        calendars=[c for _, g in part for c in g[1]], listing=listing, language=language,
        directory_urls=directory_urls,
        bytecode=cache.templates() if cache else None)
    encoded = {path: text.encode("utf-8") for path, text in texts.items()}
    stored = {}
    for key, (pages, calendars) in part:
        if cache and key and all(p.path in texts for p in pages):  # a failed one is not kept
            cache.put(key, ({p.path: encoded[p.path] for p in pages},
                            {path: files[path] for path, _ in calendars}))
            page_paths, calendar_paths = _paths((pages, calendars))
            stored.update(dict.fromkeys([*page_paths, *calendar_paths], key))
    return encoded, files, errors, stored


def _paths(group: Group) -> tuple[list[str], list[str]]:
    """A folder's page and calendar paths."""
    return [page.path for page in group[0]], [path for path, _ in group[1]]


def _render_part(pages: list[PageSpec], template_dirs: tuple[str, ...], root: Path,
                 share: bool = True, calendars: Iterable[tuple[str, CalendarFile]] = (),
                 listing: tuple[str, ...] = (), language: str = DEFAULT_LANGUAGE,
                 bytecode: str | None = None, directory_urls: bool = True
                 ) -> tuple[dict[str, str], dict[str, bytes], list[tuple[str, ContentError]]]:
    env = make_environment(template_dirs, listing, language, bytecode, directory_urls)
    output: dict[str, str] = {}
    errors: list[tuple[str, ContentError]] = []
    failed: set[str] = set()
    partials = Partials(env, share)
    for page in pages:
        if page.template in failed:
            continue
        try:
            body = env.get_template(page.template).render(
                page=page, page_path=page.path, body=partials.body, embed=partials.embed,
                **page.context)
        except (jinja2.TemplateError, TypeError, AttributeError, KeyError, ValueError) as exc:
            errors.append((page.template, _template_error(exc, page, root)))
            failed.add(page.template)
            continue
        output[page.path] = front_matter(page) + body
    return output, serialize_calendars(calendars), errors
