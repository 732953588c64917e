"""The evidence dossier for an association or the administrative court.

Writes, into a new folder: ``00_Inventaire`` (every piece with its number, an
explicit label and its date; not itself a piece), piece 1 ``01_Chronologie``
(the dated table of every step, with a « Justificatif » column and a chart per
week), then one file per piece named ``NN_Libelle_sans_accents.ext`` (at most 80
characters: Télérecours rules), a witness-statement form for each counter visit
with a witness, and a checklist that ticks only what the dossier holds.

Its content is French whatever the interface speaks: the builders run under
``i18n.french()``, while what is said to the person (warnings, errors) stays in
the person's language. It reads the journal and ``pieces/`` and never changes them. Everything is
built in a private temporary folder next to the target and renamed into place
at the end, so an error or Ctrl-C never leaves half a dossier.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ... import i18n
from ...case import Case
from ...channels import QUOTED_CHANNELS, reference_text
from ...channels import label as channel_label
from ...documents.context import build_context
from ...documents.model import typographic
from ...documents.render import render
from ...errors import InputError, OutputExistsError, RdvError, ToolMissingError
from ...facts import Facts, Step
from ...frdates import date_courte, heure, jour, now_paris
from ...fsutil import DIR_MODE, WorkDir, private_dir, write_new
from ...i18n import _
from ...journal import JournalState
from ...profile import Profile
from ...proofnames import ascii_slug
from ...wording import dont, fragment, nombre
from ..pieces import SENT_LABELS, Piece, justifying, numbers_by_step, plan
from .piece_pdf import MAX_PIECE_BYTES
from .report_pdf import REPORT_NAME, dossier_report


def step_text(step: Step, facts: Facts) -> str:
    """What happened, in a table cell."""
    if step.sent_document:
        label = SENT_LABELS[step.sent_document][0]
        return label + (f", n° {step.tracking}" if step.tracking else "")
    if step.channel == "ar":
        return f"Avis de réception signé le {jour(step.when.date())}" + (
            f" : {fragment(step.description)}" if step.description else ""
        )
    if step.channel == "attestation" and (visit := facts.visit_of(step)) is not None:
        said = f"Attestation de {visit.witness} (présentation au guichet du "
        return said + f"{jour(visit.when.date())})"
    text = step.description
    if text and step.channel in QUOTED_CHANNELS:
        text = f"« {text} »"
    if step.reference:
        ref = reference_text(step.channel, step.reference)
        text = ref + (f" : {text}" if text else "")
    return text + (f" (témoin : {step.witness})" if step.witness else "")


def _chronology_rows(facts: Facts, pieces: list[Piece], route: str) -> list[list[str]]:
    """One row per step; « Justificatif » names the pieces that justify it (for a
    witnessed visit, the statement; for a numbered request, its written answer)."""
    justified = justifying(facts, pieces)
    shown = numbers_by_step(pieces, proving=True)
    rows = []
    for step in facts.steps:
        numbers = justified[step.n] if step.is_attempt else shown.get(step.n, [])
        rows.append(
            [
                date_courte(step.when.date()),
                "" if step.channel == "ar" else heure(step.when),
                channel_label(step.channel, route),
                step_text(step, facts),
                ", ".join(f"n° {n}" for n in numbers) or "aucun",
            ]
        )
    return rows


@i18n.french()
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
        lines.append(f"{profile.site_label} : {p.site_rdv}")
    return lines


@i18n.french()
def figures(facts: Facts) -> str:
    """The counts, worded as in every other output."""
    return (
        f"{nombre(len(facts.attempts), 'démarche')}, "
        f"{dont(len(facts.attempts_with_proof), 'avec justificatif')}, sur "
        f"{nombre(facts.weeks_covered, 'semaine')} (du lundi au dimanche) : "
        f"{nombre(facts.weeks_with_attempts, 'semaine')} avec au moins une démarche, "
        f"{nombre(facts.weeks_with_proof, 'semaine')} avec au moins un justificatif."
    )


@i18n.french()
def inventory_text(
    head: list[str], pieces: list[Piece], names: dict[int, str], large: set[int], today: str
) -> str:
    lines = ["INVENTAIRE DES PIÈCES", "", *head, f"Établi le {today}", ""]
    for piece in pieces:
        flag = "  [fichier de plus de 32 Mo : à réduire]" if piece.number in large else ""
        if piece.kind == "a_joindre":
            flag = "  [à joindre par vous, sous ce nom]"
        lines.append(f"Pièce n° {piece.number} : {piece.label} – {names[piece.number]}{flag}")
    return "\n".join(typographic(line) for line in lines) + "\n"


@i18n.french()
def _inventory_docx(
    head: list[str],
    pieces: list[Piece],
    names: dict[int, str],
    large: set[int],
    author: str,
    created: datetime,
) -> bytes:
    from ...documents.docx_tables import table_document

    rows = [
        [
            str(p.number),
            p.label
            + (" (plus de 32 Mo)" if p.number in large else "")
            + (" [à joindre]" if p.kind == "a_joindre" else ""),
            date_courte(p.when.date()) if p.when else "",
            names[p.number],
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


@dataclass
class Chronology:
    """What piece n° 1 says: the intro lines, the weeks, the tables (dated steps, tokens)."""

    intro: list[str]
    weeks: list[tuple[str, int, int]]
    tables: list[tuple[str, list[str], list[list[str]], list[float]]]
    footer: str


@i18n.french()
def chronology(
    head: list[str], profile: Profile, facts: Facts, state: JournalState, pieces: list[Piece]
) -> Chronology:
    """Piece n° 1's content, in French typography (the weeks as in every other output)."""
    from .timestamp_dossier import chronology_table, dating_table

    weeks = [(f"sem. du {date_courte(w.monday)}", w.attempts, w.with_proof) for w in facts.weeks]
    columns = ["Date", "Heure", "Canal", "Ce qui s'est passé", "Justificatif"]
    rows = _chronology_rows(facts, pieces, profile.situation)
    tables = [
        ("Tableau daté", columns, rows, [22, 14, 34, 79, 21]),
        *chronology_table(state, pieces),
        *dating_table(facts, pieces),
    ]
    return Chronology(
        [typographic(line) for line in [*head, figures(facts)]],
        weeks,
        [
            (typographic(title), cols, [[typographic(c) for c in row] for row in body], widths)
            for title, cols, body, widths in tables
        ],
        numbering_note(facts),
    )


