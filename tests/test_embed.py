"""Print pages and packs reuse the HTML of the agendas and playbooks they repeat.

The reuse is only an optimisation: a page built from reused HTML must read exactly like the
same page converted from its full Markdown, which is what any other engine would do.
"""

from __future__ import annotations

import html as html_module
import os
import re
from pathlib import Path

import pytest
from conftest import REPO, handbook, make_project
from handbook.embed import Body, adapt, plan_reuse, rebase, splice, take_body
from handbook.loader import load_content
from handbook.plan import plan_site
from handbook.render import _render_part
from handbook.validate import validate
from handbook.views import PageSpec

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


def test_adapt_moves_headings_down_and_makes_ids_unique() -> None:
    body = Body('<h2 id="agenda">Agenda<a class="headerlink" href="#agenda">&para;</a></h2>'
                '<h3 id="x">X</h3><a href="#elsewhere">e</a><a href="../../t/">t</a>',
                level=1, url="challenges/c1/")
    html = adapt(body, 3, "c1--", "programs/p/pack/")
    assert '<h4 id="c1--agenda">' in html and "</h4>" in html
    assert '<h5 id="c1--x">X</h5>' in html
    assert 'href="#c1--agenda"' in html
    assert 'href="#elsewhere"' in html  # not an id of this body: left alone
    assert 'href="../../../t/"' in html


def test_bodies_not_at_hand_stay_markdown() -> None:
    markdown = ('intro\n\n<!-- handbook:embed src="a.md" level=2 -->\n\n### A\n\n'
                '<!-- handbook:/embed -->\n\n<!-- handbook:embed src="b.md" level=2 -->\n\n'
                '### B\n\n<!-- handbook:/embed -->\n')
    known = {"a.md": Body("<h2>A!</h2>", 1, "x/")}
    out, reuses = plan_reuse(markdown, known)
    assert [r.src for r in reuses] == ["a.md"]
    assert "### A" not in out and "### B" in out
    html = splice(out.replace("### B", "<h3>B</h3>"), reuses, "x/")
    assert "<h3>A!</h3>" in html and "<h3>B</h3>" in html and "handbook:" not in html


def test_take_body_drops_the_markers() -> None:
    html, body = take_body("<h1>T</h1>\n<!-- handbook:body level=1 -->\n<p>b</p>\n"
                           "<!-- handbook:/body -->\n<p>after</p>", "u/")
    assert body is not None and body.html == "<p>b</p>\n" and body.level == 1
    assert html == "<h1>T</h1>\n<p>b</p>\n<p>after</p>"


def _articles(root: Path) -> dict[str, str]:
    pages = sorted([*root.glob("site/programs/*/*/print/index.html"),
                    *root.glob("site/programs/*/*/pack-*/index.html")])
    return {p.relative_to(root).as_posix(): ARTICLE.search(p.read_text("utf-8")).group(1)
            for p in pages}


def _normalised(html: str) -> str:
    """Ids and in-page links differ by design (prefixed vs numbered); nothing else may."""
    html = re.sub(r'\sid="[^"]*"', "", html)
    html = re.sub(r'href="#[^"]*"', 'href="#"', html)
    return re.sub(r"\s+", " ", html).strip()


def test_reused_html_reads_like_converted_markdown(shipped_site: Path,
                                                   tmp_path: Path) -> None:
    plain = make_project(tmp_path / "plain")
    os.environ["HANDBOOK_NO_REUSE"] = "1"
    try:
        done = handbook("build", cwd=plain)
    finally:
        del os.environ["HANDBOOK_NO_REUSE"]
    assert done.returncode == 0, done.stderr
    reused, converted = _articles(shipped_site), _articles(plain)
    assert reused.keys() == converted.keys() and len(reused) >= 8
    for page, html in reused.items():
        # The reused pages really reused (their ids carry the source page), the others not.
        assert re.search(r'id="[^"]+--[^"]+"', html), page
        assert not re.search(r'id="[^"]+--[^"]+"', converted[page]), page
        assert _normalised(html) == _normalised(converted[page]), page
        assert "handbook:" not in html


def test_a_body_rendered_once_per_folder_reads_like_one_rendered_per_page() -> None:
    """The generator renders an agenda once for its meeting page, print page and packs, and
    sets its headings per page; every page must read as if it had rendered its own copy."""
    library = validate(load_content(REPO / "content", REPO))
    pages = list(plan_site(library).pages)
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


# --- issue 13, second pass: adapt changes attributes of tags, never text ----------------------


def test_adapt_leaves_text_that_looks_like_attributes_alone() -> None:
    typed = 'Typing href="notes/x" and id="top" in text'
    shown = html_module.escape(typed)  # what Markdown makes of it
    body = Body(f'<h2 id="top">Signs</h2>\n<ul>\n<li>{shown}</li>\n<li>{typed}</li>\n</ul>\n'
                f'<p><a href="../other/" title=\'id="x"\'>see</a> <code>src="a.png"</code></p>',
                1, "challenges/drift/")
    out = adapt(body, 2, "drift--", "programs/p/c/pack-mentor/")
    assert f"<li>{shown}</li>" in out and f"<li>{typed}</li>" in out
    assert '<code>src="a.png"</code>' in out and "title='id=\"x\"'" in out
    assert '<h3 id="drift--top">' in out
    assert 'href="../../../../challenges/other/"' in out


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
