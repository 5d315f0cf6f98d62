"""The edition's privacy, applied once: a public edition's library holds no participant.

Before, the plan swapped the coordinator for the program office and the templates hid the pairs
when a `public` flag was set, so every new page showing people had to remember the flag. Now
resolve hands the plan a library whose cohorts have no pairs and name the program office as
their contact, and an `Edition` saying how to introduce what is left; nothing later tests the
edition. The scan of the rendered output (`write/privacy.py`) stays as the last guard, and it
searches for the names of the library as validated, not of this view.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..validate.library import Library


@dataclass(frozen=True)
class Edition:
    """What the pages say about the people an edition shows or leaves out."""

    contact_role: str  # the label of a cohort's contact: its coordinator, or the program office
    pairs_withheld: bool  # the pairs exist in the content but this edition does not list them
    # Each cohort's results page (its answers per question); a public edition shows only the
    # program-level comparison of its cohorts' KPIs.
    cohort_results: bool = True


INTERNAL = Edition(contact_role="Coordinator", pairs_withheld=False)
PUBLIC = Edition(contact_role="Contact", pairs_withheld=True, cohort_results=False)


def apply_privacy(library: Library) -> tuple[Library, Edition]:
    """The library as this edition may show it. A public edition keeps every cohort but drops
    its pairs (names, emails, departments) and gives the program office as its contact in place
    of the coordinator."""
    if library.site.privacy != "public":
        return library, INTERNAL
    office = library.site.contact
    cohorts = {key: cohort.model_copy(update={"pairs": [], "coordinator": office})
               for key, cohort in library.cohorts.items()}
    return dataclasses.replace(library, cohorts=cohorts), PUBLIC
