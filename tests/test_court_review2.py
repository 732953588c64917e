# ruff: noqa: F811  (the fixtures of test_court_review are imported, then requested by name)
"""The association jurist's second reading (2026-12-06), kept as tests.

Each test reads the real output (the CLI's text, DOCX through python-docx, the bundle,
the web page) and names the defect it guards against: it fails if the defect comes back.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from .conftest import NOW, edit_profile
from .test_court_review import (  # noqa: F401
    PDF,
    PNG,
    _docx,
    _flat,
    _latest,
    _ok,
    _send_letter,  # noqa: F401
    expire,
    premiere,
)

TOKEN = "t" * 32


def _web_status(folder: Path) -> str:
    """The web status page, as text."""
    from rdvletters.web.app import create_app
    from rdvletters.web.cases import Registry

    app = create_app(Registry(folder, False), token=TOKEN, lang="fr")
    app.config["TESTING"] = True
    client = app.test_client()
    assert client.get(f"/?token={TOKEN}").status_code == 200
    page = client.get("/c/cas/status").get_data(as_text=True)
    return _flat(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _requetes(folder: Path) -> list[Path]:
    return sorted((folder / "documents").glob("*projet-requete-refere*"))


# -- 1 and 2: an appointment or the registration closes the référé, everywhere -----------


def test_a_recorded_appointment_closes_the_refere_everywhere(case, run):
    # blocking defect 1: status « essayez encore », check « vous pouvez préparer », and a
    # requête saying no appointment was obtained, after a convocation was noted
    _ok(run("-C", case, "record", "appointment", "--at", "2026-11-29 12:00",
            "-m", "Convocation reçue pour le 10 décembre 2026"))  # fmt: skip
    said = (
        "Un rendez-vous ou une convocation est noté (noté le 29 novembre 2026 : « Convocation "
        "reçue pour le 10 décembre 2026 » ; jour du rendez-vous non noté) : le référé pour "
        "obtenir un rendez-vous ne s'applique plus."
    )
    status = _flat(_ok(run("-C", case, "status")))
    assert f"À FAIRE MAINTENANT {said}" in status
    assert "essayez encore" not in status and "Vous pouvez préparer" not in status
    check = _flat(_ok(run("-C", case, "recours", "--check")))
    assert said in check and "Vous pouvez préparer" not in check and "[ ]" not in check
    before = _requetes(case)
    refused = run("-C", case, "recours")
    assert refused.exit_code == 2
    assert "Pas de projet de requête" in refused.stderr and said in _flat(refused.stderr)
    assert "Traceback" not in refused.output + refused.stderr
    assert _requetes(case) == before  # neither the requête nor its notes written
    web = _web_status(case)
    assert said in web and "Vous pouvez préparer" not in web


def test_a_recorded_registration_points_only_to_the_four_months(expire, run):
    # blocking defect 2: status said « enregistrée », the check « vous pouvez préparer », and
    # the requête « n'a pas pu être enregistrée »
    _ok(run("-C", expire, "record", "registration", "--at", "2026-11-27 09:00",
            "-m", "Demande enregistrée au guichet, récépissé remis"))  # fmt: skip
    said = (
        "Votre demande est enregistrée depuis le 27 novembre 2026 : le référé pour obtenir un "
        "rendez-vous ne s'applique plus. Sans décision le 27 mars 2027, le silence du préfet "
        "vaudra refus implicite (article R. 432-2 du CESEDA), à contester dans les deux mois, "
        "jusqu'au 27 mai 2027"
    )
    status = _flat(_ok(run("-C", expire, "status")))
    assert f"À FAIRE MAINTENANT {said}" in status
    assert "Vous pouvez préparer" not in status
    check = _flat(_ok(run("-C", expire, "recours", "--check")))
    assert said in check
    assert "repère manque" not in check and "Lettre recommandée" not in check
    assert "déposez la requête avant" not in status  # the letter's prudence is over too
    assert "27 mai 2027 (dans 178 jours) – Deux mois après le refus implicite" in status
    before = _requetes(expire)
    refused = run("-C", expire, "recours", "--format", "text")
    assert refused.exit_code == 2 and said in _flat(refused.stderr)
    assert _requetes(expire) == before
    assert said in _web_status(expire)


# -- 3: a registered letter written by the person is the LRAR ------------------------------


def test_record_letter_with_tracking_is_the_registered_letter(anef_case, run):
    # serious defect 3: « record letter » counted only as « courrier postal », the AR refused,
    # the requête silent on the letter and its receipt labelled « Copie du courrier »
    _ok(run("-C", anef_case, "record", "letter", "--at", "2026-11-16 11:00", "--proof", PDF,
            "--tracking", "1A 222 333 4444 5", "-m", "Lettre au préfet"))  # fmt: skip
    _ok(run("-C", anef_case, "record", "ar", "--at", "2026-11-18", "--proof", PNG))
    status = _flat(_ok(run("-C", anef_case, "status")))
    assert "[x] Lettre recommandée et avis de réception : envoyée le 16 novembre 2026" in status
    assert "Deux mois après la réception de votre lettre recommandée (avis du 18 novembre" in status
    _ok(run("-C", anef_case, "recours"))
    requete = _docx(_latest(anef_case, "*_projet-requete-refere.docx"))
    assert "Par lettre recommandée avec avis de réception envoyée le 16 novembre 2026" in requete
    assert "Preuve de dépôt de la lettre recommandée (n° 1A22233344445)" in requete
    assert "Copie du courrier adressé à la préfecture" not in requete
    wrong = run("-C", anef_case, "record", "web", "--tracking", "1A 222 333 4444 5")
    assert wrong.exit_code == 2 and "--tracking ne vaut que pour une lettre" in wrong.stderr


# -- 4: a dated urgency beats the letter's delay ----------------------------------------------


def test_a_dated_urgency_beats_the_letters_delay(case, run, monkeypatch):
    # serious defect 4: « attendez la fin du délai demandé (8 décembre) » with a job lost on
    # the 15th; and no « n'attendez pas » before the letter has even gone
    dont_wait = (
        "N'attendez pas : voyez une permanence cette semaine (fait d'urgence noté dans votre "
        "profil, le "
    )
    # the letter not sent yet: sending it is said first, and its end is an estimate, never
    # a delay said to be running (re-reading of the fix)
    unsent = (
        "N'attendez pas : envoyez aujourd'hui la lettre recommandée et voyez une permanence "
        "cette semaine (fait d'urgence noté dans votre profil, le 4 janvier 2027"
    )
    estimate = "laisserait au préfet jusqu'au 30 décembre 2026 environ, date estimée"
    for said_before in (
        _flat(_ok(run("-C", case, "recours", "--check"))),
        _flat(_ok(run("-C", case, "status"))),
    ):
        assert unsent in said_before and estimate in said_before
        assert "le délai de votre lettre finit" not in said_before
    edit_profile(case, ("date: 2027-01-04", "date: 2026-12-15"))
    _send_letter(run, monkeypatch, case, "2026-11-20", "2026-11-23")
    said = (
        "le 15 décembre 2026 : le délai de votre lettre finit le 8 décembre 2026, et le juge "
        "statue en quelques jours à un mois)."
    )
    status = _flat(_ok(run("-C", case, "status")))
    assert f"À FAIRE MAINTENANT {dont_wait}" in status and said in status
    check = _flat(_ok(run("-C", case, "recours", "--check")))
    assert "Attendez la fin du délai demandé" not in check
    assert f"→ {dont_wait}" in check and check.rstrip().endswith(said)
    _ok(run("-C", case, "recours"))
    notes = _docx(_latest(case, "*_a_lire_avant_depot.docx"))
    assert said in notes and "Attendez la fin du délai" not in notes
    edit_profile(case, ("date: 2026-12-15", "date: 2027-01-04"))  # after the judge: wait
    check = _flat(_ok(run("-C", case, "recours", "--check")))
    assert "N'attendez pas" not in check and "Attendez la fin du délai demandé" in check


# -- 5: the week's pieces are those of its démarches ------------------------------------------

WEEK = re.compile(
    r"semaine du lundi (\d+ \w+ \d{4}) : (\d+) démarches?, dont (\d+) avec justificatif "
    r"\((pièces? n° [^)]*)\)"
)


def test_each_week_cites_one_piece_per_justified_step(anef_case, run):
    # serious defect 5: « 3 démarches, dont 3 avec justificatif (pièces n° 2, 3, 4 et 6) »,
    # piece 6 being the written answer received the next week
    _ok(run("-C", anef_case, "recours"))
    requete = _docx(_latest(anef_case, "*_projet-requete-refere.docx"))
    weeks = WEEK.findall(requete)
    assert len(weeks) >= 5
    for monday, __, justified, refs in weeks:
        cited = re.findall(r"\d+", refs.split("n°")[1])
        assert len(cited) == int(justified), (monday, refs)
    assert ("19 octobre 2026", "3", "3", "pièces n° 2, 3 et 4") in weeks
    # the answer of 29 October is cited with its request, in the chronology
    assert "réponse du 29 octobre 2026" in requete and "(pièces n° 4 et 6)" in requete


# -- 6, 12, 18: wording of the requête and its notes -------------------------------------------


def test_requete_wording_the_jurist_asked_for(premiere, expire, run):
    # 6: the « accès normal » formula is 452798's; 461694 for téléservices and the chef de
    # service; 12: « établissent que je n'ai pu obtenir de rendez-vous »; 18: no « il y a N
    # jours » that goes stale, and the provisional legal aid offered in the notes
    _ok(run("-C", premiere, "recours"))
    rdv = _docx(_latest(premiere, "*_projet-requete-refere.docx"))
    assert (
        "Les modules de prise de rendez-vous sont des téléservices, et le préfet peut, comme tout "
        "chef de service, organiser le dépôt des demandes (CE, Section, avis, 3 juin 2022, "
        "n° 461694)" in rdv
    )
    assert "service public (CE, Section, avis, 3 juin 2022, n° 461694)" not in rdv
    assert re.search(
        r"Mes démarches, réparties sur \d+ semaines différentes, dont chacune compte au moins une "
        r"démarche justifiée, établissent que je n'ai pu obtenir de rendez-vous\.",
        rdv,
    )
    notes = _docx(_latest(premiere, "*_a_lire_avant_depot.docx"))
    assert "indiquez « recours.aide_juridictionnelle: oui » dans le profil" in notes
    _ok(run("-C", expire, "recours"))
    renewal = _docx(_latest(expire, "*_projet-requete-refere.docx"))
    assert "a expiré le 31 octobre 2026, et" in renewal and "il y a 30 jours" not in renewal


# -- 7: the dated proofs say their base ---------------------------------------------------------


def test_the_dating_line_says_its_base_is_proof_files(premiere, run):
    # 7: « 0 sur 20 » beside « 22 avec justificatif », without saying 20 of what
    status = _flat(_ok(run("-C", premiere, "status")))
    justified = int(re.search(r"démarches, dont (\d+) avec justificatif", status).group(1))
    base = re.search(
        r"\(horodatage\) : \d+ sur (\d+) démarches ayant leur propre fichier justificatif", status
    )
    assert base is not None
    assert int(base.group(1)) < justified  # the attested visit has no file of its own
    check = _flat(_ok(run("-C", premiere, "recours", "--check")))
    assert base.group(0) in check


# -- 8: a delay counted from a receipt not noted is an estimate ---------------------------------


def test_the_letters_delay_without_its_receipt_is_said_estimated(case, run, monkeypatch):
    # 8: « … compté de sa réception » dated 30 days after posting without saying why
    monkeypatch.setenv("RDVLETTERS_NOW", "2026-11-20T07:00:00+01:00")
    n = re.search(r"sent (\d+)", _ok(run("-C", case, "letter", "--format", "text"))).group(1)
    monkeypatch.setenv("RDVLETTERS_NOW", "2026-11-20T18:00:00+01:00")
    _ok(run("-C", case, "sent", n, "--at", "2026-11-20 10:00", "--tracking", "1A 123 456 7890 1"))
    monkeypatch.setenv("RDVLETTERS_NOW", NOW)
    status = _flat(_ok(run("-C", case, "status")))
    assert (
        "20 décembre 2026 (dans 20 jours) – Fin du délai donné au préfet par la lettre "
        "recommandée (date estimée : avis de réception non noté)" in status
    )
    assert "réception supposée quinze jours après l'envoi" in status


# -- 9: the notes list every deadline -----------------------------------------------------------


def test_the_notes_list_every_deadline_as_status_does(expire, run):
    # 9: only those within 30 days or passed were listed
    _ok(run("-C", expire, "recours"))
    notes = _docx(_latest(expire, "*_a_lire_avant_depot.docx"))
    status = _ok(run("-C", expire, "status")).split("ÉCHÉANCES\n")[1]
    titles = re.findall(r"^  (?:ATTENTION )?(\d+ \w+ \d{4}) \(", status, re.M)
    assert "30 avril 2027" in titles  # 151 days ahead
    for when in titles:
        assert when in notes, when


# -- 10: after the ANEF window, only an attestation de dépôt ------------------------------------


def test_the_anef_window_end_says_what_a_late_filing_gives(anef_case, run):
    # 10: the ANEF renewal window's end did not say that a later filing gives only an
    # attestation de dépôt, which does not prove lawful stay (R. 431-15-1)
    status = _flat(_ok(run("-C", anef_case, "status")))
    end = status.split("Fin du délai de renouvellement (article R. 431-5 du CESEDA)", 1)[1]
    assert end.lstrip().startswith(
        "Dernier jour pour demander le renouvellement dans le délai ; après, un droit de visa de "
        "régularisation peut être réclamé (article L. 436-5), et une demande déposée sur l'ANEF "
        "ne donne plus qu'une attestation de dépôt, qui ne prouve pas la régularité du séjour"
    )


# -- 11: after registration, the expiry line and the appeal's date ------------------------------


def test_after_registration_the_expiry_line_and_the_appeal_date(expire, run):
    # 11: « tant que votre demande n'est pas enregistrée, vous n'avez aucun document de séjour
    # valable » after the registration; no date for the two months to appeal
    _ok(run("-C", expire, "record", "registration", "--at", "2026-11-27 09:00"))
    status = _flat(_ok(run("-C", expire, "status")))
    assert "tant que votre demande n'est pas enregistrée" not in status
    assert "Votre titre de séjour a expiré ; votre demande est enregistrée" in status
    assert "27 mai 2027 (dans 178 jours) – Deux mois après le refus implicite" in status


# -- 14: the benchmark met, status shows the first missing marker ------------------------------


def test_once_the_weeks_are_there_status_shows_the_first_missing_marker(case, run):
    # 14: status « essayez encore 2 fois le site » while the check says « Envoyez la lettre »
    edit_profile(case, ("      date: 2027-01-04\n", ""))  # no dated urgency: nothing to rush
    check = _flat(_ok(run("-C", case, "recours", "--check")))
    assert "[x] Démarches justifiées sur plusieurs semaines différentes" in check
    assert "→ Envoyez la lettre recommandée" in check
    status = _flat(_ok(run("-C", case, "status")))
    assert "À FAIRE MAINTENANT Envoyez la lettre recommandée" in status
    assert "essayez encore" not in status


# -- 15: a witness form only for a visit without its statement ---------------------------------


def test_witness_forms_only_for_visits_without_statement(premiere, run, tmp_path):
    # 15: « 2 notées sur 2 (modèle joint, à faire recopier et signer) » with blank forms
    # still generated for visits already attested
    _ok(run("-C", premiere, "record", "counter", "--at", "2026-11-27 09:00",
            "--witness", "Paul DURAND", "-m", "Aucun rendez-vous donné"))  # fmt: skip
    _ok(run("-C", premiere, "bundle", "-o", tmp_path / "d1"))
    private = tmp_path / "d1" / "Ne_pas_deposer"
    control = _flat((private / "Liste_de_controle.txt").read_text(encoding="utf-8"))
    line = re.search(r"Attestation du témoin de chaque visite au guichet : (\d+) notées? sur (\d+)",
                     control)  # fmt: skip
    noted, visits = int(line.group(1)), int(line.group(2))
    assert 0 < noted < visits  # one visit attested, one not
    forms = sorted(private.glob("Attestation_temoin_a_completer_*.docx"))
    assert [f.name for f in forms] == [
        "Attestation_temoin_a_completer_Paul_DURAND_2026-11-27.docx"
    ]  # the visit already attested has no blank form
    assert ("modèle joint" in control) == bool(visits - noted)
    for __ in range(visits - noted):  # every visit attested: no form, no « modèle joint »
        _ok(run("-C", premiere, "record", "attestation", "--at", "2026-11-29 18:00",
                "--proof", PDF, "-m", "Attestation manuscrite"))  # fmt: skip
    _ok(run("-C", premiere, "bundle", "-o", tmp_path / "d2"))
    private = tmp_path / "d2" / "Ne_pas_deposer"
    control = _flat((private / "Liste_de_controle.txt").read_text(encoding="utf-8"))
    assert f"[x] Attestation du témoin de chaque visite au guichet : {visits} notée" in control
    assert "modèle joint" not in control
    assert not list(private.glob("Attestation_temoin_a_completer_*.docx"))


# -- 16: the notes name the inventory, which is not uploaded ------------------------------------


def test_the_notes_say_the_inventory_is_not_uploaded(premiere, run):
    # 16: « les seuls fichiers numérotés » while 00_Inventaire sits among them, with
    # « [à joindre] » and the journal's fingerprint
    _ok(run("-C", premiere, "recours"))
    notes = _docx(_latest(premiere, "*_a_lire_avant_depot.docx"))
    assert "les seuls fichiers numérotés" not in notes
    assert "les fichiers numérotés à partir de 01" in notes
    assert "Ne déposez ni le fichier « 00_Inventaire »" in notes


# -- 17: every [S] address is printed the same way ---------------------------------------------


def test_every_secondary_source_address_is_to_confirm(case, run):
    # 17: Lyon « [code postal et cedex à vérifier] », Paris printed plain, both [S]
    import csv

    from rdvletters.departements import DATA, table

    with open(DATA / "ta_competence.csv", encoding="utf-8", newline="") as handle:
        secondary = [r["departement_code"] for r in csv.DictReader(handle)
                     if r["tribunal_address"].startswith("[S")]  # fmt: skip
    assert {"69", "75"} <= set(secondary)
    for code in secondary:
        dept = table()[code]
        assert not dept.tribunal_address_lines or dept.address_to_confirm, code
    edit_profile(case, ('departement: "93"', 'departement: "75"'))
    _ok(run("-C", case, "recours"))
    requete = _docx(_latest(case, "*_projet-requete-refere.docx"))
    assert "7 rue de Jouy, 75181 Paris Cedex 04 [code postal et cedex à vérifier]" in requete


# -- 13: the ANEF e-mail cites the R. 431-2 steps once they are made ---------------------------


def test_the_anef_email_cites_the_accompaniment_once_sought(anef_case, run):
    # 13: after 2 CCC contacts and a point d'accueil numérique visit, the e-mail still asked
    # « comment bénéficier de l'accompagnement prévu par l'article R. 431-2 »
    _ok(run("-C", anef_case, "email"))
    mail = _flat(_latest(anef_case, "*_courriel_*.txt").read_text(encoding="utf-8"))
    assert "comment bénéficier de l'accompagnement" not in mail
    assert re.search(
        r"J'ai fait appel au dispositif d'accompagnement prévu par l'article R. 431-2 du CESEDA, "
        r"auprès du centre de contact citoyens \(\d+ contacts?\) et d'un point d'accueil "
        r"numérique \(\d+ passages?\), sans pouvoir déposer ma demande\. Je vous demande de "
        r"constater l'impossibilité d'utiliser le téléservice et de m'inviter à enregistrer ma "
        r"demande par la solution de substitution",
        mail,
    )
