"""Link-dense lists written as raw HTML (`{{ page | href }}`, templates/used_by.md.j2) give the
site the Markdown links gave, byte for byte: the addresses are the ones MkDocs makes, with
and without directory URLs, and the text is escaped as Markdown's output escapes it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, make_project
from handbook.render.text import address, relative_url
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

sys.path.insert(0, str(REPO / "bench"))
from synth import Size, write_content

PATHS = ["index.md", "topics/index.md", "topics/t01-a.md", "programs/p/index.md",
         "programs/p/2027-c/index.md", "programs/p/2027-c/03-s03-x.md", "training/m1.md",
         "challenges/c1.md", "programs/q/2028-d/12-s12-y.md"]


@pytest.mark.parametrize("directory_urls", [True, False])
def test_addresses_are_the_ones_mkdocs_makes(directory_urls: bool) -> None:
    urls = {path: File(path, "docs", "site", directory_urls).url for path in PATHS}
    for path in PATHS:
        assert address(path, directory_urls) == urls[path], path
    for page in PATHS:
        for target in PATHS:
            expected = get_relative_url(urls[target], urls[page])
            assert relative_url(urls[target], urls[page]) == expected, (page, target)


# The meetings list of used_by.md.j2 as Markdown links, as it was before it became HTML.
MARKDOWN_MEETINGS = """{% extends "handbook/used_by.md.j2" %}
{% block meetings %}
{% if sessions %}

### {{ _("Meetings") }}

{% for entry in sessions %}
- {{ _("%(program)s, session %(number)s “%(session)s”:", program=entry.program, number=entry.number, session=entry.session) }} {% for meeting in entry.meetings %}{{ meeting | link }}{{ "; " if not loop.last }}{% endfor %}

{% endfor %}
{% endif %}
{% endblock %}
"""

HOSTILE = 'Q&A <b>"bold"</b> it\'s 1. *not* [x](y)'


def _site(root: Path) -> dict[str, bytes]:
    done = subprocess.run([sys.executable, "-m", "handbook", "build", "--no-pdf"], cwd=root,
                          capture_output=True, text=True, check=False, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return {p.relative_to(root / "site").as_posix(): p.read_bytes()
            for p in sorted((root / "site").rglob("*")) if p.is_file()}


@pytest.mark.parametrize("directory_urls", [True, False])
def test_the_html_meetings_list_builds_the_site_the_markdown_one_built(
        tmp_path: Path, directory_urls: bool) -> None:
    content = tmp_path / "content"
    write_content(content, Size(programs=2, cohorts_per_program=3, sessions=6))
    cohort = sorted((content / "programs").glob("*/cohorts/*.yml"))[0]
    text = cohort.read_text("utf-8")
    title = "title: '" + HOSTILE.replace("'", "''") + "'"  # YAML's single-quoted style
    cohort.write_text(re.sub(r"^title: .*$", lambda _: title, text, count=1, flags=re.M),
                      "utf-8")
    sites = {}
    for name in ("markdown", "html"):
        root = make_project(tmp_path / name, content, copy_defaults=False)
        if not directory_urls:
            config = root / "mkdocs.yml"
            config.write_text(config.read_text("utf-8").replace(
                "use_directory_urls: true", "use_directory_urls: false"), "utf-8")
        if name == "markdown":
            (root / "templates").mkdir()
            (root / "templates/used_by.md.j2").write_text(MARKDOWN_MEETINGS, "utf-8")
        sites[name] = _site(root)
    markdown, html = sites["markdown"], sites["html"]
    assert markdown.keys() == html.keys()
    assert [path for path in markdown if markdown[path] != html[path]] == []
    topics = [html[path].decode() for path in html
              if path.startswith("topics/t") and path.endswith(".html")]
    shown = [page.split('id="meetings"', 1)[1].split("</ul>", 1)[0] for page in topics
             if "Q&amp;A &lt;b&gt;" in page]
    assert shown and all("<b>" not in meetings and "*not*" in meetings for meetings in shown)
    assert min(meetings.count("<a href=") for meetings in shown) >= 3
