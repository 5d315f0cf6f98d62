"""Every output path and URL of the site, in one module.

A page, every link to it, its calendar and the engine's `not_in_nav` rule must agree, so each
is built here and nowhere else. Paths are relative to the docs folder (`topics/tooling.md`).
The `*_GLOB` patterns match what the function beside them builds (tests/test_kinds.py holds
them to it); the write stage hands the patterns of pages kept out of the nav to the engine.
"""

from __future__ import annotations

INDEX = "index.md"  # the home page


def section_index(section: str) -> str:
    """The index page of a section: programs, training, topics or challenges."""
    return f"{section}/index.md"


def program_dir(pid: str) -> str:
    return f"programs/{pid}"


def program_path(pid: str) -> str:
    return f"{program_dir(pid)}/index.md"


def curriculum_path(pid: str, audience: str) -> str:
    return f"{program_dir(pid)}/curriculum-{audience}.md"


def cohort_dir(pid: str, cid: str) -> str:
    return f"{program_dir(pid)}/{cid}"


def cohort_path(pid: str, cid: str) -> str:
    return f"{cohort_dir(pid, cid)}/index.md"


def print_path(pid: str, cid: str) -> str:
    return f"{cohort_dir(pid, cid)}/print.md"


PRINT_GLOB = "/programs/*/*/print.md"


def pack_path(pid: str, cid: str, audience: str) -> str:
    return f"{cohort_dir(pid, cid)}/pack-{audience}.md"


PACK_GLOB = "/programs/*/*/pack-*.md"


def results_path(pid: str, cid: str) -> str:
    """A cohort's results page: its KPIs against their targets and its survey answers."""
    return f"{cohort_dir(pid, cid)}/results.md"


RESULTS_GLOB = "/programs/*/*/results.md"


def program_results_path(pid: str) -> str:
    """A program's results page: each KPI across its cohorts."""
    return f"{program_dir(pid)}/results.md"


PROGRAM_RESULTS_GLOB = "/programs/*/results.md"


def certificates_path(pid: str, cid: str) -> str:
    """A finished cohort's certificates, one per participant, for printing."""
    return f"{cohort_dir(pid, cid)}/certificates.md"


CERTIFICATES_GLOB = "/programs/*/*/certificates.md"


def cohort_pdf_path(pid: str, cid: str, audience: str | None = None) -> str:
    """A cohort's PDF (its print page: `<cid>.pdf`) or an audience pack's
    (`<cid>-<role>-pack.pdf`), beside the cohort's calendar: a download keeps a name that
    says which cohort it is. Printed by the build from `print_path` / `pack_path`."""
    name = cid if audience is None else f"{cid}-{audience}-pack"
    return f"{cohort_dir(pid, cid)}/{name}.pdf"


def meeting_path(pid: str, cid: str, number: int, session_id: str) -> str:
    return f"{cohort_dir(pid, cid)}/{number:02d}-{session_id}.md"


MEETING_GLOB = "/programs/*/*/[0-9]*.md"


def cohort_calendar_path(pid: str, cid: str) -> str:
    return f"{cohort_dir(pid, cid)}/{cid}.ics"


def meeting_calendar_path(pid: str, cid: str, number: int, session_id: str) -> str:
    return meeting_path(pid, cid, number, session_id).removesuffix(".md") + ".ics"


def topic_path(ident: str) -> str:
    return f"topics/{ident}.md"


def playbook_path(ident: str) -> str:
    return f"challenges/{ident}.md"


def module_path(ident: str) -> str:
    return f"training/{ident}.md"


def address(path: str) -> str:
    """Where MkDocs publishes a docs file with `use_directory_urls`: `a/b.md` and `a/b/index.md`
    both become `a/b/`, so two such pages overwrite each other in the built site."""
    if not path.endswith(".md"):
        return path
    stem = path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def page_url(base: str, path: str) -> str:
    """The absolute URL of a page on a site published at `base` (calendar links)."""
    return base.rstrip("/") + "/" + path.removesuffix(".md").removesuffix("index") + "/"
