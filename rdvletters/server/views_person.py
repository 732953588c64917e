"""The person's own link: one page on the phone, in their language.

Everything here is reached by the capability in the address (``/p/<token>/``):
no account, no cookie. The token opens one case only (its key is wrapped under
the token); an unknown, revoked or expired token gets the same 404, and
addresses that try many tokens are slowed down. The page shows the person's
status in plain words, their documents, who opened their case, and one action:
« J'ai essayé, pas de rendez-vous ».
"""

from __future__ import annotations

import io
import json
import tempfile
from functools import cache
from pathlib import Path
from typing import NoReturn

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from ..case import Case
from ..errors import RdvError
from ..i18n import N_, _
from ..web.common import case_file, now_fields, send_case_file, when_from_form
from ..web.uploads import MAX_FILES
from ..web.week import week_view
from . import accounts, audit, caseindex, keys
from .person import (
    USUAL_MESSAGES,
    Sent,
    already_recorded,
    channels_for,
    documents_of,
    plain_status,
    proofs_from,
    record_from_phone,
)
from .registry import checkout, context

bp = Blueprint("person", __name__, url_prefix="/p", template_folder="templates")
HERE = Path(__file__).parent
GUESSES_PER_WINDOW = 30  # wrong tokens per address and 15 minutes


def not_found(kind: str) -> NoReturn:
    """404 for a wrong token (the same for unknown, revoked or expired); 429 once an
    address has tried too many (``kind``: the link, the calendar)."""
    if not accounts.allow(context().store, f"{kind}-ip:{request.remote_addr}", GUESSES_PER_WINDOW):
        abort(429)
    abort(404)


def _open(token: str) -> tuple[str, bytes, Case]:
    ctx = context()
    if len(token) > 100:
        abort(404)
    found = caseindex.open_link(ctx.store, token)
    if found is None:
        not_found("link")
    case_id, key = found
    g.rdv_link_hash = keys.token_hash(token)
    return case_id, key, checkout(case_id, key)


def _who_opened(case_id: str) -> list[audit.Event]:
    """Volunteers' actions on the case, newest first (never the person's own)."""
    return [
        e
        for e in audit.events(context().store, case_id, limit=200)
        if e.actor not in (audit.LINK_ACTOR, audit.SYSTEM_ACTOR, audit.CALENDAR_ACTOR)
    ][:30]


def _page(token: str, case_id: str, case: Case, code: int = 200, **extra) -> tuple[str, int]:
    route = case.load().profile.situation
    return render_template(
        "person_home.html",
        token=token,
        route=route,
        status=plain_status(case),
        documents=documents_of(case),
        opened=_who_opened(case_id),
        channels=channels_for(route),
        messages=USUAL_MESSAGES[route],
        now=now_fields(),
        max_files=MAX_FILES,
        recorded=request.args.get("ok", type=int),
        week=week_view(case),
        **extra,
    ), code


@bp.route("/<token>/")
def home(token: str):
    case_id, _key, case = _open(token)
    audit.log(context().store, audit.LINK_ACTOR, case_id, N_("page du lien ouverte"))
    try:
        return _page(token, case_id, case, shared=request.args.get("partage") == "1")
    except RdvError:  # the profile is not filled in yet: the volunteer does it first
        return render_template("person_wait.html", token=token), 200


def _wants_json() -> bool:
    return "application/json" in request.headers.get("Accept", "")


@bp.route("/<token>/essai", methods=["POST"])
def record(token: str):
    """« J'ai essayé, pas de rendez-vous »: the entry, its proof, then a timestamp."""
    ctx = context()
    case_id, key, case = _open(token)
    form = request.form
    client_id = form.get("client_id", "")
    done = already_recorded(case, client_id) if client_id else None
    if done is None:
        message = form.get("message", "")
        if message == "autre" or not message:
            message = form.get("other", "")
        try:
            when = when_from_form(case, form.get("date", ""), form.get("time", ""))
            with tempfile.TemporaryDirectory(prefix="rdvletters-recu-") as tmp:
                proofs = proofs_from(request.files.getlist("proofs"), Path(tmp))
                sent = Sent(
                    form.get("channel", ""),
                    when,
                    message,
                    proofs,
                    client_id,
                    form.get("phone_time", ""),
                    form.get("offline_since", ""),
                )
                done = record_from_phone(case, sent)
        except RdvError as error:
            if _wants_json():
                return jsonify(ok=False, error=str(error), hint=error.hint), 400
            return _page(token, case_id, case, 400, error=error, form=form)
        audit.log(
            ctx.store,
            audit.LINK_ACTOR,
            case_id,
            N_("démarche envoyée du téléphone, entrée n°"),
            str(done.n),
        )
        if ctx.jobs is not None:
            ctx.jobs.stamp_after_receipt(case_id, key)  # type: ignore[attr-defined]
    if _wants_json():
        return jsonify(ok=True, n=done.n, pieces=len(done.data.get("pieces", [])))
    return redirect(url_for("person.home", token=token, ok=done.n, _anchor="done"), code=303)


@bp.route("/<token>/partage", methods=["POST"])
def share(token: str):
    """The share sheet's target when the phone's worker is not there to keep the file:
    the page asks for the screenshot again (nothing is recorded unseen)."""
    case_id, _key, case = _open(token)
    return _page(token, case_id, case, share_lost=True)


@bp.route("/<token>/document/<int:number>")
def document(token: str, number: int):
    case_id, _key, case = _open(token)
    allowed = {n for n, *_rest in documents_of(case)}
    entry = case.journal.read().by_number(number)
    if number not in allowed or entry is None:
        abort(404)
    audit.log(context().store, audit.LINK_ACTOR, case_id, N_("document téléchargé par la personne"))
    path = case_file(case, str(entry.data["fichier"]))
    return send_case_file(path, path.name)


@bp.route("/<token>/manifest.webmanifest")
def manifest(token: str):
    _open(token)
    base = url_for("person.home", token=token)
    data = {
        "name": "rdvletters",
        "short_name": "rdvletters",
        "description": _("Noter chaque essai pour obtenir un rendez-vous, avec sa capture."),
        "lang": g.get("lang", "fr"),
        "start_url": base,
        "scope": base,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f4e8c",
        "icons": [
            {"src": url_for("person.icon", size=192), "sizes": "192x192", "type": "image/png"},
            {
                "src": url_for("person.icon", size=512),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any maskable",
            },
        ],
        "share_target": {
            "action": url_for("person.share", token=token),
            "method": "POST",
            "enctype": "multipart/form-data",
            "params": {"files": [{"name": "proofs", "accept": ["image/png", "image/jpeg"]}]},
        },
    }
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/manifest+json")


@bp.route("/sw.js")
def worker():
    response = Response(
        (HERE / "static" / "sw.js").read_text(encoding="utf-8"), mimetype="text/javascript"
    )
    response.headers["Service-Worker-Allowed"] = "/p/"
    return response


@bp.route("/icon-<int:size>.png")
def icon(size: int):
    if size not in (192, 512):
        abort(404)
    return Response(_icon(size), mimetype="image/png")


@cache
def _icon(size: int) -> bytes:
    """The app's icon, drawn once: a dark blue square with a white tick."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), "#1f4e8c")
    draw = ImageDraw.Draw(image)
    s = size / 192
    draw.line(
        [(50 * s, 100 * s), (82 * s, 132 * s), (142 * s, 64 * s)], fill="white", width=int(18 * s)
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
