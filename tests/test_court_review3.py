# ruff: noqa: F811  (the fixtures of test_court_review are imported, then requested by name)
"""The association jurist's second reading (2026-12-06), its minor points, kept as tests.

Each test reads the real output (the CLI's text, the requête and its notes, the web status
page) and fails if the defect it names comes back.
"""

from __future__ import annotations

import csv
import re

from rdvletters.departements import DATA

from .conftest import edit_profile
from .test_court_review import _flat, _latest, _ok, _text
from .test_court_review2 import _requetes, _web_status

CONVOCATION = "Convocation reçue pour le 10 décembre 2026"


# -- a: the appointment's own day, apart from the day the entry was noted ----------------


def test_the_appointments_own_day_is_shown_apart_from_the_day_it_was_noted(case, run):
    _ok(run("-C", case, "record", "appointment", "--at", "2026-11-29 12:00",
            "-m", CONVOCATION, "--announced", "2026-12-10"))  # fmt: skip
    said = (
        "Un rendez-vous ou une convocation est noté (rendez-vous fixé au jeudi 10 décembre "
        f"2026, noté le 29 novembre 2026 : « {CONVOCATION} ») : le référé pour obtenir un "
        "rendez-vous ne s'applique plus. Présentez-vous ce jour-là avec votre dossier complet"
    )
    status = _flat(_ok(run("-C", case, "status")))
    check = _flat(_ok(run("-C", case, "recours", "--check")))
    for text in (status, check, _web_status(case)):
        assert said in text
        assert "jour du rendez-vous non noté" not in text


def test_an_appointment_without_its_day_says_the_day_is_not_noted(case, run):
    _ok(run("-C", case, "record", "appointment", "--at", "2026-11-29 12:00", "-m", CONVOCATION))
    check = _flat(_ok(run("-C", case, "recours", "--check")))
    # the date printed is said to be the day it was noted, never taken for the appointment's
    assert f"(noté le 29 novembre 2026 : « {CONVOCATION} » ; jour du rendez-vous non noté)" in (
        check
    )
    assert "rendez-vous fixé au" not in check


# -- b: after registration, an urgency asks for the document that covers the stay -----------


def _deadline_block(status: str) -> str:
    return status.split("ÉCHÉANCES")[1].split("Faits d'urgence")[0]


def test_after_registration_the_urgency_asks_for_the_recepisse(case, run):
    _ok(run("-C", case, "record", "registration", "--at", "2026-11-27 09:00", "-m", "Enregistrée"))
    block = _flat(_deadline_block(_ok(run("-C", case, "status"))))
    urgency = block.split("4 janvier 2027 (dans 35 jours) – ")[1].split("27 mars 2027")[0]
    assert (
        "Votre demande est enregistrée : pour cette date, montrez le récépissé remis à "
        "l'enregistrement (article R. 431-12 du CESEDA), qui autorise votre présence en France "
        "pour la durée qu'il indique ; s'il ne vous a pas été remis, demandez-le à la préfecture"
    ) in urgency
    assert "référé" not in urgency and "juge" not in urgency and "N'attendez pas" not in block


def test_after_registration_on_anef_the_expiry_and_urgency_ask_for_the_attestation(anef_case, run):
    _ok(run("-C", anef_case, "record", "registration", "--at", "2026-11-27 09:00"))
    status = _flat(_ok(run("-C", anef_case, "status")))
    block = _flat(_deadline_block(status))
    attestation = (
        "Votre demande est enregistrée : pour cette date, demandez à la préfecture l'attestation "
        "de prolongation de l'instruction (article R. 431-15-1 du CESEDA)"
    )
    # the expiry and the dated urgency fact, both on 15 February 2027
    assert block.count(attestation) == 2
    assert "l'attestation de dépôt ne la prouve pas" in block
    assert "référé" not in block and "N'attendez pas" not in status


# -- c: the person's own words are quoted, never pasted into advice --------------------------


