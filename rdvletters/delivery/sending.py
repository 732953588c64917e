"""Sending the weekly e-mail through the user's own SMTP server.

Nothing leaves the machine unless ``email --send`` is asked for. Settings come
from ``smtp.yaml`` in the case folder or in the user's config folder; the
password is never stored in plain text (environment variable, system keyring
when installed, or typed at the prompt). On success the exact bytes sent are
kept with their SHA-256 and the journal records the sending; on any failure a
French message says what happened and the journal records nothing.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Annotated, Literal

from platformdirs import user_config_dir
from pydantic import Field

from ..case import Case
from ..documents.model import Document
from ..errors import CaseError, SendError
from ..fsutil import write_unique
from ..journal import Entry
from ..validation import OptEmail, OptText, StrictModel, Text, validate_located
from ..yamlload import load_yaml
from .eml import build_message

CONFIG_NAME = "smtp.yaml"
PASSWORD_ENV = "RDVLETTERS_SMTP_PASSWORD"


class SmtpConfig(StrictModel):
    """``smtp.yaml``: how to reach the user's mail server."""

    serveur: Text
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    securite: Literal["starttls", "ssl", "aucune"] = "starttls"
    utilisateur: OptText = None
    expediteur: OptEmail = None  # sender address, when it differs from the profile's
    copie: Literal["cci", "cc", "non"] = "cci"  # a copy to oneself, hidden (cci) or visible
    delai_secondes: Annotated[int, Field(ge=1, le=300)] = 30


def config_paths(case: Case) -> list[Path]:
    """Where ``smtp.yaml`` is looked for: the case folder first, then the user's folder."""
    return [case.root / CONFIG_NAME, Path(user_config_dir("rdvletters")) / CONFIG_NAME]


def load_config(case: Case) -> SmtpConfig:
    for path in config_paths(case):
        if path.exists():
            return validate_located(SmtpConfig, load_yaml(path), path)
    places = " ou ".join(str(p) for p in config_paths(case))
    raise CaseError(
        f"aucun réglage d'envoi : créez {places}.",
        hint="Exemple : serveur: smtp.example.org / port: 587 / securite: starttls / "
        "utilisateur: moi@example.org (voir README, « Envoyer depuis rdvletters »).",
    )


def stored_password(config: SmtpConfig) -> str | None:
    """The password from the environment or the system keyring, if either has it."""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    try:
        import keyring  # optional: only when installed
    except ImportError:
        return None
    try:
        return keyring.get_password("rdvletters", f"{config.utilisateur}@{config.serveur}")
    except Exception:  # noqa: BLE001 - a broken keyring backend falls back to the prompt
        return None


def outgoing(doc: Document, config: SmtpConfig, now: datetime) -> EmailMessage:
    """The message to send: no draft marker, and a copy to the sender as configured."""
    sender = config.expediteur or doc.text("de")
    if not sender:
        raise SendError(
            "aucune adresse d'expéditeur : remplissez demandeur.courriel dans le profil "
            "ou expediteur dans smtp.yaml."
        )
    message = build_message(doc, draft=False, now=now, sender=sender)
    if config.copie != "non":
        message["Bcc" if config.copie == "cci" else "Cc"] = sender
    return message


@dataclass
class Delivery:
    """What the server accepted."""

    message_id: str
    reply: str
    data: bytes
    recipients: list[str]


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if config.securite == "ssl":
        return smtplib.SMTP_SSL(
            config.serveur, config.port, timeout=config.delai_secondes, context=context
        )
    server = smtplib.SMTP(config.serveur, config.port, timeout=config.delai_secondes)
    if config.securite == "starttls":
        server.starttls(context=context)
    return server


def _french(exc: BaseException, config: SmtpConfig) -> str:
    where = f"{config.serveur}:{config.port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"le serveur {where} a refusé l'identifiant ou le mot de passe."
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(
            f"{a} ({c} {m.decode(errors='replace')})" for a, (c, m) in exc.recipients.items()
        )
        return f"le serveur a refusé le destinataire : {refused}."
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"le serveur a refusé l'adresse d'expéditeur {exc.sender}."
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"le serveur {where} ne propose pas STARTTLS ; essayez securite: ssl."
    if isinstance(exc, smtplib.SMTPDataError):
        return f"le serveur a refusé le message ({exc.smtp_code} {exc.smtp_error!r})."
    if isinstance(exc, (socket.timeout, TimeoutError)) or "timed out" in str(exc):
        return f"le serveur {where} ne répond pas (délai dépassé)."
    if isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionResetError)):
        return f"le serveur {where} a coupé la connexion."
    if isinstance(exc, ssl.SSLError):
        return f"échec du chiffrement TLS avec {where} ({exc.reason or exc})."
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"le serveur a répondu {exc.smtp_code} {exc.smtp_error!r}."
    return f"connexion impossible à {where} ({exc.__class__.__name__} : {exc})."


def send(message: EmailMessage, config: SmtpConfig, password: str | None) -> Delivery:
    """Send ``message``; every recipient must be accepted or nothing is sent."""
    recipients = [
        a
        for _, a in getaddresses(
            message.get_all("To", []) + message.get_all("Cc", []) + message.get_all("Bcc", [])
        )
    ]
    sender = getaddresses([message["From"]])[0][1]
    del message["Bcc"]  # never in the transmitted bytes
    data = message.as_bytes()
    try:
        with _connect(config) as server:
            if config.utilisateur:
                server.login(config.utilisateur, password or "")
            code, text = server.mail(sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, text, sender)
            refused = {}
            for rcpt in recipients:
                code, text = server.rcpt(rcpt)
                if code not in (250, 251):
                    refused[rcpt] = (code, text)
            if refused:
                server.rset()
                raise smtplib.SMTPRecipientsRefused(refused)
            code, text = server.data(data)
            if code != 250:
                raise smtplib.SMTPDataError(code, text)
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(
            f"courriel non envoyé : {_french(exc, config)}",
            hint="Le brouillon reste dans documents/ ; rien n'est noté comme envoyé.",
        ) from None
    return Delivery(
        message["Message-ID"], f"{code} {text.decode(errors='replace')}", data, recipients
    )


def record_delivery(case: Case, draft: Entry, delivery: Delivery, now: datetime) -> Entry:
    """Keep the exact bytes sent and journal the sending of ``draft``."""
    stem = Path(draft.data["fichier"]).stem + "_envoye"
    saved = write_unique(case.documents, stem, ".eml", delivery.data)
    return case.record_sent(
        draft.n,
        now,
        message_id=delivery.message_id,
        reponse_serveur=delivery.reply,
        destinataires=delivery.recipients,
        fichier=saved.relative_to(case.root).as_posix(),
        sha256=hashlib.sha256(delivery.data).hexdigest(),
    )
