"""Who may use the server, and how: the access policy given to ``web.create_app``.

The local app's policy (``web/security.py``) is one secret token; this one is
accounts. Before every request:

- public endpoints (sign-in, invitation, the person's link, static files,
  language) pass; everything else needs a session cookie whose session is live
  (idle timeout) and at the right stage: after the password, only the second
  factor page; an account that must enrol its second factor, only that page;
- admin pages need an admin;
- every POST carries a CSRF token (``csrf`` field, an HMAC of the session, the
  link or a pre-session cookie under the server's secret) and a same-origin
  ``Origin`` when the browser sends one.

The session cookie is ``__Host-`` prefixed, Secure, HttpOnly and SameSite=Strict
when the public address is HTTPS. Headers are the local app's (CSP with no
external resource), plus HSTS over HTTPS.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import Flask, Response, abort, current_app, g, redirect, request, url_for

from ..web import security
from . import accounts, keys
from .config import ServerConfig
from .store import Store

PUBLIC = {
    "static",
    "web.language",
    "auth.login",
    "auth.invitation",
    "auth.health",
    "person.home",
    "person.record",
    "person.share",
    "person.document",
    "person.manifest",
    "person.worker",
    "person.icon",
    "reminders.consent",  # the person's reminders and calendar, by the link's token
    "reminders.stop",
    "reminders.person_agenda",
    "reminders.feed",  # the calendar, by its own token
    "server_static",
}
# The person's pages of the reminders' blueprint, reached by the link's token too.
LINK_PAGES = {"reminders.consent", "reminders.stop", "reminders.person_agenda"}
PASSWORD_STAGE = {"auth.totp", "auth.logout", "static", "server_static", "web.language"}
ENROL_STAGE = {"auth.totp_setup", "auth.logout", "static", "server_static", "web.language"}
# The local app's pages the server serves: every page of one case (it goes through the
# server's registry: access checked, case decrypted for the request), the language, and
# the two views the server replaces. A local page about folders (no case in its
# address) is not the server's: 404.
LOCAL_PAGES = {"web.home", "web.new_case", "web.language"}
PENDING_LIFETIME = timedelta(minutes=5)
PRE_COOKIE = "rdvletters_pre"


class ServerAccess:
    """Install with ``install(app)``; the state of one request is in ``g``."""

    def __init__(self, config: ServerConfig, store: Store, secret: bytes) -> None:
        self.config = config
        self.store = store
        self.secret = secret
        self.cookie = "__Host-rdvletters" if config.secure_cookies else "rdvletters_sid"

    # --- CSRF ------------------------------------------------------------------------------
    def _mac(self, what: str) -> str:
        return hmac.new(self.secret, what.encode(), hashlib.sha256).hexdigest()

    def csrf_token(self) -> str:
        link = g.get("rdv_link_hash")
        if link is not None:  # the person's pages: bound to the link, whoever signed in
            return self._mac(f"link:{link}")
        session = g.get("rdv_session")
        if session is not None:
            return self._mac(f"session:{session.sid_hash}")
        pre = request.cookies.get(PRE_COOKIE) or g.get("rdv_new_pre")
        if pre is None:
            pre = g.rdv_new_pre = secrets.token_urlsafe(24)
        return self._mac(f"pre:{pre}")

    def _csrf_ok(self) -> bool:
        sent = request.form.get("csrf", "")
        return security._same_origin() and hmac.compare_digest(
            sent.encode(), self.csrf_token().encode()
        )

    # --- sessions --------------------------------------------------------------------------
    def _session(self) -> accounts.Session | None:
        sid = request.cookies.get(self.cookie)
        if not sid:
            return None
        idle = timedelta(minutes=self.config.session_idle_minutes)
        session = accounts.find_session(self.store, sid, idle, PENDING_LIFETIME)
        if session is not None:
            g.rdv_sid = sid
        return session

    def start_session(
        self, response: Response, user: accounts.User, private: bytes, stage: str
    ) -> Response:
        """A brand-new session id for this stage; the old session (if any) is closed."""
        old = request.cookies.get(self.cookie)
        if old:
            accounts.close_session(self.store, old)
        sid = accounts.open_session(self.store, user, private, stage)
        response.set_cookie(
            self.cookie,
            sid,
            httponly=True,
            secure=self.config.secure_cookies,
            samesite="Strict",
            path="/",
        )
        return response

    def end_session(self, response: Response) -> Response:
        sid = request.cookies.get(self.cookie)
        if sid:
            accounts.close_session(self.store, sid)
        response.delete_cookie(
            self.cookie,
            path="/",
            secure=self.config.secure_cookies,
            samesite="Strict",
            httponly=True,
        )
        return response

    # --- the checks ------------------------------------------------------------------------
    def check_request(self) -> Response | None:
        if not security._host_ok():
            abort(403)
        endpoint = request.endpoint or ""
        g.rdv_session = session = self._session()
        if endpoint in PUBLIC or endpoint.startswith("person."):
            token = (request.view_args or {}).get("token")
            by_link = endpoint.startswith("person.") or endpoint in LINK_PAGES
            if by_link and isinstance(token, str):
                g.rdv_link_hash = keys.token_hash(token)
            return self._check_csrf()
        if session is None:
            if request.method == "GET":
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            abort(403)
        allowed = {"password": PASSWORD_STAGE, "totp-setup": ENROL_STAGE}.get(session.stage)
        if allowed is not None and endpoint not in allowed:
            target = "auth.totp" if session.stage == "password" else "auth.totp_setup"
            return redirect(url_for(target))
        if endpoint.startswith("admin.") and not session.user.admin:
            abort(403)
        local_folder_page = "case_id" not in (request.view_args or {})
        if endpoint.startswith("web.") and local_folder_page and endpoint not in LOCAL_PAGES:
            abort(404)
        return self._check_csrf()

    def _check_csrf(self) -> None:
        if request.method == "POST" and not self._csrf_ok():
            abort(403, description="csrf")

    def add_headers(self, response: Response) -> Response:
        # the person's app: its manifest and its service worker, from this server only
        response.headers.setdefault(
            "Content-Security-Policy", security.CSP + "; manifest-src 'self'; worker-src 'self'"
        )
        security.add_headers(response)
        if self.config.secure_cookies:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        new_pre = g.get("rdv_new_pre")
        if new_pre:
            response.set_cookie(
                PRE_COOKIE,
                new_pre,
                httponly=True,
                samesite="Strict",
                path="/",
                secure=self.config.secure_cookies,
            )
        return response

    def install(self, app: Flask) -> None:
        app.before_request(self.check_request)
        app.after_request(self.add_headers)
        app.jinja_env.globals["csrf_token"] = self.csrf_token
        app.extensions["rdv_access"] = self


def access() -> ServerAccess:
    return current_app.extensions["rdv_access"]


def current_user() -> accounts.User:
    session = g.get("rdv_session")
    if session is None:
        abort(403)
    return session.user


def current_private() -> bytes:
    session = g.get("rdv_session")
    if session is None or session.private_key is None:
        abort(403)
    return session.private_key
