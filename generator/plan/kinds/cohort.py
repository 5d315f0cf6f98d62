"""The cohort family: a cohort's page, an agenda page per meeting, a print-everything page and
one pack per audience.

The agenda data is computed once per meeting and shared by the agenda page, the print page and
the packs, so the three can never disagree. Agendas, the print page and packs hang off the
cohort page: they are out of the nav.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...digests import Digests, joined_digest
from ...i18n import ENGLISH, N_, Lang, in_sentence
from .. import memo
from ..labels import AUDIENCES, Audience
from ..meeting_data import Invite, checklist_key, invitation, iso_minute, meetings_attribute
from ..paths import (
    MEETING_GLOB,
    PACK_GLOB,
    PRINT_GLOB,
    cohort_calendar_path,
    cohort_path,
    curriculum_path,
    meeting_calendar_path,
    meeting_path,
    module_path,
    pack_path,
    playbook_path,
    print_path,
    program_path,
    topic_path,
)
from ..pdfs import PdfLink, pdf_links
from ..views import (
    AgendaRow,
    Deferred,
    Entry,
    Kind,
    Link,
    ModuleEntry,
    PageSpec,
    View,
    agenda_rows,
    format_clock,
    format_day,
    format_time_range,
)
from .certificate import certificates_link
from .results import cohort_results_link

if TYPE_CHECKING:
    from ...resolve.privacy import Edition
    from ...resolve.schedule import CohortSchedule, ScheduledMeeting
    from ...resolve.site import Resolved
    from ...validate.library import Library
    from ...validate.models import Cohort, Person, Program, Session, TopicGuide


@dataclass(frozen=True)
class Moved(View):
    """Why a meeting is not on its usual day (templates read `moved.from`)."""

    from_: str
    reason: str | None


@dataclass(frozen=True)
class TopicEntry(View):
    link: Link
    topic: TopicGuide


@dataclass(frozen=True)
class Agenda(View):
    """One meeting as its agenda page, the print page and the packs show it."""

    meeting: ScheduledMeeting
    session: Session
    total: int
    path: str
    day: str
    time: str
    moved: Moved | None
    agenda: list[AgendaRow]
    topics: list[TopicEntry]
    challenges: list[Link]
    calendar: str
    previous: Link | None
    next: Link | None
    checklist: str  # the key of its ticked preparation and follow-up in the reader's browser
    invite: Invite  # the invitation one partner sends the other


@dataclass(frozen=True)
class CohortRow(View):
    """One line of a cohort's schedule table."""

    number: int
    day: str
    link: Link
    time: str
    moved: str | None
    start: str  # ISO times with offsets (meeting_data.iso_minute): the browser marks a
    end: str  # meeting as held from them


@dataclass(frozen=True)
class Skipped(View):
    day: str
    reason: str


@dataclass(frozen=True)
class CohortView(View):
    """What the cohort page, the print page, agendas and packs all show."""

    program: Program
    cohort: Cohort
    program_link: Link
    cohort_link: Link
    edition: Edition  # how to introduce the contact, and whether pairs are left out
    contact: Person  # the cohort's coordinator (a public edition's library: the program office)
    rows: list[CohortRow]
    skipped: list[Skipped]
    first: str
    last: str
    clock: str
    calendar: str
    print_page: Link
    packs: list[Link]
    curricula: list[Link]
    results: Link | None  # the cohort's results page, where this edition has one
    # Every meeting's start/end (meeting_data.meetings_attribute): the next-meeting banner.
    meetings: str
    pdfs: list[PdfLink]  # the cohort's PDFs, when the build prints them (Resolved.pdf)


@dataclass(frozen=True)
class PrintView(CohortView):
    agendas: list[Agenda]


@dataclass(frozen=True)
class MeetingView(CohortView):
    a: Agenda


@dataclass(frozen=True)
class PackView(CohortView):
    audience: str
    title: str
    modules: list[ModuleEntry]
    agendas: list[Agenda]
    challenges: list[Entry]
    kpis: list[Any]
    kpi_names: dict[str, str]
    session_titles: dict[str, str]
    all_audiences: tuple[Audience, ...] = AUDIENCES  # the playbooks' actions, per audience
    certificates: Link | None = None  # the coordinator's: a finished cohort's certificates


COHORT = Kind("cohort", "cohort.md.j2", CohortView, cohort_path)
MEETING = Kind("meeting", "meeting.md.j2", MeetingView, meeting_path, in_nav=False,
               glob=MEETING_GLOB)
