"""The weekly chart of ``status`` as SVG geometry: one bar per week, its lower part the
steps with a proof, its upper part those without; a line at the number of justified
attempts a week the associations advise.

Only drawing is decided here (positions, heights); the counts are the ``weeks`` rows
of ``compute_status``, unchanged.
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
    width: float
    week: date
    attempts: int
    with_proof: int
    proof_y: float  # top of the lower (proven) part
    proof_height: float
    rest_y: float  # top of the upper (unproven) part
    rest_height: float
    below: bool  # fewer proven attempts than advised
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
    right: int = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM


def weekly_chart(weeks: list[dict[str, Any]], per_week: int) -> Chart:
    """Geometry for ``weeks`` (rows ``{"lundi", "demarches", "avec_justificatif"}``)."""
    top = max([per_week, *(int(w["demarches"]) for w in weeks)]) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    step = plot_w / max(len(weeks), 1)
    every = max(1, -(-len(weeks) // 6))  # at most 6 dates under the bars
    bars = []
    for i, week in enumerate(weeks):
        made, proven = int(week["demarches"]), int(week["avec_justificatif"])
        proof_h = plot_h * proven / top
        rest_h = plot_h * (made - proven) / top
        bars.append(
            Bar(
                x=LEFT + i * step + step * 0.15,
                width=step * 0.7,
                week=week["lundi"]
                if isinstance(week["lundi"], date)
                else date.fromisoformat(week["lundi"]),
                attempts=made,
                with_proof=proven,
                proof_y=base - proof_h,
                proof_height=proof_h,
                rest_y=base - proof_h - rest_h,
                rest_height=rest_h,
                below=proven < per_week,
                label=(len(weeks) - 1 - i) % every == 0,
            )
        )
    tick_step = max(1, -(-top // 4))
    ticks = [(base - plot_h * v / top, v) for v in range(0, top + 1, tick_step)]
    target_y = base - plot_h * per_week / top if weeks else None
    return Chart(bars, ticks, target_y, per_week)
