"""« Record an attempt »: the form of ``rdvletters record``, with proof files uploaded."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import flash, redirect, request, url_for

from ..errors import RdvError
from ..journal import ATTEMPT_CHANNELS, CHANNELS
from .common import bp, get_case, now_fields, page, when_from_form
from .uploads import MAX_FILE_BYTES, MAX_FILES, save_uploads

FIELDS = ("date", "time", "channel", "message", "witness", "reference")


def _form_page(case_id: str, form: dict[str, str], error: RdvError | None = None, code=200):
    others = [c for c in CHANNELS if c not in ATTEMPT_CHANNELS]
    return page(
        "record.html",
        case_id,
        form=form,
        attempts=ATTEMPT_CHANNELS,
        others=others,
        error=error,
        max_files=MAX_FILES,
        max_mb=MAX_FILE_BYTES // (1024 * 1024),
    ), code


@bp.route("/c/<case_id>/record", methods=["GET", "POST"])
def record(case_id: str):
    case = get_case(case_id)
    case.load()  # as the CLI: a step is recorded for a valid profile only
    if request.method == "GET":
        channel = request.args.get("canal", "web")
        return _form_page(case_id, {**now_fields(), "channel": channel})
    form = {k: request.form.get(k, "") for k in FIELDS}
    try:
        when = when_from_form(form["date"], form["time"])
        with tempfile.TemporaryDirectory(prefix="rdvletters-envoi-") as tmp:
            proofs = save_uploads(request.files.getlist("proofs"), Path(tmp))
            entry = case.record(
                form["channel"],
                when,
                form["message"],
                proofs,
                form["witness"] or None,
                form["reference"] or None,
            )
    except RdvError as error:
        return _form_page(case_id, form, error, 400)
    flash(("recorded", entry.n, len(entry.data.get("pieces", []))))
    return redirect(url_for("web.status", case_id=case_id), code=303)
