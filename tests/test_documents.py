"""The documents of the appointment route, checked through the files written."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone

from docx import Document as open_docx
from docx.shared import Mm

from rdvletters.frdates import jour, now_paris

from .conftest import edit_profile, journal_lines

TWIPS_PER_MM = 1440 / 25.4
NBSP = "\u00a0"


def _documents(case, pattern):
    return sorted((case / "documents").glob(pattern))


def _flat(text: str) -> str:
    """Wrapped text as one line, non-breaking spaces as spaces."""
    return re.sub(r"\s*\n\s*", " ", text).replace(NBSP, " ").replace("\u2011", "-")


def test_email_lists_attempts_since_last_email_and_counts_relances(case, run):
    result = run("-C", case, "email")
    assert result.exit_code == 0, result.output
    [path] = _documents(case, "*_courriel_relance-05.txt")
    text = path.read_text(encoding="utf-8")
    assert path.stat().st_mode & 0o777 == 0o600
    assert (
        "Objet : Demande de rendez-vous pour le dépôt d'une demande de titre de séjour – "
        f"DIALLO Aminata – née le 12/04/1990 – relance n°{NBSP}5" in text
    )
    assert "À : pref-etrangers@example.gouv.fr" in text
    # the four attempts after the e-mail of 13 November, the repeated message quoted once
    assert (
        f"- mardi 17 novembre 2026 à 8{NBSP}h{NBSP}05 – site de rendez-vous de la préfecture"
        f"{NBSP}: «{NBSP}Aucune plage horaire libre" in text
    )
    plain = text.replace(NBSP, " ")
    assert (
        "- jeudi 19 novembre 2026 à 21 h 15 – site de rendez-vous de la préfecture (même message)"
        in plain
    )
    assert "mercredi 25 novembre 2026 à 18 h 45" in plain
    assert "12 novembre 2026" not in text
    assert "Mon dernier courriel, du 13 novembre 2026, est resté sans réponse." in text
    flat = _flat(text)
    assert (
        "Au total, depuis le 14 septembre 2026, j'ai fait 29 démarches, dont 19 avec un "
        "justificatif, chaque semaine pendant 11 semaines." in flat
    )
    assert "https://rdv.example.gouv.fr/seine-saint-denis/titre-sejour" in text
    assert "Aminata DIALLO 06 12 34 56 78" in flat  # typed 0612345678 in the profile
    assert "me convoquer" in text
    assert "2026-11-24_0910_web_capture_28.png" in text  # this week's proof, attached
    assert text in result.output  # printed for the user too
    entry = journal_lines(case)[-1]
    assert entry["type"] == "document" and entry["document"] == "courriel"
    assert entry["relance"] == 5 and entry["tentatives"] == [27, 28, 29, 30]
    assert entry["fichier"] == f"documents/{path.name}"


def test_generated_is_not_sent_and_sent_moves_the_count(case, run):
    run("-C", case, "email")
    first = journal_lines(case)[-1]["n"]
    run("-C", case, "email")  # again without sending: same relance number, new file
    files = _documents(case, "*_courriel_relance-05*.txt")
    assert len(files) == 2 and files[1].name.endswith("relance-05_2.txt")
    when = now_paris().replace(second=0, microsecond=0)
    assert run("-C", case, "sent", str(first), "--at", f"{when:%Y-%m-%d %H:%M}").exit_code == 0
    result = run("-C", case, "email")
    text = _documents(case, "*_courriel_relance-06.txt")[0].read_text(encoding="utf-8")
    assert f"relance n°{NBSP}6" in text
    assert "17 novembre" not in text  # already reported in the sent e-mail
    assert "Ce message complète celui que je vous ai adressé plus tôt aujourd'hui." in text
    assert "Aucune nouvelle démarche" in result.stderr


def test_letter_docx_geometry_content_and_properties(case, run):
    result = run("-C", case, "letter")
    assert result.exit_code == 0, result.output
    [path] = _documents(case, "*_lettre-recommandee.docx")
    doc = open_docx(path)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    frames = {}
    for p in doc.paragraphs:
        frame = p._p.find(
            ".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}framePr"
        )
        if frame is not None and p.text.strip():
            attrs = {k.split("}")[1]: v for k, v in frame.attrib.items()}
            frames[p.text.splitlines()[0]] = {
                k: int(attrs[k]) / TWIPS_PER_MM for k in ("x", "y", "w") if k in attrs
            } | {"anchor": (attrs["hAnchor"], attrs["vAnchor"]), "text": p.text}
    recipient = frames["Préfet de la Seine-Saint-Denis"]  # the authority first
    assert abs(recipient["x"] - 110) < 0.1 and abs(recipient["y"] - 50) < 0.1
    assert abs(recipient["w"] - 85) < 0.1 and recipient["anchor"] == ("page", "page")
    lines = recipient["text"].splitlines()
    assert lines[1] == "Préfecture de la Seine-Saint-Denis"
    assert lines[-1] == "93007 BOBIGNY CEDEX" and len(lines) <= 6
    assert all(len(line) <= 38 for line in lines)
    mention = frames["Lettre recommandée avec accusé de réception"]
    assert abs(mention["x"] - 110) < 0.1 and 35 <= mention["y"] < 50
    sender = frames["Aminata DIALLO"]
    assert sender["x"] < 100 and abs(sender["y"] - 15) < 0.1

    body = [p.text for p in doc.paragraphs]
    today = jour(now_paris().date())
    assert f"Bobigny, le {today}" in body
    date_paragraph = doc.paragraphs[body.index(f"Bobigny, le {today}")]
    assert abs(date_paragraph.paragraph_format.space_before - Mm(88 - 15)) < Mm(0.1)
    text = _flat("\n".join(body))
    assert "Objet : Demande de convocation pour le dépôt d'une demande de titre de séjour" in text
    assert "ne constitue pas ma demande de titre de séjour" in text  # CE 493514
    # R. 431-3 requires filing in person; the appointment is the préfecture's organisation
    assert "Cette demande se dépose en personne à la préfecture (article R. 431-3" in text
    assert (
        "Votre préfecture a organisé ce dépôt sur rendez-vous, à prendre en ligne sur le site https://rdv.example.gouv.fr/seine-saint-denis/titre-sejour"
        in text
    )
    assert "L. 112-3" in text and "L. 521-3" in text and "435594" in text
    assert "R. 311" not in text  # obsolete numbering
    assert "29 démarches, dont 19 avec un justificatif, chaque semaine pendant 11 semaines" in text
    assert "Fatou KONÉ" in text
    assert "dans un délai de quinze jours" in text
    assert "Copie de la promesse d'embauche" in text  # the urgency fact's piece exists
    assert "la liste des pièces qui le composent est jointe pour information" in text
    assert "Preuves de présence en France depuis 2019" in text  # the annex
    # no journal fingerprint at the foot of a letter to the préfet
    assert "empreinte" not in doc.sections[0].footer.paragraphs[0].text
    props = doc.core_properties
    assert props.author == "Aminata DIALLO" and props.title.startswith("Demande de convocation")
    created = props.created.replace(tzinfo=timezone.utc)
    assert abs((now_paris() - created).total_seconds()) < 600  # the stated clock


def test_letter_and_referral_text_format(case, run):
    assert run("-C", case, "letter", "--format", "text").exit_code == 0
    letter = _documents(case, "*_lettre-recommandee.txt")[0].read_text(encoding="utf-8")
    assert "LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION" in letter
    assert max(len(line) for line in letter.splitlines()) <= 78
    assert "RELEVÉ DATÉ DE MES DÉMARCHES" in letter
    assert run("-C", case, "referral", "--format", "text").exit_code == 0
    referral = _documents(case, "*_saisine-defenseur.txt")[0].read_text(encoding="utf-8")
    assert "MES DÉMARCHES AUPRÈS DE LA PRÉFECTURE" in referral
    assert "mauvais fonctionnement du service public" in referral
    assert "Aucune procédure juridictionnelle n'est en cours" in referral
    assert "https://rdv.example.gouv.fr/seine-saint-denis/titre-sejour" in referral


def test_referral_docx_chronology_delegate_and_salutation(case, run):
    assert run("-C", case, "referral").exit_code == 0
    doc = open_docx(_documents(case, "*_saisine-defenseur.docx")[0])
    address = next(p.text for p in doc.paragraphs if p.text.startswith("Madame la Déléguée"))
    lines = address.splitlines()
    assert lines[:2] == ["Madame la Déléguée", "du Défenseur des droits"]  # 38 characters a line
    assert "(e)" not in address and len(lines) == len(set(lines)) <= 6
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Madame la Déléguée," in text  # the salutation matches the addressee
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    dated = [b for b in bullets if " à " in b and f"{NBSP}h{NBSP}" in b]
    assert len(dated) == 30  # every step of the example journal
    assert dated[0].startswith(f"lundi 14 septembre 2026 à 9{NBSP}h{NBSP}05")
    assert any("en présence d'un témoin (Fatou KONÉ)" in b for b in dated)
    assert "empreinte" not in doc.sections[0].footer.paragraphs[0].text


def test_referral_goes_to_national_address_without_delegate(case, run):
    edit_profile(
        case,
        ("  delegue: Permanence de Bobigny\n", ""),
        ("  civilite: Madame\n  adresse: [Maison", "  adresse: [Maison"),
        ("  adresse: [Maison de la justice et du droit, 10 avenue Exemple, 93000 Bobigny]\n", ""),
    )
    assert run("-C", case, "referral", "--format", "text").exit_code == 0
    text = _documents(case, "*_saisine-defenseur.txt")[0].read_text(encoding="utf-8")
    assert "Libre réponse 71120" in text and f"75342 PARIS CEDEX{NBSP}07" in text
    assert "Madame, Monsieur," in text


def test_prefet_title_and_shorter_delay_near_expiry(case, run):
    soon = now_paris().date().toordinal() + 30
    expiry = datetime.fromordinal(soon).date().isoformat()
    edit_profile(
        case,
        ("  prefet:\n", "  prefet: Madame\n"),
        ("nature: premiere_demande", "nature: renouvellement"),
        ("titre_actuel_expire_le:", f"titre_actuel_expire_le: {expiry}"),
    )
    assert run("-C", case, "letter", "--format", "text").exit_code == 0
    letter = _documents(case, "*_lettre-recommandee.txt")[0].read_text(encoding="utf-8")
    assert re.search(r"\n +Madame la Préfète\n +de la Seine-Saint-Denis\n", letter)
    assert "\nMadame la Préfète,\n" in letter
    assert "dans un délai de huit jours" in _flat(letter)  # expires within 45 days
    assert "récépissé prévu par l'article R. 431-12" in _flat(letter)  # renewal off ANEF


def test_case_templates_override_bundled_ones(case, run):
    (case / "modeles").mkdir()
    (case / "modeles" / "courriel.j2").write_text(
        "[[a]]\nx@example.org\n[[objet]]\nObjet maison {{ relance }}\n[[corps]]\nBonjour.\n",
        encoding="utf-8",
    )
    result = run("-C", case, "email")
    assert result.exit_code == 0 and "Objet : Objet maison 5" in result.output


def test_template_errors_name_the_template_line(case, run):
    (case / "modeles").mkdir()
    (case / "modeles" / "courriel.j2").write_text(
        "[[objet]]\nok\n[[corps]]\n{{ variable_inconnue }}\n", encoding="utf-8"
    )
    before = journal_lines(case)
    result = run("-C", case, "email")
    assert result.exit_code == 2
    assert "courriel.j2, ligne 4" in result.stderr and "variable_inconnue" in result.stderr
    assert journal_lines(case) == before
    assert not list((case / "documents").iterdir())


def test_status_fingerprint_is_the_journal_head(case, run):
    last_line = (case / "journal.jsonl").read_bytes().split(b"\n")[-2]
    head = hashlib.sha256(last_line).hexdigest()[:16]
    assert f"Empreinte du journal : {head}" in run("-C", case, "status").output
