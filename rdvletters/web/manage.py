"""Corrections, and the end of a case: correct or withdraw an entry (``rdvletters
correct``), export the case as a ZIP (``export``), import one (``import``), archive it
(``archive``) and erase it on the person's request (``erase``). Each goes through the
same library call as its command."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from flask import abort, flash, redirect, request, send_file, url_for

from .. import lifecycle
from ..channels import ATTEMPT_CHANNELS, CHANNELS, by_weight
from ..corrections import correct_entry
from ..errors import DateToConfirm, RdvError
from ..frdates import PARIS, now_paris
from ..fsutil import WorkDir
from ..i18n import _
from ..steps import STEP_TYPES, effective_entries
from ..transfer import export_zip, import_zip
from .common import bp, case_name, get_case, page, registry, when_from_form
from .forms import FieldError, FormErrors, date_parts, error_of, read_date, read_time, split_date

# The library's name of each field (``correct_entry``'s ``labels``) -> the input's id.
FIELD_IDS = {
    "at": "c-date-day",
    "channel": "c-channel",
    "message": "c-message",
    "witness": "c-witness",
    "reference": "c-reference",
    "tracking": "c-tracking",
    "announced": "c-announced-day",
    "reason": "c-reason",
}


def _labels() -> dict[str, str]:
    """Field id -> the label the library names in its messages."""
    return {
        "c-date-day": _("Date et heure"),
        "c-channel": _("Canal"),
        "c-message": _("Ce qui s'est passé, ou le message affiché"),
        "c-witness": _("Témoin"),
        "c-reference": _("Numéro de référence"),
        "c-tracking": _("Numéro de suivi La Poste"),
        "c-announced-day": _("Date annoncée"),
        "c-reason": _("Motif"),
    }


def _current(case, number: int) -> dict:
    """Entry ``number`` as every document reads it now (corrections applied), or 404."""
    current = dict(effective_entries(case.journal.read())).get(number)
    if current is None or current["type"] not in STEP_TYPES:
        abort(404)
    return current


def _form_of(data: dict) -> dict:
    """The correction form filled with the entry's current values."""
    when = datetime.fromisoformat(data["date"]).astimezone(PARIS)
    return {
        "date": split_date(when.date().isoformat()),
        "time": f"{when:%H:%M}",
        "channel": data.get("canal", ""),
        "message": data.get("description", ""),
        "witness": data.get("temoin", ""),
        "reference": data.get("reference", ""),
        "tracking": data.get("suivi_saisi", data.get("suivi", "")),
        "announced": split_date(data.get("date_annoncee", "")),
        "reason": "",
        "confirm": "",
    }


def _correct_page(case_id, case, number, data, form, errors=(), code=200, **extra):
    route = case.load().profile.situation
    return page(
        "correct.html",
        case_id,
        number=number,
        entry=data,
        form=form,
        route=route,
        channels=by_weight(ATTEMPT_CHANNELS, route)
        + [c for c in CHANNELS if c not in ATTEMPT_CHANNELS],
        errors=list(errors),
        **extra,
    ), code


@bp.route("/c/<case_id>/entry/<int:number>/correct", methods=["GET", "POST"])
def correct(case_id: str, number: int):
    """``rdvletters correct N --at … --channel … --message … --reference …``."""
    case = get_case(case_id)
    data = _current(case, number)
    old = _form_of(data)
    if request.method == "GET":
        return _correct_page(case_id, case, number, data, old)
    form = {k: request.form.get(k, "").strip() for k in old if k not in ("date", "announced")}
    form["date"] = date_parts(request.form, "c-date")
    form["announced"] = date_parts(request.form, "c-announced")
    labels = _labels()
    try:
        day = read_date(form["date"], "c-date", _("Date"))
        hour = read_time(form["time"], "c-time", _("Heure"))
        announced = read_date(form["announced"], "c-announced", _("Date annoncée"), False)
    except FormErrors as found:
        return _correct_page(case_id, case, number, data, form, found.errors, 400)
    changed = {
        k: form[k]
        for k in ("channel", "message", "witness", "reference", "tracking")
        if k in request.form and form[k] != old[k]
    }
    if announced is None and data.get("date_annoncee"):
        message = _("Une date annoncée ne s'efface pas : indiquez la bonne date.")
        return _correct_page(
            case_id, case, number, data, form, [FieldError("c-announced-day", message)], 400
        )
    if announced is not None and announced.isoformat() != data.get("date_annoncee"):
        changed["announced"] = announced.isoformat()
    moved = (day.isoformat(), hour) != (
        f"{old['date']['year']}-{int(old['date']['month']):02d}-{int(old['date']['day']):02d}",
        old["time"],
    )
    if not changed and not moved:
        message = _("Rien n'a changé : modifiez une valeur, ou retirez l'entrée.")
        return _correct_page(
            case_id, case, number, data, form, [FieldError("c-date-day", message)], 400
        )
    try:
        when = (
            when_from_form(case, day.isoformat(), hour, form["confirm"] == "1") if moved else None
        )
        entry = correct_entry(
            case,
            number,
            when=when,
            channel=changed.get("channel"),
            message=changed.get("message"),
            witness=changed.get("witness"),
            reference=changed.get("reference"),
            tracking=changed.get("tracking"),
            announced=changed.get("announced"),
            reason=form["reason"] or None,
            labels={name: labels[field] for name, field in FIELD_IDS.items()},
        )
    except RdvError as error:
        found = [error_of(error, labels, "c-date-day")]
        confirm = isinstance(error, DateToConfirm)
        return _correct_page(case_id, case, number, data, form, found, 400, date_to_confirm=confirm)
    flash(("corrected", entry.n, number), "web.status")
    return redirect(url_for("web.status", case_id=case_id, _anchor=f"entry-{number}"), code=303)


