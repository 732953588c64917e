"""Writing values into profil.yaml: comments kept, values read back exactly."""

from __future__ import annotations

import pytest

from rdvletters.errors import CaseError
from rdvletters.profile_edit import digest, read_values, set_values, update_profile
from rdvletters.resources import data_dir
from rdvletters.yamlload import load_yaml, parse_yaml

from .conftest import EXAMPLE

TEMPLATE = (data_dir("templates") / "profil.yaml").read_text(encoding="utf-8")


def _data(text: str):
    return parse_yaml(text.encode("utf-8"), EXAMPLE / "x.yaml").data


def test_values_land_on_their_line_and_every_comment_stays():
    out = set_values(
        TEMPLATE,
        {
            ("demandeur", "nom"): "DIALLO",
            ("demandeur", "adresse"): ["12 rue des Lilas", "93000 Bobigny"],
            ("lieu_signature",): "Bobigny",
        },
    )
    comments = [ln.split("#", 1)[1] for ln in TEMPLATE.splitlines() if "#" in ln]
    for comment in comments:
        assert comment in out
    assert "  nom: DIALLO               # nom de famille, comme sur le passeport" in out
    assert "  adresse: [12 rue des Lilas, 93000 Bobigny]" in out
    assert len(out.splitlines()) == len(TEMPLATE.splitlines())
    data = _data(out)
    assert data["demandeur"]["adresse"] == ["12 rue des Lilas", "93000 Bobigny"]


@pytest.mark.parametrize(
    "value",
    [
        "oui",
        "06 12 34 56 78",
        "Bât. A, esc. 2: porte #3",
        "- tiret",
        "[crochets]",
        "« guillemets » \"doubles\" et 'simples'",
        "  espaces autour  ",
        "*étoile",
        "@arobase",
        "ligne\u2028séparateur",
        "01000",
    ],
)
def test_awkward_values_read_back_exactly(value):
    out = set_values(
        TEMPLATE,
        {("demandeur", "prenom"): value, ("demande", "urgence"): [value, "autre, avec virgule"]},
    )
    data = _data(out)
    assert data["demandeur"]["prenom"] == value
    assert data["demande"]["urgence"] == [value, "autre, avec virgule"]


def test_long_lists_go_one_item_per_line_under_the_comments():
    facts = ["Promesse d'embauche comme aide-soignante, à partir du 4 janvier 2027", "Enfant"]
    out = set_values(TEMPLATE, {("demande", "urgence"): facts})
    lines = out.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("  urgence:"))
    comments = 1
    while lines[at + comments].strip().startswith("#"):  # its comments stay with it
        comments += 1
    assert comments > 1 and "date: 2027-01-04" in lines[at + comments - 1]
    assert lines[at + comments] == f"    - {facts[0]}"
    assert _data(out)["demande"]["urgence"] == facts
    back = set_values(out, {("demande", "urgence"): []})
    assert _data(back)["demande"]["urgence"] in ([], "")
    assert not any(ln.startswith("    - ") for ln in back.splitlines())


def test_missing_keys_take_the_place_of_their_commented_example_or_a_new_section():
    out = set_values(
        TEMPLATE,
        {
            ("delai_convocation_jours",): "20",
            ("prefecture", "titre_autorite"): "Monsieur le Préfet",
            ("seuils", "tentatives_par_semaine"): "3",
        },
    )
    assert "delai_convocation_jours: 20     # délai demandé" in out
    assert "# delai_convocation_jours" not in out
    assert "  titre_autorite: Monsieur le Préfet" in out
    assert out.rstrip().endswith("seuils:\n  tentatives_par_semaine: 3")
    data = _data(out)
    assert data["prefecture"]["titre_autorite"] == "Monsieur le Préfet"
    assert data["seuils"] == {"tentatives_par_semaine": "3"}


def test_empty_value_for_an_absent_key_changes_nothing():
    assert set_values(TEMPLATE, {("recours_en_cours",): ""}) == TEMPLATE


def test_hand_edited_example_is_kept_apart_from_the_changed_line():
    original = (EXAMPLE / "profil.yaml").read_text(encoding="utf-8")
    out = set_values(original, {("demandeur", "telephone"): "07 00 00 00 00"})
    diff = [(a, b) for a, b in zip(original.splitlines(), out.splitlines(), strict=True) if a != b]
    assert diff == [('  telephone: "0612345678"', "  telephone: 07 00 00 00 00")]


def test_update_refuses_when_the_file_changed_since_it_was_read(tmp_path):
    path = tmp_path / "profil.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    seen = digest(path)
    path.write_text(TEMPLATE + "# ajout\n", encoding="utf-8")
    with pytest.raises(CaseError, match="modifié ailleurs"):
        update_profile(path, {("demandeur", "nom"): "X"}, seen)
    assert "nom: X" not in path.read_text(encoding="utf-8")
    update_profile(path, {("demandeur", "nom"): "X"}, digest(path))
    assert read_values(load_yaml(path).data, [("demandeur", "nom")]) == {("demandeur", "nom"): "X"}
    assert path.stat().st_mode & 0o777 == 0o600
