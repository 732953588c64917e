"""« Record an attempt »: the form of ``rdvletters record``, with proof files uploaded."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from ..channels import ATTEMPT_CHANNELS, CHANNELS, by_weight
from ..errors import DateToConfirm, RdvError
from ..fsutil import WorkDir
from ..i18n import _
from .common import bp, get_case, now_fields, page, when_from_form
from .uploads import MAX_FILE_BYTES, MAX_FILES, save_uploads

FIELDS = ("date", "time", "channel", "message", "witness", "reference", "confirm")


def _form_page(
    case_id: str, route: str, form: dict[str, str], error: RdvError | None = None, code=200
):
    others = [c for c in CHANNELS if c not in ATTEMPT_CHANNELS]
    return page(
        "record.html",
        case_id,
        route=route,
        form=form,
        attempts=by_weight(ATTEMPT_CHANNELS, route),  # the route's own first: ANEF on « anef »
        others=others,
        error=error,
        date_to_confirm=isinstance(error, DateToConfirm),  # the box is offered
        max_files=MAX_FILES,
        max_mb=MAX_FILE_BYTES // (1024 * 1024),
    ), code


@bp.route("/c/<case_id>/record", methods=["GET", "POST"])
def record(case_id: str):
    case = get_case(case_id)
    route = case.load().profile.situation  # as the CLI: steps need a valid profile
    if request.method == "GET":
        channel = request.args.get("canal", by_weight(ATTEMPT_CHANNELS, route)[0])
        return _form_page(case_id, route, {**now_fields(), "channel": channel})
    form = {k: request.form.get(k, "") for k in FIELDS}
    try:
        when = when_from_form(case, form["date"], form["time"], form["confirm"] == "1")
        with WorkDir("rdvletters-envoi-") as tmp:
            proofs = save_uploads(request.files.getlist("proofs"), tmp)
            entry = case.record(
                form["channel"],
                when,
                form["message"],
                proofs,
                form["witness"] or None,
                form["reference"] or None,
                labels={  # errors name the form's fields, not the CLI's options
                    "message": _("Ce qui s'est passé, ou le message affiché"),
                    "witness": _("Témoin"),
                    "reference": _("Numéro de référence"),
                },
            )
    except RdvError as error:
        return _form_page(case_id, route, form, error, 400)
    flash(("recorded", entry.n, len(entry.data.get("pieces", []))))
    return redirect(url_for("web.status", case_id=case_id), code=303)
