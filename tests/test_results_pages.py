"""Results pages: each cohort's KPIs against their targets and its answers, each program's
KPIs across cohorts, drawn as inline SVG charts that pass the output allowlist.

The project is the mini fixture with three KPIs (a mean, a share of yes answers, meeting
completion), two cohorts with results and one group below the minimum; it is generated and
built in this process, and the tests read the values, verdicts and bar lengths from the HTML.
"""

from __future__ import annotations

import contextlib
import html
import re
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, make_project
from handbook.engine.sanitize import sanitize_html
from handbook.plan.charts import PLOT_WIDTH

PROGRAM = "content/programs/pilot/program.yml"
ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
SECOND_TITLE = "Autumn & *winter* <b>#2</b>"  # markup characters in a name reach the SVG

FIRST = """\
attendance:
  pairs: 1
  held: {start: 1, wrap-up: 1}
surveys:
  final:
    responses: 6
    questions:
      - {question: "How satisfied are you?", n: 6, counts: {3: 1, 4: 2, 5: 3}}
      - {question: "Would you recommend the pilot?", n: 3, counts: {"yes": 2, "no": 1}}
      - {question: "What would you change?", n: 6}
"""
SECOND = """\
surveys:
  final:
    responses: 7
    questions:
      - {question: "How satisfied are you?", n: 7, counts: {2: 2, 3: 3, 4: 2}}
      - {question: "Would you recommend the pilot?", n: 7, counts: {"yes": 6, "no": 1}}
"""


def results_project(target: Path, privacy: str = "internal") -> Path:
    root = make_project(target, FIXTURES / "mini" / "content")
    program = yaml.safe_load((root / PROGRAM).read_text("utf-8"))
    program["objectives"][0]["kpis"] += [
        {"id": "recommend", "name": "Would recommend", "target": "70% or more",
         "measured_by": "Final survey"},
        {"id": "attended", "name": "Meetings held", "target": "80% or more",
         "measured_by": "Attendance", "goal": {"value": 80, "unit": "percent",
                                               "measure": "attendance"}},
    ]
    program["evaluation"][0]["questions"] += [
        {"question": "Would you recommend the pilot?", "answer": "yes-no", "kpi": "recommend"},
        {"question": "What would you change?", "answer": "text"},
    ]
    (root / PROGRAM).write_text(yaml.safe_dump(program, sort_keys=False), "utf-8")
    cohorts = root / "content/programs/pilot/cohorts"
    second = yaml.safe_load((cohorts / "first.yml").read_text("utf-8"))
    second.update(title=SECOND_TITLE)
    second["schedule"]["start"] = "2027-09-06"
    (cohorts / "second.yml").write_text(yaml.safe_dump(second, sort_keys=False), "utf-8")
    results = root / "content/programs/pilot/results"
    results.mkdir()
    (results / "first.yml").write_text(FIRST, "utf-8")
    (results / "second.yml").write_text(SECOND, "utf-8")
    site = root / "content/site.yml"
    site.write_text(site.read_text("utf-8") + f"privacy: {privacy}\n", "utf-8")
    return root


def build_in_process(root: Path) -> None:
    """Generate and build with MkDocs in this process (one job), into site/."""
    from handbook.pipeline import Project, generate
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    with contextlib.chdir(root):
        generate(Project.at(root))
        config = load_config(str(root / "build/mkdocs.yml"), site_dir=str(root / "site"))
        config.plugins["handbook"].config.jobs = 1
        config.plugins.on_startup(command="build", dirty=False)
        build(config)


@pytest.fixture(scope="module")
def internal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = results_project(tmp_path_factory.mktemp("results") / "p")
    build_in_process(root)
    return root / "site"


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = results_project(tmp_path_factory.mktemp("public") / "p", "public")
    build_in_process(root)
    return root / "site"


def article(page: Path) -> str:
    match = ARTICLE.search(page.read_text("utf-8"))
    assert match is not None, page
    return match.group(1)


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))


