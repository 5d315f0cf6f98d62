"""The shipped content: complete, linked, and written once then reused across programs."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from conftest import REPO

PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|lorem|ipsum|XXX)\b", re.I)


class Article(HTMLParser):
    """Headings, text and links of a page's main article, plus every id on the page."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # >0 while inside <article>
        self.blocks: list[tuple[int, str]] = []  # (heading level or 0 for text, text)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self._heading: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = int(tag[1])
            self.blocks.append((self._heading, ""))
        if tag == "a" and found.get("href") and "headerlink" not in (found.get("class") or ""):
            self.links.append(found["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = None

    def handle_data(self, data: str) -> None:
        if not self.depth or not data.strip() or data.strip() == "¶":
            return
        if self._heading is not None:
            level, text = self.blocks[-1]
            self.blocks[-1] = (level, text + data)
        else:
            self.blocks.append((0, data))


def parse(path: Path) -> Article:
    article = Article()
    article.feed(path.read_text("utf-8"))
    return article


def generated_pages(root: Path) -> list[Path]:
    docs = root / "build/docs"
    pages = []
    for md in sorted(docs.rglob("*.md")):
        rel = md.relative_to(docs).with_suffix("")
        html = root / "site" / (rel.parent if rel.name == "index" else rel) / "index.html"
        pages.append(html)
    return pages


def test_every_generated_page_is_complete_and_linked(shipped_site: Path) -> None:
    pages = generated_pages(shipped_site)
    assert len(pages) > 70
    anchors: dict[Path, set[str]] = {}
    problems = []
    for page in pages:
        article = parse(page)
        anchors[page] = article.ids
        text = " ".join(t for _, t in article.blocks)
        if PLACEHOLDER.search(text):
            problems.append(f"{page}: placeholder {PLACEHOLDER.search(text).group(0)!r}")
        for i, (level, heading) in enumerate(article.blocks):
            if not level:
                continue
            following = article.blocks[i + 1] if i + 1 < len(article.blocks) else None
            if following is None or (following[0] and following[0] <= level):
                problems.append(f"{page}: empty section {heading.strip()!r}")
    for page in pages:
        for href in parse(page).links:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{page}: dangling link {href}")
            elif parts.fragment and target.suffix == ".html":
                ids = anchors.get(target) or parse(target).ids
                if parts.fragment not in ids:
                    problems.append(f"{page}: missing anchor {href}")
    assert not problems, "\n".join(problems)


def load(path: str) -> dict:
    return yaml.safe_load((REPO / "content" / path).read_text("utf-8"))


def test_library_is_large_enough() -> None:
    content = REPO / "content"
    assert len(originals(content / "topics")) >= 8
    assert len(originals(content / "challenges")) >= 6
    assert len(originals(content / "training")) >= 8
    audiences = {a for f in originals(content / "training")
                 for a in yaml.safe_load(f.read_text())["audience"]}
    assert audiences == {"mentor", "mentee", "coordinator"}


def test_reverse_mentoring_program_covers_the_brief() -> None:
    program = load("programs/reverse-mentoring/program.yml")
    assert 8 <= len(program["meeting_plan"]) <= 12
    assert len(program["launch_steps"]) == 8
    assert {r["id"] for r in program["roles"]} >= {"mentor", "mentee", "coordinator", "sponsor"}
    assert program["comparison"]["rows"]
    kpis = {k["id"] for o in program["objectives"] for k in o["kpis"]}
    surveys = {s["id"]: s for s in program["evaluation"]}
    assert len(surveys) >= 2
    assert all(q.get("kpi") in kpis for s in surveys.values() for q in s["questions"]
               if q.get("kpi"))
    cohorts = [load(f"programs/reverse-mentoring/cohorts/{c}.yml")
               for c in ("2027-spring-london", "2027-autumn-remote")]
    assert len({c["schedule"]["cadence"] for c in cohorts}) == 2
    assert len({c["format"] for c in cohorts}) == 2


def test_second_program_reuses_modules_and_topics_and_adds_its_own() -> None:
    first = load("programs/reverse-mentoring/program.yml")
    second = load("programs/new-hire-buddy/program.yml")

    def modules(p: dict) -> set[str]:
        return {m for ids in p["curricula"].values() for m in ids}

    def topics(p: dict) -> set[str]:
        return {t for s in p["meeting_plan"] for t in s.get("topics", [])}

    assert len(modules(first) & modules(second)) >= 3
    assert len(topics(first) & topics(second)) >= 3
    assert modules(second) - modules(first) and topics(second) - topics(first)


def test_shared_module_page_names_both_programs(shipped_site: Path) -> None:
    html = (shipped_site / "site/training/active-listening/index.html").read_text("utf-8")
    used_by = html.split('id="used-by"', 1)[1]
    assert 'href="../../programs/reverse-mentoring/"' in used_by
    assert 'href="../../programs/new-hire-buddy/"' in used_by


def test_curricula_of_both_programs_link_to_the_same_module_page(shipped_site: Path) -> None:
    for program in ("reverse-mentoring", "new-hire-buddy"):
        page = shipped_site / f"site/programs/{program}/curriculum-mentor/index.html"
        assert 'href="../../../training/active-listening/"' in page.read_text("utf-8"), program


def test_shipped_schedules_show_a_moved_and_a_skipped_meeting(shipped_site: Path) -> None:
    remote = (shipped_site / "build/docs/programs/reverse-mentoring/2027-autumn-remote/"
              "index.md").read_text("utf-8")
    assert "moved from Wednesday 22 December 2027: Year-end company shutdown" in remote
    london = (shipped_site / "build/docs/programs/reverse-mentoring/2027-spring-london/"
              "index.md").read_text("utf-8")
    assert "Monday 29 March 2027 (Easter Monday (public holiday))" in london


def originals(folder: Path) -> list[Path]:
    """The content files of a folder, without their translations (`x.de.yml`)."""
    return [f for f in folder.glob("*.yml") if "." not in f.stem]
