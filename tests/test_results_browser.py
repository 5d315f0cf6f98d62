"""The results charts in real Chromium: drawn, legible in the light and the dark scheme and
black in print, with no request off the host and no Content-Security-Policy violation."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import Watch, browser_page, serve
from test_results_pages import build_in_process, results_project

pytestmark = pytest.mark.browser

# Per chart: its box, and per text its box and colour, with the page's background colour.
MEASURE = """() => {
  const bg = getComputedStyle(document.body).backgroundColor;
  return [...document.querySelectorAll("svg.hb-chart__svg")].map(svg => {
    const box = svg.getBoundingClientRect();
    return {
      width: box.width, height: box.height, bg,
      label: svg.getAttribute("aria-labelledby"),
      texts: [...svg.querySelectorAll("text")].map(t => {
        const b = t.getBBox();
        return {text: t.textContent, width: b.width, height: b.height,
                fill: getComputedStyle(t).fill};
      }),
      bars: [...svg.querySelectorAll("rect")].map(r => getComputedStyle(r).fill),
    };
  });
}"""


def _rgb(css: str) -> tuple[float, ...]:
    inside = css[css.index("(") + 1:css.index(")")].replace(",", " ").replace("/", " ")
    return tuple(float(v) for v in inside.split()[:3])


def _contrast(a: str, b: str) -> float:
    def luminance(css: str) -> float:
        channels = [c / 255 for c in _rgb(css)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = results_project(tmp_path_factory.mktemp("browser") / "p")
    build_in_process(root)
    return root / "site"


@pytest.mark.parametrize("page_path", ["programs/pilot/first/results/",
                                       "programs/pilot/results/"])
def test_charts_render_in_both_schemes_without_leaving_the_host(site: Path,
                                                                 page_path: str) -> None:
    with serve(site) as base, browser_page() as page:
        watch = Watch(page)
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))  # type: ignore[attr-defined]
        page.goto(base + page_path)  # type: ignore[attr-defined]
        page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
        seen = {}
        for scheme in ("default", "slate"):
            page.evaluate(  # type: ignore[attr-defined]
                f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
            charts = page.evaluate(MEASURE)  # type: ignore[attr-defined]
            assert charts, "no chart on the page"
            for chart in charts:
                assert chart["width"] > 200 and chart["height"] > 40, chart
                assert chart["label"]
                for text in chart["texts"]:
                    assert text["width"] > 0 and text["height"] > 0, text
                    assert _contrast(text["fill"], chart["bg"]) >= 3, (scheme, text, chart["bg"])
                for fill in chart["bars"]:
                    assert _contrast(fill, chart["bg"]) >= 1.5, (scheme, fill, chart["bg"])
            seen[scheme] = (charts[0]["bg"], charts[0]["texts"][0]["fill"])
        assert seen["default"] != seen["slate"]  # the scheme really changed, and the chart too
        page.emulate_media(media="print")  # type: ignore[attr-defined]
        printed = page.evaluate(MEASURE)  # type: ignore[attr-defined]
        assert {t["fill"] for chart in printed for t in chart["texts"]} == {"rgb(0, 0, 0)"}
        assert [url for url in requests if not url.startswith(base)] == []
        assert watch.violations() == []