def table_rows(markup: str) -> list[list[str]]:
    return [[text_of(c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", markup, re.S)]


def charts(markup: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", markup, re.S)


def bars(chart: str) -> list[tuple[str, float, str]]:
    """(label, bar length, value text) per drawn bar of a chart."""
    found = []
    for row in re.findall(r'<g class="hb-chart__row">(.*?)</g>', chart, re.S):
        label = re.search(r'class="hb-chart__label"[^>]*>(.*?)</text>', row, re.S)
        rect = re.search(r'<rect class="hb-chart__bar[^"]*"[^>]*width="([\d.]+)"', row)
        value = re.search(r'class="hb-chart__value"[^>]*>(.*?)</text>', row, re.S)
        assert label is not None
        found.append((html.unescape(label.group(1)), float(rect.group(1)) if rect else -1.0,
                      html.unescape(value.group(1)) if value else ""))
    return found


def test_a_cohort_results_page_shows_each_kpi_against_its_target(internal: Path) -> None:
    body = article(internal / "programs/pilot/first/results/index.html")
    rows = {r[0]: r[1:] for r in table_rows(body) if r}
    assert rows["Satisfaction"] == ["4 of 5", "4.33", "Met", "6 answers"]
    assert rows["Meetings held"] == ["80% or more", "100%", "Met", "1 pair"]
    assert rows["Would recommend"] == ["70% or more", "too few answers to show", "—", "—"]
    drawn = charts(body)
    satisfaction = next(c for c in drawn if "Satisfaction" in c)
    assert re.search(r'<svg [^>]*role="img"', satisfaction)
    assert "<title" in satisfaction and "<desc" in satisfaction
    ((_, length, value),) = bars(satisfaction)
    assert length == pytest.approx(PLOT_WIDTH * (26 / 6) / 5, abs=0.1) and value == "4.33 (met)"
    # The target is drawn as a line at 4 of 5, labelled with its number.
    assert "Target ≥ 4</text>" in satisfaction
    line = re.search(r'<line class="hb-chart__target" x1="([\d.]+)"', satisfaction)
    assert line is not None and float(line.group(1)) == pytest.approx(
        float(re.search(r'<rect [^>]*x="([\d.]+)"', satisfaction).group(1)) + PLOT_WIDTH * 0.8)


def test_answers_are_shown_as_distributions(internal: Path) -> None:
    body = article(internal / "programs/pilot/first/results/index.html")
    chart = next(c for c in charts(body) if "How satisfied are you?" in c)
    assert [(label, value) for label, _, value in bars(chart)] == [
        ("1", "0"), ("2", "0"), ("3", "1 (17%)"), ("4", "2 (33%)"), ("5", "3 (50%)")]
    lengths = [length for _, length, _ in bars(chart)]
    assert lengths[4] == pytest.approx(1.5 * lengths[3], abs=0.1) and lengths[0] == 0
    assert ["5", "3", "50%"] in table_rows(body)
    assert "Free-text answers are not published" in text_of(body)


def test_a_group_below_the_minimum_shows_no_count_anywhere(internal: Path) -> None:
    body = article(internal / "programs/pilot/first/results/index.html")
    section = body.split("Would you recommend the pilot?", 1)[1].split("What would you", 1)[0]
    assert "too few answers to show" in text_of(section).lower()
    assert not re.search(r">\s*[0-9]", re.sub(r"<text class=\"hb-chart__tick\".*?</text>", "",
                                               section))
    assert "3 answers" not in text_of(body) and "2 (67%)" not in body
    chart = next(c for c in charts(body) if "Would recommend" in c)
    assert [(length, value) for _, length, value in bars(chart)] == [(-1.0, "")]


def test_the_program_page_compares_cohorts_on_each_kpi(internal: Path) -> None:
    body = article(internal / "programs/pilot/results/index.html")
    chart = next(c for c in charts(body) if "Satisfaction" in c)
    drawn = bars(chart)
    assert [label for label, _, _ in drawn] == ["First cohort", SECOND_TITLE]  # oldest first
    assert [value for _, _, value in drawn] == ["4.33 (met)", "3 (missed)"]
    assert "<b>" not in chart and "&lt;b&gt;" in chart  # the name is text, not markup
    recommend = next(c for c in charts(body) if "Would recommend" in c)
    assert [(length, value) for _, length, value in bars(recommend)][1][1] == "85.7% (met)"
    assert bars(recommend)[0][1:] == (-1.0, "")
    assert ["First cohort", "too few answers to show", "—", "—"] in table_rows(body)
    # Linked from the program page and the cohort page; the cohort row links its own results.
    assert 'href="results/"' in (internal / "programs/pilot/index.html").read_text("utf-8")
    assert 'href="results/"' in (internal / "programs/pilot/first/index.html").read_text("utf-8")
    assert 'href="../first/results/"' in body


def test_the_public_edition_shows_program_results_only(public: Path) -> None:
    body = article(public / "programs/pilot/results/index.html")
    assert "4.33 (met)" in body
    assert not (public / "programs/pilot/first/results").exists()
    assert "first/results" not in body
    assert 'href="results/"' not in (public / "programs/pilot/first/index.html").read_text()


def test_the_allowlist_keeps_a_chart_and_nothing_more() -> None:
    chart = ('<svg class="c" viewBox="0 0 10 10" role="img" aria-labelledby="t">'
             '<title id="t">T</title><desc>D</desc><g class="r"><rect x="1" y="2" width="3" '
             'height="4"></rect><line x1="0" y1="1" x2="2" y2="3"></line>'
             '<text x="1" y="2" text-anchor="end">Hi</text></g></svg>')
    assert sanitize_html(chart) == chart
    hostile = ('<svg onload="alert(1)" role="presentation" style="x"><script>alert(2)</script>'
               '<a href="javascript:alert(3)"><text>x</text></a><foreignObject><p>p</p>'
               '</foreignObject><image href="https://example.com/x.png"></image>'
               '<use href="#x"></use><animate attributeName="x"></animate>'
               '<rect fill="url(https://example.com/)" onclick="alert(4)"></rect></svg>')
    clean = sanitize_html(hostile)
    # An <a> keeps no address (it links nowhere); the rest lose every attribute.
    assert re.findall(r"<(\w+)", clean) == ["svg", "a", "text", "rect"], clean
    assert not re.search(r"alert|onload|style|role|href|example|fill", clean), clean


def test_prose_still_cannot_draw_svg_or_run_script(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", FIXTURES / "mini" / "content")
    topic = root / "content/topics/tooling.yml"
    data = yaml.safe_load(topic.read_text("utf-8"))
    data["why_it_matters"] = ('<svg role="img"><rect width="9" height="9"></rect>'
                              "<script>alert(1)</script></svg> and more")
    topic.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    build_in_process(root)
    body = article(root / "site/topics/tooling/index.html")
    assert "<svg" not in body and "<script" not in body and "<rect" not in body
    assert '<svg role="img">' in text_of(body)  # shown as typed
