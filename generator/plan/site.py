"""Plan stage: the validated library and its schedules become page specs and a navigation.

Everything a template shows is computed here (dates, running times, backlinks, prompts drawn
from topics, previous and next meeting), so templates only lay data out. Nothing is written.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..errors import ContentError, HandbookError, format_loc, quote
from ..resolve.backlinks import Key, Usage
from ..resolve.events import CalendarFile
from ..resolve.schedule import CohortSchedule
from ..resolve.site import Resolved
from ..validate.library import Library
from ..validate.models import Program
from .calendars import calendar_files
from .cohort import cohort_pages, meeting_link
from .views import (
    AUDIENCES,
    Link,
    PageSpec,
    address,
    cohort_calendar_path,
    cohort_dir,
    format_day,
    meeting_calendar_path,
    module_path,
    playbook_path,
    program_dir,
    topic_path,
)

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


def _program_pages(library: Library, pid: str, program: Program,
                   schedules: dict[tuple[str, str], CohortSchedule]) -> list[PageSpec]:
    source = library.source("program", pid).file
    base = program_dir(pid)
    cohorts = [(cid, c) for (p, cid), c in sorted(library.cohorts.items()) if p == pid]
    kpis = {k.id: k.name for o in program.objectives for k in o.kpis}
    context = {
        "program": program,
        "kpi_names": kpis,
        "roles": {r.id: r.name for r in program.roles},
        "sessions": [{"number": i + 1, "session": s,
                      "topics": [Link(library.topics[t].title, topic_path(t)) for t in s.topics]}
                     for i, s in enumerate(program.meeting_plan)],
        "session_titles": {s.id: s.title for s in program.meeting_plan},
        "challenges": [Link(library.challenges[c].title, playbook_path(c))
                       for c in program.challenges],
        "curricula": [Link(f"{a.capitalize()} curriculum", f"{base}/curriculum-{a}.md")
                      for a in AUDIENCES if getattr(program.curricula, a)],
        "cohorts": [{"link": Link(c.title, f"{cohort_dir(pid, cid)}/index.md"),
                     "first": format_day(schedules[(pid, cid)].meetings[0].start),
                     "last": format_day(schedules[(pid, cid)].meetings[-1].start),
                     "format": c.format} for cid, c in cohorts],
    }
    pages = [PageSpec(f"{base}/index.md", "program.md.j2", program.title, context, source)]
    for audience in AUDIENCES:
        ids = getattr(program.curricula, audience)
        if not ids:
            continue
        modules = [{"link": Link(library.modules[m].title, module_path(m)),
                    "module": library.modules[m]} for m in ids]
        role = next((r for r in program.roles if r.id == audience), None)
        pages.append(PageSpec(
            f"{base}/curriculum-{audience}.md", "curriculum.md.j2",
            f"{program.title}: {audience} curriculum",
            {"program": program, "program_link": Link(program.title, f"{base}/index.md"),
             "audience": audience, "role": role, "modules": modules,
             "total_minutes": sum(m["module"].minutes for m in modules)},
            source, search_boost=0.5,
        ))
    return pages


def _backlinks(library: Library, use: Usage) -> dict[str, Any]:
    """The resolved backlinks of one item as the links and rows its page shows."""
    programs = library.programs
    sessions = [{"program": programs[s.program].title, "number": s.index + 1,
                 "session": programs[s.program].meeting_plan[s.index].title,
                 "meetings": [meeting_link(s.program, cid, library.cohorts[(s.program, cid)], m)
                              for cid, m in s.meetings]} for s in use.sessions]
    return {"programs": [Link(programs[p].title, f"{program_dir(p)}/index.md")
                         for p in use.programs],
            "sessions": sessions,
            "audiences": {programs[p].title: a for p, a in use.audiences.items()}}


def _library_pages(library: Library, usage: dict[Key, Usage]) -> list[PageSpec]:
    pages = []
    kinds = (("topic", library.topics, topic_path, "topic.md.j2"),
             ("challenge", library.challenges, playbook_path, "challenge.md.j2"),
             ("module", library.modules, module_path, "module.md.j2"))
    for kind, items, path_of, template in kinds:
        for ident, item in sorted(items.items()):
            use = usage.get((kind, ident), Usage())
            source = library.source(kind, ident).file
            pages.append(PageSpec(path_of(ident), template, item.title, {
                "item": item, **_backlinks(library, use)}, source))
    return pages


def _index_pages(library: Library) -> list[PageSpec]:
    programs = [{"link": Link(p.title, f"{program_dir(pid)}/index.md"), "program": p,
                 "cohorts": [Link(c.title, f"{cohort_dir(pid, cid)}/index.md")
                             for (q, cid), c in sorted(library.cohorts.items()) if q == pid]}
                for pid, p in sorted(library.programs.items())]

    def listing(items: dict[str, Any], path_of: Any) -> list[dict[str, Any]]:
        return [{"link": Link(i.title, path_of(k)), "item": i} for k, i in sorted(items.items())]

    return [
        PageSpec("index.md", "home.md.j2", library.site.title,
                 {"site": library.site, "programs": programs,
                  "counts": {"topics": len(library.topics), "challenges": len(library.challenges),
                             "modules": len(library.modules)}}, "content/site.yml",
                 search_boost=0.5),
        PageSpec("programs/index.md", "section.md.j2", "Programs",
                 {"section": "programs", "entries": [
                     {"link": p["link"], "item": p["program"]} for p in programs]},
                 "content/programs", search_boost=0.5),
        PageSpec("training/index.md", "section.md.j2", "Training",
                 {"section": "training", "entries": listing(library.modules, module_path)},
                 "content/training", search_boost=0.5),
        PageSpec("topics/index.md", "section.md.j2", "Topics",
                 {"section": "topics", "entries": listing(library.topics, topic_path)},
                 "content/topics", search_boost=0.5),
        PageSpec("challenges/index.md", "section.md.j2", "Challenges",
                 {"section": "challenges", "entries": listing(library.challenges, playbook_path)},
                 "content/challenges", search_boost=0.5),
    ]


def _nav(library: Library) -> list[NavItem]:
    """Sections and handbooks only: agendas hang off their cohort page, so each page's
    sidebar stays small however many meetings the site holds."""
    def title(text: str) -> str:
        return html.escape(text, quote=False)  # MkDocs renders nav titles as HTML

    programs: list[NavItem] = ["programs/index.md"]
    for pid, program in sorted(library.programs.items()):
        entries: list[NavItem] = [{"Handbook": f"{program_dir(pid)}/index.md"}]
        entries += [{f"{a.capitalize()} curriculum": f"{program_dir(pid)}/curriculum-{a}.md"}
                    for a in AUDIENCES if getattr(program.curricula, a)]
        entries += [{title(c.title): f"{cohort_dir(pid, cid)}/index.md"}
                    for (q, cid), c in sorted(library.cohorts.items()) if q == pid]
        programs.append({title(program.title): entries})

    def section(index: str, items: dict[str, Any], path_of: Any) -> list[NavItem]:
        return [index, *({title(i.title): path_of(k)} for k, i in
                         sorted(items.items(), key=lambda kv: kv[1].title.casefold()))]

    return [
        {"Home": "index.md"},
        {"Programs": programs},
        {"Training": section("training/index.md", library.modules, module_path)},
        {"Topics": section("topics/index.md", library.topics, topic_path)},
        {"Challenges": section("challenges/index.md", library.challenges, playbook_path)},
    ]


def plan_site(resolved: Resolved) -> SitePlan:
    """Every page, file and nav entry of the site, computed in memory from the resolved
    library; calendar events at the revision the ledger gives them."""
    library, schedules = resolved.library, resolved.schedules
    pages = _index_pages(library)
    for pid, program in sorted(library.programs.items()):
        pages += _program_pages(library, pid, program, schedules)
    for (pid, cid), cohort in sorted(library.cohorts.items()):
        pages += cohort_pages(library, pid, cid, cohort, schedules[(pid, cid)])
    pages += _library_pages(library, resolved.usage)
    calendars = calendar_files(resolved.calendars, schedules)
    check_paths(library, pages, _calendar_claims(library, schedules), set(calendars))
    counts = {"programs": len(library.programs), "cohorts": len(library.cohorts),
              "meetings": sum(len(s.meetings) for s in schedules.values()), "pages": len(pages)}
    return SitePlan(tuple(pages), _nav(library), calendars, counts, _site_settings(library))


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
            "privacy": site.privacy, "source_date_epoch": epoch}
