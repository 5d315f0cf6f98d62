"""Which PDF files a cohort gets and where they go: the one place the cohort page's links and
the PDF builder (`engine/pdf.py`) agree on.

A cohort's print page becomes one PDF and each pack another (their paths in `paths.py`).
The cohort page links them only when the build will print them (`Resolved.pdf`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_, Lang
from .labels import AUDIENCES
from .paths import cohort_pdf_path, pack_path, print_path
from .views import View

WHOLE = N_("Whole cohort (PDF)")
PACK = N_("%(pack)s (PDF)")


@dataclass(frozen=True)
class PdfLink(View):
    """One PDF button of the cohort page: its label and the file name in the cohort's
    folder (linked in raw HTML: the engine checks Markdown links before the PDFs exist)."""

    title: str
    file: str


def _sources(pid: str, cid: str) -> list[tuple[str, str, str]]:
    """(page path, PDF path, label msgid) for each PDF of a cohort."""
    return [(print_path(pid, cid), cohort_pdf_path(pid, cid), WHOLE),
            *((pack_path(pid, cid, a.id), cohort_pdf_path(pid, cid, a.id), a.pack)
              for a in AUDIENCES)]


def pdf_links(pid: str, cid: str, lang: Lang) -> list[PdfLink]:
    """The cohort's PDFs for its page, in the order it lists them, labelled in the site's
    language."""
    found = []
    for _, target, label in _sources(pid, cid):
        text = lang.gettext(label) if label == WHOLE else lang.gettext(
            PACK, pack=lang.gettext(label))
        found.append(PdfLink(text, target.rsplit("/", 1)[1]))
    return found


def pdf_target(page_path: str) -> str | None:
    """The PDF made from a docs page (`programs/p/c/print.md` -> `programs/p/c/c.pdf`), or
    None for a page that gets none."""
    parts = page_path.split("/")
    if len(parts) != 4 or parts[0] != "programs":
        return None
    for page, target, _ in _sources(parts[1], parts[2]):
        if page == page_path:
            return target
    return None
