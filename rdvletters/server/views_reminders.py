"""The person's reminders and calendar, from their link; e-mail reminders, by a volunteer.

- ``/p/<token>/rappels``: the consent screen (how many reminders a week, what they
  hold, who carries them, how to stop), the phone's subscription sent by ``person.js``,
  « Arrêter les rappels », and the calendar address (made, shown once, revoked);
- ``/agenda/<token>.ics``: the calendar itself, opened by its own token (never the
  link's: a calendar synced through a third-party service must not carry the key to
  the case);
- ``/c/<case>/rappels-courriel``: a volunteer turns e-mail reminders on or off, when
  the server has SMTP (``[reminders] smtp_host``, ``smtp_from``).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for

from ..errors import RdvError
from ..facts import Facts
from ..frdates import now_paris
from ..i18n import N_, _
from ..reminders import push
from ..reminders.agenda import Links, case_calendar
from ..validation import email_problem  # the profile's own e-mail rule
from . import audit, calendars, reminders
from .registry import checkout, context
from .views_person import _open, not_found

bp = Blueprint("reminders", __name__)


def _key() -> bytes:
    return reminders.key_of(context().config)


def _consent_page(token: str, case_id: str, case, code: int = 200, **extra):
    ctx = context()
    try:
        items = reminders.planned(case, now_paris())
    except RdvError:
        items = []
    subs = reminders.subscriptions(ctx.store, _key(), case_id)
    profile = case.load().profile
    return render_template(
        "person_reminders.html",
        token=token,
        per_week=reminders.per_week(items),
        attempts=profile.seuils.tentatives_par_semaine,
        push_on="push" in subs,
        email_on="email" in subs,
        calendar_live=calendars.live(ctx.store, case_id),
        server_key=push.application_server_key(push.vapid(ctx.config.vapid_key_path)),
        weeks=reminders.WEEKS,
        **extra,
    ), code


@bp.route("/p/<token>/rappels", methods=["GET", "POST"])
def consent(token: str):
    """The consent screen; a POST from ``person.js`` carries the phone's subscription."""
    ctx = context()
    case_id, _case_key, case = _open(token)
    if request.method == "GET":
        return _consent_page(token, case_id, case)
    if request.form.get("consent") != "1":
        return _consent_page(token, case_id, case, 400, refused=True)
    try:
        subscription = push.check_subscription(json.loads(request.form.get("subscription", "")))
    except ValueError:
        return _consent_page(token, case_id, case, 400, refused=True)
    data = {"subscription": subscription, "lang": g.get("lang", "fr")}
    reminders.subscribe(ctx.store, _key(), case_id, "push", data, audit.LINK_ACTOR)
    reminders.refresh(ctx.store, _key(), case_id, case)
    return redirect(url_for("reminders.consent", token=token, on=1), code=303)


@bp.route("/p/<token>/rappels/arret", methods=["POST"])
def stop(token: str):
    ctx = context()
    case_id, _case_key, _case = _open(token)
    reminders.stop(ctx.store, case_id, audit.LINK_ACTOR)
    return redirect(url_for("reminders.consent", token=token, off=1), code=303)


@bp.route("/p/<token>/agenda", methods=["POST"])
def person_agenda(token: str):
    """Make (again) or revoke the calendar address, from the person's page."""
    ctx = context()
    case_id, case_key, case = _open(token)
    if request.form.get("action") == "revoke":
        calendars.revoke_all(ctx.store, case_id, audit.LINK_ACTOR)
        return redirect(url_for("reminders.consent", token=token, revoked=1), code=303)
    new = calendars.create(ctx.store, case_id, case_key, audit.LINK_ACTOR)
    address = url_for("reminders.feed", token=new, _external=True)
    return _consent_page(token, case_id, case, calendar_address=address)


@bp.route("/agenda/<token>.ics")
def feed(token: str):
    """The calendar, for the phone or its calendar service: the token opens this only."""
    ctx = context()
    found = calendars.open_calendar(ctx.store, token)
    if found is None:
        not_found("agenda")
    case_id, key = found
    case = checkout(case_id, key)
    audit.log(ctx.store, audit.CALENDAR_ACTOR, case_id, N_("agenda lu par l'adresse d'agenda"))
    try:
        profile = case.load().profile
    except RdvError:
        abort(404)
    facts = Facts.from_journal(case.journal.read())
    links = Links(app=_("dans votre application rdvletters (le lien donné par l'association)"))
    data = case_calendar(case.root, profile, facts, now_paris(), links)
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Disposition"] = "inline; filename=rdvletters.ics"
    return response


@bp.route("/c/<case_id>/rappels-courriel", methods=["POST"])
def email_reminders(case_id: str):
    """A volunteer turns e-mail reminders on (to an address the person gave) or off."""
    from ..web.common import get_case

    ctx = context()
    case = get_case(case_id)  # access checked, the case opened (its audit line written)
    session = g.get("rdv_session")
    actor = session.user.display_name if session else audit.SYSTEM_ACTOR
    if request.form.get("action") == "off":
        reminders.stop(ctx.store, case_id, actor, "email")
        return redirect(url_for("web.manage", case_id=case_id), code=303)
    if not (ctx.config.smtp_host and ctx.config.smtp_from):
        abort(400)
    address = request.form.get("address", "").strip()
    problem = email_problem(address)
    if problem or request.form.get("consent") != "1":
        return redirect(url_for("web.manage", case_id=case_id, rappels="erreur"), code=303)
    lang = request.form.get("lang", "fr")
    data = {"address": address, "lang": lang if lang in ("fr", "en") else "fr"}
    reminders.subscribe(ctx.store, _key(), case_id, "email", data, actor)
    reminders.refresh(ctx.store, _key(), case_id, case)  # planned now, not at the next page
    return redirect(url_for("web.manage", case_id=case_id), code=303)
