"""A line chart of deployment over time, drawn as SVG coordinates on the server (no JS)."""

from __future__ import annotations

from dataclasses import dataclass

from tenants.dashboard.selectors import DeploymentHistory

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 48
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 40
# Colour-blind-safe palette (Okabe–Ito); the total is drawn thicker, in black.
PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442"]


@dataclass(frozen=True)
class Line:
    label: str
    points: str
    colour: str
    width: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: list[Line]
    y_ticks: list[tuple[int, float]]  # (value, y)
    x_labels: list[tuple[str, float]]  # (dd/mm/yyyy, x)
    plot_left: int
    plot_bottom: int
    plot_right: int


def deployment_chart(history: DeploymentHistory, *, max_communes: int = 7) -> Chart | None:
    if not history.dates:
        return None
    top = max(history.total) or 1
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    count = len(history.dates)

    def x(i: int) -> float:
        return round(MARGIN_LEFT + (plot_w * i / (count - 1) if count > 1 else plot_w / 2), 1)

    def y(value: int) -> float:
        return round(MARGIN_TOP + plot_h - plot_h * value / top, 1)

    def points(series: list[int]) -> str:
        return " ".join(f"{x(i)},{y(value)}" for i, value in enumerate(series))

    lines = [Line("Total du groupement", points(history.total), "#000000", 3)]
    # Beyond a few communes a line each is unreadable: the data table carries them all.
    if len(history.per_commune) <= max_communes:
        for index, (name, series) in enumerate(history.per_commune.items()):
            lines.append(Line(name, points(series), PALETTE[index % len(PALETTE)], 2))
    step = max(1, count // 5)
    x_labels = [(history.dates[i].strftime("%d/%m/%Y"), x(i)) for i in range(0, count, step)]
    ticks = sorted({0, top // 2, top})
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        lines=lines,
        y_ticks=[(value, y(value)) for value in ticks],
        x_labels=x_labels,
        plot_left=MARGIN_LEFT,
        plot_bottom=HEIGHT - MARGIN_BOTTOM,
        plot_right=WIDTH - MARGIN_RIGHT,
    )
