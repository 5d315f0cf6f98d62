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
from ..plan.views import Link, PageSpec
from ..resolve.events import CalendarFile
from ..validate.models import MarkdownText
from ..validate.prose import sanitize_markdown
from . import embed, i18n
from .bytecode import CheckedBytecodeCache
from .cache import RenderCache, Rendered, environment_key, folder_key, folder_keys
from .calendars import serialize_calendars
from .outputs import Collected, Outputs


class Raw(str):
    """Markdown produced by our own code (links), printed as is."""


MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|<>&])")


# Characters that open block syntax at the start of a line, in the site's extensions or ones
# it may switch on: lists (- + 1. 1)), admonitions (!!! ???), setext headings (=== ---),
# definitions (:), blocks (///), fences (~~~), math ($$) and the like.
NEEDS_ESCAPE = re.compile(r"[\\`*_{}\[\]#|<>&\s]|^[-+!?=:/~%$]|^\d+[.)]")
LINE_START = re.compile(r"^( ?)(?:([-+!])|([?=:/~%$])|(\d+)([.)]))")


def _line_start(match: re.Match[str]) -> str:
    space, backslashed, entity, digits, mark = match.groups()
    if backslashed:
        return f"{space}\\{backslashed}"  # Markdown's own escapes: '\-', '\+', '\!'
    if entity:
        return f"{space}&#{ord(entity)};"  # no backslash escape exists for these
    return space + digits + ("\\." if mark == "." else "&#41;")


