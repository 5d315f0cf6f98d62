"""Print pages and packs reuse the HTML of the agendas and playbooks they repeat.

The reuse is only an optimisation: a page built from a reused body must be byte for byte the
same page converted from its full Markdown, which is what any other engine does (whole sites
are compared in test_speedups.py).
"""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

import pytest
from conftest import REPO, handbook, make_project
from handbook.load.loader import load_content
from handbook.plan.calendars import agenda_urls
from handbook.plan.site import plan_site
from handbook.plan.views import PageSpec
from handbook.render.embed import BodyReuse, drop_markers, rebase
from handbook.render.pages import _render_part
from handbook.resolve.site import resolve
from handbook.validate.documents import validate

ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)


@pytest.mark.parametrize(("link", "source", "target", "expected"), [
    ("../", "programs/p/c/01-a/", "programs/p/c/print/", "../"),
    ("../../topics/t/", "challenges/c1/", "programs/p/c/pack-mentor/", "../../../../topics/t/"),
    ("../c2/#signs", "challenges/c1/", "programs/p/c/pack-mentor/",
     "../../../../challenges/c2/#signs"),
    ("x.ics", "programs/p/c/", "programs/p/", "c/x.ics"),
    ("https://example.com/a", "a/", "b/c/", "https://example.com/a"),
    ("mailto:x@example.com", "a/", "b/c/", "mailto:x@example.com"),
    ("#local", "a/", "b/c/", "#local"),
    ("/absolute/", "a/", "b/c/", "/absolute/"),
])
def test_rebase_keeps_links_pointing_at_the_same_place(link: str, source: str, target: str,
                                                         expected: str) -> None:
    assert rebase(link, source, target) == expected


def test_bodies_not_at_hand_stay_markdown() -> None:
    markdown = ('intro\n\n<!-- handbook:embed src="a.md" level=2 -->\n\n### A\n\n'
                '<!-- handbook:/embed -->\n\n<!-- handbook:embed src="b.md" level=2 -->\n\n'
                '### B\n\n<!-- handbook:/embed -->\n')
    reuse = BodyReuse()
    reuse.bodies["a.md"] = object()  # type: ignore[assignment]
    out = reuse.plan(markdown, "x.md")
    assert "### A" not in out and "### B" in out and "handbook:spliced 0" in out
    assert drop_markers(out).count("handbook:") == 1  # the placeholder, replaced in the tree


def test_a_body_rendered_once_per_folder_reads_like_one_rendered_per_page() -> None:
    """The generator renders an agenda once for its meeting page, print page and packs, and
    sets its headings per page; every page must read as if it had rendered its own copy."""
    library = validate(load_content(REPO / "content", REPO))
    pages = list(plan_site(resolve(library, agenda_urls(library.site))).pages)
    templates = (str(REPO / "templates"),)
    shared, _, errors = _render_part(pages, templates, REPO, share=True)
    fresh, _, _ = _render_part(pages, templates, REPO, share=False)
    assert not errors and shared == fresh
    meeting = next(t for p, t in shared.items() if re.search(r"/\d\d-[^/]+\.md$", p))
    printed = next(t for p, t in shared.items() if p.endswith("/print.md"))
    assert "\n## Agenda\n" in meeting and "\n## Agenda\n" not in printed
    assert "\n### Agenda\n" in printed and "\x1f" not in printed + meeting


def test_a_shared_body_links_from_each_folder_that_shows_it(tmp_path: Path) -> None:
    (tmp_path / "part.md.j2").write_text('{{ heading(level + 1) }} See\n\n{{ "t/x.md" | link }}\n')
    (tmp_path / "own.md.j2").write_text('{{ body("part.md.j2", 1) }}\n')
    (tmp_path / "copy.md.j2").write_text('{{ embed("a/b/own.md", "part.md.j2", 2) }}\n')
    pages = [PageSpec("a/b/own.md", "own.md.j2", "Own", {}, "own.yml"),
             PageSpec("a/b/copy.md", "copy.md.j2", "Copy", {}, "own.yml"),
             PageSpec("c/copy.md", "copy.md.j2", "Far copy", {}, "own.yml")]
    texts, _, errors = _render_part(pages, (str(tmp_path),), tmp_path)
    assert not errors
    assert "## See\n\n[t/x.md](../../t/x.md)" in texts["a/b/own.md"]
    assert "### See\n\n[t/x.md](../../t/x.md)" in texts["a/b/copy.md"]
    assert "### See\n\n[t/x.md](../t/x.md)" in texts["c/copy.md"]


# --- issue 13, second pass: text that reads like attributes stays text -------------------


def test_a_pack_page_shows_a_playbook_text_as_its_own_page_does(tmp_path: Path) -> None:
    from conftest import FIXTURES

    typed = 'Typing href="notes/x" and id="top" in text'
    root = make_project(tmp_path / "p", FIXTURES / "mini" / "content")
    drift = root / "content/challenges/drift.yml"
    drift.write_text(drift.read_text("utf-8").replace(
        "warning_signs: [Agendas are skipped]", f"warning_signs: ['{typed}']"), "utf-8")
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr

    def text(page: Path) -> str:
        found = ARTICLE.search(page.read_text("utf-8"))
        assert found is not None, page
        return html_module.unescape(re.sub(r"<[^>]+>", "", found.group(1)))

    assert typed in text(root / "site/challenges/drift/index.html")
    packs = sorted((root / "site/programs").rglob("pack-*/index.html"))
    assert packs and all(typed in text(page) for page in packs), packs
