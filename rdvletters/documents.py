"""The pipeline: profile + journal -> document model -> renderer -> file + journal entry.

``prepare`` is the one entry point for the three documents; the CLI only
chooses the kind and the format. Renderers are imported when used, so the
plain-text path never loads python-docx.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .case import Case
from .context import build_context
from .errors import InputError
from .facts import Facts
from .frdates import now_paris
from .fsutil import write_unique
from .journal import Entry
from .model import Document
from .render import render

KINDS = {"courriel": "courriel", "lettre": "lettre-recommandee", "saisine": "saisine-defenseur"}
FORMATS = {"courriel": ("text",), "lettre": ("docx", "text"), "saisine": ("docx", "text")}
SUFFIX = {"text": ".txt", "docx": ".docx"}


def _renderer(fmt: str) -> Callable[[Document], bytes]:
    if fmt == "docx":
        from .docx_out import render_docx

        return render_docx
    from .text_out import render_text

    return render_text


@dataclass
class Prepared:
    """A generated document: where it is, its journal entry, and what to tell the user."""

    document: Document
    path: Path
    entry: Entry
    warnings: list[str] = field(default_factory=list)


def build_document(case: Case, kind: str, now: datetime) -> tuple[Document, Facts, list[str]]:
    """Render the document model for ``kind`` without writing anything."""
    loaded = case.load()
    facts = Facts.from_journal(case.journal.read())
    context = build_context(loaded.profile, facts, now)
    document = render(kind, context, (case.root / "modeles",))
    return document, facts, loaded.warnings


def _file_stem(kind: str, now: datetime, facts: Facts) -> str:
    stem = f"{now:%Y-%m-%d}_{KINDS[kind]}"
    if kind == "courriel":
        stem += f"_relance-{len(facts.emails):02d}" if facts.emails else "_premier"
    return stem


def prepare(case: Case, kind: str, fmt: str, now: datetime | None = None) -> Prepared:
    """Generate one document into ``documents/`` and journal it as prepared (not sent)."""
    if fmt not in FORMATS[kind]:
        raise InputError(f"format « {fmt} » indisponible ; formats : {', '.join(FORMATS[kind])}.")
    now = now or now_paris()
    document, facts, warnings = build_document(case, kind, now)
    data = _renderer(fmt)(document)
    path = write_unique(case.documents, _file_stem(kind, now, facts), SUFFIX[fmt], data)
    extra: dict = {}
    if kind == "courriel":
        new = facts.new_since_last_email
        extra = {
            "relance": len(facts.emails),
            "objet": document.text("objet"),
            "tentatives": [s.n for s in new],
        }
        if not new:
            last = facts.emails[-1].when if facts.emails else None
            warnings.append(
                "Aucune nouvelle démarche enregistrée depuis le dernier courriel"
                + (f" ({last:%d/%m/%Y})" if last else "")
                + " : un courriel hebdomadaire doit apporter des faits nouveaux. "
                "Enregistrez vos tentatives avec « rdvletters record »."
            )
    entry = case.record_document(kind, fmt, path, now, **extra)
    return Prepared(document, path, entry, warnings)
