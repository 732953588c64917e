"""Proof files sent by the browser: counted, measured, typed from their content.

Only what the journal can use as evidence is taken: PNG and JPEG images
(screenshots, photos), PDF and e-mails saved as ``.eml``. The type is read from
the first bytes, never from the name or the browser's claim; the file is saved
under a name chosen here, with the extension of the type found. The name the
browser gave is kept as text only (``ProofFile.name``).
"""

from __future__ import annotations

import re
from email.parser import BytesHeaderParser
from email.policy import default as default_policy

from werkzeug.datastructures import FileStorage

from ..errors import InputError
from ..i18n import _

MAX_FILES = 10
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_REQUEST_BYTES = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024
EXTENSIONS = {"png": ".png", "jpeg": ".jpg", "pdf": ".pdf", "eml": ".eml"}
_HEADER = re.compile(rb"^[!-9;-~]+:")  # an RFC 5322 header field name, then a colon
_MAIL_HEADERS = ("from", "date", "subject", "message-id", "received", "to")


def _looks_like_email(head: bytes) -> bool:
    """An e-mail starts with header lines, among which From, Date or Subject."""
    first = head.lstrip(b"\r\n").split(b"\n", 1)[0]
    if not _HEADER.match(first):
        return False
    headers = BytesHeaderParser(policy=default_policy).parsebytes(head)
    names = {name.lower() for name in headers}
    return len(names & set(_MAIL_HEADERS)) >= 2


def sniff(head: bytes) -> str | None:
    """``png``, ``jpeg``, ``pdf``, ``eml`` or None, from a file's first bytes."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if _looks_like_email(head[:16384]):
        return "eml"
    return None


def _display_name(raw: str | None, kind: str) -> str:
    """The browser's file name as text: last component, no control characters."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()[:120]
    return name or f"capture{EXTENSIONS[kind]}"


def _read_limited(storage: FileStorage, name: str) -> bytes:
    data = storage.stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            _(
                "« {name} » dépasse {limit} Mo : réduisez-le (capture plus petite, PDF compressé)."
            ).format(name=name, limit=MAX_FILE_BYTES // (1024 * 1024))
        )
    return data


def check_uploads(files: list[FileStorage]) -> tuple[list[tuple[str, str, bytes]], list[str]]:
    """Read and check every uploaded file: ``(extension, name, bytes)`` of those that pass,
    and the message of each that does not (the good ones are kept even so)."""
    chosen = [f for f in files if f and f.filename]
    if len(chosen) > MAX_FILES:
        return [], [
            _("{count} fichiers envoyés : {limit} au plus à la fois.").format(
                count=len(chosen), limit=MAX_FILES
            )
        ]
    checked, problems = [], []
    for storage in chosen:
        given = _display_name(storage.filename, "png")
        try:
            data = _read_limited(storage, given)
        except InputError as error:
            problems.append(str(error))
            continue
        if not data:
            problems.append(_("« {name} » est vide.").format(name=given))
            continue
        kind = sniff(data[:16384])
        if kind is None:
            problems.append(
                _(
                    "« {name} » n'est ni une image PNG ou JPEG, ni un PDF, ni un courriel "
                    "(.eml). Sur iPhone, une photo HEIC s'envoie en JPEG (Réglages > Appareil "
                    "photo > Formats > Le plus compatible)."
                ).format(name=given)
            )
            continue
        checked.append((EXTENSIONS[kind], _display_name(storage.filename, kind), data))
    return checked, problems
