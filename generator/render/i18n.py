"""The templates' gettext: Jinja's i18n extension over the site language's catalog.

Templates write `{% trans %}Meeting schedule{% endtrans %}` or `_("Add to calendar")`; the
translated text is our own (a catalog is as trusted as a template), so it may hold Markdown
(`**Objective:**`) and is printed as is. The values a message interpolates are data, escaped
one by one exactly as `{{ value }}` would be: Jinja's own newstyle callables would format
first and hand `finalize` the whole sentence, escaping the translator's Markdown with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2

from ..i18n import Lang
from ..plan.labels import AUDIENCES

Finalize = Callable[[Any], Any]


def install(env: jinja2.Environment, lang: Lang, finalize: Finalize,
            raw: Callable[[str], str]) -> None:
    """Give `env` the i18n extension, reading `lang`'s catalog."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True  # a message is one line whatever its layout
    catalog = lang.catalog

    def values(variables: dict[str, Any]) -> dict[str, Any]:
        return {key: finalize(value) for key, value in variables.items()}

    def gettext(message: str, **variables: Any) -> str:
        return raw(catalog.gettext(message) % values(variables))  # "%%" in every msgid

    def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
        text = catalog.ngettext(singular, plural, num)
        return raw(text % values({"num": num, **variables}))

    # Set directly (not install_gettext_callables, whose wrappers format after the call).
    env.globals.update(gettext=gettext, _=gettext, ngettext=ngettext)
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.filters["minutes"] = lang.minutes  # '90 minutes', '90 Minuten'
    env.filters["translate"] = gettext  # a fixed choice (`format`, `audience`) as a label
    env.globals["cadence"] = lang.cadence  # 'weekly', 'alle 2 Wochen'
    env.globals["audience_words"] = {a.id: a for a in AUDIENCES}  # their words, as msgids
    env.globals["language"] = lang.code
