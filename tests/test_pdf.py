"""Real PDFs built with the site (issue 20): read back with poppler's tools, which share no code
with the Chromium that wrote them.

The shipped content is built once per edition (internal, public) with PDFs; the slower
cases (cache reuse, a rebuilt cohort) build their own copy.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from browser import chromium_path
from click.testing import CliRunner
from conftest import FIXTURES, REPO, handbook, make_project
from handbook import cli
from handbook.engine import pdf

pytestmark = pytest.mark.browser

BUDDY = "programs/new-hire-buddy/2027-q2-manchester"
LONDON = "programs/reverse-mentoring/2027-spring-london"
REMOTE = "programs/reverse-mentoring/2027-autumn-remote"
# Every shipped cohort (a cohort file, not a translation overlay X.<lang>.yml).
COHORTS = tuple(sorted(f"programs/{f.parent.parent.name}/{f.stem}"
                       for f in (REPO / "content/programs").glob("*/cohorts/*.yml")
                       if "." not in f.stem))
BUDDIES = [c for c in COHORTS if c.startswith("programs/new-hire-buddy/")]
ALL = 4 * len(COHORTS)  # each cohort's whole PDF and its three packs


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package poppler-utils)")
    return path


def pdf_files(folder: str) -> list[str]:
    cid = folder.rpartition("/")[2]
    return [f"{cid}.pdf", *(f"{cid}-{a}-pack.pdf" for a in ("mentor", "mentee", "coordinator"))]


def sheets(path: Path) -> list[str]:
    """The text of each page, whitespace squeezed."""
    text = subprocess.run([tool("pdftotext"), "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def page_count(path: Path) -> int:
    info = subprocess.run([tool("pdfinfo"), str(path)], capture_output=True, text=True,
                          check=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert found, info
    return int(found.group(1))


def outline_and_links(path: Path) -> tuple[list[str], list[str]]:
    """The PDF's outline (bookmark titles) and the targets of its links, by pdftohtml -xml."""
    xml = subprocess.run([tool("pdftohtml"), "-xml", "-i", "-stdout", "-q", str(path)],
                         capture_output=True, text=True, check=True).stdout
    outline = re.findall(r"<item[^>]*>([^<]*)</item>", xml)
    links = re.findall(r'<a href="([^"]*)"', xml)
    return outline, links


def cohort_title(folder: str, root: Path = REPO) -> str:
    program, _, cid = folder.removeprefix("programs/").partition("/")
    data = yaml.safe_load((root / "content/programs" / program / "cohorts" / f"{cid}.yml")
                          .read_text(encoding="utf-8"))
    return str(data["title"])


