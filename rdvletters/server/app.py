"""The association server's Flask app: the local app's pages under accounts, plus
the server's own pages (sign-in, administration, case follow-up, the person's link).

``create_server_app`` composes ``web.create_app`` with the accounts policy
(``auth.ServerAccess``) and the vault-backed registry: every page of a case is the
local app's page, served from a decrypted workspace. The server replaces two
views only, the case list and « new case », which need the accounts.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, g, send_from_directory
from jinja2 import ChoiceLoader, FileSystemLoader

from ..web.app import create_app
from . import auth, caseindex, registry, secondfactor
from .config import ServerConfig
from .setup import load_secret
from .store import SqliteStore, Store
from .vault import Vault

HERE = Path(__file__).parent


def totp_required_for_all(store: Store, config: ServerConfig) -> bool:
    value = caseindex.setting(store, "totp_for_all")
    return config.totp_for_all if value is None else value == "1"


def create_server_app(config: ServerConfig, store: Store | None = None, jobs=None) -> Flask:
    secret = load_secret(config)
    store = store or SqliteStore(config.database)
    vault = Vault(config.vault_dir)
    vault.remove_leftovers()
    access = auth.ServerAccess(config, store, secret)
    app = create_app(
        registry.ServerRegistry(),  # type: ignore[arg-type] - the same interface
        lang=config.lang,
        hosts={urlsplit(config.public_url).netloc.lower()},
        access=access,
    )
    app.config.update(
        SECRET_KEY=secret,
        SESSION_COOKIE_NAME="__Host-rdvletters_flash" if config.secure_cookies else "rdv_flash",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        PREFERRED_URL_SCHEME=urlsplit(config.public_url).scheme,
        RDV_UPLOAD_ROUTE="serveur",  # how a file arrived, in its « conditions de réception »
        RDV_SERVER_NAME=config.public_url,
    )
    totp_key = secondfactor.load_key(config, store)
    secondfactor.seal_clear_secrets(store, totp_key)  # a database from an older version
    ctx = registry.ServerContext(config, store, vault, jobs, totp_key)
    registry.install(app, ctx)

    from . import views_admin, views_auth, views_cases, views_person, views_reminders

    blueprints = (
        views_auth.bp,
        views_admin.bp,
        views_cases.bp,
        views_person.bp,
        views_reminders.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    app.view_functions["web.home"] = views_cases.home
    app.view_functions["web.new_case"] = views_cases.new_case
    app.view_functions["web.manage"] = views_cases.manage
    app.view_functions["web.archive"] = views_cases.archive
    app.view_functions["web.erase"] = views_cases.erase_page
    app.add_url_rule(
        "/s/<path:filename>",
        "server_static",
        lambda filename: send_from_directory(HERE / "static", filename, max_age=3600),
    )
    # the server's templates first: its own pages, and its « access refused » page
    app.jinja_env.loader = ChoiceLoader(
        [FileSystemLoader(HERE / "templates"), app.jinja_env.loader]
    )
    app.jinja_env.globals.update(
        server_user=lambda: getattr(g.get("rdv_session"), "user", None),
        public_url=config.public_url,
    )
    return app
