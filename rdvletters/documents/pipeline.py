"""The pipeline: profile + journal -> document model -> renderer -> file + journal entry.

``prepare`` is the one entry point for the three documents; the CLI only
chooses the kind and the format. Renderers are imported when used, so the
plain-text path never loads python-docx nor starts LibreOffice.
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
from ..journal import Entry
from ..profile import Profile
from .context import build_context
from .model import Document
from .render import render

KINDS = {
    "courriel": "courriel",
    "lettre": "lettre-recommandee",
    "saisine": "saisine-defenseur",
    "requete": "projet-requete-refere",
}
FORMATS = {
    "courriel": ("text", "eml"),
    "lettre": ("docx", "text", "pdf"),
    "saisine": ("docx", "text", "pdf"),
    "requete": ("docx", "text", "pdf"),
}
SUFFIX = {"text": ".txt", "docx": ".docx", "pdf": ".pdf", "eml": ".eml"}


def _docx(doc: Document, profile: Profile, outline: bool) -> bytes:
    from .docx_out import Layout, render_docx, render_requete_docx

    if doc.kind == "requete":
        return render_requete_docx(doc)
    shift = profile.mise_en_page
    return render_docx(
        doc, Layout.shifted(shift.decalage_horizontal_mm, shift.decalage_vertical_mm, outline)
    )


def renderer(fmt: str, profile: Profile, outline: bool = False) -> Callable[[Document], bytes]:
    """The function that turns a document model into the bytes of ``fmt``."""
    if fmt == "docx":
        return lambda doc: _docx(doc, profile, outline)
    if fmt == "pdf":
        from .pdf import docx_to_pdf

        return lambda doc: docx_to_pdf(_docx(doc, profile, outline))
    if fmt == "eml":
        from ..delivery.eml import render_eml

        return render_eml
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


def build_document(case: Case, kind: str, now: datetime) -> Built:
    """Render the document model for ``kind`` without writing anything."""
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
        if kind == "requete":
            from .requete import requete_context

            context.update(requete_context(loaded.profile, facts, state, case.root, now))
    document = render(kind, context, (case.root / "modeles",))
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
    return Built(document, facts, loaded.profile, loaded.warnings, context)


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
    case: Case, kind: str, fmt: str, now: datetime | None = None, outline: bool = False
) -> Prepared:
    """Generate one document into ``documents/`` and journal it as prepared (not sent)."""
    if fmt not in FORMATS[kind]:
        raise InputError(
            _("format « {format} » indisponible ; formats : {formats}.").format(
                format=fmt, formats=", ".join(FORMATS[kind])
            )
        )
    now = now or now_paris()
    built = build_document(case, kind, now)
    data = renderer(fmt, built.profile, outline)(built.document)
    extra: dict[str, Any] = {}
    if kind == "courriel":
        extra = _email_facts(built.document, built.facts, built.warnings)
    elif kind == "lettre":
        extra = {"delai": built.context["delai"]}  # what the référé check will count from
    case.journal.check_appendable()  # before writing a document that would be orphaned
    created: list[Path] = []
    try:  # a full disk, Ctrl-C: no document without its journal entry, nor the reverse
        path = write_unique(
            case.documents, _file_stem(kind, now, built.facts), SUFFIX[fmt], data, created
        )
        with deferred_interrupts():
            entry = case.record_document(kind, fmt, path, now, **extra)
    except BaseException:
        for made in created:
            made.unlink(missing_ok=True)
        raise
    return Prepared(built.document, path, entry, built.warnings, built.context)