def participants(root: Path = REPO) -> set[str]:
    names: set[str] = set()
    for file in (root / "content/programs").glob("*/cohorts/*.yml"):
        if "." in file.stem:  # a translation overlay names no one new
            continue
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        names.add(data["coordinator"]["name"])
        for pair in data.get("pairs", []):
            names.update((pair["mentor"], pair["mentee"]))
    return names


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chromium_path()
    root = make_project(tmp_path_factory.mktemp("pdf"))
    done = handbook("build", "--pdf", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chromium_path()
    root = make_project(tmp_path_factory.mktemp("pdf-public"))
    site = root / "content/site.yml"
    site.write_text(site.read_text(encoding="utf-8").replace("privacy: internal",
                                                             "privacy: public"))
    done = handbook("build", "--pdf", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def test_each_cohort_page_links_its_pdfs(built: Path) -> None:
    for folder in COHORTS:
        page = (built / "site" / folder / "index.html").read_text(encoding="utf-8")
        for name in pdf_files(folder):
            assert (built / "site" / folder / name).is_file(), name
            assert f'href="./{name}"' in page, name
    # Only cohort pages link PDFs; nothing else in the site is a PDF.
    assert len(list((built / "site").rglob("*.pdf"))) == 4 * len(COHORTS)


def test_whole_cohort_pdf_has_contents_sheets_headers_and_page_numbers(built: Path) -> None:
    path = built / "site" / LONDON / "2027-spring-london.pdf"
    html = (built / "site" / LONDON / "print/index.html").read_text(encoding="utf-8")
    agendas = [re.sub(r"<[^>]+>|¶", "", h).strip() for h in
               re.findall(r'<h2 class="hb-new-sheet"[^>]*>(.*?)</h2>', html)]
    assert len(agendas) == 10, agendas
    pages = sheets(path)
    assert page_count(path) == len(pages) >= len(agendas) + 2  # cover and contents, agendas
    title = cohort_title(LONDON)
    for number, text in enumerate(pages, 1):
        assert title in text, f"page {number} has no running header"
        assert f"{number} / {len(pages)}" in text, f"page {number} has no page number"
    # Each agenda starts a sheet of its own, right under the running header.
    starts = [text.removeprefix(title).strip() for text in pages]
    for agenda in agendas:
        assert any(text.startswith(agenda) for text in starts), agenda
    assert "Contents" in pages[0] or "Contents" in pages[1]
    outline, links = outline_and_links(path)
    for agenda in agendas:
        assert agenda in outline, (agenda, outline)
    assert "Meeting schedule" in outline
    assert not [link for link in links if "127.0.0.1" in link or "localhost" in link], links
    internal = [link for link in links if not re.match(r"(https?|mailto):", link)]
    assert len(internal) >= 2 * len(agendas), links  # contents and schedule jump inside


def test_packs_hold_their_audience_and_the_playbooks(built: Path) -> None:
    for audience in ("mentor", "mentee", "coordinator"):
        path = built / "site" / BUDDY / f"2027-q2-manchester-{audience}-pack.pdf"
        text = " ".join(sheets(path))
        assert f"{audience} pack" in text.lower()
        outline, _ = outline_and_links(path)
        assert outline, f"the {audience} pack has no outline"
    mentor = " ".join(sheets(built / "site" / BUDDY / "2027-q2-manchester-mentor-pack.pdf"))
    assert "When things get difficult" in mentor


def test_public_edition_pdfs_name_no_participant(public: Path) -> None:
    found = sorted((public / "site").rglob("*.pdf"))
    assert len(found) == 4 * len(COHORTS)
    names = participants()
    assert len(names) > 10
    for path in found:
        text = " ".join(sheets(path))
        leaked = sorted(name for name in names if name in text)
        assert not leaked, f"{path.name} names {leaked}"


def pdf_line(output: str) -> str:
    lines = [line for line in output.splitlines() if "PDF" in line]
    assert len(lines) == 1, output
    return lines[0]


def test_second_build_reuses_pdfs_and_an_agenda_edit_rebuilds_only_its_cohort(
        tmp_path: Path) -> None:
    chromium_path()
    root = make_project(tmp_path)
    first = handbook("build", "--pdf", cwd=root)
    assert first.returncode == 0, first.stderr
    assert re.search(rf"{ALL} PDFs: {ALL} built, 0 reused", pdf_line(first.stderr)), first.stderr
    before = {p: p.read_bytes() for p in (root / "site").rglob("*.pdf")}

    # --clean: the pages are built again (with nothing changed the build would end at once);
    # the PDFs come from their own cache, build/pdf-cache/
    again = handbook("build", "--pdf", "--clean", cwd=root)
    assert again.returncode == 0, again.stderr
    assert re.search(rf"{ALL} PDFs: 0 built, {ALL} reused", pdf_line(again.stderr)), again.stderr
    assert {p: p.read_bytes() for p in (root / "site").rglob("*.pdf")} == before

    program = root / "content/programs/new-hire-buddy/program.yml"
    text = program.read_text(encoding="utf-8")
    old = "Check progress on the first-fortnight list"
    assert old in text
    program.write_text(text.replace(old, "Check progress on the two-week list"),
                       encoding="utf-8")
    edited = handbook("build", "--pdf", cwd=root)
    assert edited.returncode == 0, edited.stderr
    # In each cohort of the program, the whole cohort and the mentor and mentee packs hold
    # the agenda; the coordinator pack and the other program's cohorts do not.
    redone = 3 * len(BUDDIES)
    assert re.search(rf"{ALL} PDFs: {redone} built, {ALL - redone} reused",
                     pdf_line(edited.stderr)), edited.stderr
    changed = sorted(p.name for p, data in before.items() if p.read_bytes() != data)
    assert changed == sorted(n for c in BUDDIES for n in pdf_files(c)[:3]), changed
    assert "two-week list" in " ".join(sheets(root / "site" / BUDDY / "2027-q2-manchester.pdf"))
    assert len(list((root / "build" / pdf.CACHE_FOLDER).glob("*.pdf"))) == ALL  # old ones gone


def no_pdf_anywhere(root: Path) -> None:
    assert not list((root / "site").rglob("*.pdf"))
    for folder in COHORTS:
        page = (root / "site" / folder / "index.html").read_text(encoding="utf-8")
        assert ".pdf" not in page


def test_missing_chromium_says_so_in_one_line_and_links_no_pdf(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path)
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli.main, ["build", "--pdf"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "PDF" in line]
    assert len(lines) == 1, result.output
    assert "Chromium" in lines[0] and pdf.install_hint() in lines[0], lines[0]
    no_pdf_anywhere(root)


def test_pdfs_can_be_turned_off(tmp_path: Path) -> None:
    root = make_project(tmp_path / "flag")
    done = handbook("build", "--no-pdf", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "PDF" not in done.stderr
    no_pdf_anywhere(root)

    root = make_project(tmp_path / "setting")
    site = root / "content/site.yml"
    site.write_text(site.read_text(encoding="utf-8") + "pdf: false\n", encoding="utf-8")
    done = handbook("build", "--pdf", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "PDF" not in done.stderr
    no_pdf_anywhere(root)


def test_tests_build_no_pdf_unless_asked(tmp_path: Path) -> None:
    """conftest sets HANDBOOK_PDF=0, the default of build's --pdf: the many tests that build
    a site print no PDF (and say nothing about PDFs)."""
    assert os.environ.get("HANDBOOK_PDF") == "0"
    root = make_project(tmp_path)
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "PDF" not in done.stderr
    no_pdf_anywhere(root)


def test_a_stuck_print_ends_the_build_with_one_line(tmp_path: Path) -> None:
    chromium_path()
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    assert handbook("build", "--no-pdf", cwd=root).returncode == 0
    before = sorted(p.relative_to(root) for p in (root / "site").rglob("*"))
    done = handbook("build", "--pdf", cwd=root, env={"HANDBOOK_PDF_TIMEOUT": "0.001"})
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if "PDF" in line]
    assert len(lines) == 1 and "took over 0.001 s" in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.relative_to(root) for p in (root / "site").rglob("*")) == before


def test_generate_and_serve_link_no_pdf(tmp_path: Path) -> None:
    """`handbook serve` generates as `generate` does (and its plugin likewise): no PDF is built
    for a preview, so its pages link none."""
    root = make_project(tmp_path)
    done = handbook("generate", cwd=root)
    assert done.returncode == 0, done.stderr
    page = (root / "build/docs" / BUDDY / "index.md").read_text(encoding="utf-8")
    assert ".pdf" not in page


def test_reproducible_fixes_dates_and_node_ids_and_keeps_every_offset() -> None:
    from handbook.engine.pdf_print import reproducible

    def made(when: bytes, first: int) -> bytes:
        return (b"/CreationDate (D:" + when + b"+00'00')\n/ModDate (D:" + when + b"+01'00')>>\n"
                b"/ID (node%08d)>> /Headers [(node%08d)] /ID (node%08d)" % (first, first,
                                                                          first + 7))

    one = reproducible(made(b"20261125160501", 482), 1_800_000_000)
    two = reproducible(made(b"20270101000000", 9_000), 1_800_000_000)
    assert one == two
    assert len(one) == len(made(b"20261125160501", 482))
    assert b"(D:20270115080000+00'00')" in one
    assert b"(node00000000)" in one and b"(node00000001)" in one
