"""The front door on the machines volunteers use: legacy code pages, odd paths, Ctrl-C."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import threading

import pytest

from .conftest import installed_cli, journal_lines, run_installed


def run_with_encoding(encoding: str, *args) -> subprocess.CompletedProcess:
    """The installed command with a Windows console's code page for stdout and stderr."""
    return subprocess.run(
        installed_cli() + [str(a) for a in args],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": encoding},
        timeout=120,
    )


@pytest.mark.parametrize("encoding", ["cp850", "cp1252"])
def test_windows_code_pages_print_readably(tmp_path, encoding):
    folder = tmp_path / "aminata"
    assert run_installed("init", "--example", folder).returncode == 0
    outputs = {}
    for command in ("check", "status", "email"):
        result = run_with_encoding(encoding, "-C", folder, command)
        assert result.returncode == 0, (command, result.stderr.decode(encoding))
        outputs[command] = result.stdout.decode(encoding)
        assert "Traceback" not in result.stderr.decode(encoding)
    assert "Profil valide : DIALLO Aminata, situation « rdv »" in outputs["check"]
    assert "OÙ EN ÊTES-VOUS ?" in outputs["status"]
    assert "<- moins de 2" in outputs["status"]  # ← exists in neither code page
    dash = "–" if encoding == "cp1252" else "-"  # cp850 has no en dash
    assert (
        f"Objet : Demande de rendez-vous pour le dépôt d'une demande de titre de séjour {dash} "
        f"DIALLO Aminata {dash} née le 12/04/1990" in outputs["email"]
    )
    assert "?" not in outputs["email"].replace(" ?", "")  # nothing fell back to a bare ?


def test_readable_fallbacks():
    from rdvletters.cli.console import readable

    assert readable("\u202f", "cp850") == " "
    assert readable("\u00a0", "ascii") == " "
    assert readable("«", "ascii") == '"' and readable("»", "ascii") == '"'
    assert readable("…", "cp850") == "..."
    assert readable("’", "cp850") == "'"
    assert readable("Ễ", "cp1252") == "E"  # a Vietnamese surname stays legible
    assert readable("œ", "cp850") == "oe"
    assert readable("中", "cp850") == "?"


def test_folder_with_spaces_and_accents_end_to_end(tmp_path):
    folder = tmp_path / "Dossiers d'accueil" / "Éloïse Nguyễn (2026)"
    proof = tmp_path / "captures à trier" / "Capture d’écran 2026-11-26 à 08.00.png"
    proof.parent.mkdir()
    proof.write_bytes(b"\x89PNG\r\n\x1a\n fausse capture")
    steps = [
        ["init", "--example", folder],
        ["-C", folder, "check"],
        ["-C", folder, "record", "web", "--at", "2026-11-26 08:00", "-m", "Aucun créneau"],
        ["-C", folder, "record", "web", "--at", "2026-11-26 09:00", "--proof", proof],
        ["-C", folder, "email", "--format", "eml"],
        ["-C", folder, "letter"],
        ["-C", folder, "log", "--csv", "-o", folder / "journal exporté.csv"],
        ["-C", folder, "verify"],
        ["-C", folder, "status"],
        ["-C", folder, "bundle", "-o", folder / "dossier à remettre"],
    ]
    if shutil.which("soffice"):
        steps.append(["-C", folder, "referral", "--format", "pdf"])
    for args in steps:
        result = run_installed(*args)
        assert result.returncode == 0, (args, result.stderr)
    kinds = sorted(p.suffix for p in (folder / "documents").iterdir())
    assert kinds == sorted([".eml", ".docx"] + ([".pdf"] if shutil.which("soffice") else []))
    [copied] = [e for e in journal_lines(folder) if e.get("pieces")][-1]["pieces"]
    assert (folder / copied["fichier"]).read_bytes() == proof.read_bytes()
    assert copied["original"] == proof.name
    with open(folder / "journal exporté.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert [r["pieces"] for r in rows if r["pieces"]][-1] == copied["fichier"]
    assert any((folder / "dossier à remettre").iterdir())


# --- Ctrl-C and SIGTERM: « Interrompu. », exit 130 / 143, no traceback ---------------------


def _wait_for_prompt(process: subprocess.Popen, text: str) -> str:
    """Read stdout until ``text`` appears (the prompt has no newline), bounded."""
    seen = b""
    done = threading.Event()

    def reader():
        nonlocal seen
        while text.encode() not in seen:
            chunk = process.stdout.read1(4096)
            if not chunk:
                break
            seen += chunk
        done.set()

    threading.Thread(target=reader, daemon=True).start()
    done.wait(60)
    return seen.decode("utf-8", "replace")


@pytest.mark.skipif(os.name != "posix", reason="signals to a subprocess")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_at_the_send_prompt(case, signum, code):
    (case / "smtp.yaml").write_text("serveur: 127.0.0.1\nport: 9\n", encoding="utf-8")
    process = subprocess.Popen(
        [*installed_cli(), "-C", str(case), "email", "--send"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        shown = _wait_for_prompt(process, "Envoyer ce courriel maintenant ?")
        assert "Envoyer ce courriel maintenant ?" in shown
        process.send_signal(signum)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    stderr = err.decode("utf-8")
    assert process.returncode == code, stderr
    assert "Interrompu." in stderr and "Traceback" not in stderr
    assert all(e["type"] != "envoi" for e in journal_lines(case))


def test_keyboard_interrupt_anywhere_in_a_command(case, monkeypatch, capsys):
    from rdvletters.cli import app
    from rdvletters.evidence import logtable

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(logtable, "table_chunks", interrupted)
    monkeypatch.setattr(sys, "argv", ["rdvletters", "-C", str(case), "log"])
    monkeypatch.setattr(app, "_raise_on_sigterm", lambda: [])  # leave pytest's SIGTERM alone
    with pytest.raises(SystemExit) as end:
        app.main()
    assert end.value.code == 130
    err = capsys.readouterr().err
    assert "Interrompu." in err and "Traceback" not in err
