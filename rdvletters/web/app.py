"""The Flask application: security, language, pages, and errors shown as pages."""

from __future__ import annotations

import contextlib
import re
import secrets
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from babel.dates import format_date, format_time
from flask import Flask, current_app, g, render_template, request
from werkzeug.exceptions import HTTPException

from .. import i18n, oserrors
from ..channels import label
from ..documents import compiled
from ..errors import RdvError
from ..frdates import PARIS
from . import security
from .cases import Registry
from .uploads import MAX_FILE_BYTES, MAX_REQUEST_BYTES
from .wording import plain

LANG_COOKIE = "rdvletters_lang"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
# Babel's locale for dates: English as in Britain (« 1 Dec 2026 »), day before month as
# in the library's sentences (``localdates``) and in France.
DATE_LOCALES = {"en": "en_GB"}


class AccessPolicy(Protocol):
    """Who may use the app: ``install`` adds its checks, headers and ``csrf_token``."""

    def install(self, app: Flask) -> None: ...


DOCUMENT_LABELS = {
    "courriel": i18n.N_("courriel à la préfecture"),
    "lettre": i18n.N_("lettre recommandée avec avis de réception"),
    "saisine": i18n.N_("saisine du Défenseur des droits"),
    "requete": i18n.N_("projet de requête en référé"),
    "requete_a_lire": i18n.N_("à lire avant de déposer la requête (ne pas déposer)"),
}


def _language() -> str:
    """The UI language: the person's choice in the page, then ``--lang`` or the
    environment (fixed when the app starts), then the browser, then French."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in i18n.available():
        return chosen
    fixed = current_app.config.get("RDV_LANG")
    return i18n.choose(fixed, {}, request.headers.get("Accept-Language"))


def _start_request() -> None:
    g.lang = _language()
    g.i18n_token = i18n.activate(g.lang)


def _end_request(_exc: BaseException | None) -> None:
    token = g.pop("i18n_token", None)
    if token is not None:
        i18n.deactivate(token)


def _timestamp_later(response):
    """Timestamp what waits for the case of this page, once the page is sent: the person
    never waits for an authority (``horodatage: auto`` only)."""
    case = g.pop("rdv_case", None)
    if case is not None:
        from ..evidence.proofs.autostamp import after_command

        def drain() -> None:
            with contextlib.suppress(Exception):  # the page is sent: status says what waits
                after_command(case)

        response.call_on_close(drain)
    return response


def _date_locale() -> str:
    lang = g.get("lang", i18n.SOURCE)
    return DATE_LOCALES.get(lang, lang)


def _day(value: date | datetime | str | None) -> str:
    """A date in the UI language (``12 avr. 2026``, ``Apr 12, 2026``)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date()
    return format_date(value, "medium", locale=_date_locale())


def _moment(value: datetime) -> str:
    """A date and time (to the minute) in the UI language, Paris time."""
    local = value.astimezone(PARIS)
    lang = _date_locale()
    day = format_date(local.date(), "medium", locale=lang)
    return f"{day}, {format_time(local, 'short', tzinfo=PARIS, locale=lang)}"


def _channel(code: str | None, route: str = "rdv") -> str:
    """The channel's name on the route (``channels.label``), in the UI language."""
    try:
        return i18n.gettext(label(code or "", route))
    except KeyError:
        return code or ""


def _document(kind: str) -> str:
    return i18n.gettext(DOCUMENT_LABELS.get(kind, kind))


def _upfirst(text: str) -> str:
    """The first letter in capitals, the rest untouched: Jinja's ``capitalize`` would
    lower the rest (« Téléservice anef », « Citizens' contact centre (ccc) »)."""
    return text[:1].upper() + text[1:]


def _plain(text: object):
    """A library message in the page's words: no command, profile keys as linked
    questions of the case's profile form (``wording.plain``)."""
    case_id = (request.view_args or {}).get("case_id")

    def link(key: str):
        from .profile_form import field_link

        return field_link(case_id, key) if case_id else None

    return plain(text, link)


def _error_page(error: HTTPException):
    templates = {403: "forbidden.html"}
    template = templates.get(error.code or 500, "error.html")
    return render_template(template, error=error), error.code


def _rdv_error(error: RdvError):
    return render_template("error.html", rdv_error=error), 400


def _os_error(error: OSError):
    """A full disk or a read-only folder: said as ``check`` would say it, not a 500."""
    return _rdv_error(oserrors.from_os_error(error))


def create_app(
    registry: Registry,
    *,
    token: str | None = None,
    lang: str | None = None,
    hosts: set[str] | None = None,
    cookie: str = "rdvletters_acces",
    access: AccessPolicy | None = None,
) -> Flask:
    """The app for ``registry``; ``token`` opens it, ``lang`` fixes the language
    (else the browser's), ``hosts`` are the Host headers accepted (None: any).

    ``access`` is the access policy, an object with ``install(app)``: the local token
    (``web.security``) by default; the association server passes its accounts
    (``server.auth``), and the same pages serve both."""
    app = Flask(__name__)
    app.config.update(
        RDV_REGISTRY=registry,
        RDV_TOKEN=token or secrets.token_urlsafe(32),
        RDV_LANG=lang,
        RDV_HOSTS=hosts,
        RDV_COOKIE=cookie,
        SECRET_KEY=secrets.token_bytes(32),
        SESSION_COOKIE_NAME=f"{cookie}_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        MAX_FORM_MEMORY_SIZE=1024 * 1024,
        TEMPLATES_AUTO_RELOAD=False,
    )
    # the pages compiled once, kept as the documents' templates are (``documents.compiled``:
    # beside the bundled templates when their owner may write there, else in the user's
    # cache): a new run's first page does not wait for Jinja's compiler
    app.jinja_env.bytecode_cache = compiled.Caches(Path(app.root_path) / "templates")
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    app.jinja_env.filters.update(
        day=_day,
        moment=_moment,
        channel=_channel,
        document=_document,
        upfirst=_upfirst,
        plain=_plain,
    )
    app.jinja_env.tests["iso_date"] = lambda v: bool(ISO_DATE.match(str(v)))
    app.jinja_env.filters["combine"] = lambda d, **more: {
        k: v for k, v in {**d, **more}.items() if v is not None
    }
    app.jinja_env.globals.update(
        languages=lambda: [(code, LANGUAGE_NAMES.get(code, code)) for code in i18n.available()],
        many=registry.many,
        upload_max_mb=MAX_FILE_BYTES // (1024 * 1024),
    )
    app.before_request(_start_request)
    (access or security).install(app)
    app.after_request(_timestamp_later)
    app.teardown_request(_end_request)
    app.register_error_handler(HTTPException, _error_page)
    app.register_error_handler(RdvError, _rdv_error)
    app.register_error_handler(OSError, _os_error)

    from . import documents, manage, pages, profile_form, record, week  # noqa: F401 - routes
    from .common import bp

    app.register_blueprint(bp)
    return app
