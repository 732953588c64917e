"""Defects found by reading every document as an association jurist would.

Each test reads the real output (the text file, the DOCX through python-docx, the PDF
through pdftotext) of the installed templates and names the defect it guards against.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from pathlib import Path

from docx import Document as open_docx

from .conftest import edit_profile, needs_pdf_tools, pdf_text

NBSP = "\u00a0"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(NBSP, " "))


def _ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def _latest(folder: Path, pattern: str) -> Path:
    return sorted((folder / "documents").glob(pattern))[-1]


def _text(run, folder: Path, command: str, pattern: str) -> str:
    _ok(run("-C", folder, command, "--format", "text"))
    return _flat(_latest(folder, pattern).read_text(encoding="utf-8"))


def _letter(run, folder: Path) -> str:
    return _text(run, folder, "letter", "*_lettre-recommandee.txt")


def _requete(run, folder: Path) -> str:
    return _text(run, folder, "recours", "*_projet-requete-refere.txt")


def _docx_text(path: Path) -> str:
    return _flat("\n".join(p.text for p in open_docx(path).paragraphs))


def _eml(tmp_path: Path, date: str) -> Path:
    message = EmailMessage()
    message["From"] = "kofi.mensah@example.org"
    message["To"] = "pref-titres@example.gouv.fr"
    message["Subject"] = "Dépôt impossible sur l'ANEF"
    message["Date"] = date
    message.set_content("Bonjour")
    path = tmp_path / "envoye.eml"
    path.write_bytes(bytes(message))
    return path


def _png(tmp_path: Path, name: str) -> Path:
    """A real PNG (the example's own screenshot) under a neutral name."""
    source = next((Path(__file__).parent.parent / "examples" / "kofi" / "pieces").glob("*.png"))
    target = tmp_path / name
    target.write_bytes(source.read_bytes())
    return target


def _expired_in_time(anef_case, run) -> None:
    """The ANEF example, its permit expired on 15 November 2026, with an attempt on
    10 September 2026, inside the window (18 July – 16 September 2026)."""
    edit_profile(
        anef_case, ("titre_actuel_expire_le: 2027-02-15", "titre_actuel_expire_le: 2026-11-15")
    )
    _ok(run("-C", anef_case, "record", "anef", "--at", "2026-09-10 10:00", "-m", "Erreur"))


# -- requête ------------------------------------------------------------------------------


def test_requete_one_email_is_not_written_as_a_range(anef_case, run):
    # defect: « à 1 reprise, du 30 octobre 2026 au 30 octobre 2026 »
    _ok(run("-C", anef_case, "correct", "12", "--withdraw", "--reason", "en double"))
    requete = _requete(run, anef_case)
    assert "J'ai écrit au service des étrangers de la préfecture le 30 octobre 2026" in requete
    assert "1 reprise" not in requete and "au 30 octobre 2026" not in requete


def test_requete_anef_diligences_are_not_overstated(anef_case, run):
    # defect: « sont énumérés ci-dessus avec leurs justificatifs », whether or not they had one
    requete = _requete(run, anef_case)
    assert "avec leurs justificatifs" not in requete
    assert (
        "j'ai fait appel au dispositif d'accompagnement, auprès du centre de contact citoyens "
        "(2 contacts) et d'un point d'accueil numérique (1 passage), et le téléservice a échoué "
        "9 fois ; chacun de ces faits est énuméré ci-dessus, avec le numéro de la pièce qui en "
        "justifie lorsqu'elle existe" in requete
    )


def test_anef_diligences_are_not_claimed_without_ccc_or_pan(anef_case, run):
    # defect: the letter and the requête claimed the R. 431-2 diligences (recourse to the
    # accompaniment) when the journal held no CCC contact and no PAN visit
    for n in ("3", "9", "10"):
        _ok(run("-C", anef_case, "correct", n, "--withdraw", "--reason", "test"))
    letter = _letter(run, anef_case)
    assert "J'ai accompli ces diligences" not in letter
    assert "ayant accompli toutes les diligences qui lui incombent" in letter  # the rule stays
    requete = _requete(run, anef_case)
    assert "J'ai accompli ces diligences" not in requete
    assert "[À compléter : le journal ne montre aucun recours au dispositif d'accueil" in requete


def test_rdv_requete_weeks_say_how_many_have_a_proof(case, run):
    # defect: « Mes démarches, réparties sur 12 semaines différentes, en justifient » counted
    # weeks without any proof file as evidence
    _ok(run("-C", case, "record", "web", "--at", "2026-09-08 10:00", "-m", "Aucune plage"))
    requete = _requete(run, case)
    assert (
        "Mes démarches, réparties sur 12 semaines différentes, dont 11 semaines avec au "
        "moins une démarche justifiée, établissent que je n'ai pu obtenir de rendez-vous."
        in requete
    )


def test_requete_first_application_urgency_is_argued_and_unproved_facts_marked(case, run):
    # defect: the facts were listed under the CE 453391 rule with a bare « ces circonstances
    # caractérisent la nécessité… », and a fact without its piece had no number
    edit_profile(
        case,
        (
            "  oqtf: non",
            '    - fait: "Mon fils est scolarisé à Bobigny"\n  oqtf: non',
        ),
    )
    requete = _requete(run, case)
    assert (
        "subordonnée à la délivrance d'un titre de séjour (pièce n° 21). Sans titre de séjour le "
        "4 janvier 2027, je perdrai cet emploi" in requete
    )  # the consequence, in the person's words
    # each fact its own number: the file to add is numbered, its consequence left to say
    assert (
        "Mon fils est scolarisé à Bobigny (pièce n° 22). [Conséquence concrète pour vous à "
        "préciser.]" in requete
    )
    assert "Pièce n° 22 : Justificatif : Mon fils est scolarisé à Bobigny [à joindre]" in requete
    assert "caractérisent la nécessité" not in requete
    notes = _flat(_latest(case, "*_a_lire_avant_depot.txt").read_text(encoding="utf-8"))
    assert "- [Conséquence concrète pour vous à préciser.]" in notes


@needs_pdf_tools
def test_requete_pdf_page_numbers_are_not_page_n_of_1(case, run):
    # defect: the footer « page 3 / 1 » (SECTIONPAGES, which LibreOffice prints as 1)
    _ok(run("-C", case, "recours", "--format", "pdf"))
    text = pdf_text(_latest(case, "*_projet-requete-refere.pdf"))
    pages = text.split("\f")[:-1]
    total = len(pages)
    assert total > 1
    for number, page in enumerate(pages, start=1):  # every page « page N / total »
        assert f"page {number} / {total}" in page


# -- letter, e-mail, referral --------------------------------------------------------------


def test_letter_counts_the_email_copy_once(anef_case, run, tmp_path):
    # defect: a copied e-mail was counted in « justificatifs de mes démarches (N) » and again
    # in « Copie des courriels adressés à votre service (1) »
    eml = _eml(tmp_path, "Wed, 25 Nov 2026 10:00:00 +0100")
    _ok(run("-C", anef_case, "record", "email", "-m", "Relance", "--proof", eml))
    letter = _letter(run, anef_case)
    assert "Copie des justificatifs de mes démarches (12)" in letter
    assert "Copie des réponses reçues (2)" in letter
    assert "Copie des courriels adressés à votre service (1)" in letter
    assert "15 démarches, dont 13 avec un justificatif" in letter  # 12 + the e-mail


def test_referral_counts_the_letter_proof_and_receipt_once(anef_case, run, tmp_path):
    # defect: the proof of posting and the AR were in « justificatifs (16) » and again in
    # « Copie de la lettre recommandée et de sa preuve de dépôt »
    out = _ok(run("-C", anef_case, "letter"))
    n = re.search(r"sent (\d+)", out).group(1)
    proof, card = _png(tmp_path, "depot.png"), _png(tmp_path, "avis.png")
    _ok(run("-C", anef_case, "sent", n, "--tracking", "1A 123 456 7890 1", "--proof", proof))
    _ok(run("-C", anef_case, "record", "ar", "--at", "2026-11-30", "--proof", card))
    _ok(run("-C", anef_case, "referral"))
    referral = _docx_text(_latest(anef_case, "*_saisine-defenseur.docx"))
    assert "Copie des justificatifs de mes démarches (12)" in referral
    assert "Copie des réponses reçues (2)" in referral
    assert (
        "Copie de la lettre recommandée, de sa preuve de dépôt et de son avis de réception"
        in referral
    )


def test_expired_permit_requests_are_written_in_the_past(anef_case, run):
    # defect: « si son instruction se prolonge au-delà de l'expiration de mon titre » and
    # « Si ma demande ne pouvait être enregistrée qu'après le 16 septembre 2026 » once both
    # dates were behind
    _expired_in_time(anef_case, run)
    letter = _letter(run, anef_case)
    assert (
        "et que, mon titre ayant expiré le 15 novembre 2026, l'attestation de prolongation "
        "de l'instruction prévue par l'article R. 431-15-1 du CESEDA soit mise à ma "
        "disposition dès l'enregistrement de ma demande" in letter
    )
    assert "si son instruction se prolonge" not in letter
    assert (
        "À titre subsidiaire, ce délai ayant pris fin le 16 septembre 2026 sans que ma demande ait "
        "pu être enregistrée, je vous demande de regarder l'impossibilité d'utiliser le "
        "téléservice comme un cas de force majeure au sens de l'article L. 436-5" in letter
    )
    email = _flat(_ok(run("-C", anef_case, "email")))
    assert "R. 431-15-1" not in email  # the weekly e-mail stays short: in the letter only
    assert "Si ma demande ne pouvait" not in letter


def test_in_time_renewal_keeps_the_conditional(anef_case, run):
    # the fix above must not change the letter of a permit still valid
    letter = _letter(run, anef_case)
    assert (
        "présentée dans ce délai et, si son instruction se prolonge au-delà de l'expiration de "
        "mon titre, que l'attestation de prolongation" in letter
    )
    assert (
        "À titre subsidiaire, si ma demande ne pouvait être enregistrée qu'après le 17 décembre "
        "2026" in letter
    )


def test_first_attempt_before_the_window_is_not_dated_as_its_start(anef_case, run):
    # defect: « J'ai entrepris cette démarche dès le 27 octobre 2026 » when the attempts began
    # on 19 October, before the window opened (expiry 20 February 2027: 23 Oct – 22 Dec)
    edit_profile(
        anef_case, ("titre_actuel_expire_le: 2027-02-15", "titre_actuel_expire_le: 2027-02-20")
    )
    letter = _letter(run, anef_case)
    assert (
        "J'ai commencé mes démarches le 19 octobre 2026, avant même l'ouverture du délai prévu "
        "à l'article R. 431-5 du CESEDA (entre le cent-vingtième et le soixantième jour "
        "précédant l'expiration de mon titre, soit du 23 octobre 2026 au 22 décembre 2026), et "
        "je les ai poursuivies dans ce délai dès le 27 octobre 2026." in letter
    )
    assert "dès le 27 octobre 2026, dans le délai" not in letter
    check = _flat(_ok(run("-C", anef_case, "recours", "--check")))
    assert "première démarche dans ce délai le 27 octobre 2026" in check


def test_anef_letter_puts_the_counter_before_the_emails(anef_case, run):
    # defect: on the ANEF route the counter visit came after the e-mails' summary, against
    # the order of weight (ANEF, CCC, PAN, counter, e-mails)
    _ok(run("-C", anef_case, "record", "counter", "--at", "2026-11-25 09:00", "-m", "Refus"))
    body = _letter(run, anef_case).split("RELEVÉ DATÉ")[0]
    assert body.index("je me suis présenté au guichet") < body.index("courriel à la préfecture :")


def test_anef_witness_statement_does_not_speak_of_an_appointment(anef_case, run, tmp_path):
    # defect: « où il a demandé un rendez-vous » in the statement for an ANEF counter visit
    _ok(
        run(
            "-C",
            anef_case,
            "record",
            "counter",
            "--at",
            "2026-11-25 09:00",
            "--witness",
            "Ana LIMA",
        )
    )
    _ok(run("-C", anef_case, "bundle", "-o", tmp_path / "dossier"))
    statement = next((tmp_path / "dossier").rglob("Attestation_temoin_*.docx"))
    text = _docx_text(statement)
    assert "rendez-vous" not in text
    assert (
        "où il a demandé à pouvoir enregistrer sa demande de titre de séjour, que le "
        "téléservice ANEF ne lui permettait pas de déposer" in text
    )


# -- status -------------------------------------------------------------------------------


def test_status_does_not_say_an_expired_permit_is_about_to_expire(anef_case, run):
    # defect: « le titre arrive à échéance » under « Échéance dépassée »
    _expired_in_time(anef_case, run)
    status = _flat(_ok(run("-C", anef_case, "status")))
    assert "Envoyez d'abord la lettre recommandée, le titre a expiré" in status
    assert "arrive à échéance" not in status


def test_requete_signature_is_kept_with_the_conclusions(case, run):
    # defect: « Fait à …, le … » and the signature fell alone on a page (seen in the PDF of an
    # ANEF first application), away from the conclusions they sign: the last conclusion and
    # « Fait à » are now kept with what follows
    _ok(run("-C", case, "recours"))
    paragraphs = open_docx(_latest(case, "*_projet-requete-refere.docx")).paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Fait à Bobigny"))
    assert paragraphs[at - 1].text.startswith("d'enjoindre au préfet de la Seine-Saint-Denis")
    assert paragraphs[at - 1].paragraph_format.keep_with_next
    assert paragraphs[at].paragraph_format.keep_with_next
