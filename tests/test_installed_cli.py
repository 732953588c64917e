"""The installed ``rdvletters`` command, run as a user would, in a subprocess."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import modules_after, run_installed


def test_full_example_run_through_installed_command(tmp_path):
    folder = tmp_path / "aminata"
    steps = [
        ["init", "--example", folder],
        ["-C", folder, "check"],
        ["-C", folder, "record", "web", "--at", "2026-11-26 08:00", "-m", "Aucun créneau"],
        ["-C", folder, "email"],
        ["-C", folder, "letter"],
        ["-C", folder, "referral"],
        ["-C", folder, "log", "--csv", "-o", folder / "journal.csv"],
    ]
    for args in steps:
        result = run_installed(*args)
        assert result.returncode == 0, (args, result.stderr)
    names = sorted(p.suffix for p in (folder / "documents").iterdir())
    assert names == [".docx", ".docx", ".txt"]
    assert "relance n°\u00a05" in (folder / "documents").joinpath(
        next(p.name for p in (folder / "documents").iterdir() if p.suffix == ".txt")
    ).read_text(encoding="utf-8")
    assert "Aucun créneau" in (folder / "journal.csv").read_text(encoding="utf-8-sig")


def test_bad_input_through_installed_command_has_no_traceback(tmp_path):
    folder = tmp_path / "x"
    assert run_installed("init", folder).returncode == 0
    (folder / "profil.yaml").write_text("situation: rdv\nsituation: rdv\n", encoding="utf-8")
    result = run_installed("-C", folder, "letter")
    assert result.returncode == 2
    assert "ligne 2" in result.stderr and "Traceback" not in result.stderr


def test_text_email_does_not_import_python_docx(case):
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from rdvletters.case import Case\n"
        "from rdvletters.documents.pipeline import prepare\n"
        f"prepare(Case(Path({str(case)!r})), 'courriel', 'text')\n"
        "assert 'docx' not in sys.modules, 'python-docx imported on the text path'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_help_is_in_french():
    result = run_installed("--help")
    assert result.returncode == 0
    assert "Utilisation : rdvletters" in result.stdout and "Commandes :" in result.stdout
    assert "Afficher cette aide." in result.stdout
    record = run_installed("record", "--help").stdout
    assert "Noter une démarche" in record and "attestation" in record


def test_usage_errors_in_french_with_exit_2():
    result = run_installed("record", "lettre")
    assert result.returncode == 2
    assert (
        "Erreur : valeur invalide pour 'CANAL' : 'lettre' n'est pas l'une des valeurs "
        "possibles : 'web', 'email'" in result.stderr
    )
    assert "Aide : rdvletters record --help" in result.stderr
    unknown = run_installed("log", "--tableur")
    assert unknown.returncode == 2 and "option inconnue : '--tableur'" in unknown.stderr


@pytest.mark.parametrize("args", [["--version"], ["log"], ["log", "--csv"], ["verify"]])
def test_light_commands_import_nothing_heavy(case, args):
    """``--version``, ``log`` and ``verify`` start faster than importing click + jinja2 +
    yaml only if they import none of the heavy modules (measured in benchmarks/)."""
    modules, _ = modules_after(*(args if args == ["--version"] else ["-C", case, *args]))
    heavy = {"pydantic", "yaml", "jinja2", "docx", "reportlab", "pypdf", "flask"}
    assert not heavy & modules, sorted(heavy & modules)


def test_status_loads_only_what_it_uses(case):
    """``status`` on a case without ``.eml`` proofs reads no mail (the ``email`` package);
    with timestamp settings of the case's own, the user's folder is not looked up
    (platformdirs) and no file is written (``tempfile``, ``shutil``): each is loaded by
    the functions that need it, since loading them costs more than status's own work."""
    modules, printed = modules_after("-C", case, "status")
    assert "29 démarches, dont 19 avec justificatif" in printed
    assert not {"email", "email.policy", "calendar"} & modules
    assert "platformdirs" in modules  # the case has no settings: the user's may hold some
    (case / "horodatage.yaml").write_text("horodatage: manuel\n", encoding="utf-8")
    modules, printed = modules_after("-C", case, "status")
    assert "29 démarches, dont 19 avec justificatif" in printed
    assert not {"platformdirs", "tempfile", "shutil", "email"} & modules
