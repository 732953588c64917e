"""An association jurist's reading of three cases, kept as tests (issue 15).

The three cases a jurist read: a first application filed in person (the rdv example),
an ANEF renewal (the anef example) and a rdv renewal whose permit has expired (the rdv
example made a renewal, expired on 31 October 2026). Each has its registered letter sent
and received; the first application also has its witness statement noted. Every test
reads the real output (text files, DOCX through python-docx, the dossier) and names the
defect it guards against: it fails if the defect comes back.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document as open_docx

from rdvletters.case import Case
from rdvletters.court import deadlines, readiness
from rdvletters.court.status import compute_status
from rdvletters.facts import Facts
from rdvletters.frdates import PARIS

from .conftest import NOW, edit_profile

NBSP = "\u00a0"
PROOF = Path(__file__).parent.parent / "examples" / "kofi" / "pieces"
PDF = PROOF / "2026-11-10_1030_pan_ticket_09.pdf"
PNG = PROOF / "2026-10-19_0920_anef_capture_erreur_00.png"
TODAY = date(2026, 11, 30)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(NBSP, " "))


def _ok(result) -> str:
    assert result.exit_code == 0, result.output + result.stderr
    return result.output


def _latest(folder: Path, pattern: str) -> Path:
    return sorted((folder / "documents").glob(pattern))[-1]


def _text(folder: Path, pattern: str) -> str:
    return _flat(_latest(folder, pattern).read_text(encoding="utf-8"))


def _docx(path: Path) -> str:
    """The text of a DOCX, its tables' cells included, as a reader sees it (the hyphens
    of article numbers kept unbreakable on paper read as hyphens)."""
    doc = open_docx(path)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return _flat("\n".join([p.text for p in doc.paragraphs] + cells)).replace("\u2011", "-")


def _send_letter(run, monkeypatch, folder: Path, day: str, received: str) -> None:
    """The registered letter prepared and posted on ``day``, its card signed on
    ``received`` (each step at its own « now »)."""
    monkeypatch.setenv("RDVLETTERS_NOW", f"{day}T07:00:00+01:00")  # before 10:00 in any season
    out = _ok(run("-C", folder, "letter", "--format", "text"))
    n = re.search(r"sent (\d+)", out).group(1)
    monkeypatch.setenv("RDVLETTERS_NOW", f"{received}T18:00:00+01:00")
    _ok(run("-C", folder, "sent", n, "--at", f"{day} 10:00", "--tracking", "1A 123 456 7890 1",
            "--proof", PDF))  # fmt: skip
    _ok(run("-C", folder, "record", "ar", "--at", received, "--proof", PNG))
    monkeypatch.setenv("RDVLETTERS_NOW", NOW)


@pytest.fixture
def premiere(case, run, monkeypatch) -> Path:
    """The rdv first application: letter of 20 October received on the 23rd, the witness's
    statement noted on 28 October."""
    _send_letter(run, monkeypatch, case, "2026-10-20", "2026-10-23")
    _ok(run("-C", case, "record", "attestation", "--at", "2026-10-28 18:00", "--proof", PDF,
            "-m", "Attestation manuscrite de Fatou KONÉ"))  # fmt: skip
    return case


@pytest.fixture
def anef(anef_case, run, monkeypatch) -> Path:
    """The ANEF renewal: letter of 30 October received on 3 November."""
    _send_letter(run, monkeypatch, anef_case, "2026-10-30", "2026-11-03")
    return anef_case


@pytest.fixture
def expire(tmp_path, run, monkeypatch) -> Path:
    """A rdv renewal, the permit expired on 31 October 2026 (window 31 August – 31 October,
    first attempt 14 September); letter of 5 October received on the 8th: seven weeks
    after its receipt have passed."""
    case = tmp_path / "expire"
    _ok(run("init", "--example", case))
    profile = case / "profil.yaml"
    text = profile.read_text(encoding="utf-8")
    start, end = text.index("  urgence:"), text.index("  oqtf:")
    text = (
        text[:start]
        + (
            "  urgence:\n"
            '    - fait: "Mon employeur a suspendu mon contrat de travail le 2 novembre 2026, faute '
            'de titre de séjour en cours de validité"\n'
            '      consequence: "Je ne perçois plus de salaire depuis cette date."\n'
        )
        + text[end:]
    )
    profile.write_text(text, encoding="utf-8")
    edit_profile(
        case,
        ("nature: premiere_demande", "nature: renouvellement"),
        ("titre_actuel_expire_le:", "titre_actuel_expire_le: 2026-10-31"),
        (" (admission exceptionnelle au séjour)", ""),
        ("  fondement: admission_exceptionnelle\n", ""),
    )
    _send_letter(run, monkeypatch, case, "2026-10-05", "2026-10-08")
    return case


def _all_outputs(run, folder: Path, tmp_path: Path) -> dict[str, str]:
    """Every document of the case, as the person and the court read them."""
    _ok(run("-C", folder, "email"))
    _ok(run("-C", folder, "letter"))
    _ok(run("-C", folder, "referral"))
    _ok(run("-C", folder, "recours"))
    _ok(run("-C", folder, "recours", "--format", "text"))
    _ok(run("-C", folder, "bundle", "-o", tmp_path / "dossier"))
    private = tmp_path / "dossier" / "Ne_pas_deposer"
    return {
        "courriel": _text(folder, "*_courriel_*.txt"),
        "lettre": _docx(_latest(folder, "*_lettre-recommandee.docx")),
        "saisine": _docx(_latest(folder, "*_saisine-defenseur.docx")),
        "requete": _docx(_latest(folder, "*_projet-requete-refere.docx")),
        "requete_texte": _text(folder, "*_projet-requete-refere.txt"),
        "a_lire": _docx(_latest(folder, "*_a_lire_avant_depot.docx")),
        "fiche": _docx(private / "Fiche_de_synthese.docx"),
        "controle": _flat((private / "Liste_de_controle.txt").read_text(encoding="utf-8")),
        "inventaire": _flat((private / "00_Inventaire.txt").read_text(encoding="utf-8")),
        "status": _flat(_ok(run("-C", folder, "status"))),
        "check": _flat(_ok(run("-C", folder, "recours", "--check"))),
    }


# -- the requête a judge can grant ---------------------------------------------------------


def test_anef_renewal_asks_for_lawful_stay_as_its_own_conclusion(anef, run):
    # blocking defect: the ANEF renewal requête asked only for a convocation; a
    # registration after the window gives an attestation de dépôt, no proof of lawful stay
    _ok(run("-C", anef, "recours", "--format", "text"))
    requete = _text(anef, "*_projet-requete-refere.txt")
    conclusions = requete.split("III. CONCLUSIONS")[1].split("Fait à Lyon")[0]
    asks = conclusions.split(" - ")[1:]
    assert len(asks) == 2  # two distinct conclusions
    assert asks[1].startswith(
        "de lui enjoindre, dès l'enregistrement de ma demande, de me délivrer l'attestation "
        "de prolongation de l'instruction prévue à l'article R. 431-15-1 du CESEDA ou, à "
        "défaut, tout document provisoire justifiant de la régularité de mon séjour"
    )
    discussion = _text(anef, "*_projet-requete-refere.txt")
    assert "attestation de dépôt, qui ne justifie pas de la régularité du séjour" in discussion


def test_rdv_renewal_keeps_the_recepisse_and_tells_the_four_months(expire, run):
    _ok(run("-C", expire, "recours", "--format", "text"))
    requete = _text(expire, "*_projet-requete-refere.txt")
    assert "le récépissé prévu à l'article R. 431-12 du CESEDA" in requete
    assert "R. 431-15-1" not in requete
    notes = _text(expire, "*_a_lire_avant_depot.txt")
    assert (
        "le silence du préfet vaut refus implicite (article R. 432-2 du CESEDA), même si un "
        "récépissé ou une attestation de prolongation vous a été remis (CE, avis, 6 mai 2025, "
        "n° 499904)" in notes
    )
    assert (
        "le récépissé (article R. 431-12 du CESEDA) vous permet de justifier de la régularité de "
        "votre séjour ; il "
        "n'empêche pas le délai de quatre mois de courir" in notes
    )


def test_one_definition_of_a_justified_step_in_every_output(premiere, run, tmp_path):
    # serious defect: « dont aucune » beside « le témoin en atteste (pièce n° 9) », and
    # outputs that counted justified steps each their own way
    out = _all_outputs(run, premiere, tmp_path)
    facts = Facts.from_journal(Case(premiere).journal.read())
    visit = facts.by_channel("counter")[0]
    assert facts.justified(visit) and facts.statements[visit.n].channel == "attestation"
    justified, total = len(facts.attempts_with_proof), len(facts.attempts)
    assert (justified, total) == (21, 30)  # 19 screenshots, the letter's proof, the visit
    said = f"{total} démarches, dont {justified} avec un justificatif"
    for name in ("courriel", "lettre", "saisine", "requete"):
        assert said in out[name], name
    assert f"{total} démarches, dont {justified} avec justificatif" in out["status"]
    assert f"{justified} démarches justifiées sur {total}" in out["check"]
    assert f"Démarches justifiées : {justified} démarches sur {total}" in out["controle"]
    assert f"{total} démarches, dont {justified} avec justificatif" in out["fiche"]
    # the visit's week counts it justified and cites the statement, nothing else
    statement = re.search(
        r"Pièce n° (\d+) : Attestation de Fatou KONÉ relative à la présentation au guichet "
        r"de la préfecture du 15 octobre 2026",
        out["requete"],
    )
    assert statement
    number = statement.group(1)
    week = re.search(r"semaine du lundi 12 octobre 2026 : ([^-]*)", out["requete"]).group(1)
    assert week.startswith("2 démarches, dont 2 avec justificatif (pièces n° 9 et ")
    assert f"et {number})" in week
    assert f"Le témoin en atteste (pièce n° {number})." in out["requete"]
    # each week cites exactly as many pieces of proof as it has justified steps, or more
    # when one step has several (never fewer, never a week « dont aucune » with a piece)
    for _made, proven, cited in re.findall(
        r"semaine du [^:]+: (\d+) démarches?, dont (\d+|aucune) avec justificatif(?: \(([^)]*)\))?",
        out["requete"],
    ):
        if proven == "aucune":
            assert not cited
        else:
            assert len(re.findall(r"\d+", cited)) >= int(proven)


def test_the_chronology_cites_the_statement_for_an_attested_visit(premiere, run, tmp_path):
    # defect: « Justificatif : aucun » on the row of a visit whose statement was noted
    from .conftest import chronology_of

    rows = chronology_of(premiere).tables[0][2]
    visit = next(r for r in rows if r[2] == "présentation au guichet")
    assert visit[4] != "aucun" and visit[4].startswith("n°")


def test_urgency_facts_each_have_their_number_and_their_consequence(premiere, run):
    edit_profile(
        premiere,
        ("  oqtf: non", '    - fait: "Mon fils est scolarisé à Bobigny."\n  oqtf: non'),
    )
    _ok(run("-C", premiere, "recours", "--format", "text"))
    requete = _text(premiere, "*_projet-requete-refere.txt")
    assert "(pièce n° 25). Sans titre de séjour le 4 janvier 2027, je perdrai cet emploi" in requete
    # the fact without its file keeps its own number, « [à joindre] » in the list
    assert "Mon fils est scolarisé à Bobigny (pièce n° 26). [Conséquence concrète" in requete
    assert "Pièce n° 26 : Justificatif : Mon fils est scolarisé à Bobigny. [à joindre]" in requete
    assert "caractérisent la nécessité" not in requete  # facts, not a bare formula


def test_the_requete_file_is_for_the_judge_and_every_placeholder_is_in_the_notes(premiere, run):
    # serious defect: page 1 of the requête spoke to the person and listed its weaknesses
    _ok(run("-C", premiere, "recours", "--format", "text"))
    requete = _latest(premiere, "*_projet-requete-refere.txt").read_text(encoding="utf-8")
    assert requete.startswith("REQUÊTE EN RÉFÉRÉ\n")
    for for_the_person in ("relisez", "Retirez", "rdvletters", "permanence", "repère"):
        assert for_the_person not in requete, for_the_person
    notes = _text(premiere, "*_a_lire_avant_depot.txt")
    placeholders = set(re.findall(r"\[[^\[\]]+\]", requete.replace("\n", " ")))
    placeholders.discard("[à joindre]")  # said in the notes' « Les pièces »
    # Montreuil: its sources disagree on the street (ta_competence.csv), printed as every [S]
    assert placeholders == {
        "[numéro et rue à vérifier sur le site du tribunal]",
        "[code postal et cedex à vérifier]",
    }
    for placeholder in placeholders:
        assert f"- {placeholder}" in notes
    assert "[à joindre] du bordereau" in notes


def test_conclusions_fix_both_delays_and_the_profile_can_change_them(premiere, run):
    edit_profile(
        premiere,
        ("lieu_signature: Bobigny", "lieu_signature: Bobigny\nrecours:\n"
         "  delai_injonction_jours: 8\n  delai_rendez_vous_jours: 21"),
    )  # fmt: skip
    _ok(run("-C", premiere, "recours", "--format", "text"))
    requete = _text(premiere, "*_projet-requete-refere.txt")
    assert (
        "de me communiquer, dans un délai de huit jours à compter de la notification de "
        "l'ordonnance, une date de rendez-vous permettant l'enregistrement de ma demande de "
        "titre de séjour, ce rendez-vous devant avoir lieu dans un délai maximal de vingt et un "
        "jours à compter de la même notification." in requete
    )
    assert "Signature :" in requete


def test_piece_labels_say_what_each_piece_is(premiere, anef, run, tmp_path):
    # defects: « Échange », « Justificatif » alone; « copie » for an e-mail kept only as the
    # tool's text
    _ok(run("-C", anef, "email"))
    out = _ok(run("-C", anef, "email"))
    n = re.search(r"sent (\d+)", out).group(1)
    _ok(run("-C", anef, "sent", n))
    _ok(run("-C", anef, "recours", "--format", "text"))
    anef_list = _text(anef, "*_projet-requete-refere.txt").split("BORDEREAU DES PIÈCES")[1]
    assert (
        "Texte du courriel envoyé à la préfecture (relance n° 2), le 30 novembre 2026" in anef_list
    )
    assert "Copie du courriel" not in anef_list
    assert "Réponse écrite du centre de contact citoyens, demande n° 2610-48213" in anef_list
    assert "Justificatif du passage au point d'accueil numérique" in anef_list
    assert "Texte de la lettre recommandée avec avis de réception envoyée au préfet" in anef_list
    assert (
        "Avis de réception de la lettre recommandée du 30 octobre 2026, signé le 3 novembre 2026"
        in anef_list
    )
    _ok(run("-C", premiere, "recours", "--format", "text"))
    first = _text(premiere, "*_projet-requete-refere.txt").split("BORDEREAU DES PIÈCES")[1]
    assert (
        "Attestation de Fatou KONÉ relative à la présentation au guichet de la préfecture du "
        "15 octobre 2026" in first
    )


def test_recours_and_bundle_number_alike_whichever_comes_first(premiere, run, tmp_path):
    # serious defect: the fingerprint under the bordereau did not match the dossier's once
    # the requête itself was journaled
    for order in (("recours", "bundle"), ("bundle", "recours")):
        folder = tmp_path / "-".join(order)
        for step in order:
            if step == "recours":
                _ok(run("-C", premiere, "recours", "--format", "text"))
            else:
                _ok(run("-C", premiere, "bundle", "-o", folder))
        requete = _text(premiere, "*_projet-requete-refere.txt")
        inventory = _flat((folder / "Ne_pas_deposer" / "00_Inventaire.txt").read_text("utf-8"))
        state = re.search(r"arrêté à l'entrée n° \d+ \(empreinte [0-9a-f]{16}\)", requete)
        assert state and state.group(0) in inventory, order
        listed = re.findall(r"Pièce n° (\d+) : (.*?)(?= - Pièce n° | Pièces numérotées)", requete)
        for number, label in listed:
            assert f"Pièce n° {number} : {label.replace(' [à joindre]', '')}" in inventory


def test_sources_settled_and_no_fee_amount(premiere, anef, expire, run, tmp_path):
    for folder in (premiere, anef, expire):
        out = _all_outputs(run, folder, tmp_path / folder.name)
        for name, text in out.items():
            assert "Légifrance" not in text, name
            assert not re.search(r"\d+ ?(€|euros)", text.replace("euros par jour", "")), name
        assert (
            "(CE, 9 juin 2022, n° 453391, mentionné aux tables du recueil Lebon)" in out["requete"]
        )
        assert "R. 741-12" in out["a_lire"] and "R. 741-12" not in out["requete"]
        assert "L. 436-5" not in out["requete"]
    rdv = _all_outputs(run, premiere, tmp_path / "encore")["requete"]
    assert (
        "le préfet peut, comme tout chef de service, organiser le dépôt des demandes (CE, "
        "Section, avis, 3 juin 2022, n° 461694)" in rdv
    )  # the whole « accès normal » formula is 452798's (jurist review 2026-12-06, 6)
    assert (
        "accès normal des usagers au service public et de garantir aux personnes concernées "
        "l'exercice effectif de leurs droits (CE, Section, 3 juin 2022, n° 452798)" in rdv
    )


def test_force_majeure_is_asked_of_the_prefet_in_second_place(expire, run):
    _ok(run("-C", expire, "letter", "--format", "text"))
    letter = _text(expire, "*_lettre-recommandee.txt")
    main = letter.index("regardée comme présentée dans ce délai")
    subsidiary = letter.index("À titre subsidiaire, ce délai ayant pris fin le 31 octobre 2026")
    assert main < subsidiary and "force majeure au sens de l'article L. 436-5" in letter


# -- record ar ----------------------------------------------------------------------------


def test_record_ar_asks_the_signed_date_and_says_it(anef_case, run, tmp_path):
    out = _ok(run("-C", anef_case, "letter", "--format", "text"))
    n = re.search(r"sent (\d+)", out).group(1)
    _ok(run("-C", anef_case, "sent", n))
    refused = run("-C", anef_case, "record", "ar", "--proof", PNG)
    assert refused.exit_code == 2 and "date de signature inscrite sur l'avis" in refused.stderr
    capture = run("-C", anef_case, "record", "ar", "--at", "capture", "--proof", PNG)
    assert capture.exit_code == 2 and "n'est pas celle de sa signature" in capture.stderr
    done = _ok(run("-C", anef_case, "record", "ar", "--at", "30/11/2026"))
    assert "avis de réception signé le 30/11/2026, la date inscrite sur l'avis" in done
    entry = json.loads((anef_case / "journal.jsonl").read_text().splitlines()[-1])
    assert entry["canal"] == "ar" and entry["date"].startswith("2026-11-30T")


# -- recours --check and status tell the same truth ---------------------------------------


def test_anef_diligences_are_a_criterion(anef, run):
    check = _flat(_ok(run("-C", anef, "recours", "--check")))
    assert (
        "[x] Diligences de l'article R. 431-2 du CESEDA (accompagnement) : 2 contacts avec le "
        "centre de contact citoyens, dont 2 avec sa réponse écrite gardée ; 1 passage ou "
        "demande au point d'accueil numérique" in check
    )
    for n in ("5", "14"):  # the written answers withdrawn: the criterion is no longer met
        _ok(run("-C", anef, "correct", n, "--withdraw", "--reason", "test"))
    check = _flat(_ok(run("-C", anef, "recours", "--check")))
    assert "[ ] Diligences de l'article R. 431-2" in check
    assert "rdvletters record reply --reference N° --proof reponse.pdf" in check


def test_a_dated_urgency_beats_the_weekly_benchmark(case, run):
    # serious defect: « continuez chaque semaine » while the basis ends before the benchmark
    edit_profile(
        case,
        ("fondement: admission_exceptionnelle", "fondement: metiers_en_tension"),
        (
            "lieu_signature: Bobigny",
            "lieu_signature: Bobigny\nseuils:\n  tentatives_par_semaine: 3",
        ),
    )
    check = _flat(_ok(run("-C", case, "recours", "--check")))
    assert "Continuez chaque semaine" not in check
    assert (
        "N'attendez pas : voyez une permanence cette semaine (Fin de l'expérimentation « métiers "
        "en tension » (article L. 435-4 du CESEDA), le 31 décembre 2026, tomberait avant le "
        "repère)." in check
    )
    status = _flat(_ok(run("-C", case, "status")))
    assert "À FAIRE MAINTENANT N'attendez pas : voyez une permanence cette semaine" in status


def test_seven_weeks_after_the_receipt_the_open_question_is_said(expire, run):
    check = _flat(_ok(run("-C", expire, "recours", "--check")))
    assert (
        "! Sept semaines sont passées : par prudence, déposez la requête avant le 8 décembre "
        "2026. Deux mois de silence du préfet pourraient être regardés comme un refus implicite "
        "de vous convoquer, qui ferait obstacle au référé ; la question n'est pas tranchée par "
        "les juges." in check
    )
    status = _flat(_ok(run("-C", expire, "status")))
    assert (
        "Voyez une permanence juridique cette semaine : par prudence, déposez la requête avant le 8 décembre 2026"
        in status
    )


def test_the_defenseur_comes_before_the_judge(premiere, run):
    check = _flat(_ok(run("-C", premiere, "recours", "--check")))
    assert (
        "[i] Défenseur des droits (avant le juge) : pas saisi ; saisissez-le avant de déposer le "
        "référé : il ne prend pas en charge un litige déjà porté devant un tribunal" in check
    )
    assert "Les repères sont réunis" in check  # said, not counted as missing
    _ok(run("-C", premiere, "record", "defenseur", "-m", "formulaire en ligne"))
    check = _flat(_ok(run("-C", premiere, "recours", "--check")))
    assert "le référé conduira probablement à clore la saisine" in check


@pytest.mark.parametrize("days", [0, 7, 21, 45, 80])
def test_status_and_check_never_disagree(premiere, anef, expire, days):
    # serious defect: status said a benchmark was unmet while the check said « les repères
    # sont réunis »
    for folder in (premiere, anef, expire):
        case = Case(folder)
        profile, facts = case.load().profile, Facts.from_journal(case.journal.read())
        now = datetime(2026, 11, 30, 10, 0, tzinfo=PARIS) + timedelta(days=days)
        status = compute_status(profile, facts, now, case.root)
        check = readiness.check(profile, facts, now.date(), case.root)
        assert status.recours == check.to_dict()
        assert status.verdict == readiness.verdict(check)
        weeks = next(c for c in check.criteria if c.key == "semaines")
        assert weeks.met == (status.legal_floor_met and status.advice_met)
        assert check.ready == ("Les repères sont réunis" in status.verdict)


# -- the law's clock ----------------------------------------------------------------------


def test_every_milestone_of_an_expired_rdv_renewal(expire):
    case = Case(expire)
    found = deadlines.milestones(
        case.load().profile, Facts.from_journal(case.journal.read()), TODAY
    )
    by_kind = {m.kind: m for m in found}
    assert by_kind["renouvellement_debut"].date == date(2026, 8, 31)
    assert by_kind["renouvellement_fin"].date == date(2026, 10, 31)
    assert by_kind["expiration"].date == date(2026, 10, 31)
    assert by_kind["premiere_demande_de_nouveau"].date == date(2027, 4, 30)  # R. 431-8
    assert by_kind["lettre_delai"].date == date(2026, 10, 16)  # received 8 Oct + 8 days
    assert by_kind["lettre_sept_semaines"].date == date(2026, 11, 26)
    assert by_kind["lettre_deux_mois"].date == date(2026, 12, 8)
    assert by_kind["expiration"].passed(TODAY) and by_kind["expiration"].attention(TODAY)
    assert by_kind["lettre_deux_mois"].near(TODAY)
    assert not by_kind["premiere_demande_de_nouveau"].attention(TODAY)
    # stable keys: a calendar updates the same entry from one run to the next
    again = deadlines.milestones(
        case.load().profile, Facts.from_journal(case.journal.read()), TODAY
    )
    assert [m.key for m in found] == [m.key for m in again]
    assert len({m.key for m in found}) == len(found)


def test_urgency_dates_sunset_and_registration_are_milestones(case, run):
    edit_profile(case, ("fondement: admission_exceptionnelle", "fondement: metiers_en_tension"))
    _ok(run("-C", case, "record", "registration", "--at", "2026-11-30 09:00", "-m", "récépissé"))
    c = Case(case)
    found = {
        m.kind: m
        for m in deadlines.milestones(c.load().profile, Facts.from_journal(c.journal.read()), TODAY)
    }
    assert found["urgence"].date == date(2027, 1, 4)
    # registered: the urgency's date asks for the récépissé (R. 431-12), not for a judge
    assert (
        found["urgence"]
        .meaning(TODAY)
        .startswith(
            "Votre demande est enregistrée : pour cette date, montrez le récépissé remis à "
            "l'enregistrement (article R. 431-12 du CESEDA)"
        )
    )
    assert found["fin_fondement"].date == date(2026, 12, 31)
    assert "sa prolongation n'est pas connue" in found["fin_fondement"].meaning(TODAY)
    assert found["refus_implicite"].date == date(2027, 3, 30)
    assert "CE, avis, 6 mai 2025, n° 499904" in found["refus_implicite"].meaning(TODAY)
    assert "lettre_delai" not in found  # registered: the letter's clock no longer runs


def test_status_fiche_and_web_show_the_deadlines(expire, run, tmp_path):
    status = _ok(run("-C", expire, "status"))
    block = status.split("ÉCHÉANCES\n")[1]
    lines = [ln for ln in block.splitlines() if ln.startswith("  ") and not ln.startswith("    ")]
    assert lines[0].startswith("  ATTENTION 8 décembre 2026 (dans 8 jours) – Deux mois après")
    assert "30 avril 2027 (dans 151 jours) – Six mois après l'expiration" in block
    assert (
        "ATTENTION 31 octobre 2026 (passée depuis 30 jours) – Expiration du titre de séjour\n"
        "      Votre titre de séjour a expiré" in block
    )  # a passed deadline in the past tense, with what it means
    assert "Ouverture du délai" not in block  # a passed opening says nothing any more
    _ok(run("-C", expire, "bundle", "-o", tmp_path / "d"))
    fiche = _docx(tmp_path / "d" / "Ne_pas_deposer" / "Fiche_de_synthese.docx")
    assert (
        "Échéance : 30 avril 2027" in fiche and "ATTENTION – Expiration du titre de séjour" in fiche
    )
    from rdvletters.web.app import create_app
    from rdvletters.web.cases import Registry

    app = create_app(Registry(expire, False), token="t" * 32, lang="fr")
    app.config["TESTING"] = True
    client = app.test_client()
    assert client.get(f"/?token={'t' * 32}").status_code == 200
    page = _flat(re.sub(r"<[^>]+>", " ", client.get("/c/cas/status").get_data(as_text=True)))
    section = page.split("Échéances", 1)[1]
    assert "ATTENTION 8 déc. 2026 (dans 8 jours) — Deux mois après" in section
    assert "passée depuis 30 jours) — Expiration du titre de séjour" in section


# -- nothing claimed that the person did not say ------------------------------------------


def test_no_claim_the_person_did_not_make(case, run):
    # nothing pre-answered: the completeness question must be answered (a blank is refused
    # with its line), and « non » or an unanswered OQTF question are never turned into a claim
    edit_profile(case, ("dossier_complet: oui", "dossier_complet:"))
    refused = run("-C", case, "check")
    assert refused.exit_code == 2 and "demande.dossier_complet" in refused.stderr
    edit_profile(case, ("dossier_complet:", "dossier_complet: non"), ("  oqtf: non", "  oqtf:"))
    for command, pattern in (
        ("email", "*_courriel_*.txt"),
        ("letter", "*_lettre-recommandee.txt"),
        ("referral", "*_saisine-defenseur.txt"),
        ("recours", "*_projet-requete-refere.txt"),
    ):
        args = ["--format", "text"] if command != "email" else []
        _ok(run("-C", case, command, *args))
        text = _text(case, pattern)
        assert "Mon dossier est complet" not in text, command
        assert "dossier complet" not in text, command
        assert "aucune obligation de quitter" not in text, command
    check = _flat(_ok(run("-C", case, "recours", "--check")))
    assert (
        "[ ] Dossier de demande complet : 6 pièces listées dans le profil ; dossier déclaré "
        "incomplet" in check
    )


def test_language_and_civic_conditions_make_the_file_incomplete(case, run):
    edit_profile(case, ("langue_civisme: non_concerne", "langue_civisme: non"))
    assert "demande.langue_civisme : non" in run("-C", case, "check").stderr
    _ok(run("-C", case, "letter", "--format", "text"))
    assert "Mon dossier est complet" not in _text(case, "*_lettre-recommandee.txt")
    check = _flat(_ok(run("-C", case, "recours", "--check")))
    assert "certificat de langue et examen civique manquants" in check


def test_the_oqtf_question_says_even_an_old_one():
    template = (Path(__file__).parent.parent / "templates" / "profil.yaml").read_text("utf-8")
    assert "même ancienne" in template
    from rdvletters.web.profile_form import FIELDS

    oqtf = next(f for f in FIELDS if f.key == ("demande", "oqtf"))
    assert "même ancienne" in oqtf.label
    complete = next(f for f in FIELDS if f.key == ("demande", "dossier_complet"))
    assert complete.default is None  # nothing pre-answered
    keys = {f.key for f in FIELDS}
    assert ("demande", "fondement") in keys and ("demande", "langue_civisme") in keys


# -- the minor list ------------------------------------------------------------------------


def test_times_without_leading_zero_and_raised_ordinal_in_docx(premiere, run):
    _ok(run("-C", premiere, "letter"))
    doc = open_docx(_latest(premiere, "*_lettre-recommandee.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "à 9\u00a0h\u00a005" in text and "09\u00a0h" not in text
    raised = [r for p in doc.paragraphs for r in p.runs if r.font.superscript]
    assert raised and all(r.text == "er" for r in raised)
    assert any(p.runs[i - 1].text[-1:] == "1" for p in doc.paragraphs
               for i, r in enumerate(p.runs) if r.font.superscript)  # fmt: skip


def test_emails_are_said_unanswered_never_the_same_message(premiere, run):
    _ok(run("-C", premiere, "letter", "--format", "text"))
    record = _text(premiere, "*_lettre-recommandee.txt").split("RELEVÉ DATÉ")[1]
    emails = re.findall(r"courriel à la préfecture[^–]*", record)
    assert len(emails) == 5
    assert not any("(même message)" in e for e in emails)
    # the auto-reply of 26 September answered the e-mail of the 25th only
    assert sum("(sans réponse)" in e for e in emails) == 4


def test_the_persons_words_are_grafted_with_case_and_punctuation(premiere, run):
    _ok(run("-C", premiere, "letter", "--format", "text"))
    letter = _text(premiere, "*_lettre-recommandee.txt")
    assert "en présence d'un témoin (Fatou KONÉ) ; l'agent d'accueil a refusé" in letter
    assert ".." not in letter and " ; L'agent" not in letter


def test_the_weekly_email_stays_under_three_hundred_words(premiere, anef, expire, run):
    for folder in (premiere, anef, expire):
        _ok(run("-C", folder, "email"))
        text = _latest(folder, "*_courriel_*.txt").read_text(encoding="utf-8")
        body = text.split("Madame, Monsieur,", 1)[1].split("Pièces jointes")[0]
        words = [w for w in body.split() if re.search(r"[^\W\d_]", w)]
        assert len(words) <= 300, (folder.name, len(words))
        assert "R. 431-5" not in body and "L. 436-5" not in body


def test_the_referral_states_consequences_and_claims_no_refusal_never_asked(anef_case, run):
    for n in ("6", "12"):  # no e-mail to the préfecture any more, and no letter
        _ok(run("-C", anef_case, "correct", n, "--withdraw", "--reason", "test"))
    result = run("-C", anef_case, "referral", "--format", "text")
    assert "la lettre recommandée au préfet n'est pas encore partie" in result.stderr
    referral = _text(anef_case, "*_saisine-defenseur.txt")
    assert "ne m'a pas permis de l'enregistrer autrement" not in referral
    consequences = referral.split("LES CONSÉQUENCES POUR MOI")[1].split("CE QUE JE DEMANDE")[0]
    assert "mon employeur devra suspendre mon contrat de travail et mon salaire" in consequences


def test_the_delegate_block_says_each_thing_once(case, run):
    edit_profile(
        case,
        ("delegue: Permanence de Bobigny", "delegue: Délégué du Défenseur des droits, Bobigny"),
    )
    _ok(run("-C", case, "referral"))
    texts = [p.text for p in open_docx(_latest(case, "*_saisine-defenseur.docx")).paragraphs]
    block = " ".join(texts[: next(i for i, t in enumerate(texts) if t.startswith("Bobigny, le"))])
    assert block.count("Défenseur des droits") == 1
    assert "Madame la Déléguée" in block and "Permanence" not in block


def test_pj_counts_only_answers_received(premiere, run):
    _ok(run("-C", premiere, "letter", "--format", "text"))
    enclosures = _text(premiere, "*_lettre-recommandee.txt").split("P.J. :")[1]
    assert "réponses reçues" not in enclosures  # the auto-reply was noted without a copy
    # 19 screenshots, the previous letter's proof of posting, the witness statement
    assert "Copie des justificatifs de mes démarches (21)" in enclosures


def test_the_anef_site_is_never_the_prefectures(anef_case, run, tmp_path):
    edit_profile(
        anef_case,
        ("site_rdv: https://www.rhone.example.gouv.fr/demarches/etrangers",
         "site_rdv: https://administration-etrangers-en-france.interieur.gouv.fr"),
    )  # fmt: skip
    _ok(run("-C", anef_case, "referral", "--format", "text"))
    referral = _text(anef_case, "*_saisine-defenseur.txt")
    assert "Téléservice ANEF : https://administration-etrangers" in referral
    assert "Site internet de la préfecture" not in referral
    _ok(run("-C", anef_case, "bundle", "-o", tmp_path / "d"))
    inventory = (tmp_path / "d" / "Ne_pas_deposer" / "00_Inventaire.txt").read_text("utf-8")
    assert "Site internet de la préfecture" not in inventory


def test_no_des_before_a_date_late_in_the_window(anef_case, run):
    # window 18 October – 17 December; a first attempt on 24 November is not « dès »
    for n in range(1, 15):
        _ok(run("-C", anef_case, "correct", str(n), "--withdraw", "--reason", "test"))
    _ok(run("-C", anef_case, "letter", "--format", "text"))
    letter = _text(anef_case, "*_lettre-recommandee.txt")
    assert "J'ai entrepris cette démarche le 24 novembre 2026, dans le délai" in letter
    assert "dès le 24 novembre" not in letter


def test_log_says_requete_preparee(premiere, run):
    _ok(run("-C", premiere, "recours"))
    log = _ok(run("-C", premiere, "log"))
    assert "requête préparée" in log and "notes à lire avant le dépôt préparées" in log


def test_a_demarches_simplifiees_pre_request_is_a_channel_of_its_own(case, run, tmp_path):
    _ok(run("-C", case, "record", "ds", "--at", "2026-09-10 10:00", "--reference", "12345678",
            "-m", "Demande préalable déposée", "--proof", PDF))  # fmt: skip
    assert "demande préalable sur Démarches simplifiées" in _ok(run("-C", case, "log"))
    _ok(run("-C", case, "letter", "--format", "text"))
    assert (
        "le 10 septembre 2026, demande préalable déposée sur Démarches simplifiées (dossier "
        "n° 12345678), restée sans réponse" in _text(case, "*_lettre-recommandee.txt")
    )
    _ok(run("-C", case, "recours", "--format", "text"))
    assert "(dossier n° 12345678), restée sans réponse (pièce n° 2)" in _text(
        case, "*_projet-requete-refere.txt"
    )
    _ok(run("-C", case, "bundle", "-o", tmp_path / "d"))
    inventory = _flat((tmp_path / "d" / "Ne_pas_deposer" / "00_Inventaire.txt").read_text("utf-8"))
    assert (
        "Pièce n° 2 : Demande préalable déposée sur Démarches simplifiées, dossier n° 12345678"
        in inventory
    )