FIRST_PERSON = re.compile(r"\b(je|j'|me|m'|mon|ma|mes)\b", re.IGNORECASE)


def test_the_persons_words_are_quoted_never_pasted_into_advice(case, run):
    edit_profile(
        case, ("Promesse d'embauche comme aide-soignante", "Je commence comme aide-soignante")
    )
    words = "Je commence comme aide-soignante à compter du 4 janvier 2027"
    consequence = "Sans titre de séjour le 4 janvier 2027, je perdrai cet emploi"
    status = _flat(_ok(run("-C", case, "status")))
    check = _flat(_ok(run("-C", case, "recours", "--check")))
    for text in (status, check):
        advice = text.split("N'attendez pas")[1].split(")")[0]
        assert advice.startswith(" : envoyez aujourd'hui la lettre recommandée")
        assert "fait d'urgence noté dans votre profil, le 4 janvier 2027" in advice
        assert not FIRST_PERSON.search(advice), advice
    # wherever the words appear, they are between quotation marks, as the person's
    for text in (status, _flat(_ok(run("-C", case, "plan")))):
        for found in (words, consequence):
            spots = [m.start() for m in re.finditer(re.escape(found), text)]
            assert spots, found
            assert all(text[at - 2 : at] == "« " for at in spots), found
    assert f"Fait d'urgence noté dans votre profil : « {words}" in status
    assert f"Conséquence, dans vos mots : « {consequence}" in status


# -- d: drafts prepared before an appointment are flagged, not deleted ----------------------


def test_requetes_prepared_before_the_appointment_are_flagged_and_kept(case, run):
    _ok(run("-C", case, "recours"))
    _ok(run("-C", case, "recours", "--format", "text"))
    drafts = [p for p in _requetes(case) if "a_lire" not in p.name]
    assert drafts
    status = _flat(_ok(run("-C", case, "status")))
    assert "dépassé" not in status  # nothing to say while the référé still applies
    _ok(run("-C", case, "record", "appointment", "--at", "2026-11-30 09:30",
            "--announced", "2026-12-10"))  # fmt: skip
    files = ", ".join(f"documents/{p.name}" for p in drafts)
    said = (
        "Les projets de requête préparés avant le rendez-vous ou l'enregistrement noté sont "
        f"dépassés : ne les déposez pas ({files})."
    )
    status = _flat(_ok(run("-C", case, "status")))
    assert f"ATTENTION ! {said}" in status
    assert said in _web_status(case)
    assert all(p.is_file() for p in drafts)  # the person's files are kept


# -- e: Montreuil's address, printed as every [S] address, nothing invented -------------------


def test_montreuil_prints_only_what_its_sources_share(case, run):
    with open(DATA / "ta_competence.csv", encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["departement_code"] == "93")
    assert row["tribunal_address"].startswith("[S, sources divergentes] 206 rue de Paris")
    result = run("-C", case, "recours", "--format", "text")
    assert result.exit_code == 0
    assert "les sources ne donnent pas la même adresse pour le Tribunal administratif de " \
        "Montreuil" in _flat(result.stderr + result.output)  # fmt: skip
    requete = _flat(_latest(case, "*_projet-requete-refere.txt").read_text(encoding="utf-8"))
    assert (
        "juge des référés du Tribunal administratif de Montreuil, [numéro et rue à vérifier sur "
        "le site du tribunal], 93100 Montreuil [code postal et cedex à vérifier]"
    ) in requete
    assert "206 rue de Paris" not in requete and "Catherine-Puig" not in requete
    notes = _text(case, "*_a_lire_avant_depot.txt")
    assert "- [numéro et rue à vérifier sur le site du tribunal]" in notes
    assert (
        "Les sources consultées ne donnent pas la même adresse (206 rue de Paris, 93100 "
        "Montreuil ; 7 rue Catherine-Puig, 93100 Montreuil)"
    ) in notes