def chronology_file(content: Chronology, piece: Piece) -> bytes:
    from .chronology_pdf import chronology_pdf

    return chronology_pdf(
        "Chronologie des démarches",
        content.intro,
        content.weeks,
        content.tables,
        number=piece.number,
        label=piece.label,
        footer=content.footer,
    )


@i18n.french()
def synthesis_docx(
    profile: Profile, facts: Facts, root: Path, pieces: list[Piece], author: str, created: datetime
) -> bytes:
    from ...documents.docx_tables import table_document
    from .synthesis import synthesis_rows

    rows = synthesis_rows(profile, facts, root, created.date())
    rows.append(["Pièces du dossier", f"{len(pieces)} (voir l'inventaire)"])
    return table_document(
        "Fiche de synthèse pour la permanence juridique",
        [f"Établie le {jour(created.date())} à partir du journal ({facts.entry_count} entrées)."],
        [("", ["Élément", "Situation"], rows, [48, 122])],
        author=author,
        created=created,
    )


def author_of(profile: Profile) -> str:
    return f"{profile.demandeur.prenom} {profile.demandeur.nom.upper()}"


def numbering_note(facts: Facts) -> str:
    """The journal state the pieces are numbered from, said as the requête says it."""
    return f"Pièces numérotées d'après le journal des démarches arrêté à {facts.evidence_state}."


def journal_anchor(facts: Facts) -> list[str]:
    """The journal's head in full, as ``verify`` reads it back from the inventory."""
    from ...evidence.proofs.anchoring import inventory_line

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
    """One form per counter visit with a witness whose statement is not noted yet (art. 202
    of the code de procédure civile): a visit already attested needs none."""
    from ...documents.docx_out import render_form_docx

    with i18n.french():
        context = build_context(profile, facts, now, case.root)
    visits = [v for v in facts.visits_without_statement if v.witness]
    days = Counter((v.witness, v.when.date()) for v in visits)
    forms = []
    for visit in visits:
        doc = render("attestation", {**context, "visite": visit}, (case.root / "modeles",))
        doc.author, doc.created = author_of(profile), now
        # two visits with the same witness on one day: the time tells the forms apart
        when = f"{visit.when:%Y-%m-%d}" + (
            f"_{visit.when:%Hh%M}" if days[visit.witness, visit.when.date()] > 1 else ""
        )
        name = f"Attestation_temoin_a_completer_{ascii_slug(visit.witness)}_{when}.docx"
        forms.append((name, render_form_docx(doc)))
    return forms


def stable_time(facts: Facts, state_entries: list) -> datetime:
    """The time of the journal's last entry: the dossier's documents carry it, so the same
    journal gives the same dossier twice."""
    stamps = [e.data.get("enregistre_le") or e.data["date"] for e in state_entries]
    return datetime.fromisoformat(max(stamps)) if stamps else now_paris()


PRIVATE = "Ne_pas_deposer"  # the fiche, the checklist, the forms: for the person, not the court

