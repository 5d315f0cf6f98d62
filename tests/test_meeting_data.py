"""The data an agenda or cohort page carries for the reader's browser (plan/meeting_data.py),
and what the output allowlist lets through of it (engine/sanitize.py).

The browser side (banner, ticks, invitation) is tested in tests/test_meeting_browser.py; here:
the invitation's mailto link cannot be broken by a title from a spreadsheet, the data
attributes pass the sanitizer only on the elements and in the formats the templates write, and
content cannot add them.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import FIXTURES, handbook, make_project
from handbook.engine.sanitize import sanitize_html
from handbook.plan.meeting_data import (
    ISO_MINUTE,
    iso_minute,
    mailto,
    meetings_attribute,
)

LONDON = ZoneInfo("Europe/London")
HOSTILE_TITLE = ('Goals" onmouseover="alert(1)&cc=evil@example.com&body=pwned%0D%0ABcc: x '
                 "<b>bold</b> & ?subject=other #frag")


def test_times_are_iso_to_the_minute_with_their_offset() -> None:
    summer = dt.datetime(2027, 4, 22, 12, 30, tzinfo=LONDON)
    winter = dt.datetime(2027, 1, 7, 9, 5, tzinfo=LONDON)
    assert iso_minute(summer) == "2027-04-22T12:30+01:00"
    assert iso_minute(winter) == "2027-01-07T09:05+00:00"
    assert re.fullmatch(ISO_MINUTE, iso_minute(summer))


def test_the_meetings_attribute_lists_start_and_end_of_each_meeting() -> None:
    first = (dt.datetime(2027, 4, 8, 12, 30, tzinfo=LONDON),
             dt.datetime(2027, 4, 8, 13, 15, tzinfo=LONDON))
    second = (dt.datetime(2027, 4, 22, 12, 30, tzinfo=LONDON),
              dt.datetime(2027, 4, 22, 13, 15, tzinfo=LONDON))
    assert meetings_attribute([first, second]) == (
        "2027-04-08T12:30+01:00/2027-04-08T13:15+01:00 "
        "2027-04-22T12:30+01:00/2027-04-22T13:15+01:00")


def test_a_hostile_title_stays_inside_the_subject() -> None:
    body = f"Meeting: {HOSTILE_TITLE}\nWhen: today\n\nAgenda:\n- {HOSTILE_TITLE}"
    href = mailto(f"Meeting\r\nBcc: evil@example.com {HOSTILE_TITLE}", body)
    assert re.fullmatch(r"mailto:\?subject=[A-Za-z0-9%._~-]*&body=[A-Za-z0-9%._~-]*", href)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query, strict_parsing=True)
    assert set(query) == {"subject", "body"} and len(query["subject"]) == 1
    assert query["subject"] == [f"Meeting Bcc: evil@example.com {HOSTILE_TITLE}"]
    assert query["body"] == [body.replace("\n", "\r\n")]


# --- the allowlist ------------------------------------------------------------------------------

KEPT = [
    '<div class="hb-next" data-hb-meetings="2027-04-08T12:30+01:00/2027-04-08T13:15+01:00 '
    '2027-04-22T12:30+01:00/2027-04-22T13:15+01:00" data-hb-this="2"></div>',
    '<span class="hb-meeting" data-hb-start="2027-04-08T12:30+01:00" '
    'data-hb-end="2027-04-08T13:15-05:00">1</span>',
    '<pre class="hb-invite-text">When: <span class="hb-invite-when" '
    'data-hb-start="2027-04-08T12:30+01:00" data-hb-end="2027-04-08T13:15+01:00">x</span></pre>',
    '<h2 data-hb-checklist="programs/pilot/first/01-start" id="prepare">Prepare</h2>',
    '<h4 data-hb-checklist="programs/a-b/c2/12-wrap-up">After</h4>',
]


@pytest.mark.parametrize("markup", KEPT)
def test_the_sanitizer_keeps_the_data_the_templates_write(markup: str) -> None:
    assert sanitize_html(markup) == markup


@pytest.mark.parametrize(("dirty", "clean"), [
    ('<p data-hb-this="1">x</p>', "<p>x</p>"),  # on another element
    ('<a href="#" data-hb-start="2027-04-08T12:30+01:00">x</a>', '<a href="#">x</a>'),
    ('<span data-hb-start="tomorrow">x</span>', "<span>x</span>"),  # not a time
    ('<span data-hb-end="2027-04-08T12:30+01:00 x">x</span>', "<span>x</span>"),
    ('<div data-hb-meetings="2027-04-08T12:30+01:00">x</div>', "<div>x</div>"),  # no end
    ('<div data-hb-this="1e9">x</div>', "<div>x</div>"),
    ('<h2 data-hb-checklist="../../x?y">x</h2>', "<h2>x</h2>"),
    ('<h2 data-hb-checklist="a/b" data-hb-other="1" data-x="1">x</h2>',
     '<h2 data-hb-checklist="a/b">x</h2>'),
])
def test_the_sanitizer_drops_data_it_was_not_written_for(dirty: str, clean: str) -> None:
    assert sanitize_html(dirty) == clean


class _Data(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []
        self.mailtos: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("data-"):
                self.found.append((tag, name, value or ""))
            if name == "href" and (value or "").startswith("mailto:?"):
                self.mailtos.append(value or "")


def _article(path: Path) -> str:
    text = path.read_text("utf-8")
    return text[text.index('<article'):text.index("</article>")]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini program with a session title from a hostile spreadsheet, and content prose
    that tries to add the data attributes the browser script reads."""
    root = make_project(tmp_path_factory.mktemp("hostile"), FIXTURES / "mini" / "content")
    program_file = root / "content/programs/pilot/program.yml"
    program = yaml.safe_load(program_file.read_text("utf-8"))
    program["meeting_plan"][0]["title"] = HOSTILE_TITLE
    program["meeting_plan"][0]["agenda"][0]["item"] = "Intro&body=x\" data-hb-this=\"9"
    program_file.write_text(yaml.safe_dump(program, sort_keys=False), "utf-8")
    cohort_file = root / "content/programs/pilot/cohorts/first.yml"
    cohort = yaml.safe_load(cohort_file.read_text("utf-8"))
    cohort["summary"] = ('Hi\n{: data-hb-meetings="2027-01-01T00:00+00:00/2027-01-01T01:00+00:00"'
                         ' }\n\n<div class="hb-next" data-hb-this="1"></div>\n\n'
                         '## Fake {: data-hb-checklist="programs/pilot/first/01-start" }\n')
    cohort_file.write_text(yaml.safe_dump(cohort, sort_keys=False), "utf-8")
    done = handbook("build", "--no-pdf", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def test_a_hostile_title_cannot_break_the_invitation_link(hostile_site: Path) -> None:
    page = hostile_site / "site/programs/pilot/first/01-start/index.html"
    parser = _Data()
    parser.feed(_article(page))
    assert len(parser.mailtos) == 1
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(parser.mailtos[0]).query,
                                  strict_parsing=True)
    assert set(query) == {"subject", "body"}
    assert HOSTILE_TITLE in query["subject"][0] and HOSTILE_TITLE in query["body"][0]
    assert 'Intro&body=x" data-hb-this="9' in query["body"][0]
    assert "b" not in parser.tags and "onmouseover" not in _article(page).split("<h1")[0]
    assert ("div", "data-hb-this", "9") not in parser.found


def test_content_cannot_add_the_data_attributes(hostile_site: Path) -> None:
    page = hostile_site / "site/programs/pilot/first/index.html"
    parser = _Data()
    parser.feed(_article(page))
    names = [name for _, name, _ in parser.found]
    assert names.count("data-hb-meetings") == 1  # the template's banner, not the summary's
    assert "data-hb-this" not in names and "data-hb-checklist" not in names
    banner = next(v for _, n, v in parser.found if n == "data-hb-meetings")
    assert not banner.startswith("2027-01-01")
