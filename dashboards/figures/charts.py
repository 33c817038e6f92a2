"""Horizontal bar charts drawn on the server as SVG (templates/dashboards/charts/bar.svg):
no JavaScript, no chart library, the GOV.UK palette, a title and description for screen
readers and the same figures in a table beside each (docs/decisions/0014-figures.md)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
BAR_AREA = 560  # leaves room for the value after the longest bar
ROW = 46
BAR_HEIGHT = 18


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    label_y: int
    y: int
    width: int
    value_x: int
    value_y: int


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]


def bar_chart(*, id: str, title: str, data: list[tuple[str, float]], unit: str = "",
              table_caption: str = "") -> Chart | None:
    """None when there is nothing to draw (every value 0, or no values)."""
    if not data or not any(value for _label, value in data):
        return None
    top = 100 if unit == "%" else max(value for _label, value in data)
    bars = []
    for index, (label, value) in enumerate(data):
        y = index * ROW
        width = round(BAR_AREA * value / top) if top else 0
        bars.append(Bar(label=label, text=f"{value:g}{unit}", label_y=y + 15, y=y + 21,
                        width=width, value_x=width + 6, value_y=y + 21 + 14))
    return Chart(id=id, title=title,
                 description=f"Bar chart. The figures are in the table "
                             f"{table_caption or title}.",
                 width=WIDTH, height=len(data) * ROW, bars=bars)
