"""``correct``: a step fixed or withdrawn by an added entry, never by rewriting the journal."""

from __future__ import annotations

import json
import subprocess

from docx import Document as open_docx

from .conftest import journal_lines

# Entry 5 of the example: a web attempt on 22/09/2026 at 12:30, with a screenshot.
# Entry 30: the last attempt, on 25/11/2026 at 18:45.


def _chronology_text(folder) -> str:
    """The dossier's chronology as read: its PDF (LibreOffice), else its DOCX."""
    [path] = folder.glob("01_Chronologie*")
    if path.suffix == ".pdf":
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    return "\n".join(c.text for t in open_docx(path).tables for r in t.rows for c in r.cells)


def _status(run, case) -> dict:
    result = run("-C", case, "status", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_corrected_date_and_message_reach_every_output(case, run, tmp_path):
    journal_before = (case / "journal.jsonl").read_bytes()
    result = run(
        "-C", case, "correct", "30", "--at", "2026-11-26 08:40", "-m", "Page blanche", "--reason", "heure mal lue"
    )  # fmt: skip
    assert result.exit_code == 0, result.output + result.stderr
    assert "Entrée n° 31 : l'entrée n° 30 est corrigée (date, message)." in result.output
    journal = (case / "journal.jsonl").read_bytes()
    assert journal.startswith(journal_before)  # nothing rewritten, one line added
    correction = journal_lines(case)[-1]
    assert correction["type"] == "correction" and correction["corrige"] == 30
    assert correction["valeurs"] == {
        "date": "2026-11-26T08:40:00+01:00",
        "description": "Page blanche",
    }
    assert correction["motif"] == "heure mal lue"

    log = run("-C", case, "log")
    assert "[corrigée : voir n° 31]" in log.output  # the original, as written
    assert "25/11/2026  18:45" in log.output
    assert "correction de l'entrée n° 30 : date 26/11/2026 08:40" in log.output

    letter = run("-C", case, "letter", "--format", "text")
    assert letter.exit_code == 0
    text = next((case / "documents").glob("*lettre*.txt")).read_text(encoding="utf-8")
    flat = " ".join(text.split())
    assert "jeudi 26 novembre 2026 à 8 h 40" in flat and "Page blanche" in flat
    assert "18 h 45" not in flat

    assert run("-C", case, "bundle", "-o", tmp_path / "d").exit_code == 0
    chronology = " ".join(_chronology_text(tmp_path / "d").replace("\u00a0", " ").split())
    assert "Page blanche" in chronology and "26/11/2026" in chronology
    assert "25/11/2026" not in chronology

    verified = run("-C", case, "verify")
    assert verified.exit_code == 0, verified.output
    assert "Journal intact" in verified.output


def test_withdrawn_attempt_leaves_every_figure(case, run, tmp_path):
    before = _status(run, case)
    assert run("-C", case, "bundle", "-o", tmp_path / "before").exit_code == 0
    shown = [p.name for p in (tmp_path / "before").rglob("*")]
    assert any("2026_09_22_12h30" in name for name in shown)  # entry 5's screenshot
    refused = run("-C", case, "correct", "5", "--withdraw")
    assert refused.exit_code == 2 and "--reason" in refused.stderr
    done = run("-C", case, "correct", "5", "--withdraw", "--reason", "noté deux fois")
    assert done.exit_code == 0, done.stderr
    after = _status(run, case)
    assert after["attempts"] == before["attempts"] - 1
    assert after["attempts_with_proof"] == before["attempts_with_proof"] - 1
    assert "[retirée : voir n° 31]" in run("-C", case, "log").output
    assert run("-C", case, "bundle", "-o", tmp_path / "d").exit_code == 0
    names = [p.name for p in (tmp_path / "d").rglob("*")]
    assert not any("2026_09_22_12h30" in name for name in names)  # its screenshot is out
    again = run("-C", case, "correct", "5", "-m", "x")
    assert again.exit_code == 2 and "déjà été retirée" in again.stderr
    assert run("-C", case, "verify").exit_code == 0


def test_what_cannot_be_corrected_is_refused_with_the_reason(case, run):
    assert run("-C", case, "letter", "--format", "text").exit_code == 0  # entry 31: a document
    cases = [
        (["31", "-m", "x"], "document préparé"),
        (["99", "-m", "x"], "pas d'entrée n° 99"),
        (["5"], "rien à corriger"),
        (["5", "--withdraw", "--reason", "x", "-m", "y"], "ne se combine pas"),
        (["5", "--witness", "Jean"], "guichet"),
        (["5", "--tracking", "1A12345678901"], "lettre recommandée"),
        (["5", "-m", "a\x07b"], "caractère de contrôle"),
        (["5", "--at", "2030-01-01 10:00"], "--at"),
        (["30", "--at", "2026-11-25 18:45"], "rien ne change"),
    ]
    before = (case / "journal.jsonl").read_bytes()
    for args, said in cases:
        result = run("-C", case, "correct", *args)
        assert result.exit_code == 2, (args, result.output)
        assert said in result.stderr, (args, result.stderr)
    assert (case / "journal.jsonl").read_bytes() == before  # nothing added by a refusal
    assert run("-C", case, "correct", "31", "-m", "x").exit_code == 2
    correction = run("-C", case, "correct", "30", "-m", "ok")
    assert correction.exit_code == 0
    refused = run("-C", case, "correct", "32", "-m", "encore")
    assert refused.exit_code == 2 and "déjà une correction" in refused.stderr


def test_tracking_number_fixed_and_sending_withdrawn_then_recorded_again(case, run, tmp_path):
    assert run("-C", case, "letter", "--format", "text").exit_code == 0  # entry 31
    sent = run("-C", case, "sent", "31", "--tracking", "1A 123 456 7890 1")
    assert sent.exit_code == 0
    fixed = run("-C", case, "correct", "32", "--tracking", "1A 123 456 7890 2")
    assert fixed.exit_code == 0, fixed.stderr
    assert run("-C", case, "bundle", "-o", tmp_path / "d").exit_code == 0
    [path] = (tmp_path / "d").rglob("00_Inventaire.txt")
    inventory = path.read_text(encoding="utf-8")
    assert "1A12345678902" in inventory and "1A12345678901" not in inventory
    assert run("-C", case, "sent", "31").exit_code == 2  # still sent once
    withdrawn = run("-C", case, "correct", "32", "--withdraw", "--reason", "pas encore postée")
    assert withdrawn.exit_code == 0
    assert run("-C", case, "sent", "31", "--tracking", "1A 123 456 7890 3").exit_code == 0
    assert run("-C", case, "verify").exit_code == 0


def _appointment(run, case) -> int:
    """A convocation noted without its day: the entry's number."""
    done = run("-C", case, "record", "appointment", "--at", "2026-11-27 10:00", "-m", "Convoquée")
    assert done.exit_code == 0, done.output
    return journal_lines(case)[-1]["n"]


def test_the_day_of_an_appointment_is_added_afterwards(case, run):
    """``correct N --announced``: the day the préfecture gave, forgotten at ``record``,
    reaches status and the week's plan; refused where ``record`` refuses it."""
    n = _appointment(run, case)
    assert "rendez-vous fixé au" not in run("-C", case, "status").output
    before = (case / "journal.jsonl").read_bytes()
    for args, said in [
        (["5", "--announced", "2026-12-10"], "--announced ne vaut que pour une réponse"),
        ([str(n), "--announced", "10 décembre"], "date non reconnue"),
        ([str(n), "--announced", "2026-12-10", "--withdraw", "--reason", "x"], "--announced."),
    ]:
        refused = run("-C", case, "correct", *args)
        assert refused.exit_code == 2 and said in refused.stderr, (args, refused.stderr)
    assert (case / "journal.jsonl").read_bytes() == before
    done = run("-C", case, "correct", str(n), "--announced", "10/12/2026")
    assert done.exit_code == 0, done.output
    assert "est corrigée (date annoncée)" in done.output
    assert journal_lines(case)[-1]["valeurs"] == {"date_annoncee": "2026-12-10"}
    status = run("-C", case, "status").output
    assert "rendez-vous fixé au jeudi 10 décembre 2026, noté le 27 novembre 2026" in status
    again = run("-C", case, "correct", str(n), "--announced", "2026-12-10")
    assert again.exit_code == 2 and "rien ne change" in again.stderr


def test_the_web_correction_form_adds_and_guards_the_announced_day(case, run):
    from .test_web import csrf, make_client

    n = _appointment(run, case)
    _app, client = make_client(case)
    url = f"/c/cas/entry/{n}/correct"
    page = client.get(url).get_data(as_text=True)
    assert 'id="c-announced-day"' in page and "Date annoncée par la préfecture" in page
    form = {
        "csrf": csrf(client, url),
        "c-date-day": "27",
        "c-date-month": "11",
        "c-date-year": "2026",
        "time": "10:00",
        "channel": "appointment",
        "message": "Convoquée",
        "c-announced-day": "10",
        "c-announced-month": "12",
        "c-announced-year": "2026",
    }
    assert client.post(url, data=form).status_code == 303
    assert journal_lines(case)[-1]["valeurs"] == {"date_annoncee": "2026-12-10"}
    page = client.get(url).get_data(as_text=True)
    assert 'name="c-announced-day" value="10"' in page  # the form shows the day now held
    blank = {**form, "csrf": csrf(client, url), "c-announced-day": "", "c-announced-month": ""}
    blank["c-announced-year"] = ""
    refused = client.post(url, data=blank)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="c-announced-day-error"' in body
    assert "ne s&#39;efface pas" in body or "ne s'efface pas" in body
    wrong = {**form, "csrf": csrf(client, url), "channel": "web", "c-announced-day": "11"}
    refused = client.post(url, data=wrong)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="c-announced-day-error"' in body
    assert "Date annoncée ne vaut que pour une réponse" in body
