"""The library family: a page per topic guide, challenge playbook and training module, each
with the backlinks the resolve stage found (who uses it, in which sessions and meetings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...i18n import Lang
from ...resolve.backlinks import Usage
from ..labels import AUDIENCES, Audience
from ..paths import module_path, playbook_path, program_path, topic_path
from ..views import Kind, Link, PageSpec, UsageEntry, View
from .cohort import meeting_link

if TYPE_CHECKING:
    from ...resolve.site import Resolved
    from ...validate.library import Library


@dataclass(frozen=True)
class LibraryView(View):
    item: Any  # the TopicGuide, ChallengePlaybook or TrainingModule
    programs: list[Link]
    sessions: list[UsageEntry]
    audiences: dict[str, list[str]]  # program title -> audiences whose curriculum has it
    all_audiences: tuple[Audience, ...] = AUDIENCES  # a playbook's actions, one per audience


TOPIC = Kind("topic", "topic.md.j2", LibraryView, topic_path)
CHALLENGE = Kind("challenge", "challenge.md.j2", LibraryView, playbook_path)
MODULE = Kind("module", "module.md.j2", LibraryView, module_path)
KINDS = (TOPIC, CHALLENGE, MODULE)


def _view(library: Library, item: Any, use: Usage) -> LibraryView:
    """The resolved backlinks of one item as the links and rows its page shows."""
    programs, lang = library.programs, Lang(library.site.language)  # dates as on every page
    sessions = [UsageEntry(programs[s.program].title, s.index + 1,
                           programs[s.program].meeting_plan[s.index].title,
                           [meeting_link(s.program, cid, library.cohorts[(s.program, cid)], m,
                                         lang) for cid, m in s.meetings])
                for s in use.sessions]
    return LibraryView(item, [Link(programs[p].title, program_path(p)) for p in use.programs],
                       sessions, {programs[p].title: a for p, a in use.audiences.items()})


def pages(resolved: Resolved) -> list[PageSpec]:
    library = resolved.library
    found = []
    families: tuple[tuple[Kind, dict[str, Any]], ...] = (
        (TOPIC, library.topics), (CHALLENGE, library.challenges), (MODULE, library.modules))
    for kind, items in families:
        for ident, item in sorted(items.items()):
            use = resolved.usage.get((kind.name, ident), Usage())
            found.append(kind.page(_view(library, item, use), item.title,
                                   library.source(kind.name, ident).file, ident))
    return found
