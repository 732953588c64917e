"""Signing in and out, invitations, the second factor, one's own account."""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from ..i18n import N_, _
from . import accounts, audit, secondfactor
from .app import totp_required_for_all
from .auth import access, current_private, current_user
from .qr import qr_svg
from .registry import context

bp = Blueprint("auth", __name__, template_folder="templates")
LOGIN = re.compile(r"^[a-z0-9._-]{2,40}$")
_NEXT = re.compile(r"^/(?!/)[A-Za-z0-9/_.\-?=&%]*$")


def _next_url() -> str:
    target = request.values.get("next", "/")
    return target if _NEXT.match(target) and not target.startswith("/connexion") else "/"


def _remote() -> str:
    return request.remote_addr or "?"


def _password_problem(password: str, again: str) -> str | None:
    if len(password) < accounts.MIN_PASSWORD:
        return _("Le mot de passe doit avoir au moins {n} caractères.").format(
            n=accounts.MIN_PASSWORD
        )
    if password != again:
        return _("Les deux mots de passe ne sont pas identiques.")
    return None


@bp.route("/sante")
def health():
    return {"ok": True}


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html", next=_next_url())
    ctx = context()
    login_name = request.form.get("login", "").strip().lower()
    password = request.form.get("password", "")
    limit = ctx.config.login_attempts
    if not (
        accounts.allow(ctx.store, f"login:{login_name}", limit)
        and accounts.allow(ctx.store, f"login-ip:{_remote()}", limit * 4)
    ):
        audit.log(ctx.store, login_name or "?", None, N_("connexion bloquée (trop d'essais)"))
        error = _("Trop d'essais : réessayez dans 15 minutes.")
        return render_template("login.html", error=error, next=_next_url()), 429
    found = accounts.check_password(ctx.store, login_name, password, ctx.config.argon2)
    if found is None:
        audit.log(ctx.store, login_name or "?", None, N_("connexion refusée"))
        error = _("Identifiant ou mot de passe incorrect.")
        return render_template("login.html", error=error, next=_next_url()), 401
    user, private = found
    accounts.forget(ctx.store, f"login:{login_name}")
    if user.totp:
        stage, target = "password", url_for("auth.totp", next=_next_url())
    elif user.admin or totp_required_for_all(ctx.store, ctx.config):
        stage, target = "totp-setup", url_for("auth.totp_setup")
    else:
        stage, target = "ok", _next_url()
    if stage == "ok":
        audit.log(ctx.store, user.display_name, None, N_("connexion"))
    return access().start_session(redirect(target, code=303), user, private, stage)


@bp.route("/connexion/code", methods=["GET", "POST"])
def totp():
    if request.method == "GET":
        return render_template("totp.html", next=_next_url())
    ctx = context()
    user = current_user()
    if not accounts.allow(ctx.store, f"totp:{user.id}", ctx.config.login_attempts):
        error = _("Trop d'essais : réessayez dans 15 minutes.")
        return render_template("totp.html", error=error, next=_next_url()), 429
    if not accounts.verify_totp(
        ctx.store, ctx.totp_key, user, current_private(), request.form.get("code", "")
    ):
        audit.log(ctx.store, user.display_name, None, N_("code de connexion refusé"))
        error = _("Code incorrect, ou déjà utilisé : attendez le code suivant.")
        return render_template("totp.html", error=error, next=_next_url()), 401
    audit.log(ctx.store, user.display_name, None, N_("connexion"))
    response = redirect(_next_url(), code=303)
    return access().start_session(response, user, current_private(), "ok")