PRINT = Kind("print", "cohort_print.md.j2", PrintView, print_path, in_nav=False,
             glob=PRINT_GLOB, search_exclude=True)
PACK = Kind("pack", "pack.md.j2", PackView, pack_path, in_nav=False, glob=PACK_GLOB,
            search_exclude=True)
KINDS = (COHORT, MEETING, PRINT, PACK)


def meeting_link(pid: str, cid: str, cohort: Cohort, meeting: ScheduledMeeting,
                 lang: Lang = ENGLISH) -> Link:
    return Link(f"{cohort.title}: {format_day(meeting.start, lang)}",
                meeting_path(pid, cid, meeting.number, meeting.session.id))


def _agendas(library: Library, pid: str, cid: str, cohort: Cohort,
             schedule: CohortSchedule) -> list[Agenda]:
    meetings = schedule.meetings
    lang = Lang(library.site.language)
    agendas = []
    for index, meeting in enumerate(meetings):
        session = meeting.session
        previous = meetings[index - 1] if index > 0 else None
        following = meetings[index + 1] if index + 1 < len(meetings) else None
        agendas.append(Agenda(
            meeting=meeting, session=session, total=len(meetings),
            path=meeting_path(pid, cid, meeting.number, session.id),
            day=format_day(meeting.start, lang),
            time=format_time_range(meeting.start, meeting.end, lang),
            moved=Moved(format_day(meeting.moved_from, lang), meeting.moved_because)
            if meeting.moved_from else None,
            agenda=agenda_rows(meeting.start, session.agenda, lang),
            topics=[TopicEntry(Link(library.topics[t].title, topic_path(t)), library.topics[t])
                    for t in session.topics],
            challenges=[Link(library.challenges[c].title, playbook_path(c))
                        for c in session.challenges],
            calendar=meeting_calendar_path(pid, cid, meeting.number, session.id),
            previous=meeting_link(pid, cid, cohort, previous, lang) if previous else None,
            next=meeting_link(pid, cid, cohort, following, lang) if following else None,
            checklist=checklist_key(meeting_path(pid, cid, meeting.number, session.id)),
            invite=invitation(cohort, meeting, session, len(meetings),
                              format_day(meeting.start, lang),
                              format_time_range(meeting.start, meeting.end, lang), lang),
        ))
    return agendas


def _facts(library: Library, pid: str, cid: str, cohort: Cohort,
           schedule: CohortSchedule, edition: Edition, pdf: bool = False) -> CohortView:
    program = library.programs[pid]
    meetings = schedule.meetings
    lang = Lang(library.site.language)
    return CohortView(
        program=program, cohort=cohort,
        program_link=Link(program.title, program_path(pid)),
        cohort_link=Link(cohort.title, cohort_path(pid, cid)),
        edition=edition,
        contact=cohort.coordinator,  # privacy is applied in resolve (resolve/privacy.py)
        rows=[CohortRow(m.number, format_day(m.start, lang),
                        Link(m.session.title, meeting_path(pid, cid, m.number, m.session.id)),
                        format_time_range(m.start, m.end, lang),
                        lang.gettext(N_("moved from %(day)s: %(reason)s"),
                                     day=format_day(m.moved_from, lang), reason=m.moved_because)
                        if m.moved_from else None, iso_minute(m.start), iso_minute(m.end))
              for m in meetings],
        skipped=[Skipped(format_day(s.day, lang), s.reason) for s in schedule.skipped],
        first=format_day(meetings[0].start, lang), last=format_day(meetings[-1].start, lang),
        # the rule's time (a first meeting in a clock change's gap starts an hour later)
        clock=format_clock(dt.datetime.combine(meetings[0].start.date(),
                                               cohort.schedule.time,
                                               tzinfo=meetings[0].start.tzinfo), lang),
        calendar=cohort_calendar_path(pid, cid),
        print_page=Link(lang.gettext(N_("Print the whole cohort")), print_path(pid, cid)),
        packs=[Link(lang.gettext(a.pack), pack_path(pid, cid, a.id)) for a in AUDIENCES],
        curricula=[Link(lang.gettext(a.curriculum), curriculum_path(pid, a.id))
                   for a in AUDIENCES if getattr(program.curricula, a.id)],
        results=cohort_results_link(library, edition, pid, cid),
        meetings=meetings_attribute((m.start, m.end) for m in meetings),
        pdfs=pdf_links(pid, cid, lang) if pdf else [],
    )


