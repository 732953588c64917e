"""The settings files' schemas read every file as the pydantic schema did.

``data/schema_golden.json.gz`` holds what the pydantic version (main before the schema
left pydantic) made of about 5,000 altered files (``schema_cases``): the values read,
with their types, or the message with its file, line and field, the hint and the
problems the web form shows, in French and, for one case in seven, in English. It was
produced by that version and cannot be produced again without it; the cases are rebuilt
here and must give the same outcome today.
"""

from __future__ import annotations

import gzip
import json

import pytest

from . import schema_cases
from .conftest import modules_after

# Where the pydantic version failed, the outcome is now a message, checked below; and a
# step whose target is only an invisible separator (U+001C) was taken as a click on an
# empty text: it is now refused as a step without an action.
CHANGED = {("steps", "(0, 'cliquer')='\\x1c'")}
# pydantic's own English words, which the migration kept word for word: the interface now
# says them in its language, as it says every other problem of these files. (French, English)
NOW_SAID = {
    "Input should be a valid integer": (
        "un nombre entier est attendu",
        "a whole number is expected",
    ),
    "Input should be a valid number": (
        "un nombre est attendu, par exemple 2 ou -3.5",
        "a number is expected, for example 2 or -3.5",
    ),
    "Input should be a valid boolean": ("répondez oui ou non", "answer yes or no (oui or non)"),
    "Unable to parse input string as an integer, exceeded maximum size": (
        "nombre trop long",
        "number too long",
    ),
    "String should match pattern '^https?://\\S+$'": (
        "adresse attendue, commençant par http:// ou https://",
        "an address is expected, starting with http:// or https://",
    ),
}


def _now_said(outcome: dict, lang: str) -> dict:
    """A golden outcome with pydantic's English words replaced as ``NOW_SAID`` says."""
    text = json.dumps(outcome, ensure_ascii=False)
    for english, said in NOW_SAID.items():
        new = said[lang == "en"]
        text = text.replace(json.dumps(english)[1:-1], json.dumps(new, ensure_ascii=False)[1:-1])
    return json.loads(text)


@pytest.fixture(scope="module")
def golden() -> list[dict]:
    return json.loads(gzip.decompress(schema_cases.GOLDEN.read_bytes()))


def test_every_altered_file_reads_as_before(golden):
    from rdvletters import i18n

    cases = schema_cases.cases()
    assert [(g["kind"], g["name"], g["sha"]) for g in golden] == [
        (kind, name, schema_cases.digest(text)) for kind, name, text in cases
    ], "the cases changed: the golden outcomes no longer describe them"
    differ = []
    for (kind, name, text), expected in zip(cases, golden, strict=True):
        if (kind, name) in CHANGED or "crash" in expected["fr"]:
            continue
        got = {"fr": schema_cases.outcome(kind, text)}
        if "en" in expected:
            with i18n.using("en"):
                got["en"] = schema_cases.outcome(kind, text)
        if got != {k: _now_said(expected[k], k) for k in got}:
            differ.append((kind, name, expected, got))
    assert not differ, differ[:3]
    assert sum("error" in g["fr"] for g in golden) > 3000  # errors of every kind were tried


def test_what_pydantic_crashed_on_is_a_message(golden):
    """An empty steps file (an IndexError) and hours given as half a surrogate pair (a
    UnicodeEncodeError inside pydantic) now get a message with their line. (The third
    crash, an urgency file name too long for the file system, happens after the schema.)"""
    crashed = {(g["kind"], g["name"]) for g in golden if "crash" in g["fr"]}
    cases = {(kind, name): text for kind, name, text in schema_cases.cases()}
    assert ("steps", "empty") in crashed
    assert schema_cases.outcome("steps", cases[("steps", "empty")])["message"] == (
        "dossier/etapes.yaml, ligne 1, champ « (fichier) » : champ obligatoire vide : à remplir"
    )
    hours = {key for key in crashed if "horaires_" in key[1]}
    assert len(hours) == 2
    for key in hours:
        got = schema_cases.outcome(key[0], cases[key])
        assert got["error"] == "InvalidData" and "prefecture.horaires_" in got["message"]
    for key in CHANGED:
        message = schema_cases.outcome(key[0], cases[key])["message"]
        assert "une seule action par étape" in message


def test_defaults_and_types_read(tmp_path):
    """The bundled example's values, typed: dates, booleans, numbers, defaults."""
    from datetime import date

    from rdvletters.profile_load import load_profile

    profile = load_profile(schema_cases.ROOT / "examples" / "kofi" / "profil.yaml").profile
    assert profile.demandeur.date_naissance == date(1988, 7, 3)
    assert profile.demande.dossier_complet is True and profile.demande.oqtf is False
    assert profile.demande.urgence[0].date == date(2027, 2, 15)
    assert profile.seuils.semaines_renouvellement == 4 and profile.recours_en_cours is False
    assert profile.mise_en_page.decalage_vertical_mm == 0 and profile.defenseur.delegue is None
    assert profile.defenseur.adresse == [] and profile.recours.delai_injonction_jours is None


@pytest.mark.parametrize("args", [["email", "--format", "text"], ["status"], ["check"], ["plan"]])
def test_reading_the_profile_imports_no_pydantic(case, args):
    """The profile's schema is read without pydantic (about 39 % of ``email``'s start
    when it was; benchmarks/RESULTS.md)."""
    modules, _ = modules_after("-C", case, *args)
    assert "rdvletters.profile" in modules
    assert not {"pydantic", "pydantic_core"} & modules


def test_the_profile_form_shows_the_schema_defaults():
    """The web form pre-fills what the schema leaves out (the same as with pydantic)."""
    from rdvletters.web.profile_questions import SECTIONS

    defaults = {f.name: f.default for s in SECTIONS for f in s.fields if f.default is not None}
    assert defaults == {
        "recours_en_cours": "non",
        "mise_en_page.decalage_horizontal_mm": "0",
        "mise_en_page.decalage_vertical_mm": "0",
        "seuils.tentatives_par_semaine": "2",
        "seuils.semaines_premiere_demande": "8",
        "seuils.semaines_renouvellement": "4",
    }
