"""The program family: a program's handbook page and one curriculum page per audience that
has modules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...i18n import Lang, in_sentence
from ..labels import AUDIENCES
from ..paths import (
    cohort_path,
    curriculum_path,
    module_path,
    playbook_path,
    program_path,
    topic_path,
)
from ..views import Kind, Link, ModuleEntry, PageSpec, View, format_day
from .results import program_results_link

if TYPE_CHECKING:
    from ...resolve.site import Resolved
    from ...validate.models import Program as ProgramModel
    from ...validate.models import Role, Session


@dataclass(frozen=True)
class SessionEntry(View):
    """A session of the meeting plan, with links to its topics."""

    number: int
    session: Session
    topics: list[Link]


@dataclass(frozen=True)
class CohortEntry(View):
    """A cohort as its program page lists it."""

    link: Link
    first: str
    last: str
    format: str


@dataclass(frozen=True)
class ProgramView(View):
    program: ProgramModel
    kpi_names: dict[str, str]
    roles: dict[str, str]
    sessions: list[SessionEntry]
    session_titles: dict[str, str]
    challenges: list[Link]
    curricula: list[Link]
    cohorts: list[CohortEntry]
    results: Link | None  # the program's results page, once a cohort has results


@dataclass(frozen=True)
class CurriculumView(View):
    program: ProgramModel
    program_link: Link
    audience: str
    role: Role | None
    modules: list[ModuleEntry]
    total_minutes: int


PROGRAM = Kind("program", "program.md.j2", ProgramView, program_path)
CURRICULUM = Kind("curriculum", "curriculum.md.j2", CurriculumView, curriculum_path,
                  search_boost=0.5)
KINDS = (PROGRAM, CURRICULUM)


def pages(resolved: Resolved) -> list[PageSpec]:
    """Each program's handbook and curricula, program by program."""
    library, schedules = resolved.library, resolved.schedules
    found: list[PageSpec] = []
    lang = Lang(library.site.language)
    for pid, program in sorted(library.programs.items()):
        source = library.source("program", pid).file
        cohorts = library.cohorts_of(pid)
        view = ProgramView(
            program=program,
            kpi_names={k.id: k.name for o in program.objectives for k in o.kpis},
            roles={r.id: r.name for r in program.roles},
            sessions=[SessionEntry(i + 1, s, [Link(library.topics[t].title, topic_path(t))
                                              for t in s.topics])
                      for i, s in enumerate(program.meeting_plan)],
            session_titles={s.id: s.title for s in program.meeting_plan},
            challenges=[Link(library.challenges[c].title, playbook_path(c))
                        for c in program.challenges],
            curricula=[Link(lang.gettext(a.curriculum), curriculum_path(pid, a.id))
                       for a in AUDIENCES if getattr(program.curricula, a.id)],
            cohorts=[CohortEntry(Link(c.title, cohort_path(pid, cid)),
                                 format_day(schedules[(pid, cid)].meetings[0].start, lang),
                                 format_day(schedules[(pid, cid)].meetings[-1].start, lang),
                                 c.format) for cid, c in cohorts],
            results=program_results_link(library, pid),
        )
        found.append(PROGRAM.page(view, program.title, source, pid))
        for audience in AUDIENCES:
            ids = getattr(program.curricula, audience.id)
            if not ids:
                continue
            modules = [ModuleEntry(Link(library.modules[m].title, module_path(m)),
                                   library.modules[m]) for m in ids]
            role = next((r for r in program.roles if r.id == audience.id), None)
            found.append(CURRICULUM.page(
                CurriculumView(program, Link(program.title, program_path(pid)), audience.id,
                               role, modules, sum(m.module.minutes for m in modules)),
                f"{program.title}: {in_sentence(lang, lang.gettext(audience.curriculum))}",
                source, pid, audience.id))
    return found
