"""Plan the pages of one cohort: its handbook, an agenda per meeting, a print-everything page
and one pack per audience.

The agenda data is computed once per meeting and shared by the agenda page, the print page and
the packs, so the three can never disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .meeting_data import checklist_key, invitation, iso_minute, meetings_attribute
from .pdfs import pdf_links
from .views import (
    AUDIENCES,
    Link,
    PageSpec,
    agenda_rows,
    cohort_calendar_path,
    cohort_dir,
    format_clock,
    format_day,
    format_time_range,
    meeting_calendar_path,
    meeting_path,
    module_path,
    playbook_path,
    program_dir,
    topic_path,
)

if TYPE_CHECKING:
    from ..resolve.schedule import CohortSchedule, ScheduledMeeting
    from ..validate.library import Library
    from ..validate.models import Cohort

PACK_TITLES = {"mentor": "Mentor pack", "mentee": "Mentee pack",
               "coordinator": "Coordinator pack"}


def meeting_link(pid: str, cid: str, cohort: Cohort, meeting: ScheduledMeeting) -> Link:
    return Link(f"{cohort.title}: {format_day(meeting.start)}",
                meeting_path(pid, cid, meeting.number, meeting.session.id))


def _agendas(library: Library, pid: str, cid: str, cohort: Cohort,
             schedule: CohortSchedule) -> list[dict[str, Any]]:
    meetings = schedule.meetings
    agendas = []
    for index, meeting in enumerate(meetings):
        session = meeting.session
        previous = meetings[index - 1] if index > 0 else None
        following = meetings[index + 1] if index + 1 < len(meetings) else None
        agendas.append({
            "meeting": meeting, "session": session, "total": len(meetings),
            "path": meeting_path(pid, cid, meeting.number, session.id),
            "day": format_day(meeting.start),
            "time": format_time_range(meeting.start, meeting.end),
            "moved": meeting.moved_from and {"from": format_day(meeting.moved_from),
                                             "reason": meeting.moved_because},
            "agenda": agenda_rows(meeting.start, session.agenda),
            "topics": [{"link": Link(library.topics[t].title, topic_path(t)),
                        "topic": library.topics[t]} for t in session.topics],
            "challenges": [Link(library.challenges[c].title, playbook_path(c))
                           for c in session.challenges],
            "calendar": meeting_calendar_path(pid, cid, meeting.number, session.id),
            "previous": previous and meeting_link(pid, cid, cohort, previous),
            "next": following and meeting_link(pid, cid, cohort, following),
        })
        agendas[-1]["checklist"] = checklist_key(agendas[-1]["path"])
        agendas[-1]["invite"] = invitation(cohort, meeting, session, len(meetings),
                                           agendas[-1]["day"], agendas[-1]["time"])
    return agendas


def _facts(library: Library, pid: str, cid: str, cohort: Cohort,
           schedule: CohortSchedule) -> dict[str, Any]:
    """What the cohort page, the print page and the coordinator pack all show."""
    program = library.programs[pid]
    meetings = schedule.meetings
    return {
        "program": program, "cohort": cohort,
        "program_link": Link(program.title, f"{program_dir(pid)}/index.md"),
        "cohort_link": Link(cohort.title, f"{cohort_dir(pid, cid)}/index.md"),
        "public": library.site.privacy == "public",
        # A public edition names the program office, not the people running the cohort.
        "contact": library.site.contact if library.site.privacy == "public"
        else cohort.coordinator,
        "rows": [{"number": m.number, "day": format_day(m.start),
                  "link": Link(m.session.title, meeting_path(pid, cid, m.number, m.session.id)),
                  "time": format_time_range(m.start, m.end),
                  "start": iso_minute(m.start), "end": iso_minute(m.end),
                  "moved": m.moved_from and f"moved from {format_day(m.moved_from)}: "
                                            f"{m.moved_because}"} for m in meetings],
        "skipped": [{"day": format_day(s.day), "reason": s.reason} for s in schedule.skipped],
        "meetings": meetings_attribute((m.start, m.end) for m in meetings),
        "first": format_day(meetings[0].start), "last": format_day(meetings[-1].start),
        "clock": format_clock(meetings[0].start),
        "calendar": cohort_calendar_path(pid, cid),
        "print_page": Link("Print the whole cohort", f"{cohort_dir(pid, cid)}/print.md"),
        "packs": [Link(PACK_TITLES[a], f"{cohort_dir(pid, cid)}/pack-{a}.md")
                  for a in AUDIENCES],
        "curricula": [Link(f"{a.capitalize()} curriculum", f"{program_dir(pid)}/curriculum-{a}.md")
                      for a in AUDIENCES if getattr(program.curricula, a)],
    }


def _pack(library: Library, pid: str, audience: str, facts: dict[str, Any],
          agendas: list[dict[str, Any]]) -> dict[str, Any]:
    program = library.programs[pid]
    modules = [{"link": Link(library.modules[m].title, module_path(m)),
                "module": library.modules[m]} for m in getattr(program.curricula, audience)]
    challenges = [{"link": Link(library.challenges[c].title, playbook_path(c)),
                   "item": library.challenges[c]} for c in program.challenges]
    kpis = [kpi for objective in program.objectives for kpi in objective.kpis]
    return {**facts, "audience": audience, "title": PACK_TITLES[audience],
            "modules": modules, "agendas": agendas if audience != "coordinator" else [],
            "challenges": challenges, "kpis": kpis,
            "kpi_names": {k.id: k.name for k in kpis},
            "session_titles": {s.id: s.title for s in program.meeting_plan}}


def cohort_pages(library: Library, pid: str, cid: str, cohort: Cohort,
                 schedule: CohortSchedule, pdf: bool = False) -> list[PageSpec]:
    source = library.source("cohort", f"{pid}/{cid}").file
    base = cohort_dir(pid, cid)
    facts = _facts(library, pid, cid, cohort, schedule)
    facts["pdfs"] = pdf_links(cid) if pdf else []
    agendas = _agendas(library, pid, cid, cohort, schedule)
    pages = [
        PageSpec(f"{base}/index.md", "cohort.md.j2", cohort.title, facts, source),
        PageSpec(f"{base}/print.md", "cohort_print.md.j2", f"{cohort.title}: all agendas",
                 {**facts, "agendas": agendas}, source, search_exclude=True),
    ]
    for agenda in agendas:
        pages.append(PageSpec(
            agenda["path"], "meeting.md.j2",
            f"{agenda['meeting'].number}. {agenda['session'].title} ({cohort.title})",
            {**facts, "a": agenda}, source))
    for audience in AUDIENCES:
        pages.append(PageSpec(
            f"{base}/pack-{audience}.md", "pack.md.j2",
            f"{cohort.title}: {PACK_TITLES[audience].lower()}",
            _pack(library, pid, audience, facts, agendas), source, search_exclude=True))
    return pages
