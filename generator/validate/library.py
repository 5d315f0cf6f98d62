"""The validated content as one value: what every later stage reads.

It lives apart from the checks that build it (`documents.py`) so that those checks, and the
cross-document checks they call, can name it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..load.loader import RawDocument
from .models import ChallengePlaybook, Cohort, Program, Site, TopicGuide, TrainingModule
from .results import CohortResults


@dataclass(frozen=True)
class Library:
    """Everything the content says, validated and cross-checked."""

    site: Site
    programs: dict[str, Program]
    cohorts: dict[tuple[str, str], Cohort]  # (program id, cohort id)
    topics: dict[str, TopicGuide]
    challenges: dict[str, ChallengePlaybook]
    modules: dict[str, TrainingModule]
    sources: dict[tuple[str, str], RawDocument] = field(repr=False)  # (kind, id) -> file
    results: dict[tuple[str, str], CohortResults] = field(default_factory=dict)  # by cohort

    def source(self, kind: str, ident: str) -> RawDocument:
        return self.sources[(kind, ident)]

    def cohorts_of(self, pid: str) -> list[tuple[str, Cohort]]:
        """A program's cohorts by id, in id order: what its pages and nav entries list."""
        return [(cid, cohort) for (p, cid), cohort in sorted(self.cohorts.items()) if p == pid]
