"""The certificate family: one page per finished cohort holding a certificate for each of its
mentors and mentees, printed one per sheet, linked from the coordinator's pack.

When a cohort has finished is read from the content, never from the clock (the same content
builds the same site on any day): its results file records attendance for the closing meeting,
the last session of the program's meeting plan.

Meetings held: where the cohort file lists the meetings each pair held (`held:`), both people
of a pair are credited with their pair's count ("Meetings held: 9 of 10"); a pair without a
list is credited with nothing. A results file's `attendance:` counts say how many pairs held
each meeting, not which, so from them one pair's count is known only when every meeting was
held by all pairs or by none, and the counts cover the pairs the cohort file lists (a pair
that left early would otherwise be credited). Otherwise the certificate states the program's
number of meetings and claims nothing about the person.

Only pairs get certificates, and a public edition's library has none (resolve/privacy.py), so
this family makes no page there without testing the edition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...i18n import ENGLISH, N_, Lang
from ..paths import CERTIFICATES_GLOB, certificates_path, cohort_path
from ..views import Kind, Link, PageSpec, View, format_day

if TYPE_CHECKING:
    from ...resolve.schedule import CohortSchedule
    from ...resolve.site import Resolved
    from ...validate.library import Library
    from ...validate.models import Cohort, Signatory
    from ...validate.results import Attendance


@dataclass(frozen=True)
class Certificate(View):
    name: str
    role: str  # the program's name for the role: 'Junior mentor', 'Buddy'
    held: int | None  # meetings this person's pair held, where known; else None


@dataclass(frozen=True)
class CertificatesView(View):
    program: str
    cohort: str
    cohort_link: Link
    first: str  # the first meeting's day
    last: str  # the last meeting's day
    meetings: int  # meetings in the cohort's schedule
    signature: str  # under the signature line: 'Name, Title', or 'For <organisation>'
    certificates: list[Certificate]


CERTIFICATES = Kind("certificates", "certificates.md.j2", CertificatesView, certificates_path,
                    in_nav=False, glob=CERTIFICATES_GLOB, search_exclude=True)
KINDS = (CERTIFICATES,)


def finished(library: Library, pid: str, cid: str) -> bool:
    """Whether the cohort has pairs to certify and its closing meeting is on record."""
    results = library.results.get((pid, cid))
    attendance = results.attendance if results else None
    closing = library.programs[pid].meeting_plan[-1].id
    return bool(library.cohorts[(pid, cid)].pairs) and attendance is not None and (
        closing in attendance.held)


def certificates_link(library: Library, pid: str, cid: str) -> Link | None:
    """The certificates page of a finished cohort, for the coordinator's pack."""
    if not finished(library, pid, cid):
        return None
    return Link(Lang(library.site.language).gettext(N_("Print the certificates")),
                certificates_path(pid, cid))


def held_by_each_pair(attendance: Attendance) -> int | None:
    """Meetings every pair held, when the per-meeting counts leave no doubt (each meeting
    held by all pairs or by none); None when pairs differed."""
    if any(held not in (0, attendance.pairs) for held in attendance.held.values()):
        return None
    return sum(1 for held in attendance.held.values() if held == attendance.pairs)


def held_by(cohort: Cohort, attendance: Attendance) -> list[int | None]:
    """Per pair, the meetings it held: its own `held:` list where the cohort file keeps them,
    else what the counts leave no doubt about (see the module's docstring), else None."""
    if any(pair.held is not None for pair in cohort.pairs):
        return [None if pair.held is None else len(set(pair.held)) for pair in cohort.pairs]
    common = held_by_each_pair(attendance) if attendance.pairs == len(cohort.pairs) else None
    return [common] * len(cohort.pairs)


def signature(signatory: Signatory | None, organisation: str, lang: Lang = ENGLISH) -> str:
    """What is printed under the signature line."""
    if signatory is None:
        return lang.gettext(N_("For %(organisation)s"), organisation=organisation)
    return f"{signatory.name}, {signatory.title}" if signatory.title else signatory.name


def _view(library: Library, pid: str, cid: str, schedule: CohortSchedule) -> CertificatesView:
    program = library.programs[pid]
    cohort = library.cohorts[(pid, cid)]
    roles = {role.id: role.name for role in program.roles}
    lang = Lang(library.site.language)
    attendance = library.results[(pid, cid)].attendance
    assert attendance is not None  # finished() checked it
    meetings = schedule.meetings
    people = [Certificate(getattr(pair, role),
                          roles.get(role, lang.gettext(role.capitalize())), held)
              for pair, held in zip(cohort.pairs, held_by(cohort, attendance), strict=True)
              for role in ("mentor", "mentee")]
    certificates = library.site.certificates
    return CertificatesView(
        program=program.title, cohort=cohort.title,
        cohort_link=Link(cohort.title, cohort_path(pid, cid)),
        first=format_day(meetings[0].start, lang), last=format_day(meetings[-1].start, lang),
        meetings=len(meetings),
        signature=signature(certificates.signatory if certificates else None,
                            library.site.organisation, lang),
        certificates=people)


def pages(resolved: Resolved) -> list[PageSpec]:
    """A certificates page for every finished cohort with pairs, cohort by cohort."""
    library = resolved.library
    found = []
    for pid, cid in sorted(library.cohorts):
        if finished(library, pid, cid):
            view = _view(library, pid, cid, resolved.schedules[(pid, cid)])
            source = library.source("cohort", f"{pid}/{cid}").file
            title = Lang(library.site.language).gettext(N_("%(cohort)s: certificates"),
                                                        cohort=view.cohort)
            found.append(CERTIFICATES.page(view, title, source,
                                           pid, cid))
    return found
