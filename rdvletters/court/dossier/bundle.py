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
from functools import partial
from pathlib import Path

from ... import i18n
from ...case import Case
from ...documents.context import build_context
from ...documents.model import typographic
from ...documents.render import render
from ...errors import OutputExistsError
from ...facts import Facts
from ...frdates import date_courte, jour, now_paris
from ...fsutil import DIR_MODE, WorkDir, private_dir, sync_folder, sync_folder_entry
from ...i18n import _
from ...profile import Profile
from ...proofnames import ascii_slug
from ..pieces import Piece, plan
from .chronology_content import (  # noqa: F401 - chronology_file: the tests draw it
    chronology,
    chronology_file,
    header,
    numbering_note,
)
from .piece_files import (
    Writer,
    band_fonts,
    convert,
    office_piece,
    office_sources,
    piece_job,
    piece_weight,
)
from .piece_pdf import MAX_PIECE_BYTES
from .report_pdf import REPORT_NAME, dossier_report
from .sharing import run_jobs


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


@dataclass
class Dossier:
    """What ``write_bundle`` did: the files written and what the person should know."""

    folder: Path
    files: list[Path]
    warnings: list[str] = field(default_factory=list)


def _write(case: Case, writer: Writer, series: bool, pdf: bool) -> None:
    """Every file of the dossier, pieces first (their names go into the inventory).

    Everything LibreOffice converts (sent letters; with ``pdf``, the inventory and the
    fiche) goes in one start. The inventory is made before, naming those pieces as PDF;
    if one could not be converted, it is made again so it names the file delivered."""
    profile = case.load().profile
    state = case.journal.read()
    facts = Facts.from_journal(state)
    pieces = plan(profile, facts, case.root, state, series=series)
    created = stable_time(facts, state.entries)
    head = header(profile)
    author = author_of(profile)
    office = office_sources(case, pieces[1:])
    band = band_fonts(pieces[1:])
    mine = [p for p in pieces[1:] if p.kind != "a_joindre" and p.number not in office]

    def chronology_piece() -> tuple[str, list[str]]:
        content = chronology(head, profile, facts, state, pieces)
        return writer.put(pieces[0].filename(".pdf"), chronology_file(content, pieces[0])), []

    jobs = [
        partial(dossier_report, case, created),  # before this dossier's inventory exists
        chronology_piece,
        *(partial(piece_job, case, writer.staging, piece, band) for piece in mine),
        # last in the list, so that a piece's error is said first, as it was alone
        partial(synthesis_docx, profile, facts, case.root, pieces, author, created),
        partial(_witness_forms, case, profile, facts, created),
    ]
    weights = [piece_weight(case, piece) for piece in mine]
    claims = sorted(range(2, 2 + len(mine)), key=lambda i: -weights[i - 2])
    order = [0, 1, len(jobs) - 2, len(jobs) - 1, *claims]  # the largest pieces first
    report, *made, summary, forms = run_jobs(jobs, writer.staging, order)  # ``sharing``
    # as PDF: what LibreOffice makes below, what the person adds
    names = {piece.number: piece.filename(".pdf") for piece in pieces}
    for piece, (name, warnings) in zip([pieces[0], *mine], made, strict=True):
        names[piece.number] = name
        writer.warnings += warnings
    listed = [*head, numbering_note(facts), *journal_anchor(facts)]  # verify reads the anchor

    def inventory() -> bytes:
        return _inventory_docx(listed, pieces, names, _large(writer, names), author, created)

    first = inventory()
    own = [(first, ".docx"), (summary, ".docx")] if pdf else []
    results = convert([(data, suffix) for _, data, suffix in office.values()] + own)
    for (number, (source, data, _suffix)), result in zip(office.items(), results, strict=False):
        names[number] = office_piece(writer, pieces[number - 1], source, data, result, band)
    final = inventory()
    inventory_name = f"{0:0{pieces[0].digits}d}_Inventaire.docx"  # sorts first, as the pieces
    writer.put(inventory_name, final)
    if pdf:
        inventory_pdf, summary_pdf = results[len(office) :]
        if final != first:  # a piece kept in its own format: the inventory changed
            (inventory_pdf,) = convert([(final, ".docx")])
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
    for name, data in forms:
        writer.put(f"{PRIVATE}/{name}", data)
    from .checklist import checklist

    list_text = checklist(profile, facts, pieces).encode("utf-8")
    writer.put(f"{PRIVATE}/Liste_de_controle.txt", list_text)
    writer.put(f"{PRIVATE}/{REPORT_NAME}", report)


def _large(writer: Writer, names: dict[int, str]) -> set[int]:
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
        writer = Writer(work.path)
        _write(case, writer, series, pdf)
        staging = work.keep()
        os.chmod(staging, DIR_MODE)
        sync_folder(staging)  # every file on disk before the dossier takes its name
        if out.exists():
            out.rmdir()  # empty, checked above
        staging.rename(out)
        sync_folder_entry(out.parent)  # the new name itself
    except BaseException:
        work.remove()
        raise
    return Dossier(out, sorted(p for p in out.rglob("*") if p.is_file()), writer.warnings)
