"""Small things a newcomer hit: commands printed as they can be run, the example's
pieces counted, « not anchored » explained, the chart's grid and labels."""

from __future__ import annotations

import os
import shlex
import subprocess
from datetime import date, timedelta
from pathlib import Path

from rdvletters.web.chart import WIDTH, weekly_chart

from .conftest import installed_cli


def test_commands_printed_after_the_readme_first_command_run_as_printed(tmp_path):
    """The README's first command calls .venv/bin/rdvletters before any venv is active:
    the commands it prints must run as printed, with no rdvletters on the PATH."""
    exe = installed_cli()[0]
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    folder = tmp_path / "aminata"
    done = subprocess.run(
        [exe, "init", "--example", str(folder)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "Profil, journal et 20 pièces copiés." in done.stdout
    line = next(x for x in done.stdout.splitlines() if "Pour le voir" in x)
    printed = line.split("Pour le voir : ", 1)[1]
    assert printed.startswith(exe)
    shown = subprocess.run(shlex.split(printed), capture_output=True, text=True, env=env)
    assert shown.returncode == 0 and "OÙ EN ÊTES-VOUS ?" in shown.stdout
    email = subprocess.run(
        [exe, "-C", str(folder), "email"], capture_output=True, text=True, env=env
    )
    hint = next(x for x in email.stdout.splitlines() if "notez-le" in x)
    assert hint.split("notez-le : ", 1)[1].startswith(exe)


def test_on_the_path_the_command_is_just_rdvletters(tmp_path):
    exe = installed_cli()[0]
    env = {**os.environ, "PATH": f"{Path(exe).parent}:/usr/bin:/bin"}
    done = subprocess.run(
        ["rdvletters", "init", "--example", str(tmp_path / "a")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert f"Pour le voir : rdvletters -C {tmp_path / 'a'} status" in done.stdout


def test_verify_says_what_not_anchored_means_and_what_to_do(case, run):
    assert run("-C", case, "bundle").exit_code == 0
    assert (
        run("-C", case, "record", "web", "-m", "encore", "--at", "2026-11-30 09:00").exit_code == 0
    )
    out = run("-C", case, "verify").stdout
    assert "il n'est pas ancré" in out
    assert (
        "« ancré » veut dire qu'une copie de l'état du journal est gardée hors de votre contrôle"
        in out
    )
    assert "envoyez le courriel de la semaine" in out


def _weeks(count: int, made: int) -> list[dict]:
    start = date(2026, 1, 5)
    return [
        {"lundi": start + timedelta(weeks=i), "demarches": made, "avec_justificatif": 1}
        for i in range(count)
    ]


def test_the_target_line_stays_inside_the_grid_and_the_last_label_inside_the_drawing():
    chart = weekly_chart(_weeks(3, 7), 2)  # 7 a week: the old grid stopped at 6
    top_tick = min(y for y, _v in chart.ticks)
    assert chart.target_y >= top_tick and max(y for y, _v in chart.ticks) >= chart.target_y
    assert [v for _y, v in chart.ticks][-1] >= 7  # the highest bar is inside the grid too
    long = weekly_chart(_weeks(40, 3), 2)
    last = [b for b in long.bars if b.label][-1]
    assert last.label_anchor == "end" and last.label_x <= WIDTH
    for bar in long.bars:
        if bar.label and bar.label_anchor == "middle":
            assert bar.label_x + 24 <= WIDTH
