"""Backlinks: who uses each topic, challenge and training module.

Computed once from the library and the schedules, as plain ids and meetings; the plan turns
them into links, so this stage knows nothing of paths or page titles.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..validate.library import Library
from ..validate.models import Curricula
from .schedule import CohortSchedule, ScheduledMeeting


@dataclass(frozen=True)
class SessionUse:
    """A session of a program's meeting plan that uses the item, with its dated meetings."""

    program: str  # program id
    index: int  # position in the program's meeting plan, from 0
    meetings: tuple[tuple[str, ScheduledMeeting], ...]  # (cohort id, meeting), cohorts sorted


@dataclass
class Usage:
    """Who uses a library item: programs (ids, sorted), plan sessions, and per program the
    audiences whose curriculum holds it (modules only)."""

    programs: list[str] = field(default_factory=list)
    sessions: list[SessionUse] = field(default_factory=list)
    audiences: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add_program(self, pid: str) -> None:
        if pid not in self.programs:
            self.programs.append(pid)


Key = tuple[str, str]  # (kind, id): ("topic", "feedback")


def usage(library: Library, schedules: dict[Key, CohortSchedule]) -> dict[Key, Usage]:
    """Backlinks for every topic, challenge and module that something uses."""
    found: dict[Key, Usage] = defaultdict(Usage)
    for pid, program in sorted(library.programs.items()):
        cohorts = sorted(cid for p, cid in library.cohorts if p == pid)
        for audience in Curricula.model_fields:  # mentor, mentee, coordinator
            for mid in getattr(program.curricula, audience):
                found[("module", mid)].add_program(pid)
                found[("module", mid)].audiences[pid].append(audience)
        for chid in program.challenges:
            found[("challenge", chid)].add_program(pid)
        for index, session in enumerate(program.meeting_plan):
            use = SessionUse(pid, index, tuple(
                (cid, schedules[(pid, cid)].meetings[index]) for cid in cohorts))
            for kind, ids in (("topic", session.topics), ("challenge", session.challenges)):
                for ident in ids:
                    found[(kind, ident)].add_program(pid)
                    found[(kind, ident)].sessions.append(use)
    return dict(found)
