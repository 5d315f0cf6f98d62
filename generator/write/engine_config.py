"""The engine's configuration as plain files: `build/mkdocs.yml` and the theme folder it names.

The project's own mkdocs.yml stays the file people edit. Generation adds what only the content
knows (the nav in the generated order and titles, the site title, the footer data in
`extra.handbook`) and the folders (`docs_dir`, `theme.custom_dir`), and writes the result beside
the docs folder. MkDocs, ProperDocs and Zensical each read that file as it stands, so no engine
needs our plugin to see the nav, the title or the footer.

Paths are relative to the generated file, as every engine resolves them; Zensical also insists
that `docs_dir` and `site_dir` lie inside the folder of the config file, so the engine's own
output folder is `build/site` (`handbook build` publishes it as `site/`).

The theme: `theme.custom_dir` names one folder, yet a project's `site_overrides/` stands in
front of the overrides packaged with handbook. So generation merges them into `build/theme`:
the packaged files, the project's on top, and the packaged templates once more under
`handbook/` for `{% extends "handbook/main.html" %}` (only `.html`, which no engine copies
into the site). Never imports MkDocs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from markupsafe import escape

from .. import resources
from ..errors import ContentError, HandbookError, relative
from ..i18n import DEFAULT, N_, Lang
from ..plan.kinds import not_in_nav
from ..render.pages import PACKAGED_PREFIX  # `{% extends "handbook/main.html" %}`
from .files import atomic_write
from .names import CONFIG_NAME as CONFIG_NAME  # re-exported: the name its callers use
from .names import THEME_FOLDER as THEME_FOLDER

SITE_FOLDER = "site"  # where an engine run by hand on build/mkdocs.yml writes: build/site
PLUGIN = "handbook"

SKIPPED = {"__pycache__", "__init__.py"}


@dataclass(frozen=True)
class Tagged:
    """A value with a YAML tag we do not interpret (`!ENV`, `!!python/name:...`), written
    back as it came so the engine reads it as it would have from the project's file."""

    tag: str
    value: Any


class _Loader(yaml.SafeLoader):
    pass


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.MappingNode):
        return Tagged(node.tag, loader.construct_mapping(node, deep=True))
    if isinstance(node, yaml.SequenceNode):
        return Tagged(node.tag, loader.construct_sequence(node, deep=True))
    return Tagged(node.tag, loader.construct_scalar(node))  # type: ignore[arg-type]


_Loader.add_multi_constructor("", _tagged)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


def _represent_text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None  # not_in_nav's patterns stay one a line
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(Tagged, _represent_tagged)
_Dumper.add_representer(str, _represent_text)


def read_project_config(path: Path, root: Path) -> dict[str, Any]:
    """The project's mkdocs.yml as data; a broken one is a located error, as a content file's
    would be. A project without one (a content folder only) gets the settings `handbook init`
    writes: without them the site would have no handbook plugin (no output allowlist, no page
    cache), would load Google Fonts, and would show the whole nav on every page."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        path = resources.project_files() / "mkdocs.yml"
        text = path.read_text("utf-8")
    try:
        data = yaml.load(text, _Loader)  # a SafeLoader keeping unknown tags
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise HandbookError([ContentError(
            relative(path, root), f"is not valid YAML: {getattr(error, 'problem', error)}",
            mark.line + 1 if mark else None, mark.column + 1 if mark else None,
            hint="fix the YAML; MkDocs reads this file too")]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise HandbookError([ContentError(relative(path, root), "must be a mapping of settings",
                                          hint="start from the mkdocs.yml `handbook init` "
                                               "writes")])
    return data


def _plugin_options(config: dict[str, Any]) -> dict[str, Any] | None:
    """The handbook plugin's options in `plugins` (a list or a mapping), or None."""
    plugins = config.get("plugins")
    entries = plugins if isinstance(plugins, list) else [plugins] if plugins else []
    for entry in entries:
        if entry == PLUGIN:
            return {}
        if isinstance(entry, dict) and PLUGIN in entry:
            return entry[PLUGIN] if isinstance(entry[PLUGIN], dict) else {}
    return None


