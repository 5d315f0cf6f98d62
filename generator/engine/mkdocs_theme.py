"""The theme's file listing without its hidden folders, and a template it lacks told plainly.

MkDocs finds a theme's static files (styles, scripts, images it copies into the site) by
listing every file of every theme folder through the Jinja loader, then drops whatever is not
static, among it every name with a hidden part (its patterns `.*` and `*/.*`). Material keeps
about 14,000 icons in `.icons` (for its templates to include), so every build walked them for
nothing: an eighth of a second of each small rebuild. The loader here lists the same names
less those under a hidden folder, so MkDocs keeps the same files; templates load as before.
"""

from __future__ import annotations

import os
from typing import Any

import jinja2


class ThemeLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, listing as it does (tests/test_speedups.py compares) but not
    descending into folders whose name starts with a dot."""

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for searchpath in self.searchpath:
            for folder, folders, names in os.walk(searchpath, followlinks=self.followlinks):
                folders[:] = [name for name in folders if not name.startswith(".")]
                for name in names:
                    template = (os.path.join(folder, name)[len(searchpath):]
                                .strip(os.path.sep).replace(os.path.sep, "/"))
                    found.add(template[2:] if template[:2] == "./" else template)
        return sorted(found)


def skip_hidden_folders(theme: Any) -> None:
    """Have `theme.get_env` (MkDocs' Theme, or a fork's) give environments listing with a
    `ThemeLoader`; one with a loader of another kind is left as it is."""
    make = theme.get_env

    def get_env() -> jinja2.Environment:
        env = make()
        loader = env.loader
        if type(loader) is jinja2.FileSystemLoader:
            env.loader = ThemeLoader(loader.searchpath, loader.encoding, loader.followlinks)
        return env

    theme.get_env = get_env


def lacking(error: BaseException) -> str | None:
    """What to say of a build that stopped at a template no folder holds (a setting, or an
    override, asked for it), else None. Jinja's TemplateNotFound is an OSError to Python:
    handbook took it for a failed write ("[Errno None] None"), MkDocs' preview printed it
    as a traceback."""
    if not isinstance(error, jinja2.TemplateNotFound):
        return None
    return (f"The theme needs the template {error.name!r}, which the theme overrides "
            f"(site_overrides/), handbook's templates and the theme all lack.\n  hint: a "
            f"setting of mkdocs.yml asks for it (as `extra.analytics.provider: custom` asks "
            f"for partials/integrations/analytics/custom.html), or an override includes it: "
            f"add the file to site_overrides/, or change the setting.")
