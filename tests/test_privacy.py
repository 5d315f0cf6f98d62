"""A public build names no participant anywhere: pages, search index, calendars, sitemap."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import yaml
from conftest import REPO, handbook, make_project
from handbook.load.loader import load_content
from handbook.plan.calendars import agenda_urls
from handbook.plan.site import plan_site
from handbook.resolve.site import resolve
from handbook.validate.documents import validate
from pydantic import BaseModel


def participants() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "content/programs").glob("*/cohorts/*.yml"):
        if "." in path.stem:
            continue  # a translation (2027-autumn-berlin.de.yml) holds no people
        cohort = yaml.safe_load(path.read_text("utf-8"))
        found |= {cohort["coordinator"]["name"]}
        found |= {cohort["coordinator"].get("email", "")} - {""}
        for pair in cohort["pairs"]:
            found |= {pair["mentor"], pair["mentee"]}
            found |= {pair.get("mentor_email", ""), pair.get("mentee_email", "")} - {""}
    assert len(found) > 40
    return found


def everything(site: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace")
                     for p in sorted(site.rglob("*")) if p.is_file() and p.suffix != ".gz")


@pytest.mark.parametrize("privacy", ["internal", "public"])
def test_participants_appear_only_in_the_internal_build(tmp_path: Path, privacy: str) -> None:
    root = make_project(tmp_path)
    site_file = root / "content/site.yml"
    site_file.write_text(site_file.read_text().replace("privacy: internal",
                                                       f"privacy: {privacy}"))
    assert handbook("build", cwd=root).returncode == 0
    text = everything(root / "site") + everything(root / "build/docs")
    people = participants()
    shown = {name for name in people if name in text}
    if privacy == "public":
        assert shown == set()
        assert "Pairs are listed in the internal edition" in text
    else:
        assert shown == people


def _strings(value: object, seen: set[int]) -> Iterator[str]:
    """Every text a page's view data holds, however deep: dicts, lists, dataclasses (the
    view models) and pydantic models (the content), so a name cannot hide in a field no
    template prints today but one might tomorrow."""
    if isinstance(value, str):
        yield value
        return
    if id(value) in seen or value is None or isinstance(value, int | float):
        return
    seen.add(id(value))
    if isinstance(value, dict):
        items: Iterable[object] = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set | frozenset):
        items = value
    elif dataclasses.is_dataclass(value):
        items = [getattr(value, f.name) for f in dataclasses.fields(value)]
    elif isinstance(value, BaseModel):
        items = [getattr(value, name) for name in type(value).model_fields]
    else:
        items = [str(value)]
    for item in items:
        yield from _strings(item, seen)


@pytest.mark.parametrize("privacy", ["internal", "public"])
def test_the_public_plan_holds_no_participant(privacy: str) -> None:
    """Privacy is applied in resolve, before planning: the public edition's page specs carry
    no participant's name or email in any view data, so no template has to leave them out."""
    library = validate(load_content(REPO / "content", REPO))
    site = library.site.model_copy(update={"privacy": privacy})
    library = dataclasses.replace(library, site=site)
    plan = plan_site(resolve(library, agenda_urls(site)))
    seen: set[int] = set()
    text = "\n".join(s for page in plan.pages
                     for s in (page.title, *_strings(page.context, seen)))
    people = participants()
    shown = {name for name in people if name in text}
    assert shown == (set() if privacy == "public" else people)