# Checked byte for byte by ``openssl ts -verify`` and ``sha256sum`` (the explanation gives the
# commands to copy): delivered as they are, never converted.
ORIGINAL_KINDS = ("horodatage", "journal", "explication")


@dataclass
class Dossier:
    """What ``write_bundle`` did: the files written and what the person should know."""

    folder: Path
    files: list[Path]
    warnings: list[str] = field(default_factory=list)


class _Writer:
    """Writes the dossier's files one by one into a private staging folder."""

    def __init__(self, staging: Path) -> None:
        self.staging = staging
        self.warnings: list[str] = []

    def put(self, name: str, data: bytes) -> str:
        write_new(self.staging / name, data)
        return name

    def put_converted(self, name: str, result: bytes | str) -> str | None:
        """The PDF beside a generated DOCX, or, when LibreOffice could not make it, the
        reason said to the person (the DOCX stays: Télérecours accepts it)."""
        if isinstance(result, str):
            self.warnings.append(
                _(
                    "{name} reste au format DOCX : {why} (Télérecours accepte aussi le DOCX)."
                ).format(name=name, why=result)
            )
            return None
        return self.put(name.rsplit(".", 1)[0] + ".pdf", result)


def _convert(documents: list[tuple[bytes, str]]) -> list[bytes | str]:
    """Each (bytes, suffix) as PDF, or the reason it could not be, with one LibreOffice
    start for all (starting it costs seconds). When one document makes the shared run
    fail, each is converted alone to tell which (rare: a damaged file the person added)."""
    from ...documents.pdf import office_batch_to_pdf

    if not documents:
        return []
    try:
        return list(office_batch_to_pdf(documents))
    except ToolMissingError:
        return [_("LibreOffice n'est pas installé pour le convertir en PDF")] * len(documents)
    except RdvError:
        if len(documents) == 1:
            return [_("LibreOffice n'a pas pu le convertir en PDF")]
        return [result for document in documents for result in _convert([document])]


def _office_sources(case: Case, pieces: list[Piece]) -> dict[int, tuple[Path, bytes, str]]:
    """The pieces LibreOffice turns into PDF (sent letters in DOCX), by number."""
    from .piece_pdf import office_document

    found = {}
    for piece in pieces:
        if piece.data is None and piece.sources and piece.kind not in (*ORIGINAL_KINDS, "serie"):
            source = case.file(piece.sources[0], _("pièce n° {n}").format(n=piece.number))
            try:
                document = office_document(source)
            except InputError:  # unreadable or unusual: ``_piece_file`` says so and keeps it
                continue
            if document is not None:
                found[piece.number] = (source, *document)
    return found


def _office_piece(writer: _Writer, piece: Piece, source: Path, data: bytes, result) -> str:
    """Write a converted piece stamped « Pièce n° N », or its original with the reason."""
    from .piece_pdf import converted_piece

    if isinstance(result, bytes):
        pdf = converted_piece(result, source, piece.number, piece.label)
        return writer.put(piece.filename(".pdf"), pdf)
    writer.warnings.append(
        _("pièce n° {n} gardée dans son format d'origine : {why}.").format(
            n=piece.number, why=result
        )
    )
    return writer.put(piece.file_name, data)


def _piece_file(case: Case, writer: _Writer, piece: Piece) -> str:
    """Write one piece (PDF with « Pièce n° N » on every page); returns its file name."""
    from .piece_pdf import piece_to_pdf, series_to_pdf

    where = _("pièce n° {n}").format(n=piece.number)  # for an error message
    if piece.kind == "liste" and piece.data is not None:
        from .piece_pdf import data_to_pdf

        pdf = data_to_pdf(piece.data, "liste.txt", piece.number, piece.label)
        return writer.put(piece.filename(".pdf"), pdf)
    if piece.data is not None:
        return writer.put(piece.file_name, piece.data)
    if piece.kind in ORIGINAL_KINDS:
        return writer.put(piece.file_name, case.file(piece.sources[0], where).read_bytes())
    if piece.kind == "serie":
        items = [
            (case.file(s, where), c) for s, c in zip(piece.sources, piece.captions, strict=True)
        ]
        return writer.put(piece.filename(".pdf"), series_to_pdf(items, piece.number, piece.label))
    source = case.file(piece.sources[0], where)
    try:
        pdf = piece_to_pdf(source, piece.number, piece.label, piece.sheet)
    except ToolMissingError:
        why = _("LibreOffice n'est pas installé pour la convertir en PDF")
    except InputError as error:  # a damaged or unusual file: the original still proves
        why = _("conversion en PDF impossible ({error})").format(error=error)
    else:
        return writer.put(piece.filename(".pdf"), pdf)
    writer.warnings.append(
        _("pièce n° {n} gardée dans son format d'origine : {why}.").format(n=piece.number, why=why)
    )
    return writer.put(piece.file_name, source.read_bytes())


