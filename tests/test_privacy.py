"""A public build names no participant anywhere: pages, search index, calendars, sitemap."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import REPO, handbook, make_project


def participants() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "content/programs").glob("*/cohorts/*.yml"):
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
