"""The evidence dossier for an association or the administrative court.

Writes, into a new folder: ``00_Inventaire`` (every piece with its number, an
explicit label and its date; not itself a piece), piece 1 ``01_Chronologie``
(the dated table of every step, with a « Justificatif » column and a chart per
week), then one file per piece named ``NN_Libelle_sans_accents.ext`` (at most 80
characters: Télérecours rules), a witness-statement form for each counter visit
with a witness, and a checklist that ticks only what the dossier holds.

It reads the journal and ``pieces/`` and never changes them. Everything is
built in a private temporary folder next to the target and renamed into place
at the end, so an error or Ctrl-C never leaves half a dossier.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from ..case import Case, ascii_slug
from ..channels import label as channel_label
from ..documents.context import build_context
from ..documents.render import render
from ..errors import OutputExistsError
from ..facts import Facts, Step
from ..frdates import date_courte, jour, now_paris
from ..fsutil import DIR_MODE, private_dir, write_files
from ..journal import JournalState
from ..profile import Profile
from ..wording import dont, nombre
from .pieces import SENT_LABELS, Piece, numbers_by_step, plan

MAX_FILE_BYTES = 32 * 1024 * 1024  # Télérecours citoyens: 32 Mo per file (CAA Versailles page)


def step_text(step: Step) -> str:
    """What happened, in a table cell."""
    if step.sent_document:
        label = SENT_LABELS[step.sent_document][0]
        return label + (f", n° {step.tracking}" if step.tracking else "")
    text = f"« {step.description} »" if step.description else ""
    if step.reference:
        text = f"n° {step.reference}" + (f" : {text}" if text else "")
    return text + (f" (témoin : {step.witness})" if step.witness else "")


def _chronology_rows(facts: Facts, pieces: list[Piece], route: str) -> list[list[str]]:
    numbers = numbers_by_step(pieces)
    return [
        [
            date_courte(step.when.date()),
            f"{step.when:%H:%M}",
            channel_label(step.channel, route),
            step_text(step),
            ", ".join(f"n° {n}" for n in numbers.get(step.n, [])) or "aucun",
        ]
        for step in facts.steps
    ]


def header(profile: Profile) -> list[str]:
    """Who, which administration, which application: the top of every dossier document."""
    d, p = profile.demandeur, profile.prefecture
    lines = [
        f"Personne concernée : {d.prenom} {d.nom.upper()}, "
        f"{d.ne} le {jour(d.date_naissance)} à {d.lieu_naissance}, nationalité {d.nationalite}",
        f"Administration : {p.nom}{', ' + p.service if p.service else ''}",
        f"Demande : {profile.demande.titre}" + (" (renouvellement)" if profile.renewal else ""),
        "Voie de dépôt : téléservice ANEF (article R. 431-2 du CESEDA)"
        if profile.anef
        else "Voie de dépôt : en personne à la préfecture (article R. 431-3 du CESEDA)",
    ]
    if p.site_rdv:
        site = "Site internet de la préfecture" if profile.anef else "Site de prise de rendez-vous"
        lines.append(f"{site} : {p.site_rdv}")
    return lines


def figures(facts: Facts) -> str:
    """The counts, worded as in every other output."""
    return (
        f"{nombre(len(facts.attempts), 'démarche')}, "
        f"{dont(len(facts.attempts_with_proof), 'avec justificatif')}, sur "
        f"{nombre(facts.weeks_covered, 'semaine')} (du lundi au dimanche) : "
        f"{nombre(facts.weeks_with_attempts, 'semaine')} avec au moins une démarche, "
        f"{nombre(facts.weeks_with_proof, 'semaine')} avec au moins un justificatif."
    )


def _too_large(case: Case, piece: Piece) -> bool:
    if piece.data is not None:
        return len(piece.data) > MAX_FILE_BYTES
    return any(case.file(s, f"pièce n° {piece.number}").stat().st_size > MAX_FILE_BYTES
               for s in piece.sources)  # fmt: skip


def _file_of(piece: Piece) -> str:
    return piece.filename(piece.source_suffix)


def inventory_text(head: list[str], pieces: list[Piece], large: set[int], today: str) -> str:
    lines = ["INVENTAIRE DES PIÈCES", "", *head, f"Établi le {today}", ""]
    for piece in pieces:
        flag = "  [fichier de plus de 32 Mo : à réduire]" if piece.number in large else ""
        lines.append(f"Pièce n° {piece.number} : {piece.label} – {piece.file_name}{flag}")
    return "\n".join(lines) + "\n"


def _inventory_docx(
    head: list[str], pieces: list[Piece], large: set[int], author: str, created: datetime
) -> bytes:
    from ..documents.docx_tables import table_document

    rows = [
        [
            str(p.number),
            p.label + (" (plus de 32 Mo)" if p.number in large else ""),
            date_courte(p.when.date()) if p.when else "",
            p.file_name,
        ]
        for p in pieces
    ]
    intro = [*head, f"Établi le {jour(created.date())}"]
    return table_document(
        "Inventaire des pièces",
        intro,
        [("Pièces", ["N°", "Libellé", "Date", "Fichier"], rows, [11, 93, 20, 56])],
        author=author,
        created=created,
    )


def _chronology_docx(
    head: list[str],
    profile: Profile,
    facts: Facts,
    state: JournalState,
    pieces: list[Piece],
    created: datetime,
) -> bytes:
    from ..documents.docx_tables import table_document

    weeks = [(f"sem. du {date_courte(w.monday)}", w.attempts, w.with_proof) for w in facts.weeks]
    from .timestamp_dossier import chronology_table

    columns = ["Date", "Heure", "Canal", "Ce qui s'est passé", "Justificatif"]
    rows = _chronology_rows(facts, pieces, profile.situation)
    return table_document(
        "Chronologie des démarches",
        [*head, figures(facts)],
        [("Tableau daté", columns, rows, [19, 12, 36, 82, 21]), *chronology_table(state, pieces)],
        author=author_of(profile),
        created=created,
        weeks=weeks,
        footer=f"Journal : {facts.entry_count} entrées, empreinte {facts.head[:16]}",
    )


def author_of(profile: Profile) -> str:
    return f"{profile.demandeur.prenom} {profile.demandeur.nom.upper()}"


def _in_dossier(pieces: list[Piece], steps: list[Step]) -> int:
    """How many of ``steps`` have at least one piece in the dossier."""
    shown = {n for p in pieces for n in p.steps}
    return sum(1 for s in steps if s.n in shown)


def checklist(profile: Profile, facts: Facts, pieces: list[Piece]) -> str:
    """What the court will look for; [x] only when the dossier holds it."""
    screenshots = [s for s in facts.attempts if s.channel in ("web", "anef")]
    emails = facts.emails
    letters = facts.letters_sent
    receipts = facts.by_channel("ar")
    witnessed = [s for s in facts.by_channel("counter") if s.witness]
    referral = [s for s in facts.steps if s.channel == "defenseur"]
    urgency_in = {p.label for p in pieces if p.kind == "urgence"}
    proven_letters = [s for s in letters if s.pieces]
    rows = [
        (True, "Chronologie datée des démarches (pièce n° 1)"),
        (
            _in_dossier(pieces, screenshots) > 0,
            f"Captures d'écran datées : {_in_dossier(pieces, screenshots)} démarches sur "
            f"{len(screenshots)} en ont une dans le dossier",
        ),
        (
            bool(emails) and _in_dossier(pieces, emails) == len(emails),
            f"Copies des courriels envoyés : {_in_dossier(pieces, emails)} sur {len(emails)}",
        ),
        (
            bool(proven_letters),
            "Lettre recommandée et sa preuve de dépôt"
            + ("" if letters else " (pas encore envoyée)"),
        ),
        (
            _in_dossier(pieces, receipts) > 0,
            "Avis de réception signé de la lettre recommandée",
        ),
    ]
    if witnessed:
        rows.append(
            (
                _in_dossier(pieces, facts.by_channel("attestation")) > 0,
                "Attestation du témoin de la visite au guichet (modèle joint à faire "
                "recopier et signer)",
            )
        )
    rows.append((_in_dossier(pieces, referral) > 0, "Saisine du Défenseur des droits"))
    for fact in profile.demande.urgence:
        rows.append((fact.enclosure in urgency_in, f"Justificatif de l'urgence : {fact.fait}"))
    yours = [
        "Copie du passeport ou d'une pièce d'identité",
        "Justificatif de domicile",
        "Preuve que le dossier de demande est complet (liste des pièces demandées par la "
        "préfecture et pièces réunies)",
    ]
    if profile.renewal:
        yours.insert(1, "Copie du titre de séjour actuel (ou expiré)")
    lines = ["LISTE DE CONTRÔLE – ce que le tribunal demandera aussi", ""]
    lines += [f"{'[x]' if done else '[ ]'} {text}" for done, text in rows]
    lines += ["", "À joindre vous-même (le journal ne les contient pas) :"]
    lines += [f"[ ] {text}" for text in yours]
    return "\n".join(lines) + "\n"


def journal_anchor(facts: Facts) -> list[str]:
    """The journal's head in full, as ``verify`` reads it back from the inventory."""
    from .anchors import inventory_line

    return [inventory_line(facts.entry_count, facts.head_n, facts.head)] if facts.head_n else []


