"""Plan stage: the resolved library becomes page specs, calendar files and a navigation.

Everything a template shows is computed here (dates, running times, backlinks as links,
prompts drawn from topics, previous and next meeting), so templates only lay data out. The
pages come from the registered page kinds (`plan/kinds/`); this module adds the nav, checks
that no two outputs share an address, and gathers the site-wide settings. Nothing is written.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import ContentError, HandbookError, format_loc, quote
from ..i18n import N_, Lang
from ..resolve.events import CalendarFile
from ..resolve.schedule import CohortSchedule
from ..resolve.site import Resolved
from ..validate.library import Library
from .calendars import calendar_files
from .kinds import kinds, plan_pages
from .labels import AUDIENCES, SECTIONS
from .paths import (
    INDEX,
    address,
    cohort_calendar_path,
    cohort_path,
    curriculum_path,
    meeting_calendar_path,
    module_path,
    playbook_path,
    program_path,
    section_index,
    topic_path,
)
from .views import PageSpec

NavItem = Any  # MkDocs nav format: a str path, or {title: str | list[NavItem]}


@dataclass(frozen=True)
class SitePlan:
    pages: tuple[PageSpec, ...]
    nav: list[NavItem]
    calendars: dict[str, CalendarFile] = field(default_factory=dict)  # the .ics files
    counts: dict[str, int] = field(default_factory=dict)
    # Site-wide values the engine needs (title, footer contact, a build date taken from the
    # content so that rebuilds are byte-identical whatever the clock says).
    site: dict[str, Any] = field(default_factory=dict)


def _nav(library: Library) -> list[NavItem]:
    """Sections and handbooks only: agendas hang off their cohort page, so each page's
    sidebar stays small however many meetings the site holds."""
    lang = Lang(library.site.language)

    def title(text: str) -> str:
        return html.escape(text, quote=False)  # MkDocs renders nav titles as HTML

    programs: list[NavItem] = [section_index("programs")]
    for pid, program in sorted(library.programs.items()):
        entries: list[NavItem] = [{title(lang.gettext(N_("Handbook"))): program_path(pid)}]
        entries += [{title(lang.gettext(a.curriculum)): curriculum_path(pid, a.id)}
                    for a in AUDIENCES if getattr(program.curricula, a.id)]
        entries += [{title(c.title): cohort_path(pid, cid)}
                    for cid, c in library.cohorts_of(pid)]
        programs.append({title(program.title): entries})

    def section(ident: str, items: dict[str, Any], path_of: Any) -> NavItem:
        return {title(lang.gettext(SECTIONS[ident].title)): [section_index(ident), *(
            {title(i.title): path_of(k)}
            for k, i in sorted(items.items(), key=lambda kv: kv[1].title.casefold()))]}

    programs_section = SECTIONS["programs"]  # (a literal inside gettext() is a msgid)
    return [
        {title(lang.gettext(N_("Home"))): INDEX},
        {title(lang.gettext(programs_section.title)): programs},
        section("training", library.modules, module_path),
        section("topics", library.topics, topic_path),
        section("challenges", library.challenges, playbook_path),
    ]


def _nav_paths(nav: Any) -> Iterator[str]:
    if isinstance(nav, str):
        yield nav
    for item in nav if isinstance(nav, list) else nav.values() if isinstance(nav, dict) else ():
        yield from _nav_paths(item)


def check_kinds(pages: list[PageSpec], nav: list[NavItem]) -> None:
    """Each page is of a registered kind and in the nav exactly when its kind says so (a new
    kind in the nav needs its place in `_nav`)."""
    registered, listed = kinds(), set(_nav_paths(nav))
    for page in pages:
        kind = registered.get(page.kind)
        if kind is None:
            raise RuntimeError(f"{page.path}: the page kind {page.kind!r} is not registered")
        if (page.path in listed) is not kind.in_nav:
            raise RuntimeError(f"{page.path}: a {kind.name} page is {'' if kind.in_nav else 'not '}"
                               f"meant to be in the nav")


def plan_site(resolved: Resolved) -> SitePlan:
    """Every page, file and nav entry of the site, computed in memory from the resolved
    library; calendar events at the revision the ledger gives them."""
    library, schedules = resolved.library, resolved.schedules
    pages = plan_pages(resolved)
    nav = _nav(library)
    check_kinds(pages, nav)
    calendars = calendar_files(resolved.calendars, schedules)
    check_paths(library, pages, _calendar_claims(library, schedules), set(calendars))
    counts = {"programs": len(library.programs), "cohorts": len(library.cohorts),
              "meetings": sum(len(s.meetings) for s in schedules.values()), "pages": len(pages)}
    return SitePlan(tuple(pages), nav, calendars, counts, _site_settings(library))


@dataclass(frozen=True)
class Claim:
    """One output path and the content that asks for it, so that two outputs landing on one
    path (which would silently overwrite each other) are reported on the content to rename."""

    path: str
    what: str  # the output, as a reader knows it: "the page 'Topics'"
    file: str  # the content file (or folder) it is made from
    # Who gives way in a clash: 0 a name the handbook chose (index pages), 1 a fixed name
    # inside an author's folder (curriculum pages), 2 an id written in a field, 3 a file name.
    rank: int
    cause: str = ""  # what the author wrote that made the path: "the file name 'index.yml'"
    line: int | None = None
    field: str = ""


def _page_claims(library: Library, pages: list[PageSpec]) -> list[Claim]:
    kinds = {doc.file: doc.kind for doc in library.sources.values()}
    claims = []
    for page in pages:
        kind = kinds.get(page.source, "site")
        rank = {"site": 0, "program": 1}.get(kind, 3)
        name = page.source.rpartition("/")[2]
        claims.append(Claim(page.path, f"the page {quote(page.title)}", page.source, rank,
                            f"the file name {name!r}" if rank == 3 else ""))
    return claims


def _calendar_claims(library: Library, schedules: dict[tuple[str, str], CohortSchedule]
                     ) -> list[Claim]:
    """The paths calendar.calendar_files uses, each with the content that names it (the
    files themselves come keyed by path, so a clash has already merged two of them)."""
    claims = []
    for (pid, cid), schedule in sorted(schedules.items()):
        cohort_doc = library.source("cohort", f"{pid}/{cid}")
        program_doc = library.source("program", pid)
        name = cohort_doc.file.rpartition("/")[2]
        claims.append(Claim(cohort_calendar_path(pid, cid), "the calendar of the whole cohort",
                            cohort_doc.file, 3, f"the file name {name!r}"))
        order = [s.id for s in library.programs[pid].meeting_plan]
        for meeting in schedule.meetings:
            sid = meeting.session.id
            loc = ("meeting_plan", order.index(sid), "id")
            mark = program_doc.mark(loc)
            claims.append(Claim(
                meeting_calendar_path(pid, cid, meeting.number, sid),
                f"the calendar of meeting {meeting.number} ({meeting.session.title})",
                program_doc.file, 2, f"the session id {sid!r}", mark[0] if mark else None,
                format_loc(loc)))
    return claims


def check_paths(library: Library, pages: list[PageSpec], calendars: list[Claim],
                planned: set[str]) -> None:
    """Refuse two outputs at one address: report each clash on the content that caused it
    (a file name or id equal to a name the handbook uses for a page or calendar of its own)."""
    groups: dict[str, list[Claim]] = defaultdict(list)
    for claim in [*_page_claims(library, pages), *calendars]:
        groups[address(claim.path)].append(claim)
    errors = []
    for where, claims in groups.items():
        if len(claims) < 2:
            continue
        blamed = max(claims, key=lambda c: c.rank)  # the first of the highest rank
        if blamed.rank < 2:
            raise RuntimeError(f"two generated outputs at {where}: {claims}")
        others = "; ".join(f"{c.what} ({c.path}, made from {c.file})"
                           for c in claims if c is not blamed)
        shared = f"; both would be published at {where}" if len(
            {c.path for c in claims}) > 1 else ""
        errors.append(ContentError(
            blamed.file, f"{blamed.cause} would put {blamed.what} at {blamed.path}, where the "
            f"handbook already puts {others}{shared}", blamed.line, None, blamed.field,
            f"{'rename the file' if blamed.rank == 3 else 'change this id'}: the handbook "
            "names its own pages and calendars index, print, pack-<role>, curriculum-<role> "
            "and <number>-<session id> (such as 01-kickoff), so pick an id that is none of "
            "these"))
    if errors:
        raise HandbookError(errors)
    if {c.path for c in calendars} != planned:
        raise RuntimeError("plan.check_paths and calendar.calendar_files disagree on paths")


def _site_settings(library: Library) -> dict[str, Any]:
    site = library.site
    starts = [c.schedule.start for c in library.cohorts.values()] or [dt.date(2000, 1, 1)]
    epoch = int(dt.datetime.combine(max(starts), dt.time(), tzinfo=dt.UTC).timestamp())
    return {"title": site.title, "organisation": site.organisation,
            "contact": site.contact.model_dump(exclude_none=True),
            "privacy": site.privacy, "source_date_epoch": epoch, "language": site.language,
            "pdf": site.pdf}
