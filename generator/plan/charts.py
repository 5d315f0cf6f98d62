"""Bar charts for the results pages, laid out here and drawn as inline SVG by
`templates/partials/chart_bars.j2`.

Why not a plotting library: every chart is horizontal bars with an optional target line, which
is a few rectangles; a library would add a dependency, fonts and inline styles that the
sanitizer and the CSP refuse. Why inline SVG and not an image file: an inline chart takes the
page's colours (Material's CSS custom properties, `charts.css`), so it follows the light and
dark scheme and prints in black, and a screen reader reads its title and description.

The geometry is decided here (Python), the template only prints it. A withheld bar (a group
below the site's minimum) carries no number at all, so nothing downstream can print one.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from .views import View

WIDTH = 620  # the viewBox; CSS scales it to the column
LABEL_RIGHT = 230  # labels end here (text-anchor end)
PLOT_LEFT = 240
PLOT_WIDTH = 260  # then 120 units for the value text
ROW = 28
BAR = 18
TOP = 24  # room for the target's label
BOTTOM = 24  # room for the axis' tick labels
LABEL_CHARS = 30  # longer labels are cut with an ellipsis; the table beside has them whole


@dataclass(frozen=True)
class SvgText:
    """Text inside a chart. The chart is a raw HTML block, where Markdown does not unescape
    backslashes, so the render stage's Markdown escaping would show; this prints HTML-escaped
    (its `__str__`) and the template's `finalize` leaves objects other than strings alone."""

    text: str

    def __str__(self) -> str:
        return html.escape(self.text)


@dataclass(frozen=True)
class Tick(View):
    x: float
    label: SvgText


@dataclass(frozen=True)
class Bar(View):
    """One row: a label, and a bar with its value, or the withheld note instead."""

    label: SvgText
    y: float  # top of the bar
    text_y: float  # baseline of the row's texts
    width: float  # 0 for a zero value
    value: SvgText  # "4.33 (met)"; the note when withheld
    value_x: float
    state: str  # met, missed, plain or withheld (a CSS modifier)


@dataclass(frozen=True)
class Target(View):
    x: float
    top: float
    bottom: float
    label: SvgText


@dataclass(frozen=True)
class Chart(View):
    ident: str  # unique on the page: ids of its title and description
    title: SvgText
    summary: SvgText  # the text alternative: every number the bars show
    width: int
    height: int
    plot_left: int
    axis_y: float
    tick_y: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    target: Target | None


@dataclass(frozen=True)
class Row:
    """What a caller knows of a bar: its label, its value (None: withheld), the value text
    and the state."""

    label: str
    value: float | None
    text: str
    state: str = "plain"


def trim(value: float, places: int) -> str:
    """'4.33', '3', '85.7': no trailing zeros."""
    text = f"{value:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def nice_max(value: float) -> float:
    """The axis end: 1, 2 or 5 times a power of ten, at least `value`."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(float(step * power) for step in (1, 2, 5, 10) if step * power >= value)


def _label(text: str) -> SvgText:
    return SvgText(text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1] + "…")


def bar_chart(ident: str, title: str, summary: str, rows: list[Row], scale: float,
              ticks: list[tuple[float, str]], target: tuple[float, str] | None = None) -> Chart:
    """Horizontal bars on a 0..scale axis, with tick marks and an optional target line."""
    height = TOP + ROW * len(rows) + BOTTOM

    def x(value: float) -> float:
        return round(PLOT_LEFT + PLOT_WIDTH * min(value, scale) / scale, 1)

    bars = []
    for index, row in enumerate(rows):
        y = TOP + ROW * index + (ROW - BAR) / 2
        width = 0.0 if row.value is None else round(x(row.value) - PLOT_LEFT, 1)
        bars.append(Bar(_label(row.label), y, y + BAR - 5, width, SvgText(row.text),
                        PLOT_LEFT + width + 6, "withheld" if row.value is None else row.state))
    axis_y = TOP + ROW * len(rows)
    return Chart(
        ident, SvgText(title), SvgText(summary), WIDTH, height, PLOT_LEFT, axis_y,
        axis_y + 16, tuple(bars), tuple(Tick(x(v), SvgText(t)) for v, t in ticks),
        Target(x(target[0]), TOP - 6, axis_y, SvgText(target[1])) if target else None)