def default_folder(case: Case, now: datetime) -> Path:
    """``dossier_AAAA-MM-JJ`` in the case folder, with ``_2``… if it exists."""
    base = case.root / f"dossier_{now:%Y-%m-%d}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}_{n}")
    return candidate


def _witness_forms(
    case: Case, profile: Profile, facts: Facts, now: datetime
) -> list[tuple[str, bytes]]:
    """One form per counter visit with a witness (art. 202 of the code de procédure civile)."""
    from ..documents.docx_out import render_form_docx

    context = build_context(profile, facts, now, case.root)
    forms = []
    for visit in facts.by_channel("counter"):
        if visit.witness:
            doc = render("attestation", {**context, "visite": visit}, (case.root / "modeles",))
            doc.author, doc.created = author_of(profile), now
            name = f"Attestation_temoin_a_completer_{ascii_slug(visit.witness)}"
            forms.append((f"{name}_{visit.when:%Y-%m-%d}.docx", render_form_docx(doc)))
    return forms


def stable_time(facts: Facts, state_entries: list) -> datetime:
    """The time of the journal's last entry: the dossier's documents carry it, so the same
    journal gives the same dossier twice."""
    stamps = [e.data.get("enregistre_le") or e.data["date"] for e in state_entries]
    return datetime.fromisoformat(max(stamps)) if stamps else now_paris()


