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
LABEL_HALF_WIDTH = 24  # half the width of « 30/11 » at the labels' size (20 units on a phone)
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
    label_x: float = 0.0  # where its date is written, kept inside the drawing
    label_anchor: str = "middle"


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
    highest = max([per_week, *(int(w["demarches"]) for w in weeks)]) or 1
    tick_step = max(1, -(-highest // 4))
    top = -(-highest // tick_step) * tick_step  # the grid's top line: the target stays inside
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    step = plot_w / max(len(weeks), 1)
    every = max(1, -(-len(weeks) // 6))  # at most 6 dates under the bars
    bars = []
    for i, week in enumerate(weeks):
        made, proven = int(week["demarches"]), int(week["avec_justificatif"])
        proof_h = plot_h * proven / top
        rest_h = plot_h * (made - proven) / top
        x = LEFT + i * step + step * 0.15
        centre = x + step * 0.35
        near_end = centre + LABEL_HALF_WIDTH > WIDTH
        bars.append(
            Bar(
                x=x,
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
                label_x=WIDTH - 1 if near_end else centre,
                label_anchor="end" if near_end else "middle",
            )
        )
    ticks = [(base - plot_h * v / top, v) for v in range(0, top + 1, tick_step)]
    target_y = base - plot_h * per_week / top if weeks else None
    return Chart(bars, ticks, target_y, per_week)
