"""Who may use the app, and what the browser may load.

- A secret token, printed by ``rdvletters web``, opens the app once; it is then
  kept in an HttpOnly, SameSite=Strict cookie, set for the app's path only (the server
  mounts the app under a path drawn for each run: another local server, on another
  port of the same address, never receives it). Every request without it: 403.
- Every form carries a CSRF token (derived from the secret) and is refused
  without it; a cross-site ``Origin`` is refused too.
- Responses forbid every external resource (Content-Security-Policy), framing,
  referrers and caching of personal data.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, render_template, request

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def csrf_token() -> str:
    """The value every form must send back (``csrf``); derived, so nothing is stored."""
    secret = current_app.config["RDV_TOKEN"].encode()
    return hmac.new(secret, b"csrf", hashlib.sha256).hexdigest()


def _cookie_ok() -> bool:
    given = request.cookies.get(current_app.config["RDV_COOKIE"], "")
    return hmac.compare_digest(given.encode(), current_app.config["RDV_TOKEN"].encode())


def _host_ok() -> bool:
    allowed = current_app.config.get("RDV_HOSTS")
    return allowed is None or request.host.lower() in allowed


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc.lower() == request.host.lower()


# Endpoints that authenticate themselves by a capability in their address, not the
# app's cookie: the calendar a phone or a calendar application fetches on its own.
OPEN = {"web.agenda_feed"}


def check_request() -> Response | None:
    """Before every request: host, token or cookie, CSRF on POST."""
    if not _host_ok():
        abort(403)
    if request.endpoint in OPEN and request.method == "GET":
        return None
    token = request.args.get("token")
    if token is not None:
        if not hmac.compare_digest(token.encode(), current_app.config["RDV_TOKEN"].encode()):
            abort(403)
        return _open_session()
    if not _cookie_ok():
        abort(403)
    if request.method == "POST":
        sent = request.form.get("csrf", "")
        if not _same_origin() or not hmac.compare_digest(sent.encode(), csrf_token().encode()):
            abort(403, description="csrf")
    return None


def _open_session() -> Response:
    """Set the cookie, then go on with a same-site navigation (a meta refresh): a
    SameSite=Strict cookie set during a navigation from elsewhere would not be sent
    on a redirect, and the token leaves the address bar."""
    response = Response(render_template("continue.html"))
    response.set_cookie(
        current_app.config["RDV_COOKIE"],
        current_app.config["RDV_TOKEN"],
        httponly=True,
        samesite="Strict",
        path=f"{request.script_root}/",  # the run's secret path (server.start)
    )
    return response


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def install(app: Flask) -> None:
    app.before_request(check_request)
    app.after_request(add_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