def _with_plugin_options(plugins: Any, options: dict[str, Any]) -> Any:
    """`plugins` with the handbook entry's options replaced by `options`."""
    def swap(entry: Any) -> Any:
        if entry == PLUGIN or (isinstance(entry, dict) and PLUGIN in entry):
            return {PLUGIN: options}
        return entry

    if isinstance(plugins, list):
        return [swap(entry) for entry in plugins]
    if isinstance(plugins, dict) and PLUGIN in plugins:
        return {**plugins, PLUGIN: options}
    return plugins


def _with_search_language(plugins: Any, language: str) -> Any:
    """`plugins` with the search plugin's `lang` set to the site's language (its stemmer and
    stop words), keeping the project's other search options."""
    def swap(entry: Any) -> Any:
        if entry == "search":
            return {"search": {"lang": language}}
        if isinstance(entry, dict) and isinstance(entry.get("search", {}), dict | None) \
                and "search" in entry:
            return {"search": {**(entry["search"] or {}), "lang": language}}
        return entry

    return [swap(entry) for entry in plugins] if isinstance(plugins, list) else plugins


def _rel(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()


def override_folders(root: Path, config: dict[str, Any]) -> list[Path]:
    """The project's own theme folders, lowest first: site_overrides/ (the plugin's
    `overrides` option), then a `theme.custom_dir` of mkdocs.yml; the packaged folder and
    folders that do not exist are left out."""
    options = _plugin_options(config) or {}
    theme = config.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    packaged = resources.default_overrides().resolve()
    folders = [root / str(options.get("overrides", "site_overrides"))]
    if isinstance(custom, str) and custom:
        folders.append(root / custom)
    seen: list[Path] = []
    for folder in folders:
        if folder.is_dir() and folder.resolve() != packaged and folder.resolve() not in seen:
            seen.append(folder.resolve())
    return seen


def _files(folder: Path) -> dict[str, bytes]:
    found = {}
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if path.is_file() and not SKIPPED.intersection(parts) and not path.name.endswith(
                ".pyc"):
            found["/".join(parts)] = path.read_bytes()
    return found


def theme_files(root: Path, config: dict[str, Any]) -> dict[str, bytes]:
    """The merged theme folder: packaged overrides, the project's on top, and the packaged
    templates again under `handbook/`."""
    packaged = _files(resources.default_overrides())
    merged = dict(packaged)
    for folder in override_folders(root, config):
        merged.update(_files(folder))
    merged.update({f"{PACKAGED_PREFIX}/{name}": data for name, data in packaged.items()
                   if name.endswith(".html")})
    return merged


def _not_in_nav(own: str | None) -> str:
    """The project's own `not_in_nav` lines, then the pattern of each page kind the plan keeps
    out of the nav (agendas, print pages, packs) that the project does not list already."""
    lines = own.splitlines() if own else []
    lines += [pattern for pattern in not_in_nav() if pattern not in lines]
    return "".join(f"{line}\n" for line in lines)


def alternates(languages: list[str]) -> list[dict[str, str]]:
    """Material's language switcher (`extra.alternate`): each language by its own name, at
    its folder beside this one. site_overrides/partials/alternate.html links the current
    page's path under that folder; `link` is the language's home, for other themes."""
    names = {code: Locale.parse(code).get_display_name(code) or code for code in languages}
    return [{"name": names[code][:1].upper() + names[code][1:], "link": f"../{code}/",
             "lang": code} for code in languages]


def engine_config(config: dict[str, Any], *, root: Path, build: Path, docs: Path,
                  site: dict[str, Any] | None, nav: list[Any] | None,
                  alternates: list[dict[str, str]] | None = None,
                  memo: Path | None = None) -> bytes:
    """The generated config: the project's settings in their order, then what generation
    adds. `root` is the project, `build` the folder the file goes to. Without `site` (content
    that does not build yet) the project's title stays and there is no nav or footer data.
    `memo`: a file keeping the last config made (`_dumped`)."""
    out = dict(config)
    # The title as HTML text: Zensical prints site_name into <title> unescaped, and Material
    # for MkDocs escapes it in some places and not in others, so the plugin hands MkDocs
    # this text as MarkupSafe Markup, which `| e` leaves alone.
    out["site_name"] = str(escape(site["title"] if site else config.get("site_name") or ""))
    out["docs_dir"] = _rel(docs, build)
    out["site_dir"] = SITE_FOLDER
    theme = out.get("theme")
    theme = dict(theme) if isinstance(theme, dict) else {"name": theme or "material"}
    theme["custom_dir"] = THEME_FOLDER
    if theme.get("name") == "material" and theme.get("font") is None and "INHERIT" not in out:
        theme["font"] = False  # unless the project names a font (`font:` left empty names
        # none), or may in the file it inherits: no Google Fonts, the site is offline
    if site is not None and site.get("language"):  # Material's labels and <html lang>
        theme["language"] = site["language"]
        out["plugins"] = _with_search_language(out.get("plugins", ["search"]), site["language"])
    out["theme"] = theme
    for key in ("INHERIT",):  # paths relative to the config file
        if isinstance(out.get(key), str):
            out[key] = _rel(root / out[key], build)
    if isinstance(out.get("hooks"), list):
        out["hooks"] = [_rel(root / h, build) if isinstance(h, str) else h for h in out["hooks"]]
    if isinstance(out.get("watch"), list):
        out["watch"] = [_rel(root / w, build) if isinstance(w, str) else w for w in out["watch"]]
    options = _plugin_options(config)
    if options is not None:  # the plugin finds the project from here: the folder above
        language = {"language": site["language"]} if alternates and site else {}
        out["plugins"] = _with_plugin_options(out["plugins"],
                                              {**options, "project": _rel(root, build),
                                               **language})
    if site is not None:
        extra = out.get("extra")
        # The footer's label too: the theme override is rendered by the engine, without
        # handbook's catalogs (site_overrides/partials/copyright.html).
        office = Lang(site.get("language") or DEFAULT).gettext(N_("Program office:"))
        out["extra"] = {**(extra if isinstance(extra, dict) else {}),
                        "handbook": {**site, "office_label": office}}
        if alternates:  # one language of several (pipeline.prepare_all)
            out["extra"]["alternate"] = alternates
    if nav is not None:
        if isinstance(out.get("not_in_nav"), str | None):
            out["not_in_nav"] = _not_in_nav(out.get("not_in_nav"))
        out["nav"] = nav
    return _dumped(out, memo, opening_comment(root, build))


def opening_comment(root: Path, build: Path) -> str:
    """The generated config's opening comment: made from what, and how any engine builds
    from it. A project without an mkdocs.yml is built with handbook's default settings
    (`read_project_config`), and the header says so rather than name a file that is not
    there; a language's config (build/<lang>/) names the project's file from where it is."""
    own = root / "mkdocs.yml"
    source = _rel(own, build) if own.is_file() else \
        "handbook's default settings (the project has no mkdocs.yml)"
    config = _rel(build / CONFIG_NAME, root)
    text = (f"Generated by handbook from {source} and the content: do not edit (every build "
            f"writes it again). Any engine builds the site from it: mkdocs, properdocs or "
            f"zensical `build -f {config}`.")
    return textwrap.fill(text, 92, initial_indent="# ", subsequent_indent="# ",
                         break_long_words=False, break_on_hyphens=False) + "\n"


def _dumped(out: dict[str, Any], memo: Path | None, header: str) -> bytes:
    """`out` as the generated config's YAML. PyYAML's pure-Python emitter took a tenth of a
    second on the bench set's nav, every build (libyaml's is faster but writes some strings
    otherwise); `memo` keeps the last text made, under a key of what it was made from: the
    data, pickled (which also tells a list or mapping used twice, written once with an alias,
    from two equal ones), PyYAML's version and this module's code. The same key gives the
    same text, so it is taken from the memo; a memo that is missing, damaged or of other data
    is made again. A memo that cannot be written is no error: the next build dumps again."""
    try:
        key = hashlib.sha256(b"\0".join([yaml.__version__.encode(), Path(__file__).read_bytes(),
                                         header.encode(), pickle.dumps(out, protocol=4)])
                             ).hexdigest()
    except (pickle.PicklingError, TypeError, AttributeError, OSError):
        memo = None  # data this cannot key: dumped every time
    if memo is not None:
        with contextlib.suppress(OSError, ValueError):
            head, text = memo.read_bytes().split(b"\n", 1)
            if head.decode("ascii") == f"{key} {hashlib.sha256(text).hexdigest()}":
                return text
    text = (header + yaml.dump(out, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                             width=1000)).encode("utf-8")
    if memo is not None:
        with contextlib.suppress(OSError):
            atomic_write(memo, f"{key} {hashlib.sha256(text).hexdigest()}\n".encode() + text)
    return text
