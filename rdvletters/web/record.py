"""« Record an attempt »: the form of ``rdvletters record``, with proof files uploaded.

A refused form comes back with everything typed, the files already sent kept on the
server (``pending``), an error summary and each field marked. The date is three
fields and the time a short text field (``forms``).
"""

from __future__ import annotations

from dataclasses import replace

from flask import current_app, flash, redirect, request, url_for

from ..channels import ATTEMPT_CHANNELS, CHANNELS, by_weight
from ..errors import DateToConfirm, RdvError
from ..frdates import now_paris
from ..i18n import _
from ..localdates import time as said_time
from ..localdates import weekday_day
from ..proofnames import ProofFile
from ..recording import step_warnings
from ..stepfields import announced_date
from . import pending
from .common import bp, get_case, page, when_from_form
from .forms import FieldError, FormErrors, date_parts, error_of, read_date, read_time
from .uploads import MAX_FILE_BYTES, MAX_FILES

FIELDS = ("time", "channel", "message", "witness", "reference", "tracking", "confirm")

# The library's name of each field (``Case.record``'s ``labels``) -> the input's id.
FIELD_IDS = {
    "at": "f-date-day",
    "message": "f-message",
    "witness": "f-witness",
    "reference": "f-reference",
    "tracking": "f-tracking",
}


def labels() -> dict[str, str]:
    """Field id -> the label the library names in its messages: the words the page shows
    above the field, never a CLI option (« Date et heure » for the date and time fields)."""
    return {
        "f-message": _("Ce qui s'est passé, ou le message affiché"),
        "f-witness": _("Témoin"),
        "f-reference": _("Numéro de référence"),
        "f-tracking": _("Numéro de suivi La Poste"),
        "f-date-day": _("Date et heure"),
        "f-announced-day": _("Date annoncée"),
    }


def _form_page(case_id: str, route: str, form: dict, errors=(), kept=(), ref="", **extra):
    others = [c for c in CHANNELS if c not in ATTEMPT_CHANNELS]
    return page(
        "record.html",
        case_id,
        route=route,
        form=form,
        attempts=by_weight(ATTEMPT_CHANNELS, route),  # the route's own first: ANEF on « anef »
        others=others,
        errors=list(errors),
        kept=list(kept),
        ref=ref,
        max_files=MAX_FILES,
        max_mb=MAX_FILE_BYTES // (1024 * 1024),
        **extra,
    )


def _now_form(channel: str) -> dict:
    now = now_paris()
    return {
        "date": {"day": str(now.day), "month": str(now.month), "year": str(now.year)},
        "time": f"{now:%H:%M}",
        "channel": channel,
        "tracking": "",
        "announced": {"day": "", "month": "", "year": ""},
    }


def received(proof: ProofFile) -> ProofFile:
    """The file with how it arrived (proof: the « Conditions de réception » sheet)."""
    from ..evidence.proofs.provenance import upload_conditions

    client = request.remote_addr or ""
    route = "web" if client in ("127.0.0.1", "::1", "") else "telephone"
    conditions = upload_conditions(
        current_app.config.get("RDV_UPLOAD_ROUTE") or route,  # the server says its own
        now_paris(),
        name=proof.name,
        size=proof.path.stat().st_size,
        kind=proof.path.suffix.lstrip("."),
        client=client or None,
        user_agent=request.user_agent.string or None,
        server=current_app.config.get("RDV_SERVER_NAME"),
    )
    return replace(proof, conditions=conditions)


@bp.route("/c/<case_id>/record", methods=["GET", "POST"])
def record(case_id: str):
    case = get_case(case_id)
    route = case.load().profile.situation  # as the CLI: steps need a valid profile
    if request.method == "GET":
        channel = request.args.get("canal", by_weight(ATTEMPT_CHANNELS, route)[0])
        return _form_page(case_id, route, _now_form(channel))
    form = {k: request.form.get(k, "") for k in FIELDS}
    form["date"] = date_parts(request.form, "f-date")
    form["announced"] = date_parts(request.form, "f-announced")
    ref, proofs, problems = pending.gather(case.root, request.form, request.files.getlist("proofs"))
    errors = [FieldError("f-proofs", p) for p in problems]
    understood = None
    try:
        day = read_date(form["date"], "f-date", _("Date"))
        hour = read_time(form["time"], "f-time", _("Heure"))
        announced = read_date(form["announced"], "f-announced", _("Date annoncée"), False)
    except FormErrors as found:
        errors = found.errors + errors
    else:
        understood = _("{day} à {time}").format(
            day=weekday_day(day),
            time=said_time(now_paris().replace(hour=int(hour[:2]), minute=int(hour[3:]))),
        )
    confirm = False
    if not errors:
        try:
            when = when_from_form(case, f"{day:%Y-%m-%d}", hour, form["confirm"] == "1")
            said = f"{announced:%Y-%m-%d}" if announced else ""
            extra = announced_date(said, form["channel"], _("Date annoncée"))
            entry = case.record(
                form["channel"],
                when,
                form["message"],
                [received(p) for p in proofs],
                form["witness"] or None,
                form["reference"] or None,
                labels={name: labels()[field] for name, field in FIELD_IDS.items()},
                extra=extra,
                tracking=form["tracking"].strip() or None,  # a letter's: it is then the LRAR
            )
        except RdvError as error:
            confirm = isinstance(error, DateToConfirm)
            errors = [error_of(error, labels(), "f-channel")]
    if errors:
        return _form_page(
            case_id,
            route,
            form,
            errors,
            proofs,
            ref,
            date_to_confirm=confirm or form["confirm"] == "1",
            understood=understood,
        ), 400
    pending.drop(case.root, ref)
    warnings = step_warnings(case.journal.read(), entry)
    flash(("recorded", entry.n, len(entry.data.get("pieces", [])), warnings), "web.status")
    return redirect(url_for("web.status", case_id=case_id), code=303)