@functools.lru_cache(maxsize=1 << 16)
def escape_text(value: str) -> str:
    """Plain text that shows as typed wherever it lands: a paragraph, a table cell, a heading,
    a link label. HTML characters become entities; Markdown punctuation is backslashed; and
    whatever would open a block (a list, an admonition, a heading underline, indented code)
    is neutralised at the start, since a template may print the value at a line's start."""
    text = str(value)
    if not NEEDS_ESCAPE.search(text.replace(" ", "")) and text[:1] != " ":
        return text  # the common case: nothing to do
    # One line, never indented code; a no-break space stays (Babel's '86,7\u00a0%', French
    # typography), since it is what keeps a number with its sign.
    text = re.sub(r"[^\S\u00a0\u202f]+", " ", text)

    def one(match: re.Match[str]) -> str:
        char = match.group(1)
        return {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(char, "\\" + char)

    return LINE_START.sub(_line_start, MD_SPECIAL.sub(one, text), count=1)


def finalize(value: Any) -> Any:
    """Applied to every `{{ ... }}` in every template (hundreds of thousands of times on a
    large site: the exact type is looked up first, subclasses take the long way)."""
    kind = type(value)
    if kind is str:
        return escape_text(value)
    if kind is Raw or kind is int:
        return value
    if kind is MarkdownText:
        return sanitize_markdown(value)
    if isinstance(value, Raw):
        return value
    if isinstance(value, MarkdownText):
        return sanitize_markdown(value)
    if isinstance(value, str):
        return escape_text(value)
    if value is None:
        raise TypeError("a template printed a missing value (None)")
    return value


@jinja2.pass_context
def link_to(context: jinja2.runtime.Context, target: Link | str, label: str | None = None) -> Raw:
    """A Markdown link from the page being rendered to another page or file."""
    path = target.path if isinstance(target, Link) else target
    text = label if label is not None else (target.title if isinstance(target, Link) else path)
    folder = context["page_path"].rpartition("/")[0]
    return Raw(f"[{escape_text(text)}]({_link_from(path, folder)})")


@functools.lru_cache(maxsize=1 << 16)
def _link_from(target: str, folder: str) -> str:
    """The path from a docs folder to a docs file, both relative to the docs folder (what
    posixpath.relpath computes, without touching the file system, at a tenth of the cost).
    The pages of one folder link to the same few targets: each path is worked out once."""
    here = folder.split("/") if folder else []
    there = target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


# Characters that end a link's address or a table cell, or start Markdown inside either (a
# backtick opens a code span hiding a cell's '|'): percent-encoded, read as themselves.
URL_QUOTES = str.maketrans({c: f"%{ord(c):02X}" for c in
                            [*map(chr, range(0x21)), "\x7f", *"()<>[]{}|`\\\""]})


def url_link(url: str, label: str | None = None) -> Raw:
    """A Markdown link to an outside address (already validated as http(s) or mailto)."""
    return Raw(f"[{escape_text(label or url)}]({url.translate(URL_QUOTES)})")


def html_text(value: object) -> Raw:
    """A value inside raw HTML a template writes (data attributes, the invitation's text):
    escaped for HTML, quotes included, and for nothing else, since Markdown leaves raw HTML
    as it is."""
    return Raw(html.escape(str(value)))


PACKAGED_PREFIX = "handbook"  # `{% extends "handbook/cohort.md.j2" %}`: the packaged original


def _raw_concat(parts: Iterable[str]) -> Raw:
    """What Jinja joins rendered template text with. `{{ super() }}`, `{{ self.intro() }}` and
    `{% set x %}...{% endset %}` print text a template already rendered (values in it are
    escaped): marked Raw, `finalize` prints it as is instead of escaping it a second time."""
    return Raw("".join(parts))


@functools.lru_cache(maxsize=8)
def make_environment(template_dirs: tuple[str, ...], listing: tuple[str, ...] = (),
                     language: str = DEFAULT_LANGUAGE, bytecode: str | None = None
                     ) -> jinja2.Environment:
    """One environment per template search path for the life of the process: each template
    is compiled once, and recompiled only when its file changes (Jinja checks the mtime).

    `template_dirs` are the project's folders, then the packaged defaults (last): a file in
    an earlier folder wins for every page and partial that names it, and
    `handbook/<name>` always means the packaged one, so a project template can extend it and
    replace one block. `listing` (the files in the project's folders) is only part of the
    cache key: a file added there during `serve` must make a new environment, since Jinja
    would keep using the packaged template it found before. `language`: the catalog the
    templates' labels come from (i18n.py). `bytecode`: where compiled templates are kept
    between runs (RenderCache.templates)."""
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
                cache: RenderCache | None = None) -> tuple[Outputs, Outputs]:
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
    environment = environment_key(template_dirs, language, zones) if cache else b""
    env_dirs = tuple(str(p) for p in template_dirs)
    listing = tuple(sorted(str(file) for folder in template_dirs[:-1]
                           for file in folder.rglob("*") if file.is_file()))

    def render(part: list[tuple[str | None, Group]]) -> Made:
        return _render_stored(part, cache, environment, env_dirs, root, listing, language)

    def again(group: Group) -> Rendered:  # an entry lost before it was read: not stored,
        # the templates may have changed since the key was worked out (outputs.Stored)
        texts, files, failures, _ = _render_stored([(None, group)], None, environment, env_dirs,
                                                   root, listing, language)
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
    if cache and stored and environment_key(template_dirs, language, zones) != environment:
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
                   listing: tuple[str, ...], language: str) -> Made:
    """`_render_part` over some folders, texts encoded (once: cached folders stay bytes), each
    folder stored under its key (and each of its files mapped to that key); one without a
    key yet (`--clean`) gets it here."""
    if cache:  # before rendering, as in a lookup round (a template may touch the data)
        digests = Digests()
        part = [(key or folder_key(environment, digests, *g, cache.known), g) for key, g in part]
    texts, files, errors = _render_part(
        [p for _, g in part for p in g[0]], template_dirs, root,
        calendars=[c for _, g in part for c in g[1]], listing=listing, language=language,
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
                 bytecode: str | None = None) -> tuple[dict[str, str], dict[str, bytes],
                                                       list[tuple[str, ContentError]]]:
    env = make_environment(template_dirs, listing, language, bytecode)
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
