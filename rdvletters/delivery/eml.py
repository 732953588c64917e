"""E-mail messages (RFC 5322) built from the document model, with the standard library.

A draft carries ``X-Unsent: 1`` so that Outlook opens it ready to send. Headers
with accents are encoded by the ``email`` package; attachment names are kept
ASCII so that every client shows them intact. ``mailto:`` links are offered
only while short enough for common clients.

Address headers are never text put together by hand: each address is built
from its parts (display name, local part, domain) taken from the validated
profile, so a comma, a quote or « Bcc: » in a name stays inside the name. Python's
``email`` package decodes an RFC 2047 encoded word (``=?utf-8?q?…=0D=0A…?=``) found in
a name, an address or the subject while it folds the header, and writes what it decoded
as it is: a line break there opens a header of its own. So no text that reaches a header
may hold an encoded word, a line break or a control character (``textrules``), and the
finished message is read back: a header that was not put there refuses it. An
address with accents before the ``@`` needs SMTPUTF8; the message then uses
UTF-8 headers (RFC 6532), and an accented domain is written in its ASCII
(IDNA) form so that it needs nothing special.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.headerregistry import Address, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

from ..documents import Document, email_body
from ..errors import InputError
from ..frdates import now_paris
from ..i18n import _
from ..journal_anchor import HEADER as ANCHOR_HEADER
from ..journal_anchor import header_value
from ..proofnames import ascii_slug
from ..textrules import header_problem
from ..validation import email_problem


class _Subject(UnstructuredHeader):
    """A Subject folded by the legacy ``email.header`` encoder.

    Python's modern folder drops the space between two encoded words (CPython issue
    144156, in 3.11 and 3.12): « DIALLO Aminata – née » arrived as « Aminata –née ».
    The legacy encoder keeps every space inside the encoded words.
    """

    def fold(self, *, policy) -> str:
        value = str(self)
        if policy.utf8 or value.isascii():
            return super().fold(policy=policy)
        encoded = Header(value, "utf-8", header_name=self.name).encode(
            linesep=policy.linesep, maxlinelen=78
        )
        return f"{self.name}: {encoded}{policy.linesep}"


_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("subject", _Subject)
ASCII_SMTP = SMTP.clone(header_factory=_HEADERS)
MAILTO_LIMIT = 1800  # encoded characters: below what Outlook, Chrome and Gmail accept
COPY_HEADERS = {"cci": "Bcc", "cc": "Cc", "non": None}


def ascii_domain(domain: str) -> str:
    """``café.fr`` -> ``xn--caf-dma.fr``; unchanged when the IDNA form would alter it."""
    if domain.isascii():
        return domain
    try:
        encoded = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain
    # IDNA 2003 maps some letters (ß -> ss): then keep the domain as typed (SMTPUTF8).
    return encoded if encoded.encode().decode("idna").lower() == domain.lower() else domain


def mailbox(
    address: str, display_name: str = "", field: str = "adresse", name_field: str = ""
) -> Address:
    """An ``Address`` built from parts; ``field`` (``name_field`` for the display name)
    names the setting in the error message."""
    problem = email_problem(address)
    if problem:
        raise InputError(
            _("{field} : adresse électronique invalide ({problem}).").format(
                field=field, problem=problem
            )
        )
    local, __, domain = address.partition("@")
    name = " ".join(display_name.split())  # no line break can reach a header
    _refuse_in_header(name, name_field or field)
    return Address(display_name=name, username=local, domain=ascii_domain(domain))


def _refuse_in_header(text: str, field: str) -> None:
    """An ``InputError`` naming ``field`` when ``text`` cannot go into a header."""
    problem = header_problem(text)
    if problem:
        raise InputError(
            _("{field} : ne peut pas aller dans un en-tête de courriel ({problem}).").format(
                field=field, problem=problem
            ),
            hint=_("Corrigez ce champ (profil, smtp.yaml ou modèle), puis recommencez."),
        )


def needs_smtputf8(addresses: list[Address]) -> bool:
    """True when an address cannot be written in ASCII (accents before the @)."""
    return not all(a.addr_spec.isascii() for a in addresses)


def recipient(doc: Document) -> Address:
    """The préfecture's address, or an error saying which profile field to fill."""
    if not doc.email_to:
        raise InputError(
            _("prefecture.courriel est vide dans le profil : le courriel n'a pas de destinataire.")
        )
    return mailbox(doc.email_to, field="prefecture.courriel")


def sender_of(doc: Document) -> Address | None:
    """The applicant as sender, from the profile, or None without an address."""
    if not doc.email_from:
        return None
    name, address = doc.email_from
    return mailbox(
        address, name, field="demandeur.courriel", name_field="demandeur.prenom, demandeur.nom"
    )


