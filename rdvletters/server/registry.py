"""Cases for one request: looked up by id, allowed or not, decrypted for the request.

``ServerRegistry`` is what the shared pages (``web/``) call through
``common.get_case``: for the signed-in volunteer it finds the case key (their own
wrapped copy, or the team's), checks the case out of the vault into a private
workspace, and records the access in the audit log. The workspace is written
back and closed in ``after_request``, before the answer leaves: a page that
says « noté » has its entry on disk, sealed.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request

from ..case import Case
from ..errors import RdvError
from ..i18n import N_
from . import audit, caseindex, reminders
from .config import ServerConfig
from .store import Store
from .vault import Vault

# What the audit log says of each page of a case (French, translated when shown).
ACTIONS = {
    ("GET", "web.case_home"): N_("dossier ouvert"),
    ("GET", "web.status"): N_("situation consultée"),
    ("GET", "web.record"): N_("formulaire de démarche ouvert"),
    ("POST", "web.record"): N_("démarche notée au journal"),
    ("GET", "web.documents"): N_("documents consultés"),
    ("POST", "web.prepare_document"): N_("document préparé"),
    ("GET", "web.document_file"): N_("document téléchargé"),
    ("POST", "web.mark_sent"): N_("envoi noté"),
    ("GET", "web.piece"): N_("justificatif consulté"),
    ("POST", "web.bundle"): N_("dossier de pièces téléchargé"),
    ("GET", "web.profile"): N_("profil consulté"),
    ("POST", "web.profile"): N_("profil modifié"),
    ("GET", "web.manage"): N_("suivi du dossier consulté"),
    ("GET", "cases.receipts"): N_("réceptions consultées"),
    ("POST", "web.export"): N_("dossier exporté"),
    ("GET", "web.correct"): N_("correction ouverte"),
    ("POST", "web.correct"): N_("entrée corrigée"),
    ("POST", "web.withdraw"): N_("entrée retirée"),
}
OTHER_READ = N_("dossier consulté")
OTHER_CHANGE = N_("dossier modifié")


@dataclass
class ServerContext:
    """What the server's routes share: settings, database, vault, background jobs."""

    config: ServerConfig
    store: Store
    vault: Vault
    jobs: object | None = None
    totp_key: bytes = b""  # seals the volunteers' TOTP secrets (``secondfactor``)


def context() -> ServerContext:
    return current_app.extensions["rdv_server"]


def _stack() -> contextlib.ExitStack:
    stack = g.get("rdv_stack")
    if stack is None:
        stack = g.rdv_stack = contextlib.ExitStack()
    return stack


def checkout(case_id: str, key: bytes) -> Case:
    """The case, decrypted for the rest of this request (one lock, one workspace)."""
    opened = g.setdefault("rdv_opened", {})
    if case_id in opened:
        return opened[case_id]
    ctx = context()
    stack = _stack()
    stack.enter_context(ctx.vault.locked(case_id))
    root = stack.enter_context(ctx.vault.checkout(case_id, key))
    case = opened[case_id] = Case(root)
    g.setdefault("rdv_keys", {})[case_id] = key
    if reminders.subscribed(ctx.store, case_id):  # what is new in it will be told
        entries = case.journal.read().entries
        g.setdefault("rdv_heads", {})[case_id] = entries[-1].n if entries else 0
    return case


def _reminders_before_close() -> None:
    """While the cases are still open: tell the person what a volunteer noted, and plan
    their reminders again from the journal as it is now. Never fails the page."""
    ctx = context()
    heads = g.get("rdv_heads", {})
    if not heads or request.endpoint == "reminders.feed":  # a calendar's poll plans nothing
        return
    key = reminders.key_of(ctx.config)
    by_volunteer = request.blueprint != "person" and request.method == "POST"
    for case_id, case in g.get("rdv_opened", {}).items():
        if case_id not in heads:
            continue
        try:
            if by_volunteer:
                reminders.changes_told(ctx.store, key, case_id, case, heads[case_id])
            reminders.refresh(ctx.store, key, case_id, case)
        except (RdvError, OSError):
            continue


def close_request(response: Response) -> Response:
    """Write every opened case back, then answer (a failure here is a 500, not a lie).
    A file answer is read into memory first: its workspace goes away now."""
    stack = g.get("rdv_stack")
    if stack is None:
        return response
    _reminders_before_close()
    g.pop("rdv_stack", None)
    if response.direct_passthrough:  # a file of the workspace: read it, close it
        source = response.response
        response.direct_passthrough = False
        response.set_data(b"".join(source))
        if hasattr(source, "close"):
            source.close()
    stack.close()
    g.pop("rdv_case", None)  # the local app's timestamp after the page: the jobs do it here
    ctx = context()
    if request.method == "POST":
        for case_id in g.get("rdv_opened", {}):
            caseindex.touch(ctx.store, case_id)
    jobs = ctx.jobs
    if jobs is not None:
        for case_id, key in g.get("rdv_keys", {}).items():
            if request.method == "POST":  # a step may have been journaled: date it
                jobs.stamp_after_receipt(case_id, key)  # type: ignore[attr-defined]
            else:
                jobs.retry_pending(case_id, key)  # type: ignore[attr-defined]
    return response


def _teardown(_exc: BaseException | None) -> None:
    stack = g.pop("rdv_stack", None)
    if stack is not None:
        stack.close()


class ServerRegistry:
    """The shared pages' view of the server's cases (``web.cases.Registry``'s role)."""

    many = True

    def get(self, case_id: str) -> Case | None:
        opened = g.get("rdv_opened", {})
        if case_id in opened:
            return opened[case_id]
        session = g.get("rdv_session")
        if session is None or session.private_key is None or not case_id.isalnum():
            return None
        ctx = context()
        if caseindex.get_case(ctx.store, case_id) is None:
            return None
        key = caseindex.key_for_user(ctx.store, case_id, session.user.id, session.private_key)
        if key is None:
            return None
        case = checkout(case_id, key)
        action = ACTIONS.get((request.method, request.endpoint or ""))
        if action is None:
            action = OTHER_CHANGE if request.method == "POST" else OTHER_READ
        audit.log(ctx.store, session.user.display_name, case_id, action)
        return case

    def cases(self) -> dict[str, Case]:  # the server's own list page replaces ``web.home``
        return {}

    def folders(self) -> dict[str, Case | str]:
        return {}


def install(app: Flask, ctx: ServerContext) -> None:
    app.extensions["rdv_server"] = ctx
    app.after_request(close_request)
    app.teardown_request(_teardown)