@bp.route("/connexion/second-facteur", methods=["GET", "POST"])
def totp_setup():
    """Enrol a second factor (required for admins, and for all when the admin says so)."""
    ctx = context()
    user = current_user()
    if user.totp:  # enrolled already: a stolen session cannot swap the second factor
        return redirect(url_for("auth.account"))
    # one secret for the whole enrolment (a second load shows the same), carried by the
    # session cookie sealed under the server's key: the cookie is signed, not secret
    secret = secondfactor.open_pending(ctx.totp_key, user.id, session.get("totp_pending"))
    if not secret:
        secret = accounts.new_totp_secret()
        session["totp_pending"] = secondfactor.seal_pending(ctx.totp_key, user.id, secret)
    if request.method == "GET":
        return _enrol_page(user, secret)
    if not accounts.allow(ctx.store, f"totp:{user.id}", ctx.config.login_attempts):
        return _enrol_page(user, secret, _("Trop d'essais : réessayez dans 15 minutes.")), 429
    if not accounts.verify_totp(
        ctx.store, ctx.totp_key, user, current_private(), request.form.get("code", ""), secret
    ):
        return _enrol_page(user, secret, _("Code incorrect : vérifiez l'heure du téléphone.")), 400
    session.pop("totp_pending", None)
    audit.log(ctx.store, user.display_name, None, N_("second facteur activé"))
    response = redirect(url_for("web.home"), code=303)
    return access().start_session(response, user, current_private(), "ok")


def _enrol_page(user: accounts.User, secret: str, error: str | None = None) -> str:
    uri = accounts.totp_uri(secret, user.login, "rdvletters")
    return render_template(
        "totp_setup.html",
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        qr=qr_svg(uri, _("Code QR à lire avec l'application d'authentification")),
        error=error,
    )


@bp.route("/deconnexion", methods=["POST"])
def logout():
    user = current_user()
    audit.log(context().store, user.display_name, None, N_("déconnexion"))
    return access().end_session(redirect(url_for("auth.login"), code=303))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    ctx = context()
    if not accounts.allow(ctx.store, f"token-ip:{_remote()}", 30):
        abort(429)
    found = accounts.find_invitation(ctx.store, token)
    if found is None:
        abort(404)
    form = {"login": request.form.get("login", "").strip().lower()}
    if request.method == "GET":
        return render_template("invitation.html", invitation=found, form=form)
    password, again = request.form.get("password", ""), request.form.get("password2", "")
    error = None
    if not LOGIN.match(form["login"]):
        error = _("Identifiant : de 2 à 40 lettres minuscules, chiffres, points ou tirets.")
    error = error or _password_problem(password, again)
    user = None
    if error is None:
        user = accounts.accept_invitation(
            ctx.store, token, form["login"], password, ctx.config.argon2
        )
        if user is None:
            error = _("Cet identifiant est déjà pris : choisissez-en un autre.")
    if error or user is None:
        return render_template("invitation.html", invitation=found, form=form, error=error), 400
    audit.log(ctx.store, user.display_name, None, N_("compte créé par invitation"))
    private = accounts.check_password(ctx.store, user.login, password, ctx.config.argon2)
    assert private is not None
    needs_totp = user.admin or totp_required_for_all(ctx.store, ctx.config)
    stage = "totp-setup" if needs_totp else "ok"
    target = url_for("auth.totp_setup") if needs_totp else url_for("web.home")
    return access().start_session(redirect(target, code=303), user, private[1], stage)


@bp.route("/compte", methods=["GET", "POST"])
def account():
    ctx = context()
    user = current_user()
    if request.method == "GET":
        return render_template("account.html", user=user)
    current = request.form.get("current", "")
    new, again = request.form.get("password", ""), request.form.get("password2", "")
    checked = accounts.check_password(ctx.store, user.login, current, ctx.config.argon2)
    error = None if checked else _("Mot de passe actuel incorrect.")
    error = error or _password_problem(new, again)
    if error:
        return render_template("account.html", user=user, error=error), 400
    accounts.change_password(ctx.store, user, current_private(), new, ctx.config.argon2)
    audit.log(ctx.store, user.display_name, None, N_("mot de passe changé"))
    flash(("password",))
    response: Response = make_response(redirect(url_for("auth.account"), code=303))
    stage = "ok"
    return access().start_session(response, user, current_private(), stage)
