"""``log --csv``: what a spreadsheet opens must never run as a formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io


def test_csv_export_neutralises_formulas(case, run):
    """A cell a spreadsheet would run as a formula starts with a quote (OWASP)."""
    texts = ['=HYPERLINK("http://x.example";"clic")', "+33 6 12 34 56 78", "-2+3", "@SUM(A1)"]
    for hour, text in enumerate(texts, start=8):
        assert run("-C", case, "record", "web", "--at", f"2026-11-26 {hour:02d}:00", "-m", text)
    result = run("-C", case, "log", "--csv")
    assert result.exit_code == 0
    text = result.stdout_bytes.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    details = [r["detail"] for r in rows[-4:]]
    assert details == ["'" + t for t in texts]
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


def test_tab_and_carriage_return_starts_are_neutralised_too():
    from rdvletters.evidence.logtable import spreadsheet_safe

    for text in ("\t=1+1", "\r=1+1", "=1", "+1", "-1", "@x"):
        assert spreadsheet_safe(text) == "'" + text
    for text in ("", "Aucun créneau", "1A 123", "n° 5 - suite", "'déjà"):
        assert spreadsheet_safe(text) == text