def _write(case: Case, writer: _Writer, series: bool, pdf: bool) -> None:
    """Every file of the dossier, pieces first (their names go into the inventory).

    Everything LibreOffice converts (sent letters; with ``pdf``, the inventory and the
    fiche) goes in one start. The inventory is made before, naming those pieces as PDF;
    if one could not be converted, it is made again so it names the file delivered."""
    profile = case.load().profile
    state = case.journal.read()
    facts = Facts.from_journal(state)
    pieces = plan(profile, facts, case.root, state, series=series)
    created = stable_time(facts, state.entries)
    report = dossier_report(case, created)  # before this dossier's inventory exists
    head = header(profile)
    author = author_of(profile)
    content = chronology(head, profile, facts, state, pieces)
    names = {1: writer.put(pieces[0].filename(".pdf"), chronology_file(content, pieces[0]))}
    office = _office_sources(case, pieces[1:])
    for piece in pieces[1:]:
        if piece.kind == "a_joindre" or piece.number in office:  # named as PDF
            names[piece.number] = piece.filename(".pdf")
        else:
            names[piece.number] = _piece_file(case, writer, piece)
    listed = [*head, numbering_note(facts), *journal_anchor(facts)]  # verify reads the anchor

    def inventory() -> bytes:
        return _inventory_docx(listed, pieces, names, _large(writer, names), author, created)

    first = inventory()
    summary = synthesis_docx(profile, facts, case.root, pieces, author, created)
    own = [(first, ".docx"), (summary, ".docx")] if pdf else []
    results = _convert([(data, suffix) for _, data, suffix in office.values()] + own)
    for (number, (source, data, _suffix)), result in zip(office.items(), results, strict=False):
        names[number] = _office_piece(writer, pieces[number - 1], source, data, result)
    final = inventory()
    inventory_name = f"{0:0{pieces[0].digits}d}_Inventaire.docx"  # sorts first, as the pieces
    writer.put(inventory_name, final)
    if pdf:
        inventory_pdf, summary_pdf = results[len(office) :]
        if final != first:  # a piece kept in its own format: the inventory changed
            (inventory_pdf,) = _convert([(final, ".docx")])
        writer.put_converted(inventory_name, inventory_pdf)
    # What helps the person and the association, but is not filed with the court.
    private_dir(writer.staging / PRIVATE)
    today = jour(created.date())
    large = _large(writer, names)
    text = inventory_text(listed, pieces, names, large, today).encode()
    writer.put(f"{PRIVATE}/00_Inventaire.txt", text)
    writer.put(f"{PRIVATE}/Fiche_de_synthese.docx", summary)
    if pdf:
        writer.put_converted(f"{PRIVATE}/Fiche_de_synthese.docx", summary_pdf)
    for name, data in _witness_forms(case, profile, facts, created):
        writer.put(f"{PRIVATE}/{name}", data)
    from .checklist import checklist

    list_text = checklist(profile, facts, pieces).encode("utf-8")
    writer.put(f"{PRIVATE}/Liste_de_controle.txt", list_text)
    writer.put(f"{PRIVATE}/{REPORT_NAME}", report)


def _large(writer: _Writer, names: dict[int, str]) -> set[int]:
    """Pieces over Télérecours' size limit, among those written so far."""
    return {
        n
        for n, name in names.items()
        if (writer.staging / name).is_file()
        and (writer.staging / name).stat().st_size > MAX_PIECE_BYTES
    }


def write_bundle(
    case: Case,
    out: Path | None = None,
    now: datetime | None = None,
    pdf: bool = False,
    series: bool = False,
) -> Dossier:
    """Write the dossier into ``out`` (a new or empty folder)."""
    now = now or now_paris()
    out = out or default_folder(case, now)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OutputExistsError(
            _("le dossier {folder} n'est pas vide : il n'est jamais complété ni écrasé.").format(
                folder=out
            ),
            hint=_("Choisissez un autre dossier avec -o."),
        )
    case.load()  # a bad profile is said before anything is created
    private_dir(out.parent, follow=True)  # the case folder, or the folder -o names
    work = WorkDir(".dossier-en-cours-", out.parent)  # one a killed bundle left: removed
    try:
        writer = _Writer(work.path)
        _write(case, writer, series, pdf)
        staging = work.keep()
        os.chmod(staging, DIR_MODE)
        if out.exists():
            out.rmdir()  # empty, checked above
        staging.rename(out)
    except BaseException:
        work.remove()
        raise
    return Dossier(out, sorted(p for p in out.rglob("*") if p.is_file()), writer.warnings)
