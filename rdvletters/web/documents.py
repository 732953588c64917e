"""Documents: prepare (``email``, ``letter``, ``referral``), download, mark as sent
(``sent``), and the dossier (``bundle``) as a ZIP."""

from __future__ import annotations

import io
import zipfile

from flask import abort, flash, redirect, request, send_file, url_for

from ..delivery.eml import mailto
from ..documents.pipeline import FORMATS, prepare
from ..documents.text_out import split_email_text
from ..errors import RdvError
from ..fsutil import WorkDir
from ..overview import PreparedDocument, prepared_documents
from .common import bp, case_file, get_case, now_fields, page, send_case_file, when_from_form
from .uploads import save_uploads


def _email_view(case, doc: PreparedDocument) -> dict:
    """The parts of a prepared text e-mail, each to copy, and its mailto: link."""
    try:
        path = case.file(doc.file, "courriel")
    except RdvError:
        return {"missing": True}
    to, subject, body = split_email_text(path.read_text(encoding="utf-8"))
    try:
        link, link_error = mailto(to, subject, body), None
    except RdvError as error:
        link, link_error = None, error
    return {"to": to, "subject": subject, "body": body, "mailto": link, "mailto_error": link_error}


@bp.route("/c/<case_id>/documents")
def documents(case_id: str):
    case = get_case(case_id)
    case.load()
    docs = prepared_documents(case.journal.read())
    email = next((d for d in docs if d.kind == "courriel" and d.fmt == "text"), None)
    email = email if email is not None and email.sent is None else None
    return page(
        "documents.html",
        case_id,
        docs=docs,
        email=email,
        email_view=_email_view(case, email) if email else None,
        formats=FORMATS,
        now=now_fields(),
    )


@bp.route("/c/<case_id>/documents/prepare", methods=["POST"])
def prepare_document(case_id: str):
    """``rdvletters email|letter|referral --format …``: the file and its journal entry."""
    case = get_case(case_id)
    kind, fmt = request.form.get("kind", ""), request.form.get("format", "")
    if kind not in FORMATS or fmt not in FORMATS[kind]:
        abort(400)
    prepared = prepare(case, kind, fmt, outline=request.form.get("outline") == "1")
    flash(("prepared", prepared.entry.n, prepared.warnings))
    if fmt == "eml":
        return redirect(url_for("web.document_file", case_id=case_id, number=prepared.entry.n))
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
    try:
        when = when_from_form(case, request.form.get("date", ""), request.form.get("time", ""))
        tracking = request.form.get("tracking", "").strip() or None
        with WorkDir("rdvletters-envoi-") as tmp:
            proofs = save_uploads(request.files.getlist("proofs"), tmp)
            entry = case.record_sent(number, when, tracking, proofs)
    except RdvError as error:
        flash(("error", number, str(error), error.hint))  # the hint says what to do
        return redirect(url_for("web.documents", case_id=case_id, _anchor=f"doc-{number}"))
    flash(("sent", entry.n, number, entry.data["document"] == "lettre" and not tracking))
    return redirect(url_for("web.documents", case_id=case_id, _anchor=f"doc-{number}"))


@bp.route("/c/<case_id>/bundle", methods=["POST"])
def bundle(case_id: str):
    """``rdvletters bundle`` (the folder in the case, as the CLI makes it), sent as a ZIP."""
    from ..evidence.dossier.bundle import write_bundle

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
