"""``stats --export``: per département, route and ISO week, nothing identifying, k ≥ 5."""

from __future__ import annotations

import csv
import io
import shutil

from rdvletters.sharedstats import ALL_ROUTES, Cell, anonymise

from .conftest import EXAMPLE, EXAMPLE_ANEF, NOW, run_installed


def test_export_publishes_only_cells_of_five_cases_and_says_what_it_left(tmp_path):
    root = tmp_path / "permanence"
    for i in range(6):
        shutil.copytree(EXAMPLE, root / f"personne_{i}")
    shutil.copytree(EXAMPLE_ANEF, root / "kofi")  # alone on its route: below k
    (root / "vide").mkdir()  # not a case
    done = run_installed("stats", "--export", "--cases", root, env={"RDVLETTERS_NOW": NOW})
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows and {r["voie"] for r in rows} == {"rdv"}
    assert all(int(r["dossiers"]) == 6 and r["departement"] == "93" for r in rows)
    weekly = {r["semaine_iso"]: r for r in rows}
    assert (
        weekly["2026-W38"]["demarches"] == "24" and weekly["2026-W38"]["avec_justificatif"] == "12"
    )
    for word in ("Diallo", "Aminata", "Kofi", "personne_", "@"):
        assert word.lower() not in done.stdout.lower()
    assert "k-anonymat (k = 5)" in done.stderr and "écartée" in done.stderr
    assert "7 dossiers lus" in done.stderr


def test_small_cells_are_merged_across_routes_else_dropped():
    def cell(cases, attempts, proven):
        return Cell(set(cases), attempts, proven)

    cells = {
        ("93", "rdv", "2026-W48"): cell("abc", 6, 3),
        ("93", "anef", "2026-W48"): cell("de", 2, 2),  # 3 + 2 = 5 cases: merged
        ("69", "rdv", "2026-W48"): cell("fghij", 9, 4),  # 5: published as it is
        ("69", "anef", "2026-W48"): cell("k", 1, 0),  # alone: dropped
    }
    result = anonymise(cells, 11, 0)
    assert ("93", ALL_ROUTES, "2026-W48", 5, 8, 5) in result.rows
    assert ("69", "rdv", "2026-W48", 5, 9, 4) in result.rows
    assert len(result.rows) == 2
    assert (result.merged, result.dropped, result.dropped_attempts) == (2, 1, 1)
    assert all(row[3] >= 5 for row in result.rows)
