"""A public build fails, naming file, line and field, when a participant's or coordinator's
name would appear anywhere in the output, free text included."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, make_project
from handbook.errors import HandbookError
from handbook.pipeline import Project, prepare

COHORT = "content/programs/pilot/cohorts/first.yml"


def project(tmp_path: Path, privacy: str = "public", content: Path = FIXTURES / "mini/content"
            ) -> Path:
    root = make_project(tmp_path, content)
    site = root / "content/site.yml"
    text = re.sub(r"(?m)^privacy: .*\n", "", site.read_text("utf-8"))
    site.write_text(text + f"privacy: {privacy}\n", "utf-8")
    return root


def edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def report(root: Path) -> str:
    with pytest.raises(HandbookError) as caught:
        prepare(Project.at(root))
    return caught.value.report()


def test_coordinator_first_name_in_a_cohort_summary(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root, COHORT, "format: virtual",
         "summary: |\n  Welcome.\n  Questions go to Cora, who runs the cohort.\nformat: virtual")
    text = report(root)
    assert f"{COHORT}:3:" in text  # the summary's line
    assert "summary: " in text
    assert "'Cora'" in text and "Cora Ordinator" in text
    assert "hint: " in text


def test_full_name_in_another_file(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root, "content/topics/tooling.yml", "Tools shape *how* people work.",
         "Tools shape *how* people work, as Ada Young showed.")
    text = report(root)
    assert "content/topics/tooling.yml:3:" in text
    assert "why_it_matters: " in text
    assert "'Ada Young'" in text


@pytest.mark.parametrize("wording", ["Adams", "Bo", "Coral", "Bobby", "Senioritis"])
def test_only_whole_names_count(tmp_path: Path, wording: str) -> None:
    root = project(tmp_path)
    edit(root, "content/topics/tooling.yml", "Tools shape", f"{wording}: tools shape")
    prepare(Project.at(root))


def test_internal_edition_may_name_people_anywhere(tmp_path: Path) -> None:
    root = project(tmp_path, "internal")
    edit(root, COHORT, "format: virtual", "summary: Ask Cora Ordinator.\nformat: virtual")
    assert "Cora Ordinator" in prepare(Project.at(root)).outputs[
        "programs/pilot/first/index.md"].decode()


def test_a_template_that_prints_names_is_caught_at_the_output(tmp_path: Path) -> None:
    """Resolve leaves no participant in a public edition's data, but a customised template can
    still have a name written into it: the scan of the output is the last guard."""
    root = project(tmp_path)
    edit(root, "templates/pairs.md.j2", "{% if edition.pairs_withheld %}",
         "Questions about pairing go to Ada Young.\n\n{% if edition.pairs_withheld %}")
    text = report(root)
    assert "build/docs/programs/pilot/first/index.md:" in text
    assert "'Ada Young'" in text
    assert COHORT in text and "cohort.md.j2" in text  # where the page comes from


def test_a_name_folded_across_calendar_lines_is_found() -> None:
    from handbook.write.privacy import people_pattern, scan_outputs

    pattern = people_pattern({"Priya Raman": "the coordinator", "Priya": "her first name"})
    assert pattern is not None
    ics = b"BEGIN:VEVENT\r\nDESCRIPTION:Ask Pri\r\n ya\\, please\r\nEND:VEVENT\r\n"
    errors = scan_outputs(pattern, {"a/b.ics": ics}, "build/docs")
    assert [(e.file, e.line) for e in errors] == [("build/docs/a/b.ics", 2)]
    assert "'Priya'" in errors[0].message


def test_shipped_content_passes_as_a_public_edition(tmp_path: Path) -> None:
    prepare(Project.at(project(tmp_path, content=REPO / "content")))


# --- adversarial pass on issue 13: case, accents, markup, short name parts -------------------


def with_pairs(root: Path, pairs: str) -> None:
    edit(root, COHORT, "  - {mentor: Ada Young, mentee: Bob Senior}", pairs)


LEAKS = ["CORA ORDINATOR", "cora", "CORA", "Co*ra*", "Co**ra**", "C\\ora", "Co`ra`",
         "Co_ra_", "Co<b>ra</b>", "Co<!-- x -->ra", "Co&#114;a", "Co[ra](https://example.org/x)",
         "Co\u00adra", "Ｃｏｒａ", "Jose Garcia", "jose", "GARCIA", "Garcia-Lopez", "garcía",
         "Li Wu", "LI WU", "Li  Wu", "Li\\nWu", "li *Wu*", "José García's", "Pieter Berg",
         "ADA young", "Bob Senior", "ask*Cora*", "Lopez"]


@pytest.mark.parametrize("written", LEAKS)
def test_names_in_any_case_accent_or_markup_are_caught(tmp_path: Path, written: str) -> None:
    root = project(tmp_path)
    with_pairs(root, "  - {mentor: Ada Young, mentee: Bob Senior}\n"
               "  - {mentor: Li Wu, mentee: José García-López}\n"
               "  - {mentor: Pieter van den Berg, mentee: Bo Ek}")
    text = written.encode().decode("unicode_escape") if "\\u" in written or "\\n" in written \
        else written
    edit(root, COHORT, "format: virtual",
         f"summary: {json.dumps('Questions go to ' + text + ', please.')}\nformat: virtual")
    report_text = report(root)
    assert f"{COHORT}:" in report_text and "summary: " in report_text, report_text
    assert "would appear in the public edition" in report_text


@pytest.mark.parametrize("wording", ["Li is a word here", "Wu", "a van and a den", "Bo",
                                     "Ek", "Senioritis", "Pieter-like"])
def test_short_parts_and_particles_alone_are_not_names(tmp_path: Path, wording: str) -> None:
    """One- and two-letter parts (Li, Wu, Bo) and lowercase particles (van, den) are common
    words: they count only inside the full name or the first and last name together."""
    root = project(tmp_path)
    with_pairs(root, "  - {mentor: Li Wu, mentee: Bo Ek}\n"
               "  - {mentor: Pieter van den Berg, mentee: Ada Young}")
    edit(root, COHORT, "format: virtual", f"summary: {json.dumps(wording)}\nformat: virtual")
    if wording == "Pieter-like":
        assert "'Pieter'" in report(root)
    else:
        prepare(Project.at(root))


def test_the_output_backstop_folds_case_accents_and_markup() -> None:
    from handbook.write.privacy import people_pattern, scan_outputs

    pattern = people_pattern({"José García": "a mentee", "García": "part of it"})
    assert pattern is not None
    page = "# Title\n\nText\n\nAsk *GAR*cia or j**osé** g&#97;rcia\n".encode()
    errors = scan_outputs(pattern, {"a/index.md": page}, "build/docs")
    assert [(e.file, e.line) for e in errors] == [("build/docs/a/index.md", 5)]
    assert "'García'" in errors[0].message or "'José García'" in errors[0].message