@dataclass
class Built:
    """A message and its envelope: the bare addresses, never read back from headers."""

    message: EmailMessage
    sender: Address | None
    recipients: list[Address]
    copy_header: str | None  # "Bcc" or "Cc": the copy to the sender, if any
    smtputf8: bool


def build(
    doc: Document,
    *,
    draft: bool,
    now: datetime | None = None,
    sender: Address | None = None,
    copy: str = "non",
    anchor: tuple[int, str] | None = None,
) -> Built:
    """The e-mail and its envelope; ``draft`` adds ``X-Unsent: 1``; ``copy`` is cci/cc/non.

    A ``Bcc`` copy is in the envelope only, never in the message's headers. The
    journal's head (``anchor``, else the document's) goes into ``X-Rdvletters-Journal``:
    every copy of the message, the préfecture's included, then fixes the journal's state.
    """
    sender = sender or sender_of(doc)
    to = recipient(doc)
    copy_header = COPY_HEADERS[copy] if sender else None
    recipients = [to] + ([sender] if copy_header and sender else [])
    smtputf8 = needs_smtputf8(recipients + ([sender] if sender else []))
    message = EmailMessage(policy=SMTPUTF8 if smtputf8 else ASCII_SMTP)
    if sender:
        message["From"] = sender
    message["To"] = to
    if copy_header == "Cc":
        message["Cc"] = sender
    subject = doc.text("objet")
    _refuse_in_header(subject, _("objet du courriel"))
    message["Subject"] = subject
    message["Date"] = format_datetime(now or now_paris())
    domain = sender.domain if sender and sender.domain.isascii() else "rdvletters.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    if draft:
        message["X-Unsent"] = "1"
    anchor = anchor or doc.journal_anchor
    if anchor:
        message[ANCHOR_HEADER] = header_value(*anchor)
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
    _refuse_added_headers(message)
    return Built(message, sender, recipients, copy_header, smtputf8)


def _refuse_added_headers(message: EmailMessage) -> None:
    """Fold the message's headers as they will be sent and read them back, undecoded:
    there must be exactly the ones ``build`` set. The last guard, should anything
    decoded still become a line of its own."""
    from email.parser import BytesHeaderParser
    from email.policy import compat32

    set_names = [name.lower() for name, __ in message.raw_items()]
    folded = b"".join(message.policy.fold_binary(n, v) for n, v in message.raw_items())
    parsed = BytesHeaderParser(policy=compat32).parsebytes(folded + b"\r\n")
    found = [name.lower() for name, __ in parsed.items()]
    if sorted(found) != sorted(set_names):
        extra = sorted({n for n in found if n not in set_names})
        raise InputError(
            _(
                "le courriel aurait un en-tête que rdvletters n'a pas mis ({names}) : un champ "
                "du profil ou un modèle y fait passer un saut de ligne."
            ).format(names=", ".join(extra) or "?"),
            hint=_("Corrigez ce champ (profil, smtp.yaml ou modèle), puis recommencez."),
        )


def build_message(
    doc: Document, *, draft: bool, now: datetime | None = None, sender: Address | None = None
) -> EmailMessage:
    """The e-mail as a message object; ``draft`` adds ``X-Unsent: 1``."""
    return build(doc, draft=draft, now=now, sender=sender).message


def render_eml(doc: Document) -> bytes:
    """Bytes of a draft .eml (CRLF; 7-bit unless an address needs UTF-8)."""
    return build_message(doc, draft=True).as_bytes()


def mailto_link(doc: Document) -> str:
    """A ``mailto:`` link with subject and body, or an error when it would be too long."""
    return mailto(recipient(doc).addr_spec, doc.text("objet"), email_body(doc))


def mailto(to: str, subject: str, body: str) -> str:
    """``mailto_link`` from the parts of an e-mail already prepared (the web app shows
    the prepared text, and links to the same words)."""
    if not to or email_problem(to):
        raise InputError(
            _(
                "prefecture.courriel est vide ou invalide dans le profil : "
                "le courriel n'a pas de destinataire."
            )
        )
    link = (
        f"mailto:{quote(to, safe='@')}?subject={quote(subject, safe='')}"
        f"&body={quote(body.replace(chr(10), chr(13) + chr(10)), safe='')}"
    )
    if len(link) > MAILTO_LIMIT:
        raise InputError(
            _(
                "le texte est trop long pour un lien vers la messagerie ({length} "
                "caractères ; au-delà de {limit}, beaucoup de messageries le coupent)."
            ).format(length=len(link), limit=MAILTO_LIMIT),
            hint=_("Préparez plutôt un brouillon : rdvletters email --format eml"),
        )
    return link