@bp.route("/c/<case_id>/entry/<int:number>/withdraw", methods=["POST"])
def withdraw(case_id: str, number: int):
    """``rdvletters correct N --withdraw --reason …``."""
    case = get_case(case_id)
    data = _current(case, number)
    reason = request.form.get("withdraw_reason", "").strip()
    if not reason:
        error = FieldError(
            "c-withdraw-reason",
            _(
                "Motif du retrait : indiquez pourquoi (il reste au journal), par exemple "
                "« notée deux fois »."
            ),
        )
        form = _form_of(data) | {"withdraw_reason": reason}
        return _correct_page(case_id, case, number, data, form, [error], 400)
    try:
        entry = correct_entry(
            case, number, withdraw=True, reason=reason, labels={"reason": _("Motif du retrait")}
        )
    except RdvError as error:
        form = _form_of(data) | {"withdraw_reason": reason}
        found = [error_of(error, {"c-withdraw-reason": _("Motif du retrait")}, "c-withdraw-reason")]
        return _correct_page(case_id, case, number, data, form, found, 400)
    flash(("withdrawn", entry.n, number), "web.status")
    return redirect(url_for("web.status", case_id=case_id), code=303)


@bp.route("/c/<case_id>/dossier")
def manage(case_id: str):
    """The case itself: export, archive, erase."""
    case = get_case(case_id)
    case.require()
    return page(
        "manage.html", case_id, archived=lifecycle.is_archived(case.root), folder=case.root.name
    )


@bp.route("/c/<case_id>/export", methods=["POST"])
def export(case_id: str):
    """``rdvletters export``: the whole folder and the description of its format, as a ZIP."""
    case = get_case(case_id)
    now = now_paris()
    with WorkDir("rdvletters-export-") as tmp:
        target = tmp / f"{case.root.name}_{now:%Y-%m-%d}.zip"
        export_zip(case, target, now)
        data = target.read_bytes()
    return send_file(
        io.BytesIO(data),
        mimetype="application/zip",
        as_attachment=True,
        download_name=target.name,
        max_age=0,
    )


@bp.route("/c/<case_id>/archive", methods=["POST"])
def archive(case_id: str):
    case = get_case(case_id)
    name = case_name(case) or case_id
    if request.form.get("undo") == "1":
        lifecycle.unarchive(case)
        flash(("unarchived", name), "web.home")
    else:
        lifecycle.archive(case, now_paris())
        flash(("archived", name), "web.home")
    return redirect(url_for("web.home"), code=303)


@bp.route("/c/<case_id>/erase", methods=["GET", "POST"])
def erase(case_id: str):
    """Erase on the person's request: a page that names the person, the surname typed."""
    case = get_case(case_id)
    case.require()
    name = case_name(case) or case_id
    surname = _surname(case)
    if request.method == "POST":
        typed = request.form.get("surname", "").strip()
        if typed.casefold() != surname.casefold():
            message = _("Nom de famille : tapez « {name} » pour confirmer l'effacement.")
            error = FieldError("e-surname", message.format(name=surname))
            return page(
                "erase.html", case_id, name=name, surname=surname, typed=typed, errors=[error]
            ), 400
        lifecycle.erase(case)
        flash(("erased", name), "web.home")
        return redirect(url_for("web.home"), code=303)
    return page("erase.html", case_id, name=name, surname=surname, typed="", errors=[])


def _surname(case) -> str:
    try:
        return case.load().profile.demandeur.nom
    except RdvError:
        return case.root.name


@bp.route("/import", methods=["POST"])
def import_case():
    """``rdvletters import``: a case exported as a ZIP becomes a new folder of the caseload."""
    if not registry().many:
        abort(404)
    upload = request.files.get("archive")
    if upload is None or not upload.filename:
        return _home_error(
            FieldError("i-archive", _("Fichier ZIP : choisissez le fichier exporté."))
        )
    stem = Path(upload.filename).stem
    case_id, folder = registry().new_folder(stem)
    with WorkDir("rdvletters-import-") as tmp:
        source = tmp / "dossier.zip"
        upload.save(source)
        try:
            import_zip(source, folder)
        except RdvError as error:
            return _home_error(
                FieldError(
                    "i-archive",
                    _("Fichier ZIP : {error}").format(
                        error=str(error).replace(str(source), upload.filename)
                    ),
                )
            )
    flash(("imported", case_id), "web.home")
    return redirect(url_for("web.home"), code=303)


def _home_error(error: FieldError):
    from .pages import caseload_page

    return caseload_page(errors=[error]), 400
