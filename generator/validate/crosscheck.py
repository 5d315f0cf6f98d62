"""Cross-document checks: every id referenced exists, and nothing is defined twice.

Single files are checked by the models; what only makes sense across files (a session naming a
topic guide, a survey naming a KPI) is checked here, with the closest ids as a hint.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..errors import ContentError, did_you_mean
from .results import question_key

if TYPE_CHECKING:
    from ..load.loader import Path_, RawDocument
    from .library import Library


def _loc(doc: RawDocument, path: Path_, message: str, hint: str = "") -> ContentError:
    return doc.error(path, message, hint)


def _refs(doc: RawDocument, path: Path_, ids: list[str], known: Mapping[str, object],
          what: str) -> list[ContentError]:
    return [
        _loc(doc, (*path, i), f"no {what[:-1]} with id {ident!r}",
             did_you_mean(ident, known, what))
        for i, ident in enumerate(ids) if ident not in known
    ]


def _duplicates(doc: RawDocument, path: Path_, ids: list[str], what: str) -> list[ContentError]:
    counts = Counter(ids)
    return [
        _loc(doc, (*path, i), f"{what} {ident!r} appears more than once",
             "give each one its own id")
        for i, ident in enumerate(ids) if counts[ident] > 1 and ids.index(ident) != i
    ]


def cross_check(library: Library) -> list[ContentError]:
    errors: list[ContentError] = []
    topics, challenges, modules = library.topics, library.challenges, library.modules
    for pid, program in library.programs.items():
        doc = library.source("program", pid)
        session_ids = [s.id for s in program.meeting_plan]
        errors += _duplicates(doc, ("meeting_plan",), session_ids, "session id")
        errors += _duplicates(doc, ("roles",), [r.id for r in program.roles], "role id")
        kpi_ids = [k.id for o in program.objectives for k in o.kpis]
        counts = Counter(kpi_ids)
        for o_i, objective in enumerate(program.objectives):
            for k_i, kpi in enumerate(objective.kpis):
                if counts[kpi.id] > 1:
                    errors.append(_loc(doc, ("objectives", o_i, "kpis", k_i, "id"),
                                       f"KPI id {kpi.id!r} is used more than once",
                                       "give each KPI its own id"))
        errors += _refs(doc, ("challenges",), program.challenges, challenges,
                        "challenge playbooks")
        for audience in ("mentor", "mentee", "coordinator"):
            ids = getattr(program.curricula, audience)
            errors += _refs(doc, ("curricula", audience), ids, modules, "training modules")
            for i, ident in enumerate(ids):
                module = modules.get(ident)
                if module and audience not in module.audience:
                    errors.append(_loc(doc, ("curricula", audience, i),
                                       f"training module {ident!r} is not meant for {audience}s",
                                       f"add {audience} to the module's audience, or move it"))
        for s_i, session in enumerate(program.meeting_plan):
            path = ("meeting_plan", s_i)
            errors += _refs(doc, (*path, "topics"), session.topics, topics, "topic guides")
            errors += _refs(doc, (*path, "challenges"), session.challenges, challenges,
                            "challenge playbooks")
        known_sessions = dict.fromkeys(session_ids)
        known_kpis = dict.fromkeys(kpi_ids)
        for v_i, survey in enumerate(program.evaluation):
            path = ("evaluation", v_i)
            if survey.after_session not in known_sessions:
                errors.append(_loc(doc, (*path, "after_session"),
                                   f"no session with id {survey.after_session!r} in the "
                                   "meeting plan",
                                   did_you_mean(survey.after_session, known_sessions,
                                                "sessions")))
            asked: dict[str, int] = {}
            for q_i, question in enumerate(survey.questions):
                # Results name a question by its text without case and punctuation
                # (results.question_key): two that read the same would share one result.
                first = asked.setdefault(question_key(question.question), q_i)
                if first != q_i:
                    errors.append(_loc(doc, (*path, "questions", q_i, "question"),
                                       f"survey {survey.id!r} already asks this question "
                                       f"(question {first + 1}); results could not tell them "
                                       "apart", "word each question of a survey differently"))
                if question.kpi and question.kpi not in known_kpis:
                    errors.append(_loc(doc, (*path, "questions", q_i, "kpi"),
                                       f"no KPI with id {question.kpi!r} in this program",
                                       did_you_mean(question.kpi, known_kpis, "KPIs")))
    for (pid, cid), cohort in library.cohorts.items():
        doc = library.source("cohort", f"{pid}/{cid}")
        if pid not in library.programs:
            errors.append(_loc(doc, (), f"cohort {cid!r} sits in folder {pid!r} but there is "
                               f"no content/programs/{pid}/program.yml",
                               did_you_mean(pid, library.programs, "programs")))
        seen: dict[tuple[str, str], int] = {}
        for p_i, pair in enumerate(cohort.pairs):
            key = (pair.mentor.casefold(), pair.mentee.casefold())
            if key in seen:
                errors.append(_loc(doc, ("pairs", p_i),
                                   f"the pair {pair.mentor} / {pair.mentee} is listed twice "
                                   f"(first as pair {seen[key] + 1})", "delete one of them"))
            else:
                seen[key] = p_i
    return errors