def build_files(case: Case, now: datetime, pdf: bool = False) -> list[tuple[str, bytes | Path]]:
    """Every file of the dossier as (name, bytes or source path), nothing written yet."""
    profile = case.load().profile
    state = case.journal.read()
    facts = Facts.from_journal(state)
    pieces = plan(profile, facts, case.root, state)
    created = stable_time(facts, state.entries)
    large = {p.number for p in pieces if _too_large(case, p)}
    head = header(profile)
    listed = [*head, *journal_anchor(facts)]  # anchors: verify compares the journal with it
    files: list[tuple[str, bytes | Path]] = [
        ("00_Inventaire.txt", inventory_text(listed, pieces, large, jour(created.date())).encode()),
        ("00_Inventaire.docx", _inventory_docx(listed, pieces, large, author_of(profile), created)),
        (
            pieces[0].filename(".docx"),
            _chronology_docx(head, profile, facts, state, pieces, created),
        ),
    ]
    if pdf:  # every DOCX of the dossier in one LibreOffice run
        from ..documents.pdf import docx_batch_to_pdf

        docx = [(n, d) for n, d in files if n.endswith(".docx") and isinstance(d, bytes)]
        converted = docx_batch_to_pdf([data for _, data in docx])
        files += [
            (n.replace(".docx", ".pdf"), pdf) for (n, _), pdf in zip(docx, converted, strict=True)
        ]
    files += _witness_forms(case, profile, facts, created)
    files.append(("Liste_de_controle.txt", checklist(profile, facts, pieces).encode("utf-8")))
    for piece in pieces[1:]:
        source = piece.data if piece.data is not None else piece.sources[0]
        if isinstance(source, str):
            source = case.file(source, f"pièce n° {piece.number}")
        files.append((piece.file_name, source))
    return files


def write_bundle(
    case: Case, out: Path | None = None, now: datetime | None = None, pdf: bool = False
) -> list[Path]:
    """Write the dossier into ``out`` (a new or empty folder); returns the files written."""
    now = now or now_paris()
    out = out or default_folder(case, now)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OutputExistsError(
            f"le dossier {out} n'est pas vide : il n'est jamais complété ni écrasé.",
            hint="Choisissez un autre dossier avec -o.",
        )
    files = build_files(case, now, pdf)
    private_dir(out.parent)
    staging = Path(tempfile.mkdtemp(prefix=".dossier-en-cours-", dir=out.parent))
    try:
        write_files(staging, files)  # flushed to disk, several at a time
        os.chmod(staging, DIR_MODE)
        if out.exists():
            out.rmdir()  # empty, checked above
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(out.iterdir())
