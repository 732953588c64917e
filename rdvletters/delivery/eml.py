"""E-mail messages (RFC 5322) built from the document model, with the standard library.

A draft carries ``X-Unsent: 1`` so that Outlook opens it ready to send. Headers
with accents are encoded by the ``email`` package; attachment names are kept
ASCII so that every client shows them intact. ``mailto:`` links are offered
only while short enough for common clients.
"""

from __future__ import annotations

import mimetypes
import re
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import quote

from ..case import ascii_slug
from ..documents.model import Document
from ..documents.text_out import email_body
from ..errors import InputError, RdvError
from ..frdates import now_paris
from ..validation import EMAIL

MAILTO_LIMIT = 1800  # encoded characters: below what Outlook, Chrome and Gmail accept


def recipient(doc: Document) -> str:
    """The préfecture's address, or an error saying which profile field to fill."""
    address = doc.text("a")
    if not re.match(EMAIL, address):
        raise InputError(
            "prefecture.courriel est vide ou invalide dans le profil : "
            "le courriel n'a pas de destinataire."
        )
    return address


def build_message(
    doc: Document, *, draft: bool, now: datetime | None = None, sender: str | None = None
) -> EmailMessage:
    """The e-mail as a message object; ``draft`` adds ``X-Unsent: 1``."""
    message = EmailMessage(policy=SMTP)
    sender = sender or doc.text("de")
    if sender:
        message["From"] = sender
    message["To"] = recipient(doc)
    message["Subject"] = doc.text("objet")
    message["Date"] = format_datetime(now or now_paris())
    domain = parseaddr(sender)[1].rpartition("@")[2] if sender else ""
    message["Message-ID"] = make_msgid(domain=domain or "rdvletters.invalid")
    if draft:
        message["X-Unsent"] = "1"
    message.set_content(email_body(doc))
    for path in doc.attachments:
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        maintype, subtype = ctype.split("/", 1)
        message.add_attachment(
            path.read_bytes(),
            maintype=maintype,
            subtype=subtype,
            filename=ascii_slug(path.stem, 60) + path.suffix.lower(),
        )
    return message


def render_eml(doc: Document) -> bytes:
    """Bytes of a draft .eml (CRLF, 7-bit)."""
    return build_message(doc, draft=True).as_bytes()


def mailto_link(doc: Document) -> str:
    """A ``mailto:`` link with subject and body, or an error when it would be too long."""
    return mailto(recipient(doc), doc.text("objet"), email_body(doc))


def mailto(to: str, subject: str, body: str) -> str:
    """``mailto_link`` from the parts of an e-mail already prepared."""
    if not re.match(EMAIL, to):
        raise InputError(
            "prefecture.courriel est vide ou invalide dans le profil : "
            "le courriel n'a pas de destinataire."
        )
    link = (
        f"mailto:{quote(to, safe='@')}?subject={quote(subject, safe='')}"
        f"&body={quote(body.replace(chr(10), chr(13) + chr(10)), safe='')}"
    )
    if len(link) > MAILTO_LIMIT:
        raise RdvError(
            f"le lien mailto: ferait {len(link)} caractères (limite sûre : {MAILTO_LIMIT}) ; "
            "beaucoup de messageries le couperaient.",
            hint="Préparez plutôt un brouillon : rdvletters email --format eml",
        )
    return link
