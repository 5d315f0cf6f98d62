"""Which PDF files a cohort gets and where they go: the one place the cohort page's links and
the PDF builder (`engine/pdf.py`) agree on.

A cohort's print page becomes `<cohort id>.pdf` and each pack `<cohort id>-<role>-pack.pdf`,
beside the cohort's `.ics` file: a download keeps a name that says which cohort it is.
"""

from __future__ import annotations

from .views import AUDIENCES

WHOLE = "Whole cohort"


def _sources(cid: str) -> list[tuple[str, str, str]]:
    """(page file in the cohort folder, PDF file name, label) for each PDF of a cohort."""
    return [("print.md", f"{cid}.pdf", WHOLE),
            *((f"pack-{a}.md", f"{cid}-{a}-pack.pdf", f"{a.capitalize()} pack") for a in AUDIENCES)]


def pdf_links(cid: str) -> list[dict[str, str]]:
    """The cohort's PDFs for its page, in the order it lists them: a label and the file name
    in the cohort's folder. Linked in raw HTML, since the files do not exist yet when the
    engine checks the Markdown links (they are printed from the built pages)."""
    return [{"title": f"{label} (PDF)", "file": name} for _, name, label in _sources(cid)]


def pdf_target(page_path: str) -> str | None:
    """The PDF made from a docs page (`programs/p/c/print.md` -> `programs/p/c/c.pdf`), or
    None for a page that gets none."""
    parts = page_path.split("/")
    if len(parts) != 4 or parts[0] != "programs":
        return None
    cid = parts[2]
    for page, name, _ in _sources(cid):
        if parts[3] == page:
            return "/".join([*parts[:3], name])
    return None
