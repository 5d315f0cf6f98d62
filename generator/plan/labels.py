"""The names readers see for the site's sections and audiences, defined once.

The nav, page titles and templates all take them from here (templates as data), so renaming a
section or an audience's pack is one edit. The audiences themselves are the curricula a
program can define (`models.Curricula`), in that order.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..i18n import N_, Lang
from ..validate.models import Curricula

# Each audience's words, written out whole (msgids for the catalogs): "Mentor curriculum" is
# not "Mentor" + "curriculum" in every language (German: "Curriculum für Mentorinnen und Mentoren").
_WORDS = {
    "mentor": (N_("Mentor"), N_("mentors"), N_("Mentor curriculum"), N_("Mentor pack"),
               N_("The mentor")),
    "mentee": (N_("Mentee"), N_("mentees"), N_("Mentee curriculum"), N_("Mentee pack"),
               N_("The mentee")),
    "coordinator": (N_("Coordinator"), N_("coordinators"), N_("Coordinator curriculum"),
                    N_("Coordinator pack"), N_("The coordinator")),
}

# Values the templates print through `_()`: fixed choices of the content's models
# (`Cohort.format`, a survey's `audience` and a question's `answer` form) and the contact
# labels of resolve/privacy.py's editions. Listed so the catalogs carry them.
CHOICES = (
    N_("in-person"), N_("virtual"), N_("hybrid"),
    N_("mentor"), N_("mentee"), N_("coordinator"), N_("sponsor"),
    N_("scale"), N_("yes-no"), N_("number"), N_("text"),
    N_("Coordinator"), N_("Contact"),
)


@dataclass(frozen=True)
class Audience:
    """One audience of a program: mentor, mentee or coordinator. Its words are English
    msgids; `lang.gettext` gives them in the site's language."""

    id: str

    def _word(self, index: int, fallback: str) -> str:
        words = _WORDS.get(self.id)
        return words[index] if words else fallback

    @property
    def name(self) -> str:
        return self._word(0, self.id.capitalize())

    @property
    def plural(self) -> str:
        """'mentors', as running text says it."""
        return self._word(1, f"{self.id}s")

    @property
    def curriculum(self) -> str:
        """'Mentor curriculum': the link and nav title of the audience's curriculum page."""
        return self._word(2, f"{self.name} curriculum")

    @property
    def pack(self) -> str:
        """'Mentor pack': the title of the audience's pack in each cohort."""
        return self._word(3, f"{self.name} pack")

    @property
    def the(self) -> str:
        """'The mentor': the heading of the audience's part of a playbook."""
        return self._word(4, f"The {self.id}")


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
    Section("programs", N_("Programs"), N_("Programs"),
            N_("Every program we run, with its handbook, curricula and cohorts.")),
    Section("training", N_("Training"), N_("Training modules"),
            N_("Training modules are written once and reused by every program and cohort "
               "that needs them.")),
    Section("topics", N_("Topics"), N_("Topic guides"),
            N_("Topic guides give pairs a reason to talk, questions to ask and an activity "
               "to try.")),
    Section("challenges", N_("Challenges"), N_("Challenge playbooks"),
            N_("Playbooks for the problems pairs most often meet: what to watch for and who "
               "does what.")),
)}


@dataclass(frozen=True)
class ResultLabels:
    """The words the results pages and their charts use, so the page, its table and the
    chart's text alternative say the same thing. RESULTS holds the msgids; `in_language`
    the words of one site."""

    title: str = N_("Results")
    too_few: str = N_("too few answers to show")  # a group below site.yml results_min_group
    met: str = N_("Met")
    missed: str = N_("Missed")
    no_verdict: str = "—"  # nothing measured, or withheld: no word to translate
    no_data: str = N_("no results")

    def in_language(self, lang: Lang) -> ResultLabels:
        return ResultLabels(*(lang.gettext(getattr(self, f.name)) if f.name != "no_verdict"
                              else getattr(self, f.name) for f in fields(self)))


RESULTS = ResultLabels()
