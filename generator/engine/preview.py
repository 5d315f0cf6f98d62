"""The live preview after a content error: the located report in the browser, not a hang.

`mkdocs serve` stops answering while its last rebuild failed, so an author saw a blank page
and no message. Instead, the plugin has MkDocs build a one-page docs folder holding the report
(as a code block: Markdown escapes it), and every page the reader may be on is replaced by that
page, so the browser shows the error where it is and reloads into the fixed page on the next
save. Pure file work: no MkDocs import.
"""

from __future__ import annotations

import html
import shutil
import textwrap
from pathlib import Path

INTRO = ("The preview shows the last error instead of the site. Fix the file named below and "
         "save it: this page reloads by itself.")


def error_docs(docs: Path, report: str) -> Path:
    """A docs folder beside `docs` whose only page shows `report` verbatim."""
    folder = docs.parent / f".{docs.name}-error"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    text = f"# The content has errors\n\n{INTRO}\n\n{textwrap.indent(report, '    ')}\n"
    (folder / "index.md").write_text(text, "utf-8", newline="\n")
    return folder


def show_everywhere(site: Path, base_url: str) -> None:
    """Put the built error page at every page's address, and at 404.html for the rest.

    A `<base>` keeps the page's relative links (stylesheets, scripts) pointing at the root.
    """
    page = (site / "index.html").read_text("utf-8")
    page = page.replace("<head>", f'<head>\n<base href="{html.escape(base_url)}">', 1)
    for other in [*site.rglob("*.html"), site / "404.html"]:
        if other != site / "index.html":
            other.write_text(page, "utf-8", newline="\n")
