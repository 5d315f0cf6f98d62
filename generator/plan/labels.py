"""The names readers see for the site's sections and audiences, defined once.

The nav, page titles and templates all take them from here (templates as data), so renaming a
section or an audience's pack is one edit. The audiences themselves are the curricula a
program can define (`models.Curricula`), in that order.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..validate.models import Curricula


@dataclass(frozen=True)
class Audience:
    """One audience of a program: mentor, mentee or coordinator."""

    id: str

    @property
    def name(self) -> str:
        return self.id.capitalize()

    @property
    def curriculum(self) -> str:
        """'Mentor curriculum': the link and nav title of the audience's curriculum page."""
        return f"{self.name} curriculum"

    @property
    def pack(self) -> str:
        """'Mentor pack': the title of the audience's pack in each cohort."""
        return f"{self.name} pack"


AUDIENCES: tuple[Audience, ...] = tuple(Audience(name) for name in Curricula.model_fields)
AUDIENCE_IDS: tuple[str, ...] = tuple(a.id for a in AUDIENCES)


@dataclass(frozen=True)
class Section:
    """A top-level section: its nav tab and index page title, the heading and the
    introduction its index page shows."""

    id: str  # also its folder
    title: str
    heading: str
    intro: str


SECTIONS: dict[str, Section] = {s.id: s for s in (
    Section("programs", "Programs", "Programs",
            "Every program we run, with its handbook, curricula and cohorts."),
    Section("training", "Training", "Training modules",
            "Training modules are written once and reused by every program and cohort that "
            "needs them."),
    Section("topics", "Topics", "Topic guides",
            "Topic guides give pairs a reason to talk, questions to ask and an activity to "
            "try."),
    Section("challenges", "Challenges", "Challenge playbooks",
            "Playbooks for the problems pairs most often meet: what to watch for and who does "
            "what."),
)}
