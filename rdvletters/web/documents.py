"""Documents: prepare (``email``, ``letter``, ``referral``), download, mark as sent
(``sent``), and the dossier (``bundle``) as a ZIP.

A document prepared in two forms (the e-mail as text and as an ``.eml`` draft, a letter
in PDF and in Word) is shown once, with both files, and is marked sent once
(``prepared``). A refused « mark as sent » comes back open, with what was typed and
the files kept.
"""

from __future__ import annotations

import io
import zipfile

from flask import abort, flash, redirect, request, send_file, url_for

from ..court.requete import prepare_requete
from ..delivery.eml import mailto, render_eml
from ..documents.pipeline import FORMATS, prepare
from ..documents.text_out import split_email_text
from ..errors import RdvError
from ..frdates import now_paris
from ..i18n import _
from ..prepared import PreparedDocument, document_groups
from . import pending
from .common import bp, case_file, get_case, page, send_case_file, when_from_form
from .forms import FieldError, FormErrors, date_parts, error_of, read_date, read_time


def _email_view(case, doc: PreparedDocument) -> dict:
    """The parts of a prepared text e-mail, each to copy, and its mailto: link."""
    text = next((f for f in reversed(doc.forms) if f.fmt == "text"), None)
    if text is None:
        return {"missing": True}
    try:
        path = case.file(text.file, "courriel")
    except RdvError:
        return {"missing": True}
    to, subject, body = split_email_text(path.read_text(encoding="utf-8"))
    try:
        link, link_error = mailto(to, subject, body), None
    except RdvError as error:
        link, link_error = None, error
    return {"to": to, "subject": subject, "body": body, "mailto": link, "mailto_error": link_error}


def _sent_defaults() -> dict:
    now = now_paris()
    return {
        "date": {"day": str(now.day), "month": str(now.month), "year": str(now.year)},
        "time": f"{now:%H:%M}",
        "tracking": "",
    }


def _page(case_id: str, case, sent_form: dict | None = None, code: int = 200):
    """The documents page; ``sent_form`` is a refused « mark as sent » to show open."""
    groups = list(reversed(document_groups(case.journal.read())))
    emails = [g for g in groups if g.kind == "courriel" and g.sent is None]
    email = emails[0] if emails else None
    older = [g for g in emails[1:]]  # e-mails prepared before, never marked sent
    return page(
        "documents.html",
        case_id,
        docs=groups,
        email=email,
        email_view=_email_view(case, email) if email else None,
        older_emails=older,
        formats=FORMATS,
        defaults=_sent_defaults(),
        sent_form=sent_form,
        errors=sent_form["errors"] if sent_form else [],
    ), code


@bp.route("/c/<case_id>/documents")
def documents(case_id: str):
    case = get_case(case_id)
    case.load()
    return _page(case_id, case)


@bp.route("/c/<case_id>/documents/prepare", methods=["POST"])
def prepare_document(case_id: str):
    """``rdvletters email|letter|referral --format …``: the file and its journal entry."""
    case = get_case(case_id)
    kind, fmt = request.form.get("kind", ""), request.form.get("format", "")
    if kind not in FORMATS or fmt not in FORMATS[kind]:
        abort(400)
    if kind == "requete":
        prepared, _notes = prepare_requete(case, fmt)  # the notes are listed too
    elif fmt == "eml":
        prepared = prepare(case, kind, fmt, render=render_eml)
    else:
        prepared = prepare(case, kind, fmt, outline=request.form.get("outline") == "1")
    if fmt == "eml":  # a download: no page to show a message on
        return redirect(url_for("web.document_file", case_id=case_id, number=prepared.entry.n))
    flash(("prepared", prepared.entry.n, prepared.warnings), "web.documents")
    return redirect(url_for("web.documents", case_id=case_id, _anchor=f"doc-{prepared.entry.n}"))


@bp.route("/c/<case_id>/documents/<int:number>/file")
def document_file(case_id: str, number: int):
    """The file of journal entry ``number`` (a prepared or sent document)."""
    case = get_case(case_id)
    entry = case.journal.read().by_number(number)
    if entry is None or entry.kind not in ("document", "envoi") or "fichier" not in entry.data:
        abort(404)
    path = case_file(case, str(entry.data["fichier"]))
    return send_case_file(path, path.name)


@bp.route("/c/<case_id>/documents/<int:number>/sent", methods=["POST"])
def mark_sent(case_id: str, number: int):
    """``rdvletters sent N --at … --tracking … --proof …``."""
    case = get_case(case_id)
    form = {
        "date": date_parts(request.form, f"sd-{number}"),
        "time": request.form.get("time", ""),
        "tracking": request.form.get("tracking", "").strip(),
    }
    ref, proofs, problems = pending.gather(case.root, request.form, request.files.getlist("proofs"))
    errors = [FieldError(f"f-proofs-{number}", p) for p in problems]
    try:
        day = read_date(form["date"], f"sd-{number}", _("Date de l'envoi"))
        hour = read_time(form["time"], f"st-{number}", _("Heure"))
    except FormErrors as found:
        errors = found.errors + errors
    if not errors:
        labels = {
            f"tr-{number}": _("Numéro de suivi La Poste"),
            f"sd-{number}-day": _("Date et heure"),
        }
        try:
            when = when_from_form(case, f"{day:%Y-%m-%d}", hour)
            entry = case.record_sent(
                number,
                when,
                form["tracking"] or None,
                proofs,
                labels={"at": labels[f"sd-{number}-day"], "tracking": labels[f"tr-{number}"]},
            )
        except RdvError as error:
            errors = [error_of(error, labels, f"sd-{number}-day")]
    if errors:
        form.update(number=number, errors=errors, kept=proofs, ref=ref)
        return _page(case_id, case, form, 400)
    pending.drop(case.root, ref)
    flash(
        ("sent", entry.n, number, entry.data["document"] == "lettre" and not form["tracking"]),
        "web.documents",
    )
    return redirect(url_for("web.documents", case_id=case_id, _anchor=f"doc-{number}"))


@bp.route("/c/<case_id>/bundle", methods=["POST"])
def bundle(case_id: str):
    """``rdvletters bundle`` (the folder in the case, as the CLI makes it), sent as a ZIP."""
    from ..court.dossier.bundle import write_bundle

    case = get_case(case_id)
    dossier = write_bundle(case, pdf=request.form.get("pdf") == "1")
    folder = dossier.folder
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in dossier.files:
            archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    buffer.seek(0)
    return send_file(
        buffer,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{folder.name}.zip",
        max_age=0,
    )
