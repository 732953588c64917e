"""Sending the weekly e-mail through the user's own SMTP server.

Nothing leaves the machine unless ``email --send`` is asked for. Settings come
from ``smtp.yaml`` in the case folder or in the user's config folder; the
password is never stored in plain text (environment variable, system keyring
when installed, or typed at the prompt). On success the exact bytes sent are
kept with their SHA-256 and the journal records the sending; on any failure a
French message says what happened and the journal records nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from platformdirs import user_config_dir

from ..case import Case
from ..documents import Document
from ..errors import CaseError, InputError, JournalError, RdvError, SendError
from ..fsutil import write_unique
from ..i18n import _, ngettext
from ..journal import Entry
from ..records import Between
from ..validation import OptEmail, OptText, OuiNon, StrictModel, Text, validate_located
from ..yamlload import load_yaml
from .eml import Built, build, mailbox, sender_of

CONFIG_NAME = "smtp.yaml"
PASSWORD_ENV = "RDVLETTERS_SMTP_PASSWORD"


class SmtpConfig(StrictModel):
    """``smtp.yaml``: how to reach the user's mail server."""

    serveur: Text
    port: Annotated[int, Between(1, 65535)] = 587
    securite: Literal["starttls", "ssl", "aucune"] = "starttls"
    utilisateur: OptText = None
    expediteur: OptEmail = None  # sender address, when it differs from the profile's
    copie: Literal["cci", "cc", "non"] = "cci"  # a copy to oneself, hidden (cci) or visible
    delai_secondes: Annotated[int, Between(1, 300)] = 30
    # « securite: aucune » with a user name sends the password readable on the network:
    # refused unless this says so explicitly (a server on this machine, a trusted network).
    mot_de_passe_en_clair: OuiNon = False

    @property
    def password_in_clear(self) -> bool:
        return self.securite == "aucune" and bool(self.utilisateur)


def config_paths(case: Case) -> list[Path]:
    """Where ``smtp.yaml`` is looked for: the case folder first, then the user's folder."""
    return [case.root / CONFIG_NAME, Path(user_config_dir("rdvletters")) / CONFIG_NAME]


def find_config(case: Case) -> Path | None:
    """The ``smtp.yaml`` in use, or None when there is none."""
    return next((p for p in config_paths(case) if p.exists()), None)


def load_config(case: Case) -> SmtpConfig:
    """Read and validate ``smtp.yaml``; refuse a password that would travel in clear."""
    path = find_config(case)
    if path is None:
        places = _(" ou ").join(str(p) for p in config_paths(case))
        raise CaseError(
            _("aucun réglage d'envoi : créez {places}.").format(places=places),
            hint=_(
                "Exemple : serveur: smtp.example.org / port: 587 / securite: starttls / "
                "utilisateur: moi@example.org (voir README, « Envoyer depuis rdvletters »)."
            ),
        )
    located = load_yaml(path, follow=path != config_paths(case)[0])  # the case's: no link
    config = validate_located(SmtpConfig, located, path)
    if config.password_in_clear and not config.mot_de_passe_en_clair:
        line = located.line_of(("securite",))
        raise InputError(
            _("{path}, ligne {line}, champ « {field} » : {message}").format(
                path=path,
                line=line,
                field="securite",
                message=_(
                    "« aucune » avec un utilisateur enverrait le mot de passe en clair sur le "
                    "réseau."
                ),
            ),
            hint=_(
                "Mettez securite: starttls (port 587) ou ssl (port 465). Seulement pour un "
                "serveur sur cette machine ou un réseau de confiance : mot_de_passe_en_clair: oui."
            ),
        )
    return config


def config_warnings(config: SmtpConfig) -> list[str]:
    """What the user must know before sending with these settings."""
    if config.password_in_clear:
        return [
            _(
                "{file} : securite: aucune et mot_de_passe_en_clair: oui ; le mot de passe de "
                "{user} passera en clair sur le réseau vers {server}."
            ).format(file=CONFIG_NAME, user=config.utilisateur, server=config.serveur)
        ]
    return []


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


def outgoing(
    doc: Document, config: SmtpConfig, now: datetime, anchor: tuple[int, str] | None = None
) -> Built:
    """The message to send and its envelope: no draft marker, a copy to the sender.

    ``anchor`` is the journal's head once the draft is journaled (``journal_head``)."""
    if config.expediteur:
        sender = mailbox(config.expediteur, field=f"{CONFIG_NAME}, expediteur")
    else:
        sender = sender_of(doc)
    if sender is None:
        raise SendError(
            _(
                "aucune adresse d'expéditeur : remplissez demandeur.courriel dans le profil "
                "ou expediteur dans smtp.yaml."
            )
        )
    return build(doc, draft=False, now=now, sender=sender, copy=config.copie, anchor=anchor)


