"""The index family: the home page and one index page per section (programs, training, topics,
challenges). Section titles, headings and introductions come from `labels.SECTIONS`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...i18n import Lang
from ..labels import SECTIONS
from ..paths import (
    INDEX,
    cohort_path,
    module_path,
    playbook_path,
    program_path,
    section_index,
    topic_path,
)
from ..views import Entry, Kind, Link, PageSpec, View

if TYPE_CHECKING:
    from collections.abc import Callable

    from ...resolve.site import Resolved
    from ...validate.models import Program, Site


@dataclass(frozen=True)
class ProgramEntry(View):
    """A program as the home page lists it, with its cohorts."""

    link: Link
    program: Program
    cohorts: list[Link]


@dataclass(frozen=True)
class HomeView(View):
    site: Site
    programs: list[ProgramEntry]
    counts: dict[str, int]
    sections: dict[str, Link]  # each section's index page, by section id, titled by heading


@dataclass(frozen=True)
class SectionView(View):
    section: str  # the section id: programs, training, topics or challenges
    heading: str
    intro: str
    entries: list[Entry]


HOME = Kind("home", "home.md.j2", HomeView, lambda: INDEX, search_boost=0.5)
SECTION = Kind("section", "section.md.j2", SectionView, section_index, search_boost=0.5)
KINDS = (HOME, SECTION)


def _listing(items: dict[str, Any], path_of: Callable[[str], str]) -> list[Entry]:
    return [Entry(Link(i.title, path_of(k)), i) for k, i in sorted(items.items())]


def pages(resolved: Resolved) -> list[PageSpec]:
    library = resolved.library
    lang = Lang(library.site.language)
    programs = [ProgramEntry(Link(p.title, program_path(pid)), p,
                             [Link(c.title, cohort_path(pid, cid))
                              for cid, c in library.cohorts_of(pid)])
                for pid, p in sorted(library.programs.items())]
    home = HomeView(
        library.site, programs,
        {"topics": len(library.topics), "challenges": len(library.challenges),
         "modules": len(library.modules)},
        {s.id: Link(lang.gettext(s.heading), section_index(s.id)) for s in SECTIONS.values()})
    entries = {"programs": [Entry(p.link, p.program) for p in programs],
               "training": _listing(library.modules, module_path),
               "topics": _listing(library.topics, topic_path),
               "challenges": _listing(library.challenges, playbook_path)}
    return [HOME.page(home, library.site.title, "content/site.yml"),
            *(SECTION.page(SectionView(s.id, lang.gettext(s.heading), lang.gettext(s.intro),
                                       entries[s.id]), lang.gettext(s.title),
                           f"content/{s.id}", s.id) for s in SECTIONS.values())]
