"""Sidebars stay the same size as a site grows: a long section lists only the current entry.

The shipped content has 10 topics, under the default limit of 15, so its sidebars list every
topic; the same content built with `sidebar_limit: 3` shows what a large site gets.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import handbook, make_project

SIDEBAR = re.compile(r'md-sidebar--primary(.*?)md-sidebar--secondary', re.S)
ARTICLE = re.compile(r"<article.*?</article>", re.S)


def _sidebar_links(page: Path) -> set[str]:
    """Where the links of the page's navigation sidebar lead (own-page anchors left out)."""
    sidebar = SIDEBAR.search(page.read_text("utf-8"))
    assert sidebar is not None
    links = re.findall(r'<a href="([^"#]*)" class="md-nav__link', sidebar.group(1))
    return {(page.parent / link).resolve().as_posix() for link in links if link}


def _topic_pages(site: Path) -> list[Path]:
    return sorted(p for p in (site / "topics").glob("*/index.html"))


@pytest.fixture(scope="module")
def limited_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("limited"))
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8")
    assert "      # sidebar_limit: 15" in text
    config.write_text(text.replace("      # sidebar_limit: 15", "      sidebar_limit: 3"), "utf-8")
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "site"


def test_a_short_section_lists_every_entry(shipped_site: Path) -> None:
    topics = _topic_pages(shipped_site / "site")
    assert len(topics) > 3
    links = _sidebar_links(topics[0])
    assert {p.parent.as_posix() for p in topics} <= links


def test_a_long_section_lists_only_the_entry_the_page_is_in(limited_site: Path) -> None:
    topics = _topic_pages(limited_site)
    all_topics = {p.parent.as_posix() for p in topics}
    for page in topics[:3]:
        links = _sidebar_links(page)
        assert links & all_topics == {page.parent.as_posix()}
        assert (limited_site / "topics").as_posix() in links  # the way back to all of them
        assert (limited_site / "programs").as_posix() in links  # other sections stay
    index = (limited_site / "topics/index.html").read_text("utf-8")
    listed = {(limited_site / "topics" / link).resolve().as_posix()
              for link in re.findall(r'href="([^"#]+/)"', ARTICLE.search(index).group(0))}
    assert all_topics <= listed  # the index page still names every topic


def test_a_program_page_shows_its_own_pages(limited_site: Path) -> None:
    """Programs (2) stay whole; the program a page is in keeps its own entries in the
    sidebar up to the limit, then only the entry the page is in."""
    program = next(p for p in sorted((limited_site / "programs").glob("*/index.html")))
    links = _sidebar_links(program)
    programs = {p.parent.as_posix() for p in (limited_site / "programs").glob("*/index.html")}
    assert programs <= links
