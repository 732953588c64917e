"""The profile: values kept as typed, and every bad input named with file, line, field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from rdvletters.profile import load_profile

from .conftest import EXAMPLE

GOOD = (EXAMPLE / "profil.yaml").read_text(encoding="utf-8")


def write(folder: Path, text: str | bytes) -> Path:
    path = folder / "profil.yaml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_values_stay_as_typed(tmp_path):
    text = (
        GOOD.replace('"06 12 34 56 78"', "0612345678")
        .replace("lieu_naissance: Bamako (Mali)", "lieu_naissance: NO")
        .replace("[12 rue des Lilas, 93000 Bobigny]", "[12 rue des Lilas, 01000 Bourg]")
    )
    profile = load_profile(write(tmp_path, text)).profile
    assert profile.demandeur.telephone == "0612345678"
    assert profile.demandeur.lieu_naissance == "NO"
    assert profile.demandeur.adresse[1] == "01000 Bourg"
    assert profile.demandeur.date_naissance.isoformat() == "1990-04-12"
    assert profile.demande.dossier_complet is True


BAD = {
    "duplicate key": (
        GOOD.replace("situation: rdv", "situation: rdv\nsituation: anef"),
        "ligne 5",
        "apparaît deux fois",
    ),
    "wrong date": (
        GOOD.replace("1990-04-12", "1990-13-45"),
        "ligne 10",
        "demandeur.date_naissance",
    ),
    "unknown situation": (
        GOOD.replace("situation: rdv", "situation: prefecture"),
        "ligne 4",
        "rdv' ou 'anef",
    ),
    "missing name": (GOOD.replace("  nom: DIALLO\n", ""), "ligne 6", "demandeur.nom"),
    "empty name": (GOOD.replace("  nom: DIALLO", '  nom: ""'), "ligne 8", "à remplir"),
    "tab": (GOOD.replace("  nom: DIALLO", "\tnom: DIALLO"), "ligne 8", "tabulation"),
    "not utf-8": (
        GOOD.replace("Aminata", "Amin\udce9ta").encode("utf-8", "surrogateescape"),
        "ligne 9",
        "UTF-8",
    ),
    "empty file": ("\n# rien\n", "profil.yaml", "vide"),
    "yaml tag": (
        GOOD.replace("nationalite: malienne", "nationalite: !!python/object:os.system x"),
        "ligne 12",
        "étiquette YAML",
    ),
    "renewal without expiry": (
        GOOD.replace("nature: premiere_demande", "nature: renouvellement"),
        "demande",
        "titre_actuel_expire_le",
    ),
    "bad agdref": (
        GOOD.replace('numero_etranger: ""', "numero_etranger: 12345"),
        "ligne 16",
        "10 chiffres",
    ),
    "unknown key": (
        GOOD.replace("  nom: DIALLO", "  nom: DIALLO\n  surnom: Ami"),
        "ligne 9",
        "champ inconnu",
    ),
    "yaml syntax": (GOOD.replace("adresse: [12 rue", "adresse: [[12 rue"), "ligne", "syntaxe"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_profile_exit_2_with_location_and_nothing_written(name, case, run):
    text, where, what = BAD[name]
    write(case, text)
    before = sorted(p.name for p in case.rglob("*"))
    journal_before = (case / "journal.jsonl").read_bytes()
    for command in (["check"], ["email"], ["letter"], ["record", "web", "-m", "x"]):
        result = run("-C", case, *command)
        assert result.exit_code == 2, (command, result.output)
        assert "profil.yaml" in result.stderr
        assert where in result.stderr and what in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert "Aminata" not in result.stderr  # no personal data echoed
    assert sorted(p.name for p in case.rglob("*")) == before
    assert (case / "journal.jsonl").read_bytes() == journal_before


def test_address_limits_are_warned(case, run):
    long_street = "Résidence des Grands Chênes bâtiment B escalier 4"
    write(
        case,
        GOOD.replace(
            "[12 rue des Lilas, 93000 Bobigny]", f"[{long_street}, a, b, c, d, e, 93000 Bobigny]"
        ),
    )
    result = run("-C", case, "check")
    assert result.exit_code == 0
    assert f"{len(long_street)} caractères" in result.stderr
    assert "7 lignes" in result.stderr


def test_init_refuses_existing_profile(case, run):
    original = (case / "profil.yaml").read_bytes()
    result = run("init", case)
    assert result.exit_code == 3
    assert "existe déjà" in result.stderr
    assert (case / "profil.yaml").read_bytes() == original


def test_init_template_is_commented_and_reports_what_to_fill(tmp_path, run):
    folder = tmp_path / "nouveau"
    assert run("init", folder).exit_code == 0
    text = (folder / "profil.yaml").read_text(encoding="utf-8")
    assert "# rdv  : votre titre se demande en personne à la préfecture" in text
    assert (folder / "profil.yaml").stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    result = run("-C", folder, "check")
    assert result.exit_code == 2
    assert "demandeur.nom" in result.stderr and "à remplir" in result.stderr


def test_missing_profile_says_how_to_start(tmp_path, run):
    result = run("-C", tmp_path, "email")
    assert result.exit_code == 3
    assert "rdvletters init" in result.stderr


def test_bom_is_accepted(tmp_path):
    profile = load_profile(write(tmp_path, "\ufeff" + textwrap.dedent(GOOD))).profile
    assert profile.demandeur.nom == "DIALLO"