def journal_head(case: Case) -> tuple[int, str] | None:
    """(last entry's number, SHA-256 of its line), read from the journal's end."""
    tail = case.journal.tail()
    return (tail.last_n, tail.last_hash) if tail.last else None


@dataclass
class Delivery:
    """What the server accepted."""

    message_id: str
    reply: str
    data: bytes
    recipients: list[str]
    note: str | None = None  # a problem after the server accepted the message


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if config.securite == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            config.serveur, config.port, timeout=config.delai_secondes, context=context
        )
    else:
        server = smtplib.SMTP(config.serveur, config.port, timeout=config.delai_secondes)
    try:
        if config.securite == "starttls":
            server.starttls(context=context)  # says EHLO first, and forgets it after TLS
        server.ehlo_or_helo_if_needed()  # RFC 5321: EHLO before MAIL, always
    except BaseException:
        server.close()
        raise
    return server


def _said(exc: BaseException, config: SmtpConfig) -> str:
    """What went wrong with the server, in the interface language (its replies as sent)."""
    where = f"{config.serveur}:{config.port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _("le serveur {where} a refusé l'identifiant ou le mot de passe.").format(
            where=where
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(f"{a} ({c} {server_words(m)})" for a, (c, m) in exc.recipients.items())
        return _("le serveur a refusé le destinataire : {refused}.").format(refused=refused)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return _("le serveur a refusé l'adresse d'expéditeur {sender}.").format(sender=exc.sender)
    if isinstance(exc, smtplib.SMTPNotSupportedError) and "AUTH" in str(exc):
        return _(
            "le serveur {where} ne propose pas d'identification ici ; vérifiez securite "
            "(beaucoup ne la proposent qu'après starttls) ou retirez utilisateur."
        ).format(where=where)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return _("le serveur {where} ne propose pas STARTTLS ; essayez securite: ssl.").format(
            where=where
        )
    reply = f"{getattr(exc, 'smtp_code', '')} {server_words(getattr(exc, 'smtp_error', b''))}"
    if isinstance(exc, smtplib.SMTPDataError):
        return _("le serveur a refusé le message ({reply}).").format(reply=reply)
    if isinstance(exc, (socket.timeout, TimeoutError)) or "timed out" in str(exc):
        return _("le serveur {where} ne répond pas (délai dépassé).").format(where=where)
    if isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionResetError)):
        return _("le serveur {where} a coupé la connexion.").format(where=where)
    if isinstance(exc, ssl.SSLError):
        return _("échec du chiffrement TLS avec {where} ({reason}).").format(
            where=where, reason=server_words(str(exc.reason or exc))
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return _("le serveur a répondu {reply}.").format(reply=reply)
    return _("connexion impossible à {where} ({kind} : {detail}).").format(
        where=where, kind=exc.__class__.__name__, detail=server_words(str(exc))
    )


class SmtpUtf8Refused(smtplib.SMTPException):
    """An address with accents, and a server that does not offer SMTPUTF8."""

    def __init__(self, addresses: list[str]) -> None:
        super().__init__(", ".join(addresses))
        self.addresses = addresses


def _transact(
    server: smtplib.SMTP, built: Built, data: bytes, password: str | None, config: SmtpConfig
) -> str:
    """MAIL, RCPT, DATA on an open connection; the DATA reply when accepted."""
    envelope = [a.addr_spec for a in built.recipients]
    sender = built.sender.addr_spec if built.sender else ""
    options: list[str] = []
    if built.smtputf8:
        if not server.has_extn("smtputf8"):
            raise SmtpUtf8Refused(
                list(dict.fromkeys(a for a in [sender, *envelope] if not a.isascii()))
            )
        options = ["SMTPUTF8", "BODY=8BITMIME"]
    if config.utilisateur:
        server.login(config.utilisateur, password or "")
    code, text = server.mail(sender, options)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, text, sender)
    refused = {}
    for rcpt in envelope:
        code, text = server.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = (code, text)
    if refused:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            server.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    code, text = server.docmd("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, text)
    server.send(_dot_stuffed(data))
    code, text = _final_reply(server)
    if code != 250:
        raise smtplib.SMTPDataError(code, text)
    return f"{code} {server_words(text)}"


def _dot_stuffed(data: bytes) -> bytes:
    """The message as DATA carries it (RFC 5321 4.5.2): a leading dot doubled, and the
    lone dot that ends it."""
    body = re.sub(rb"(?m)^\.", b"..", data)
    return body + (b"" if body.endswith(b"\r\n") else b"\r\n") + b".\r\n"


def _final_reply(server: smtplib.SMTP) -> tuple[int, bytes]:
    """The server's answer to the message itself. A server that said 250 and hung up
    before finishing its reply (a last « 250-… » line, a reset) has accepted the message:
    the first line is its answer, so that nobody sends the message twice."""
    if server.file is None:
        server.file = server.sock.makefile("rb")
    lines: list[bytes] = []
    while True:
        try:
            line = server.file.readline(smtplib._MAXLINE + 1)
        except OSError:
            line = b""
        if not line:
            server.close()
            if lines and lines[0][:3] == b"250":
                return 250, b"\n".join(part[4:].strip() for part in lines)
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        lines.append(line)
        if line[3:4] != b"-":
            break
    try:
        code = int(lines[0][:3])
    except ValueError:
        code = -1
    return code, b"\n".join(part[4:].strip(b" \t\r\n") for part in lines)


def server_words(text: bytes | str) -> str:
    """What a server said, as it may be shown and journaled: one line, no control
    characters (an escape sequence would redraw the terminal), at most 300 characters."""
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    said = " ".join("".join(c if c.isprintable() else " " for c in said).split())
    return said if len(said) <= 300 else said[:299] + "…"


def _quit(server: smtplib.SMTP) -> str | None:
    """Say goodbye; after an accepted message a failure here changes nothing."""
    try:
        code, text = server.docmd("QUIT")
    except (smtplib.SMTPException, OSError) as exc:
        return _("le serveur a coupé la connexion à la fin ({kind})").format(
            kind=exc.__class__.__name__
        )
    finally:
        server.close()
    if code != 221:
        return _("le serveur a mal répondu à la fin ({reply})").format(
            reply=f"{code} {server_words(text)}"
        )
    return None


def send(built: Built, config: SmtpConfig, password: str | None) -> Delivery:
    """Send ``built``; every recipient must be accepted or nothing is sent.

    The envelope (MAIL FROM, RCPT TO) is the bare addresses of ``built``, never
    read back from the headers. Once the server has answered 250 to the message
    it is sent, whatever happens when the connection is closed.
    """
    data = built.message.as_bytes()
    try:
        server = _connect(config)
        try:
            reply = _transact(server, built, data, password, config)
        except BaseException:
            server.close()
            raise
    except SmtpUtf8Refused as exc:
        raise SendError(
            ngettext(
                "courriel non envoyé : l'adresse {addresses} contient des caractères accentués "
                "et le serveur {where} n'accepte pas ces adresses (pas de SMTPUTF8).",
                "courriel non envoyé : les adresses {addresses} contiennent des caractères "
                "accentués et le serveur {where} n'accepte pas ces adresses (pas de SMTPUTF8).",
                len(exc.addresses),
            ).format(addresses=", ".join(exc.addresses), where=f"{config.serveur}:{config.port}"),
            hint=_(
                "Utilisez une adresse sans accent (expediteur dans smtp.yaml, ou le profil) "
                "ou un autre serveur ; rien n'est noté comme envoyé."
            ),
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(
            _("courriel non envoyé : {reason}").format(reason=_said(exc, config)),
            hint=_("Le brouillon reste dans documents/ ; rien n'est noté comme envoyé."),
        ) from None
    note = _quit(server)
    recipients = [a.addr_spec for a in built.recipients]
    return Delivery(built.message["Message-ID"], reply, data, recipients, note)


def record_delivery(case: Case, draft: Entry, delivery: Delivery, now: datetime) -> Entry:
    """Keep the exact bytes sent and journal the sending of ``draft``.

    The message has left: if the copy or the journal cannot be written, the
    error says so, so that nobody sends it a second time.
    """
    stem = Path(draft.data["fichier"]).stem + "_envoye"
    saved: Path | None = None
    try:
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
    except (RdvError, OSError) as exc:
        kept = _(" ; copie exacte : {path}").format(path=saved) if saved else ""
        command = f"rdvletters -C {case.root} sent {draft.n}" + (
            f' --proof "{saved}"' if saved else ""
        )
        raise JournalError(
            _(
                "le courriel EST parti (le serveur a répondu {reply}), mais il n'a pas pu être "
                "noté au journal ({error}){kept}."
            ).format(reply=delivery.reply, error=exc, kept=kept),
            hint=_("Ne le renvoyez pas. Notez-le : {command}").format(command=command),
        ) from None
