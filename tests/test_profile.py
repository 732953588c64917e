"""The profile: values kept as typed, and every bad input named with file, line, field."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from rdvletters.profile_load import load_profile

from .conftest import EXAMPLE, run_installed

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
    # issue 8: raw control characters anywhere, even in a comment
    "control in a comment": (
        GOOD.replace("situation: rdv", "# note \x1b[2J\nsituation: rdv"),
        "ligne 4",
        "U+001B",
    ),
    "DEL in a value": (GOOD.replace("Bamako", "Bam\x7fako"), "ligne 11", "U+007F"),
    "C1 control": (GOOD.replace("Bamako", "Bam\x9bako"), "ligne 11", "U+009B"),
    "line separator": (GOOD.replace("Bamako", "Bam\u2028ako"), "ligne 11", "U+2028"),
    "lone carriage return": (GOOD.replace("Bamako", "Bam\rako"), "ligne 11", "U+000D"),
    # anchors and aliases: bombs and self-references are refused before any expansion
    "alias bomb": (
        GOOD
        + "".join(
            f"x{i}: &x{i} [{', '.join([f'*x{i - 1}' if i else 'lol'] * 9)}]\n" for i in range(9)
        ),
        "ligne 55",
        "ancres et alias",
    ),
    "recursive alias": (GOOD.replace("situation: rdv", "situation: &a [*a]"), "ligne 4", "alias"),
    "deep nesting": (GOOD + "x: " + "[" * 5000 + "]" * 5000 + "\n", "ligne 55", "imbrication"),
    "deep mapping": (
        GOOD + "".join(" " * i + f"k{i}:\n" for i in range(40)),
        "ligne 66",
        "imbrication",
    ),
    # implausible dates
    "birth in the future": (GOOD.replace("1990-04-12", "2090-04-12"), "ligne 10", "futur"),
    "birth before 1900": (GOOD.replace("1990-04-12", "1890-04-12"), "ligne 10", "1900"),
    "unix time": (GOOD.replace("1990-04-12", "639878400"), "ligne 10", "AAAA-MM-JJ"),
    "bare year": (GOOD.replace("1990-04-12", "1990"), "ligne 10", "AAAA-MM-JJ"),
    "expiry before birth": (
        GOOD.replace("nature: premiere_demande", "nature: renouvellement").replace(
            "titre_actuel_expire_le:", "titre_actuel_expire_le: 1989-01-01"
        ),
        "ligne 21",
        "avant la naissance",
    ),
    "expiry decades ahead": (
        GOOD.replace("nature: premiere_demande", "nature: renouvellement").replace(
            "titre_actuel_expire_le:", "titre_actuel_expire_le: 2072-01-01"
        ),
        "ligne 21",
        "10 ans au plus",
    ),
    # the document model's section markers
    "section marker": (GOOD.replace("nom: DIALLO", 'nom: "[[corps]]"'), "ligne 8", "[[ ]]"),
    "marker after an escaped line break": (
        GOOD.replace("Bamako (Mali)", '"Bamako\\n[[corps]]"'),
        "ligne 11",
        "[[ ]]",
    ),
    "marker in an address line": (
        GOOD.replace("[12 rue des Lilas,", "[12 rue des Lilas, '[[pied]]',"),
        "ligne 13",
        "[[ ]]",
    ),
    "escaped control": (GOOD.replace("Bamako (Mali)", '"Bam\\eako"'), "ligne 11", "contrôle"),
    "escaped terminal escape in a key": (
        GOOD.replace("  nom: DIALLO", '  nom: DIALLO\n  "\\e[2J": x'),
        "ligne 9",
        "champ « demandeur.?[2J »",
    ),
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


def test_line_breaks_inside_a_field_become_spaces(case, run):
    write(
        case,
        GOOD.replace("Bamako (Mali)", '"Bamako\\n(Mali)\\u2028\\tsud"').replace(
            "nationalite: malienne", "nationalite: |\n    malienne\n    du Mali"
        ),
    )
    profile = load_profile(case / "profil.yaml").profile
    assert profile.demandeur.lieu_naissance == "Bamako (Mali) sud"
    assert profile.demandeur.nationalite == "malienne du Mali"
    assert run("-C", case, "referral", "--format", "text").exit_code == 0
    text = next((case / "documents").glob("*.txt")).read_text(encoding="utf-8")
    assert "Bamako (Mali) sud" in " ".join(text.split())


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "huge"])
def test_profile_that_is_not_a_small_file_is_refused_at_once(kind, case):
    path = case / "profil.yaml"
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would wait forever for a writer
    elif kind == "device":
        path.symlink_to("/dev/zero")  # reading it would never end; a link is not even followed
    elif kind == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"# " + b"x" * (64 << 20) + b"\n")
    result = run_installed("-C", case, "check")
    assert result.returncode == 2, result.stderr
    expected = {"fifo": "fichier spécial", "device": "lien symbolique", "folder": "un dossier"}
    assert "profil.yaml" in result.stderr
    assert expected.get(kind, "trop gros") in result.stderr and "Traceback" not in result.stderr


def test_unreadable_profile_is_refused(case, run, monkeypatch):
    """Permission denied (simulated: the tests may run as root, who reads everything)."""
    real_open = os.open

    def denied(path, flags, *args, **kwargs):
        if str(path).endswith("profil.yaml"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    result = run("-C", case, "check")
    assert result.exit_code == 2
    assert "profil.yaml : lecture impossible (Permission denied)" in result.stderr


@pytest.mark.parametrize(
    "extra",
    [
        'delai_convocation_jours: ""',
        "delai_convocation_jours: '  '",
        'recours:\n  delai_injonction_jours: ""',
        'recours:\n  astreinte_euros_par_jour: ""',
    ],
)
def test_blank_optional_number_means_the_default(extra, case, run):
    """A blank optional number (as the web form writes it) crashed validation with a
    TypeError from pydantic: exit 70 for ``check`` and an HTTP 500 in the web app."""
    path = case / "profil.yaml"
    path.write_text(path.read_text(encoding="utf-8") + extra + "\n", encoding="utf-8")
    result = run("-C", case, "check")
    assert result.exit_code == 0, result.output
    loaded = load_profile(path).profile
    assert loaded.delai_convocation_jours is None
    assert loaded.recours.delai_injonction_jours is None
    assert loaded.recours.astreinte_euros_par_jour is None


@pytest.mark.parametrize("value", ["0", "91", "quinze"])
def test_optional_number_out_of_bounds_is_located(value, case, run):
    path = case / "profil.yaml"
    text = path.read_text(encoding="utf-8") + f'delai_convocation_jours: "{value}"\n'
    path.write_text(text, encoding="utf-8")
    result = run("-C", case, "check")
    assert result.exit_code == 2, result.output
    line = text.count("\n")
    assert f"profil.yaml, ligne {line}, champ « delai_convocation_jours »" in result.stderr
