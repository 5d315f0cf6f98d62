"""Certificates: every mentor and mentee of a finished cohort gets one, on one page per cohort,
one per printed sheet, in the internal edition only."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from browser import browser_page, serve
from conftest import handbook, make_project
from handbook.pipeline import Project, prepare
from handbook.plan.kinds import certificate

RM = "programs/reverse-mentoring"
BIRMINGHAM = f"{RM}/2026-spring-birmingham/certificates.md"
LEEDS = "programs/new-hire-buddy/2026-q1-leeds/certificates.md"
HOSTILE = "<script>alert(1)</script> {: onclick=alert(2) } **bold** Okafor"


def _participants(root: Path, program: str, cohort: str) -> list[str]:
    data = yaml.safe_load((root / f"content/programs/{program}/cohorts/{cohort}.yml")
                          .read_text("utf-8"))
    return [p[role] for p in data["pairs"] for role in ("mentor", "mentee")]


def _outputs(root: Path) -> dict[str, str]:
    result = prepare(Project.at(root))
    return {path: data.decode("utf-8") for path, data in result.outputs.items()
            if path.endswith(".md")}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p")


def test_a_finished_cohort_has_a_certificate_for_every_participant(project: Path) -> None:
    result = prepare(Project.at(project))
    specs = [p for p in result.plan.pages if p.kind == "certificates"]
    assert sorted(p.path for p in specs) == [LEEDS, BIRMINGHAM]
    birmingham = next(p for p in specs if p.path == BIRMINGHAM).context
    names = [c.name for c in birmingham.certificates]
    assert names == _participants(project, "reverse-mentoring", "2026-spring-birmingham")
    assert len(names) == 16
    roles = {c.name: c.role for c in birmingham.certificates}
    assert roles["Chloe Adeyemi"] == "Junior mentor" and roles["Martin Rowe"] == "Senior mentee"
    text = result.outputs[BIRMINGHAM].decode("utf-8")
    for name in names:
        assert name in text
    # First and last meeting: 9 March 2026 to 10 August 2026 (Easter Monday and May Day
    # skipped). Each pair's `held:` list in the cohort file gives both people their count.
    assert text.count("Monday 9 March 2026 to Monday 10 August 2026") == 16
    held = {c.name: c.held for c in birmingham.certificates}
    assert held["Niamh Gallagher"] == held["Geoffrey Lang"] == 9
    assert (text.count("Meetings held: 10 of 10."), text.count("Meetings held: 9 of 10."),
            text.count("Meetings held: 8 of 10.")) == (4, 6, 6)
    assert "A program of" not in text
    assert text.count("Dr Eleanor Whitcombe") == 16
    assert "Chief People Officer" in text


def test_a_pair_without_a_record_is_credited_with_nothing(project: Path) -> None:
    cohort = project / "content/programs/new-hire-buddy/cohorts/2026-q1-leeds.yml"
    _edit(cohort, "    held: [1, 3, 4, 5, 6]\n", "")  # Joanne Whitaker and Kwame Mensah
    leeds = _outputs(project)[LEEDS]
    sheets = leeds.split("## Certificate of participation")[1:]
    assert "A program of 6 meetings" in sheets[2] and "Meetings held" not in sheets[2]
    assert "Meetings held: 6 of 6." in sheets[0] and "Meetings held: 6 of 6." in sheets[1]
    assert leeds.count("Meetings held:") == 10


def test_meetings_held_from_counts_when_every_pair_held_the_same_ones(project: Path) -> None:
    # A coordinator with counts only: no `held:` lists, an `attendance:` block instead.
    cohort = project / "content/programs/new-hire-buddy/cohorts/2026-q1-leeds.yml"
    cohort.write_text(re.sub(r"(?m)^    held: .*\n", "", cohort.read_text("utf-8")),
                      encoding="utf-8")
    results = project / "content/programs/new-hire-buddy/results/2026-q1-leeds.yml"
    sessions = ["welcome-and-first-week", "tools-and-systems", "how-work-gets-done",
                "halfway-check", "seeing-the-bigger-picture", "ninety-day-review"]
    rest = results.read_text("utf-8")

    def counts(pairs: int, each: list[int]) -> str:
        held = "".join(f"    {s}: {n}\n" for s, n in zip(sessions, each, strict=True))
        return f"attendance:\n  pairs: {pairs}\n  held:\n{held}"

    results.write_text(counts(6, [6, 0, 6, 6, 6, 6]) + rest, encoding="utf-8")
    leeds = _outputs(project)[LEEDS]
    assert leeds.count("Meetings held: 5 of 6.") == 12
    assert "A program of" not in leeds
    assert leeds.count("Thursday 8 January 2026 to Thursday 19 March 2026") == 12
    # Seven pairs ran but the file lists six: whose meetings were missed is unknown.
    results.write_text(counts(7, [7] * 6) + rest, encoding="utf-8")
    leeds = _outputs(project)[LEEDS]
    assert "Meetings held" not in leeds and leeds.count("A program of 6 meetings") == 12
    # Pairs that held different meetings: no one's own count is known.
    results.write_text(counts(6, [6, 5, 5, 4, 5, 4]) + rest, encoding="utf-8")
    leeds = _outputs(project)[LEEDS]
    assert "Meetings held" not in leeds and leeds.count("A program of 6 meetings") == 12


def test_unfinished_cohorts_get_no_certificates(project: Path) -> None:
    outputs = _outputs(project)
    assert not [p for p in outputs if "2027-" in p and p.endswith("certificates.md")]
    # Results that stop before the closing meeting: the cohort has not finished.
    cohort = project / "content/programs/new-hire-buddy/cohorts/2026-q1-leeds.yml"
    cohort.write_text(re.sub(r", 6\]", "]", cohort.read_text("utf-8")), encoding="utf-8")
    outputs = _outputs(project)
    assert LEEDS not in outputs and BIRMINGHAM in outputs
    assert "certificates" not in outputs["programs/new-hire-buddy/2026-q1-leeds/"
                                         "pack-coordinator.md"]


def test_the_public_edition_builds_no_certificate(project: Path) -> None:
    site = project / "content/site.yml"
    _edit(site, "privacy: internal", "privacy: public")
    result = prepare(Project.at(project))
    assert not [p for p in result.outputs if p.endswith("certificates.md")]
    assert not [p for p in result.plan.pages if p.kind == "certificates"]
    # Nothing per pair is published: no one's meetings, no pair; the completion rate, an
    # aggregate of the pairs' records, still is (the program's results page).
    text = "\n".join(data.decode("utf-8", "replace") for data in result.outputs.values())
    assert "Meetings held:" not in text and "held: [" not in text
    for name in _participants(project, "new-hire-buddy", "2026-q1-leeds"):
        assert name not in text
    assert "80.6%" in result.outputs["programs/new-hire-buddy/results.md"].decode("utf-8")
    # The family itself makes nothing from a library without pairs (resolve/privacy.py).
    from handbook.load.loader import load_content
    from handbook.plan.calendars import agenda_urls
    from handbook.resolve.site import resolve
    from handbook.validate.documents import validate

    library = validate(load_content(project / "content", project))
    resolved = resolve(library, agenda_urls(library.site))
    assert certificate.pages(resolved) == []


def test_the_coordinator_pack_links_the_certificates(project: Path) -> None:
    outputs = _outputs(project)
    pack = outputs[f"{RM}/2026-spring-birmingham/pack-coordinator.md"]
    assert "](certificates.md)" in pack
    for audience in ("mentor", "mentee"):
        assert "certificates.md" not in outputs[f"{RM}/2026-spring-birmingham/pack-{audience}.md"]
    assert "certificates.md" not in outputs[f"{RM}/2027-spring-london/pack-coordinator.md"]


def test_without_a_signatory_the_certificate_names_the_organisation(project: Path) -> None:
    site = project / "content/site.yml"
    text = site.read_text("utf-8")
    site.write_text(re.sub(r"(?ms)^certificates:.*?(?=^\S|\Z)", "", text), encoding="utf-8")
    text = _outputs(project)[BIRMINGHAM]
    assert "Whitcombe" not in text
    assert text.count("For Northwind Group") == 16


class _Sheets(HTMLParser):
    """The certificates in the built page: each h2.hb-certificate opens one."""

    def __init__(self) -> None:
        super().__init__()
        self.sheets: list[str] = []
        self.inside = False
        self.handlers: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        if tag == "script" and self.inside:
            self.scripts += 1
        if tag == "article":
            self.inside = True
        if self.inside and tag == "h2" and "hb-certificate" in classes:
            self.sheets.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside and self.sheets:
            self.sheets[-1] += data


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped content with a hostile mentor name, built by the real command."""
    root = make_project(tmp_path_factory.mktemp("certificates"))
    _edit(root / f"content/{RM}/cohorts/2026-spring-birmingham.yml",
          "mentor: Chloe Adeyemi", f"mentor: '{HOSTILE}'")
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def _page(root: Path, path: str) -> str:
    return (root / "site" / path.removesuffix(".md") / "index.html").read_text("utf-8")


