"""Administration: accounts and invitations, the second-factor rule, the audit log,
retention."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ..frdates import now_paris
from ..i18n import N_, _
from . import accounts, audit, caseindex, retention
from .app import totp_required_for_all
from .auth import current_private, current_user
from .qr import qr_svg
from .registry import context

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def _users_page(invitation_url: str | None = None, code: int = 200):
    ctx = context()
    return render_template(
        "admin_users.html",
        users=accounts.list_users(ctx.store),
        totp_for_all=totp_required_for_all(ctx.store, ctx.config),
        invitation_url=invitation_url,
        invitation_qr=qr_svg(invitation_url, _("Code QR de l'invitation"))
        if invitation_url
        else None,
    ), code


@bp.route("/")
def users():
    return _users_page()


def _team_key() -> bytes:
    ctx = context()
    me = current_user()
    with ctx.store.transaction() as tx:
        team = caseindex.team_private(tx, me.id, current_private())
    if team is None:
        abort(403)
    return team


@bp.route("/invitation", methods=["POST"])
def invite():
    ctx = context()
    me = current_user()
    name = " ".join(request.form.get("name", "").split())[:80]
    role = request.form.get("role", "volunteer")
    if not name or role not in ("admin", "volunteer"):
        flash(("error", 0, _("Indiquez le nom de la personne invitée."), None))
        return redirect(url_for("admin.users"), code=303)
    all_cases = role == "admin" or request.form.get("all_cases") == "1"
    team = _team_key() if all_cases else None
    token = accounts.invite(ctx.store, name, role, all_cases, me.id, team=team)
    audit.log(ctx.store, me.display_name, None, N_("invitation créée"), name)
    return _users_page(f"{ctx.config.public_url}{url_for('auth.invitation', token=token)}")


@bp.route("/utilisateur/<int:user_id>", methods=["POST"])
def set_user(user_id: int):
    ctx = context()
    me = current_user()
    all_cases = request.form.get("all_cases") == "1"
    active = request.form.get("active") == "1"
    with ctx.store.transaction() as tx:
        user = accounts.get_user(tx, user_id)
    if user is None or (user.id == me.id and not active):
        abort(400)
    team = _team_key() if all_cases and not user.all_cases else None
    accounts.set_flags(ctx.store, user_id, all_cases=all_cases or user.admin, active=active)
    if request.form.get("reset_totp") == "1" and user.id != me.id:
        accounts.reset_totp(ctx.store, user_id)  # a lost phone: enrol again at next sign-in
        audit.log(
            ctx.store, me.display_name, None, N_("second facteur réinitialisé"), user.display_name
        )
    with ctx.store.transaction() as tx:
        if team is not None:
            caseindex.grant_team(tx, user, team)
        elif not all_cases and not user.admin:
            caseindex.revoke_team(tx, user_id)
        audit.record(
            tx,
            me.display_name,
            None,
            N_("droits d'un compte changés"),
            f"{user.display_name}: tous={int(all_cases)} actif={int(active)}",
        )
    return redirect(url_for("admin.users"), code=303)


@bp.route("/reglages", methods=["POST"])
def settings():
    ctx = context()
    value = "1" if request.form.get("totp_for_all") == "1" else "0"
    caseindex.set_setting(ctx.store, "totp_for_all", value)
    audit.log(
        ctx.store,
        current_user().display_name,
        None,
        N_("second facteur exigé de tous")
        if value == "1"
        else N_("second facteur exigé des responsables seulement"),
    )
    return redirect(url_for("admin.users"), code=303)


@bp.route("/journal")
def audit_log():
    ctx = context()
    return render_template(
        "admin_audit.html",
        events=audit.events(ctx.store, limit=500),
        broken=audit.verify_chain(ctx.store),
    )


@bp.route("/conservation", methods=["GET", "POST"])
def retention_page():
    ctx = context()
    done = retention.run(ctx) if request.method == "POST" else None
    now = now_paris()
    rows = [
        (
            row,
            now - row.last_activity,
            retention.due_for_erasure(row, now, ctx.config.erase_after_days),
        )
        for row in caseindex.all_cases(ctx.store)
        if now - row.last_activity > timedelta(days=ctx.config.inactive_days)
    ]
    return render_template("admin_retention.html", rows=rows, done=done, config=ctx.config)
