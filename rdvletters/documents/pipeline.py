"""The pipeline: profile + journal -> document model -> renderer -> file + journal entry.

``prepare`` is the one entry point for the documents; the front ends only choose the
kind and the format. Renderers are imported when used, so the plain-text path never
loads the DOCX writer nor starts LibreOffice. What a document needs from above this layer
comes in as arguments: the .eml renderer (``delivery``), the requête's own variables
(``court``), so that documents imports neither.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import i18n
from ..case import Case
from ..errors import InputError
from ..facts import Facts
from ..frdates import now_paris
from ..fsutil import deferred_interrupts, write_unique
from ..i18n import _
from ..journal import Entry, JournalState
from ..profile import Profile
from .context import build_context
from .model import Document
from .render import render

Renderer = Callable[[Document], bytes]
# (profile, facts, journal state, case folder, now) -> variables beyond build_context's
ExtraContext = Callable[[Profile, Facts, JournalState, Path, datetime], dict[str, Any]]

KINDS = {
    "courriel": "courriel",
    "lettre": "lettre-recommandee",
    "saisine": "saisine-defenseur",
    "requete": "projet-requete-refere",
    "requete_a_lire": "projet-requete-refere_a_lire_avant_depot",
}
FORMATS = {
    "courriel": ("text", "eml"),
    "lettre": ("docx", "text", "pdf"),
    "saisine": ("docx", "text", "pdf"),
    "requete": ("docx", "text", "pdf"),
}
SUFFIX = {"text": ".txt", "docx": ".docx", "pdf": ".pdf", "eml": ".eml"}


def _docx(doc: Document, profile: Profile, outline: bool) -> bytes:
    from .docx_out import Layout, render_docx, render_form_docx, render_requete_docx

    if doc.kind == "requete":
        return render_requete_docx(doc)
    if doc.kind == "requete_a_lire":
        return render_form_docx(doc)
    shift = profile.mise_en_page
    return render_docx(
        doc, Layout.shifted(shift.decalage_horizontal_mm, shift.decalage_vertical_mm, outline)
    )


def renderer(fmt: str, profile: Profile, outline: bool = False) -> Renderer:
    """The function that turns a document model into the bytes of ``fmt`` (text, DOCX,
    PDF; an .eml draft is ``delivery``'s to make, and comes as ``prepare``'s ``render``)."""
    if fmt == "docx":
        return lambda doc: _docx(doc, profile, outline)
    if fmt == "pdf":
        from .pdf import docx_to_pdf

        return lambda doc: docx_to_pdf(_docx(doc, profile, outline))
    if fmt != "text":
        raise InputError(
            _("format « {format} » : aucun moyen de le produire ici.").format(format=fmt)
        )
    from .text_out import render_text

    return render_text


@dataclass
class Prepared:
    """A generated document: where it is, its journal entry, and what to tell the user."""

    document: Document
    path: Path
    entry: Entry
    warnings: list[str] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class Built:
    """A document model and what it was built from."""

    document: Document
    facts: Facts
    profile: Profile
    warnings: list[str]
    context: dict[str, Any]
    state: JournalState | None = None


def build_document(
    case: Case, kind: str, now: datetime, extra: ExtraContext | None = None
) -> Built:
    """Render the document model for ``kind`` without writing anything; ``extra`` adds
    the variables a kind needs beyond the common ones (the requête's, from ``court``)."""
    loaded = case.load()
    if loaded.profile.demandeur.civilite is None:
        raise InputError(
            _(
                "{path} : indiquez demandeur.civilite (Madame ou Monsieur) ; les documents "
                "accordent « né » ou « née », « soussigné » ou « soussignée » selon elle."
            ).format(path=case.profile_path),
            hint=_("Complétez le profil, puis recommencez."),
        )
    state = case.journal.read()
    facts = Facts.from_journal(state)
    with i18n.french():  # the content is French whatever the interface speaks
        context = build_context(loaded.profile, facts, now, case.root)
        if extra is not None:
            context.update(extra(loaded.profile, facts, state, case.root, now))
    document = render_model(case, kind, context)
    document.author = f"{loaded.profile.demandeur.prenom} {loaded.profile.demandeur.nom.upper()}"
    document.created = now
    document.journal_anchor = (facts.head_n, facts.head) if facts.head_n else None
    if kind == "courriel":
        document.attachments = [
            case.file(p, _("entrée n° {n}").format(n=s.n))
            for s in facts.new_since_last_email
            for p in s.pieces
        ]
        applicant = loaded.profile.demandeur
        if applicant.courriel:
            document.email_from = (
                f"{applicant.prenom} {applicant.nom.upper()}",
                applicant.courriel,
            )
        document.email_to = loaded.profile.prefecture.courriel
    return Built(document, facts, loaded.profile, loaded.warnings, context, state)


def render_model(case: Case, kind: str, context: dict[str, Any]) -> Document:
    """``<kind>.j2`` rendered with ``context``, the case's own ``modeles/`` first."""
    return render(kind, context, (case.root / "modeles",))


def _file_stem(kind: str, now: datetime, facts: Facts) -> str:
    stem = f"{now:%Y-%m-%d}_{KINDS[kind]}"
    if kind == "courriel":
        stem += f"_relance-{len(facts.emails):02d}" if facts.emails else "_premier"
    return stem


def _email_facts(document: Document, facts: Facts, warnings: list[str]) -> dict[str, Any]:
    """What the journal keeps about an e-mail, and a warning when it brings nothing new."""
    new = facts.new_since_last_email
    if not new:
        last = facts.emails[-1].when if facts.emails else None
        if last:
            message = _(
                "Aucune nouvelle démarche enregistrée depuis le dernier courriel ({date}) : un "
                "courriel hebdomadaire doit apporter des faits nouveaux. Enregistrez vos "
                "tentatives avec « rdvletters record »."
            )
        else:
            message = _(
                "Aucune nouvelle démarche enregistrée depuis le dernier courriel : un courriel "
                "hebdomadaire doit apporter des faits nouveaux. Enregistrez vos tentatives avec "
                "« rdvletters record »."
            )
        warnings.append(message.format(date=f"{last:%d/%m/%Y}" if last else ""))
    return {
        "relance": len(facts.emails),
        "objet": document.text("objet"),
        "tentatives": [s.n for s in new],
    }


def prepare(
    case: Case,
    kind: str,
    fmt: str,
    now: datetime | None = None,
    outline: bool = False,
    render: Renderer | None = None,
    extra: ExtraContext | None = None,
) -> Prepared:
    """Generate one document into ``documents/`` and journal it as prepared (not sent).

    ``render`` makes the bytes when this layer cannot (the .eml draft); ``extra`` adds a
    kind's own variables (see ``build_document``)."""
    check_format(kind, fmt)
    now = now or now_paris()
    built = build_document(case, kind, now, extra)
    data = (render or renderer(fmt, built.profile, outline))(built.document)
    fields: dict[str, Any] = {}
    if kind == "courriel":
        fields = _email_facts(built.document, built.facts, built.warnings)
    elif kind == "lettre":
        fields = {"delai": built.context["delai"]}  # what the référé check will count from
    stem = _file_stem(kind, now, built.facts)
    ((entry, path),) = write_documents(case, [(kind, fmt, stem, data, fields)], now)
    return Prepared(built.document, path, entry, built.warnings, built.context)


def check_format(kind: str, fmt: str) -> None:
    """Refuse a format the kind does not come in, before anything is built."""
    if fmt not in FORMATS[kind]:
        raise InputError(
            _("format « {format} » indisponible ; formats : {formats}.").format(
                format=fmt, formats=", ".join(FORMATS[kind])
            )
        )


# (kind, format, file stem, bytes, extra journal fields) of one file to write
Output = tuple[str, str, str, bytes, dict[str, Any]]


def write_documents(case: Case, outputs: list[Output], now: datetime) -> list[tuple[Entry, Path]]:
    """Write each file into ``documents/`` and journal it as prepared, all or nothing.

    A full disk or Ctrl-C never leaves a document without its journal entry, nor an
    entry without its file: files are written first, then the entries, and the files
    whose entry was not written are removed."""
    case.journal.check_appendable()  # before writing a document that would be orphaned
    created: list[Path] = []
    done: list[tuple[Entry, Path]] = []
    try:
        paths = [
            write_unique(case.documents, stem, SUFFIX[fmt], data, created)
            for _kind, fmt, stem, data, _fields in outputs
        ]
        with deferred_interrupts():
            for (kind, fmt, _stem, _data, fields), path in zip(outputs, paths, strict=True):
                done.append((case.record_document(kind, fmt, path, now, **fields), path))
    except BaseException:
        kept = {path for _entry, path in done}
        for made in created:
            if made not in kept:
                made.unlink(missing_ok=True)
        raise
    return done