def test_the_built_page_holds_one_certificate_per_participant(built: Path) -> None:
    html = _page(built, BIRMINGHAM)
    parser = _Sheets()
    parser.feed(html)
    names = _participants(built, "reverse-mentoring", "2026-spring-birmingham")
    assert len(parser.sheets) == len(names) == 16
    for sheet, name in zip(parser.sheets, names, strict=True):
        assert name in " ".join(sheet.split()), (name, sheet)
    # The hostile name shows as typed, and makes no element, attribute or bold text.
    assert HOSTILE in " ".join(parser.sheets[0].split())
    assert parser.scripts == 0 and parser.handlers == []
    assert "<strong>bold</strong>" not in html
    assert 'rel="stylesheet" href="../../../../assets/stylesheets/certificates.css"' in html
    pack = _page(built, f"{RM}/2026-spring-birmingham/pack-coordinator.md")
    assert 'href="../certificates/"' in pack
    # Not in the nav, not in search.
    assert "certificates" not in (built / "build/mkdocs.yml").read_text("utf-8").split(
        "not_in_nav")[0]
    index = (built / "site/search/search_index.json").read_text("utf-8")
    assert "2026-spring-birmingham/certificates/" not in index


def test_print_css_starts_every_certificate_after_the_first_on_a_new_sheet() -> None:
    css = (Path(__file__).parents[1] / "site_overrides/assets/stylesheets/certificates.css"
           ).read_text("utf-8")
    media = css[css.index("@media print"):]
    assert re.search(r"\.hb-certificate\s*~\s*\.hb-certificate\s*\{[^}]*break-before:\s*page",
                     media)
    assert re.search(r"\.hb-certificates-intro[^{]*\{[^}]*display:\s*none", media)


@pytest.mark.browser
def test_printing_gives_one_sheet_per_participant(built: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "certificates.pdf"
    with serve(built / "site") as base, browser_page() as page:
        page.emulate_media(media="print")
        page.goto(base + BIRMINGHAM.removesuffix(".md") + "/", wait_until="networkidle")
        page.pdf(path=str(pdf), format="A4", print_background=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert pages and int(pages.group(1)) == 16, info.stdout
