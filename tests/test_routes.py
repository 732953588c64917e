"""Both routes told truthfully: the ANEF renewal example, the R. 431-5 window, expiry.

The ANEF example (examples/kofi): a « passeport talent » card expiring on
15 February 2027, renewed on ANEF; the window runs from 18 October to
17 December 2026 and the first attempt was on 19 October. Nine ANEF errors with
screenshots, two CCC contacts with ticket numbers and their answers, one visit
to a point d'accueil numérique, two e-mails without a copy.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from rdvletters.case import Case
from rdvletters.facts import Facts
from rdvletters.renewal import renewal, window

from .conftest import edit_profile

NBSP = "\u00a0"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(NBSP, " "))


def _without_quotes(text: str) -> str:
    """The text minus what the person typed (quoted in « »)."""
    return re.sub(r"«[^»]*»", "«»", _flat(text))


def _generate(run, folder, *args) -> str:
    result = run("-C", folder, *args)
    assert result.exit_code == 0, result.output
    return result.output


def _latest(folder, pattern) -> str:
    return sorted((folder / "documents").glob(pattern))[-1].read_text(encoding="utf-8")


@pytest.fixture
def anef_outputs(anef_case, run):
    outputs = {"courriel": _generate(run, anef_case, "email")}
    _generate(run, anef_case, "letter", "--format", "text")
    outputs["lettre"] = _latest(anef_case, "*_lettre-recommandee.txt")
    _generate(run, anef_case, "referral", "--format", "text")
    outputs["saisine"] = _latest(anef_case, "*_saisine-defenseur.txt")
    outputs["status"] = _generate(run, anef_case, "status")
    return outputs


def test_anef_outputs_never_speak_of_an_appointment(anef_outputs):
    for name, text in anef_outputs.items():
        assert "rendez-vous" not in _without_quotes(text), name
    assert "Dépôt impossible sur l'ANEF" in anef_outputs["courriel"]


def test_enclosures_count_what_is_there(anef_outputs):
    letter = _flat(anef_outputs["lettre"])
    # 12 attempts and the 2 answers of the CCC have a file: 14, as the dated record marks them;
    # the answers on a line of their own (never « et des réponses reçues » when there is none)
    assert "Copie des justificatifs de mes démarches (12)" in letter
    assert "Copie des réponses reçues (2)" in letter
    record = anef_outputs["lettre"].split("RELEVÉ DATÉ")[1].split("PIÈCES DE MON")[0]
    record = record.split("\n  - ")[1:]
    assert sum(_flat(item).strip().endswith("(justificatif)") for item in record) == 14
    assert "Copie des courriels" not in letter  # no copy of the two e-mails is in the journal
    assert "Du 19 octobre 2026 au 26 novembre 2026 : 14 démarches" in letter  # the attempts


def test_each_ccc_pan_and_anef_contact_is_listed_with_its_reference(anef_outputs):
    for name in ("lettre", "saisine"):
        text = _flat(anef_outputs[name])
        assert "centre de contact citoyens (CCC), demande n° 2610-48213" in text, name
        assert "centre de contact citoyens (CCC), demande n° 2611-50977" in text, name
        assert "mardi 10 novembre 2026 à 10 h 30 – point d'accueil numérique" in text, name
        assert "téléservice ANEF, erreur ERR-500" in text, name
    letter = _flat(anef_outputs["lettre"])
    # answers stay with the contact they answer
    # the person's note, not quoted, grafted into the sentence in lower case
    assert "demande n° 2610-48213 : formulaire de contact du centre" in letter
    assert "; réponse du 29 octobre 2026 : « Votre signalement a été transmis" in letter
    body = letter.split("RELEVÉ DATÉ")[0]
    assert body.count("téléservice ANEF, erreur ERR-500") == 9  # one by one


def test_anef_law_paragraph_and_requests(anef_outputs):
    letter = _flat(anef_outputs["lettre"])
    assert "ayant accompli toutes les diligences qui lui incombent" in letter
    assert "l'impossibilité constatée d'utiliser le téléservice" in letter
    assert "décret n° 2023-191 du 22 mars 2023" in letter and "arrêté du 1er août 2023" in letter
    assert "(CE, 10 juin 2020, n° 435594)" in letter
    assert "(CE, 9 juin 2022, n° 453391, mentionné aux tables du recueil Lebon)" in letter
    assert "Légifrance" not in letter
    assert "(CE, Section, 3 juin 2022, n° 452798)" in letter
    assert (
        "constater l'impossibilité dans laquelle je me trouve de déposer ma demande sur le "
        "téléservice et de m'inviter, dans un délai de quinze jours" in letter
    )
    assert "R. 431-3" not in letter and "R. 431-12" not in letter


def test_anef_renewal_inside_the_window(anef_outputs):
    letter = _flat(anef_outputs["lettre"])
    assert (
        "J'ai entrepris cette démarche dès le 19 octobre 2026, dans le délai prévu à "
        "l'article R. 431-5 du CESEDA" in letter
    )
    assert "regardée comme présentée dans" in letter
    assert "attestation de prolongation de l'instruction prévue par l'article R. 431-15-1" in letter
    # the force majeure request comes second, « à titre subsidiaire », never a certainty
    assert (
        "À titre subsidiaire, si ma demande ne pouvait être enregistrée qu'après le 17 décembre "
        "2026, je vous demande de regarder l'impossibilité d'utiliser le téléservice comme un cas "
        "de force majeure au sens de l'article L. 436-5 du CESEDA et de ne pas mettre à ma charge "
        "le droit de visa de régularisation qu'il prévoit." in letter
    )
    assert letter.index("regardée comme présentée") < letter.index("À titre subsidiaire")
    # the weekly e-mail stays short: the window and the requests belong in the letter
    email = _flat(anef_outputs["courriel"])
    assert "R. 431-5" not in email and "L. 436-5" not in email and "R. 431-15-1" not in email
    status = _flat(anef_outputs["status"])
    assert (
        "du 18 octobre 2026 au 17 décembre 2026, première démarche dans ce délai le 19 octobre"
        in status
    )
    assert "17 décembre 2026 (dans 17 jours) – Fin du délai de renouvellement" in status


def test_anef_channels_ordered_by_weight(anef_case, run):
    data = json.loads(run("-C", anef_case, "status", "--json").output)
    assert [c["canal"] for c in data["channels"]] == ["anef", "ccc", "pan", "email"]
    assert [r["name"] for r in data["ladder"]][:3] == [
        "Dépôt sur l'ANEF, avec captures de l'erreur",
        "Centre de contact citoyens, réponse écrite gardée",
        "Point d'accueil numérique (passage ou demande)",
    ]


def test_a_late_first_attempt_is_not_called_timely(anef_case, run):
    # expiry on 1 December 2026: window 3 August – 2 October, first attempt 19 October
    edit_profile(
        anef_case, ("titre_actuel_expire_le: 2027-02-15", "titre_actuel_expire_le: 2026-12-01")
    )
    _generate(run, anef_case, "letter", "--format", "text")
    letter = _flat(_latest(anef_case, "*_lettre-recommandee.txt"))
    assert "dans le délai prévu" not in letter and "L. 436-5" not in letter
    assert "regardée comme présentée" not in letter
    check = run("-C", anef_case, "check")
    assert "Le délai de renouvellement (du 3 août 2026 au 2 octobre 2026" in _flat(check.stderr)
    assert "permanence juridique" in check.stderr
    status = _flat(_generate(run, anef_case, "status"))
    assert "Le délai de renouvellement" in status
    check = _flat(run("-C", anef_case, "recours", "--check").output)
    assert (
        "[ ] Délai de renouvellement (article R. 431-5 du CESEDA) : première démarche après le délai"
        in check
    )
    assert "Allez dès cette semaine voir une permanence juridique" in status


def test_expired_permit_is_written_in_the_past(anef_case, run):
    edit_profile(
        anef_case, ("titre_actuel_expire_le: 2027-02-15", "titre_actuel_expire_le: 2026-11-01")
    )
    email = _flat(_generate(run, anef_case, "email"))
    assert "qui a expiré le 1er novembre 2026" in email
    # to the préfecture, prudently; to the judge, plainly
    assert (
        "Faute d'enregistrement de ma demande, je ne dispose d'aucun document justifiant de la "
        "régularité de mon séjour" in email
    )
    _generate(run, anef_case, "recours", "--format", "text")
    requete = _flat(_latest(anef_case, "*_projet-requete-refere.txt"))
    assert "je suis sans titre de séjour en cours de validité depuis le 2 novembre 2026" in requete
    notes = _flat(_latest(anef_case, "*_a_lire_avant_depot.txt"))  # for the person
    assert "un droit de visa de régularisation peut être réclamé (article L. 436-5" in notes
    assert "euros" not in notes + requete  # no amount: the 2026 finance law changed fees
    assert "avant le 1er mai 2027 (six mois après l'expiration, article R. 431-8)" in notes
    _generate(run, anef_case, "letter", "--format", "text")
    letter = _flat(_latest(anef_case, "*_lettre-recommandee.txt"))
    assert "dans un délai de huit jours" in letter  # expired: the shorter delay
    assert "Copie de mon titre de séjour expiré" in letter
    status = _generate(run, anef_case, "status")
    assert "Échéance dépassée" in status and "proche" not in status


def test_email_typography(anef_case, run):
    _generate(run, anef_case, "email")
    email = _latest(anef_case, "*_courriel_*.txt")
    assert f"Mon identité{NBSP}:" in email
    assert f"«{NBSP}passeport talent – salarié qualifié{NBSP}»" in email
    assert " :" not in email.split("\n\n", 1)[1].replace("À :", "").replace("Objet :", "")


def test_the_ccc_answer_is_not_taken_for_an_answer_to_the_email(anef_outputs):
    assert "Mon dernier courriel, du 13 novembre 2026, est resté sans réponse." in _flat(
        anef_outputs["courriel"]
    )


@pytest.mark.parametrize(
    ("expiry", "anef", "start", "end"),
    [
        (date(2027, 2, 15), True, date(2026, 10, 18), date(2026, 12, 17)),
        (date(2027, 2, 15), False, date(2026, 12, 15), date(2027, 2, 15)),
        (date(2027, 4, 30), False, date(2027, 2, 28), date(2027, 4, 30)),
    ],
)
def test_r431_5_window(expiry, anef, start, end):
    assert window(expiry, anef) == (start, end)


def test_a_renewal_asked_before_its_window_is_flagged(anef_case, run):
    edit_profile(
        anef_case, ("titre_actuel_expire_le: 2027-02-15", "titre_actuel_expire_le: 2027-06-01")
    )
    check = _flat(run("-C", anef_case, "recours", "--check").output)
    assert (
        "[ ] Délai de renouvellement (article R. 431-5 du CESEDA) : il ne s'ouvre que le 1er février 2027"
        in check
    )
    _requete(run, anef_case)
    notes = _flat(_latest(anef_case, "*_a_lire_avant_depot.txt"))
    assert (
        "Votre délai de renouvellement (article R. 431-5 du CESEDA) ne s'ouvre que le 1er février 2027"
        in notes
    )


def _requete(run, folder) -> str:
    _generate(run, folder, "recours", "--format", "text")
    return _latest(folder, "*_projet-requete-refere.txt")


def test_documents_need_the_civilite(case, run):
    edit_profile(case, ("  civilite: Madame\n  nom: DIALLO", "  civilite:\n  nom: DIALLO"))
    result = run("-C", case, "letter")
    assert result.exit_code == 2 and "demandeur.civilite" in result.stderr
    assert not list((case / "documents").iterdir())


def test_window_state_from_the_attempts(anef_case):
    facts = Facts.from_journal(Case(anef_case).journal.read())
    inside = renewal(date(2027, 2, 15), True, facts, date(2026, 11, 27))
    assert inside.state == "dans_le_delai" and inside.first_in_window == date(2026, 10, 19)
    early = renewal(date(2027, 6, 1), True, facts, date(2026, 11, 27))
    assert early.state == "avant_le_delai" and not early.window_missed
    late = renewal(date(2026, 12, 1), True, facts, date(2026, 11, 27))
    assert late.state == "hors_delai" and late.window_missed


def test_log_and_record_name_the_site_for_the_route(anef_case, case, run, tmp_path):
    recorded = _generate(run, anef_case, "record", "web", "-m", "aucune disponibilité")
    assert "site internet de la préfecture" in recorded
    table = _generate(run, anef_case, "log").splitlines()[-1]
    assert "site internet de la préfecture" in table and "rendez-vous" not in table
    _generate(run, anef_case, "log", "--csv", "-o", tmp_path / "journal.csv")
    last = (tmp_path / "journal.csv").read_text(encoding="utf-8-sig").splitlines()[-1]
    assert "site internet de la préfecture" in last and "rendez-vous" not in last
    edit_profile(anef_case, ("situation: anef", 'situation: "anef"  # le dépôt en ligne'))
    assert "site internet de la préfecture" in _generate(run, anef_case, "log").splitlines()[-1]
    profile = anef_case / "profil.yaml"  # saved by Windows Notepad: CRLF line ends
    profile.write_bytes(profile.read_bytes().replace(b"\n", b"\r\n"))
    assert "site internet de la préfecture" in _generate(run, anef_case, "log").splitlines()[-1]
    rdv_log = _generate(run, case, "log")  # the appointment route keeps its booking site
    assert "site de rendez-vous de la préfecture" in rdv_log and "site internet" not in rdv_log
