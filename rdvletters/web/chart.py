"""The weekly chart of ``status`` as SVG geometry: one bar per week, a line at the
number of attempts a week the associations advise.

Only drawing is decided here (positions, heights); the counts are the
``weeks`` rows of ``compute_status``, unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

WIDTH, HEIGHT = 480, 210
LEFT, RIGHT, TOP, BOTTOM = 30, 8, 12, 34


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    week: date
    count: int
    below: bool  # fewer attempts than advised
    label: bool  # the week's date is written under it


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    ticks: list[tuple[float, int]]  # (y, value) of the horizontal grid lines
    target_y: float | None
    target: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM


def weekly_chart(weeks: list[dict[str, Any]], per_week: int) -> Chart:
    """Geometry for ``weeks`` (rows ``{"semaine": "AAAA-MM-JJ", "tentatives": n}``)."""
    top = max([per_week, *(int(w["tentatives"]) for w in weeks)]) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(weeks), 1)
    every = max(1, -(-len(weeks) // 6))  # at most 6 dates under the bars
    bars = []
    for i, week in enumerate(weeks):
        count = int(week["tentatives"])
        height = plot_h * count / top
        bars.append(
            Bar(
                x=LEFT + i * step + step * 0.15,
                y=TOP + plot_h - height,
                width=step * 0.7,
                height=height,
                week=date.fromisoformat(week["semaine"]),
                count=count,
                below=count < per_week,
                label=(len(weeks) - 1 - i) % every == 0,
            )
        )
    tick_step = max(1, -(-top // 4))
    ticks = [(TOP + plot_h - plot_h * v / top, v) for v in range(0, top + 1, tick_step)]
    target_y = TOP + plot_h - plot_h * per_week / top if weeks else None
    return Chart(bars, ticks, target_y, per_week)
