"""The week's plan as the pages show it (« Cette semaine »), and the case's calendar.

``week_view`` turns ``reminders.plan`` into plain strings for ``_week.html`` (the
status page here, the person's link page on the association server). The calendar
routes serve ``reminders.agenda`` for the case: a page to make or revoke the
subscription address, the file to download, and the address itself
(``/agenda/<case>/<token>.ics``), which a calendar application fetches without the
app's cookie: its token opens the calendar and nothing else (``security.OPEN``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Response, abort, flash, redirect, request, url_for

from ..case import Case
from ..errors import RdvError
from ..facts import Facts
from ..frdates import now_paris
from ..localdates import day
from ..reminders import feed
from ..reminders.agenda import Links, case_calendar
from ..reminders.plan import make_plan
from ..reminders.plan_text import item_when, slot_action, slot_when, slot_why
from .common import bp, get_case, page, registry


@dataclass
class WeekView:
    notes: list[str]
    done: int
    per_week: int
    slots: list[dict] = field(default_factory=list)
    email: dict | None = None
    email_sent: str = ""
    ahead: list[dict] = field(default_factory=list)
    closed: bool = False  # an appointment or the registration is noted: no attempts


def week_view(case: Case) -> WeekView:
    profile = case.load().profile
    facts = Facts.from_journal(case.journal.read())
    plan = make_plan(profile, facts, now_paris(), case.root, weeks=1)
    return WeekView(
        plan.notes,
        plan.done,
        plan.per_week,
        [
            {"when": slot_when(s), "action": slot_action(s, plan.route), "why": slot_why(s)}
            for s in plan.slots
        ],
        {"when": item_when(plan.email), "text": plan.email.text} if plan.email else None,
        day(plan.email_sent) if plan.email_sent else "",
        [
            {
                "when": item_when(i),
                "text": i.text,
                "detail": i.detail,
                "own": i.own_words,
                "own_detail": i.own_detail,
            }
            for i in plan.ahead
        ],
        plan.closed,
    )


def links_for(case_id: str) -> Links:
    return Links(
        record=url_for("web.record", case_id=case_id, _external=True),
        documents=url_for("web.documents", case_id=case_id, _external=True),
        status=url_for("web.status", case_id=case_id, _external=True),
    )


def calendar_response(data: bytes, download: bool = False) -> Response:
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Disposition"] = (
        "attachment; filename=rdvletters.ics" if download else "inline; filename=rdvletters.ics"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _calendar(case: Case, case_id: str) -> bytes:
    profile = case.load().profile
    facts = Facts.from_journal(case.journal.read())
    return case_calendar(case.root, profile, facts, now_paris(), links_for(case_id))


@bp.route("/c/<case_id>/agenda", methods=["GET", "POST"])
def agenda(case_id: str):
    """The calendar's page: download it, or make (again) or revoke its address."""
    case = get_case(case_id)
    address = None
    if request.method == "POST":
        if request.form.get("action") == "revoke":
            feed.revoke(case.root)
            flash(("revoked",), "web.agenda")
            return redirect(url_for("web.agenda", case_id=case_id), code=303)
        token = feed.new_token(case.root)
        address = url_for("web.agenda_feed", case_id=case_id, token=token, _external=True)
    try:
        case.load()
    except RdvError:
        return redirect(url_for("web.profile", case_id=case_id, section="situation"))
    return page(
        "agenda.html",
        case_id,
        address=address,
        live=feed.has_token(case.root),
    )


@bp.route("/c/<case_id>/agenda.ics")
def agenda_file(case_id: str):
    case = get_case(case_id)
    return calendar_response(_calendar(case, case_id), download=True)


@bp.route("/agenda/<case_id>/<token>.ics")
def agenda_feed(case_id: str, token: str):
    """The subscription address: no cookie, the token in the address opens this calendar."""
    case = registry().get(case_id)
    if case is None or not feed.token_ok(case.root, token):
        abort(404)
    return calendar_response(_calendar(case, case_id))