def _pack(library: Library, pid: str, cid: str, audience: Audience, facts: CohortView,
          agendas: list[Agenda]) -> PackView:
    program = library.programs[pid]
    modules = [ModuleEntry(Link(library.modules[m].title, module_path(m)), library.modules[m])
               for m in getattr(program.curricula, audience.id)]
    challenges = [Entry(Link(library.challenges[c].title, playbook_path(c)),
                        library.challenges[c]) for c in program.challenges]
    kpis = [kpi for objective in program.objectives for kpi in objective.kpis]
    return PackView(
        **vars(facts), audience=audience.id,
        title=Lang(library.site.language).gettext(audience.pack), modules=modules,
        agendas=agendas if audience.id != "coordinator" else [], challenges=challenges,
        kpis=kpis, kpi_names={k.id: k.name for k in kpis},
        session_titles={s.id: s.title for s in program.meeting_plan},
        certificates=certificates_link(library, pid, cid) if audience.id == "coordinator"
        else None)


def _outline(library: Library, pid: str, cid: str, cohort: Cohort, schedule: CohortSchedule
             ) -> list[tuple[Kind, str, tuple[Any, ...]]]:
    """Each page's kind, title and place, in the cohort's page order, from the schedule
    alone: what a page is, without the view it shows (`_views`, in the same order)."""
    lang = Lang(library.site.language)
    return [
        (COHORT, cohort.title, (pid, cid)),
        (PRINT, lang.gettext(N_("%(cohort)s: all agendas"), cohort=cohort.title), (pid, cid)),
        *((MEETING, f"{meeting.number}. {meeting.session.title} ({cohort.title})",
           (pid, cid, meeting.number, meeting.session.id)) for meeting in schedule.meetings),
        *((PACK, f"{cohort.title}: {in_sentence(lang, lang.gettext(audience.pack))}",
           (pid, cid, audience.id)) for audience in AUDIENCES),
    ]


def _views(library: Library, pid: str, cid: str, cohort: Cohort, schedule: CohortSchedule,
           edition: Edition, pdf: bool) -> list[View]:
    facts = _facts(library, pid, cid, cohort, schedule, edition, pdf)
    agendas = _agendas(library, pid, cid, cohort, schedule)
    shared = vars(facts)
    return [facts, PrintView(**shared, agendas=agendas),
            *(MeetingView(**shared, a=agenda) for agenda in agendas),
            *(_pack(library, pid, cid, audience, facts, agendas) for audience in AUDIENCES)]


def cohort_pages(library: Library, pid: str, cid: str, cohort: Cohort,
                 schedule: CohortSchedule, edition: Edition, pdf: bool = False,
                 deferred: bool = False) -> list[PageSpec]:
    """The cohort's pages; `deferred`: their views are worked out when one is first read
    (views.py `Deferred`), all of the cohort's at once."""
    source = library.source("cohort", f"{pid}/{cid}").file
    outline = _outline(library, pid, cid, cohort, schedule)
    if not deferred:
        views = _views(library, pid, cid, cohort, schedule, edition, pdf)
        return [kind.page(view, title, source, *where)
                for (kind, title, where), view in zip(outline, views, strict=True)]
    made: list[View] = []

    def view(index: int) -> View:
        if not made:
            made.extend(_views(library, pid, cid, cohort, schedule, edition, pdf))
        return made[index]

    return [kind.page(Deferred(functools.partial(view, index), {"cohort": cohort}), title,
                      source, *where)
            for index, (kind, title, where) in enumerate(outline)]


def pages(resolved: Resolved) -> list[PageSpec]:
    """Every cohort's pages, cohort by cohort, each under a key of its inputs (plan/memo.py):
    in the preview, a cohort whose inputs are unchanged since the last rebuild keeps the
    pages planned then."""
    library = resolved.library
    found: list[PageSpec] = []
    kept = memo.current()
    digests = Digests()
    shared = digests.of((library.site, library.topics, library.challenges, library.modules,
                         resolved.edition, resolved.pdf))  # what every cohort's pages read
    for (pid, cid), cohort in sorted(library.cohorts.items()):
        schedule = resolved.schedules[(pid, cid)]

        def plan(pid: str = pid, cid: str = cid, cohort: Cohort = cohort,
                 schedule: CohortSchedule = schedule) -> list[PageSpec]:
            return cohort_pages(library, pid, cid, cohort, schedule, resolved.edition,
                                resolved.pdf, deferred=kept is not None)

        if kept is None:
            found += plan()
            continue
        key = joined_digest(shared, digests.of((
            pid, cid, cohort, schedule, library.programs[pid], library.results.get((pid, cid)),
            library.source("cohort", f"{pid}/{cid}").file)))
        found += kept.pages(key, plan)
    return found
