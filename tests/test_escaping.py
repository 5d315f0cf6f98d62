"""Plain fields show as typed wherever they land: a paragraph of their own, a table cell, a
link label or a link's address never start Markdown syntax, nor split a table row."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

import markdown
import pytest
import yaml
from conftest import FIXTURES, REPO, make_project
from handbook.pipeline import Project, prepare
from handbook.render.pages import escape_text, url_link


def site_extensions() -> list[str]:
    config = yaml.load((REPO / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    return [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]


# Block syntax a site may well switch on later: escaping must not depend on it being off.
WIDE = ["pymdownx.details", "pymdownx.blocks.admonition", "pymdownx.superfences", "def_list",
        "abbr", "footnotes", "md_in_html", "pymdownx.arithmatex", "pymdownx.tilde"]


def convert(text: str, wide: bool = False) -> str:
    """Markdown to HTML with the extensions the site uses (mkdocs.yml), or more."""
    names = site_extensions()
    return markdown.markdown(text, extensions=names + [e for e in WIDE if wide and e not in names])


def shown(fragment: str) -> str:
    """The text a reader sees in an HTML fragment."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


HOSTILE = [
    '!!! danger "x"', '??? note "Open me"', "!!! note", "# Heading", "## Heading", "- item",
    "+ item", "* item", "1. item", "1) item", "> quote", "| a | b |", "::: note", "---", "===",
    "***", "___", "[x]: https://example.com", "[^1]: footnote", "{: onclick=\"alert(1)\" }",
    "~~~", "```", "/// note", "<div>x</div>", ": definition", "[ ] task", "*[HTML]: Hyper",
    "--8<-- file.md", "$$", "%", "    four spaces", "\tTab", "2027. A year",
]


@pytest.mark.parametrize("wide", [False, True], ids=["site", "wide"])
@pytest.mark.parametrize("value", HOSTILE)
def test_plain_text_on_a_line_of_its_own_stays_a_paragraph(value: str, wide: bool) -> None:
    for before in ("", "Before.\n", "Before.\n\n"):
        result = convert(before + escape_text(value) + "\n\nAfter.\n", wide)
        blocks = re.findall(r"<(\w+)", result)
        assert set(blocks) <= {"p"}, (value, result)
        assert value.strip() in shown(result), (value, result)


@pytest.mark.parametrize("wide", [False, True], ids=["site", "wide"])
@pytest.mark.parametrize("value", [*HOSTILE, "a | b", "a \\| b", "`", "x ` | y", "\\", "a]b"])
def test_plain_text_in_a_table_cell_and_a_link_label_keeps_the_row(value: str, wide: bool
                                                                   ) -> None:
    row = f"| {escape_text(value)} | [{escape_text(value)}](https://example.com) | end |"
    result = convert("| A | B | C |\n|---|---|---|\n" + row + "\n", wide)
    cells = re.findall(r"<td>(.*?)</td>", result, re.S)
    assert len(cells) == 3, result
    assert shown(cells[0]) == value.strip()
    assert shown(cells[1]) == value.strip()
    assert cells[2] == "end"


@pytest.mark.parametrize("address", [
    "mailto:ada|x@example.com", "mailto:a`b@example.com", "mailto:a(b)@example.com",
    "https://example.com/a|b?q=`x`", "https://example.com/[a]{b}", "mailto:a\\b@example.com",
    "https://example.com/a_b_c*d*", "mailto:a)b@example.com",
])
def test_link_address_in_a_table_cell_keeps_the_row_and_the_address(address: str) -> None:
    label = address.removeprefix("mailto:")
    row = f"| x, {url_link(address, label)} | y | dept |"
    result = convert("| A | B | C |\n|---|---|---|\n" + row + "\n")
    cells = re.findall(r"<td>(.*?)</td>", result, re.S)
    assert len(cells) == 3, result
    assert cells[2] == "dept"
    href = re.search(r'href="([^"]*)"', cells[0])
    assert href, result
    assert unquote(html.unescape(href[1])) == address
    assert shown(cells[0]) == f"x, {label}"


def test_hostile_plain_fields_in_a_generated_site(tmp_path: Path) -> None:
    """The reported failures, end to end: an admonition from a plain summary, and a `|` in
    an email that split the pairs row and lost the department."""
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    topic = root / "content/topics/tooling.yml"
    topic.write_text(topic.read_text().replace(
        "summary: Everyday tools, with the word zanzibar for search tests.",
        "summary: '!!! danger \"x\"'"))
    cohort = root / "content/programs/pilot/cohorts/first.yml"
    cohort.write_text(cohort.read_text().replace(
        "{mentor: Ada Young, mentee: Bob Senior}",
        "{mentor: Ada Young, mentee: Bob Senior, mentor_email: 'ada|x@example.com', "
        "department: Finance}"))
    outputs = prepare(Project.at(root)).outputs

    def page(path: str) -> str:
        return convert(outputs[path].decode().split("---\n", 2)[2])

    for path in ("topics/tooling.md", "topics/index.md"):
        assert "admonition" not in page(path)
        assert '!!! danger "x"' in shown(page(path))
    rows = re.findall(r"<tr>(.*?)</tr>", page("programs/pilot/first/index.md"), re.S)
    ada = [r for r in rows if "Ada Young" in r]
    assert len(ada) == 1
    cells = re.findall(r"<td>(.*?)</td>", ada[0], re.S)
    assert [shown(c) for c in cells] == ["Ada Young, ada|x@example.com", "Bob Senior", "Finance"]
    assert 'href="mailto:ada%7Cx@example.com"' in cells[0]
