"""What every page needs: the blueprint, the case from its identifier, form dates."""

from __future__ import annotations

import mimetypes
from datetime import datetime
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, g, render_template, send_file

from ..case import Case
from ..errors import RdvError
from ..frdates import now_paris
from ..i18n import _
from .cases import Registry

bp = Blueprint("web", __name__)

# Shown in the page; anything else is downloaded (a file in a case is never run).
INLINE_TYPES = {"image/png", "image/jpeg"}


def registry() -> Registry:
    return current_app.config["RDV_REGISTRY"]


def get_case(case_id: str) -> Case:
    """The case named ``case_id`` in the registry's listing, or 404."""
    case = registry().get(case_id)
    if case is None:
        abort(404)
    g.rdv_case = case  # its timestamps wait for the end of the page (app._timestamp_later)
    return case


def case_name(case: Case) -> str | None:
    """The person's name for the page header, when the profile can be read."""
    try:
        return case.load().profile.demandeur.nom_complet
    except RdvError:
        return None


def page(template: str, case_id: str | None = None, **context) -> str:
    """Render a page; with a case, its identifier and name for the navigation."""
    case = registry().get(case_id) if case_id else None
    name = case_name(case) if case is not None else None
    return render_template(template, case_id=case_id, case_name=name, **context)


def now_fields() -> dict[str, str]:
    """Default date and time of a form: now, Paris time, to the minute."""
    now = now_paris()
    return {"date": f"{now:%Y-%m-%d}", "time": f"{now:%H:%M}"}


def when_from_form(case: Case, day: str, time: str, confirmed: bool | None = None) -> datetime:
    """The date and time fields, read by the CLI's rule (``Case.when``, as ``--at``):
    never in the future, nor a year before the first step unless confirmed. Errors
    name the form's fields, not the CLI's options; ``confirmed`` is None for a form that
    has no box to confirm an old date (``DateToConfirm`` then only asks to check it)."""
    if confirmed is None:
        hint = _("Vérifiez l'année de la date.")
    else:
        hint = _(
            "Si la date est juste, cochez la case « Je confirme cette date » sous l'heure, "
            "puis notez de nouveau."
        )
    return case.when(
        f"{day.strip()} {time.strip()}",
        confirmed=bool(confirmed),
        option=_("Date et heure"),
        confirm_hint=hint,
    )


def case_file(case: Case, relative: str) -> Path:
    """A file the journal names, through ``Case.file`` (confined to the case folder), or
    404: a request only ever gives the entry's number, never the path."""
    try:
        return case.file(relative, "fichier")
    except RdvError:
        abort(404)


def send_case_file(path: Path, download_name: str, download: bool = True) -> Response:
    """A file of the case: downloaded, or shown when it is an image and ``download`` is
    False. Its type comes from the name the tool gave it."""
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    inline = ctype in INLINE_TYPES and not download
    response = send_file(
        path,
        mimetype=ctype,
        as_attachment=not inline,
        download_name=download_name,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
