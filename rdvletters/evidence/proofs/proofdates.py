"""The dates a proof file carries itself: image metadata, phone file names, e-mail headers.

A screenshot usually says when it was taken: EXIF ``DateTimeOriginal`` in a
JPEG, a ``Creation Time`` text chunk or XMP in a PNG, or a file name such as
``Screenshot_20261120-091502.png`` (Android) or ``Capture d'écran 2026-11-20 à
09.15.02.png`` (macOS). An ``.eml`` file has its ``Date``, ``From``, ``To``,
``Subject`` and ``Message-ID`` headers. ``record`` uses them to offer a date,
to warn when a proof is far from the date given, and to note in the journal
the proof's own date, so that ``status`` can count the attempts whose proof
matches. A time without zone is taken as Paris time (the phone's clock).
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...casepaths import inside, open_regular_fd
from ...entries import LATEST_YEAR
from ...errors import InputError
from ...frdates import EARLIEST_YEAR, PARIS, date_courte, heure
from ...i18n import N_, _
from ...journal import JournalState
from ...steps import effective_entries

if TYPE_CHECKING:  # the email package is loaded by the functions that read mail (15 ms)
    from email.message import Message

TOLERANCE = timedelta(days=1)
HEADER_BYTES = 1 << 16  # an e-mail's headers are read, never its body
HEADER_CHARS = 500  # what the journal keeps of a header
_WRITTEN_YEAR = re.compile(r"[A-Za-z]{3}\s+(\d+)\s")  # « 03 Mar 2014 10:00 »: the year
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff"}

# 2026-11-20 09.15.02, 20261120-091502, 20261120_091502123, 2026-11-20-09-15-02, 2026-11-20 à 09.15
_NAME = re.compile(
    r"(?<!\d)(20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])"
    r"(?:[ _T-]+(?:à |at |a )?|[ _T-]*)"
    r"([01]\d|2[0-3])[.:_h-]?([0-5]\d)(?:[.:_-]?([0-5]\d))?"
)
_ISO = re.compile(
    r"(20\d\d)[-:](\d\d)[-:](\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?(?:\.\d+)?"
    r"(Z|[+-]\d\d:?\d\d)?"
)


@dataclass(frozen=True)
class ProofDate:
    """When a proof file says it was made, and how we know."""

    when: datetime
    origin: str  # "exif", "png", "xmp", "nom du fichier", "en-tête Date" (journal: French)
    file: str

    def said(self) -> str:
        """« 20/11/2026 à 09 h 15 (exif) », for a message to the person."""
        local = self.when.astimezone(PARIS)
        return _("{date} à {time} ({origin})").format(
            date=date_courte(local.date()), time=heure(local), origin=_(self.origin)
        )


@dataclass(frozen=True)
class MailHeaders:
    date: datetime | None
    sender: str
    recipients: str
    subject: str
    message_id: str

    def as_dict(self) -> dict[str, str]:
        return {
            "date": self.date.isoformat(timespec="seconds") if self.date else "",
            "de": self.sender,
            "a": self.recipients,
            "objet": self.subject,
            "message_id": self.message_id,
        }


def _aware(parts: tuple[str | None, ...], zone: str | None = None) -> datetime | None:
    y, m, d, hh, mm, ss = (int(p) if p else 0 for p in parts)
    try:
        naive = datetime(y, m, d, hh, mm, ss)
    except ValueError:
        return None
    if zone in (None, ""):
        return naive.replace(tzinfo=PARIS)
    if zone == "Z":
        return datetime.fromisoformat(naive.isoformat() + "+00:00")
    zone = zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    return datetime.fromisoformat(naive.isoformat() + zone)


def name_date(path: Path) -> datetime | None:
    """A date and time written in the file name, as phones and systems name screenshots."""
    match = _NAME.search(path.stem)
    return _aware(match.groups()) if match else None


def _text_date(text: str) -> datetime | None:
    match = _ISO.search(text)
    if match:
        return _aware(match.groups()[:6], match.group(7))
    from email.utils import parsedate_to_datetime

    try:  # RFC 2822, as some PNG "Creation Time" chunks are written
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _mail_date(text: str) -> datetime | None:
    """An e-mail's ``Date:``, or None when unreadable. The parser reads a year written
    « 0001 » as 2001 (RFC 2822's two-digit years): a year it changed is no date at all."""
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    written = _WRITTEN_YEAR.search(text)
    if written and len(written[1]) > 2 and int(written[1]) != when.year:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=PARIS)


def _image_metadata(path: Path) -> tuple[Any, dict] | None:
    """(EXIF, other metadata) of an image other than a PNG (``pngmeta`` reads those), or
    None when it cannot be read. Opened without blocking (a FIFO), and only the metadata
    is read: were a PNG given, only the chunks read while opening it would count (its
    ``getexif()`` decodes the whole image to find a late eXIf chunk)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings(), os.fdopen(open_regular_fd(path), "rb") as handle:
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # said elsewhere
            with Image.open(handle) as image:
                late = image.format == "PNG" and "exif" not in image.info
                return (None if late else image.getexif()), dict(image.info)
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None


def image_date(path: Path) -> tuple[datetime, str] | None:
    """EXIF DateTimeOriginal/DateTime, PNG text chunks or XMP; None when absent.

    A PNG's chunks, those after its pixels too, are read by ``pngmeta`` without decoding
    the pixels (Pillow's ``getexif()`` decodes the whole image to reach a late eXIf chunk:
    700 MB for a 13,000-pixel square), and Pillow is loaded only for an EXIF block or
    another kind of image. Files are opened without blocking (a FIFO is refused)."""
    from .pngmeta import png_metadata

    try:
        png = png_metadata(path)
        block = png.exif if png is not None else None
    except (OSError, ValueError):
        return None
    if png is None:
        found = _image_metadata(path)
        return _date_in(*found) if found is not None else None
    if block is None:
        return _date_in(None, png.info)
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(block)
    except (OSError, ValueError):
        return None
    return _date_in(exif, png.info)


def _date_in(exif: Any, info: dict[str, Any]) -> tuple[datetime, str] | None:
    """The date in an image's EXIF block (Pillow's ``Exif``, or None) or its text fields."""
    sub = exif.get_ifd(0x8769) if exif else {}
    for tag, offset_tag, source in ((36867, 36881, sub), (306, 36880, exif)):
        value = source.get(tag) if source else None
        if isinstance(value, str) and (when := _exif_time(value, sub.get(offset_tag))):
            return when, "exif"
    for key in ("Creation Time", "CreationTime", "date:create", "Date"):
        value = info.get(key)
        if isinstance(value, str) and (when := _text_date(value)):
            return when, "png"
    xmp = info.get("XML:com.adobe.xmp") or info.get("xmp")
    if isinstance(xmp, (str, bytes)):
        text = xmp.decode("utf-8", "replace") if isinstance(xmp, bytes) else xmp
        found = re.search(
            r"(?:DateCreated|CreateDate|DateTimeOriginal)[^0-9]{0,40}([0-9][^<\"]+)", text
        )
        if found and (when := _text_date(found.group(1))):
            return when, "xmp"
    return None


def _exif_time(value: str, offset: Any) -> datetime | None:
    match = re.match(r"(\d{4}):(\d\d):(\d\d) (\d\d):(\d\d):(\d\d)", value.strip())
    if not match:
        return None
    zone = offset.strip() if isinstance(offset, str) and offset.strip() else None
    return _aware(match.groups(), zone)


def mail_headers(path: Path) -> MailHeaders:
    """The headers of an ``.eml`` file (a message saved from a mail program)."""
    from email import policy
    from email.parser import BytesParser
    from email.utils import getaddresses

    with os.fdopen(open_regular_fd(path), "rb") as handle:  # a FIFO: refused, not waited on
        head = handle.read(HEADER_BYTES)  # the headers, never a 1 GB body
    message = BytesParser(policy=policy.default).parsebytes(head, headersonly=True)

    def addresses(name: str) -> str:
        values = header_values(message, name)
        try:
            return ", ".join(a for _, a in getaddresses(values))
        except UNPARSABLE:  # comments nested 20,000 deep: shown as written
            return ", ".join(values)

    def first(name: str) -> str:
        return next(iter(header_values(message, name)), "").strip()

    written = next(iter(header_values(message, "Date", raw=True)), None)
    when = _mail_date(written) if written else None  # as written: the policy rewrites it
    return MailHeaders(
        when,
        _bounded(addresses("From")),
        _bounded(addresses("To")),
        _bounded(first("Subject")),
        _bounded(first("Message-ID")),
    )


# What the email package may raise on a header it cannot make sense of: a date past
# year 9999 (OverflowError), comments nested thousands deep (RecursionError)…
UNPARSABLE = (ValueError, TypeError, IndexError, LookupError, OverflowError, RecursionError)


def header_values(message: Message, name: str, raw: bool = False) -> list[str]:
    """A header's values as text: decoded (encoded words…) when the ``email`` package can
    parse them, as written when it cannot, or when ``raw`` asks for them as written."""
    if not raw:
        try:
            return [str(v) for v in message.get_all(name, [])]
        except UNPARSABLE:
            pass
    return [str(v) for k, v in message.raw_items() if k.lower() == name.lower()]


def _bounded(text: str) -> str:
    """A header as the journal keeps it: one line, at most ``HEADER_CHARS`` characters (a
    Subject of a megabyte would make every later command slow)."""
    text = " ".join(text.split())
    return text if len(text) <= HEADER_CHARS else text[: HEADER_CHARS - 1] + "…"


def proof_date(path: Path) -> ProofDate | None:
    """The date a proof file carries, best source first."""
    suffix = path.suffix.lower()
    if suffix == ".eml":
        headers = mail_headers(path)
        return ProofDate(headers.date, N_("en-tête Date"), path.name) if headers.date else None
    if suffix in IMAGE_SUFFIXES:
        found = image_date(path)
        if found:
            return ProofDate(found[0], found[1], path.name)
    when = name_date(path)
    return ProofDate(when, N_("nom du fichier"), path.name) if when else None


def piece_fields(path: Path) -> dict[str, Any]:
    """What the journal keeps about a proof's own date (and an e-mail's headers)."""
    fields: dict[str, Any] = {}
    found = proof_date(path)
    if found:
        fields["date_propre"] = found.when.isoformat(timespec="seconds")
        fields["origine_date"] = found.origin
    if path.suffix.lower() == ".eml":
        fields["entetes"] = mail_headers(path).as_dict()
    return fields


def far_from(when: datetime, found: ProofDate) -> str | None:
    """A warning when a proof's own date is more than a day from the step's date."""
    if abs(found.when - when) <= TOLERANCE:
        return None
    return _(
        "{file} date du {found}, à plus d'un jour du {date} à {time} : vérifiez --at, ou le "
        "justificatif."
    ).format(file=found.file, found=found.said(), date=date_courte(when.date()), time=heure(when))


def mail_message(channel: str, headers: MailHeaders) -> str:
    """The journal's description of an e-mail sent or an answer received: French, always."""
    subject = f"« {headers.subject} »" if headers.subject else "(sans objet)"
    if channel == "reply":
        return f"Réponse reçue de {headers.sender or 'expéditeur inconnu'} : {subject}"
    return f"Courriel {subject} envoyé à {headers.recipients or 'destinataire inconnu'}"


# --- status -------------------------------------------------------------------
def _piece_date(root: Path, piece: dict[str, Any]) -> datetime | None:
    """The proof's own date: noted at recording, else read in the copy's metadata or the
    original name (never the copy's name, which ``record`` made from the step's date)."""
    if piece.get("date_propre"):
        return datetime.fromisoformat(piece["date_propre"])
    path = inside(root, piece["fichier"])  # never a file outside the case, nor a link
    if path is None or not path.is_file():
        return name_date(Path(piece.get("original", "")))
    if path.suffix.lower() in IMAGE_SUFFIXES and (found := image_date(path)):
        return found[0]
    if path.suffix.lower() == ".eml":
        try:
            return mail_headers(path).date
        except OSError:
            return None
    return name_date(Path(piece.get("original", "")))


def matching_by_week(root: Path, state: JournalState) -> dict[str, int]:
    """Per week (Monday, ISO), the attempts with a proof whose own date matches theirs
    (as corrected; withdrawn attempts left out)."""
    counts: dict[str, int] = {}
    for __, data in effective_entries(state):
        if data["type"] != "tentative":
            continue
        when = datetime.fromisoformat(data["date"])
        dates = [_piece_date(root, p) for p in data.get("pieces", [])]
        if any(d is not None and abs(d - when) <= TOLERANCE for d in dates):
            day: date = when.date()
            monday = (day - timedelta(days=day.weekday())).isoformat()
            counts[monday] = counts.get(monday, 0) + 1
    return counts


@dataclass
class ProofReading:
    """What the proof files of one step say about it, before it is recorded.

    ``when`` is a date to use without asking (the Date header of an e-mail, or the
    capture's own date with ``--at capture``); ``offer`` a capture's date the person may
    accept instead of now; ``notices`` and ``warnings`` are for the person.
    """

    message: str
    when: datetime | None = None
    offer: ProofDate | None = None
    dates: list[ProofDate] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def check(self, when: datetime) -> list[str]:
        """Warnings for the date finally chosen: a proof more than a day away from it."""
        return [w for w in (far_from(when, d) for d in self.dates) if w]


def read_proofs(
    channel: str, at: str | None, message: str, proofs: list[Path], now: datetime
) -> ProofReading:
    """The message and the dates the proof files give, as ``record`` uses them."""
    existing = [p for p in proofs if p.is_file()]
    mails = [p for p in existing if p.suffix.lower() == ".eml"]
    if mails and channel in ("email", "reply") and not message.strip():
        message = mail_message(channel, mail_headers(mails[0]))
    reading = ProofReading(message)
    for found in (proof_date(p) for p in existing):
        if found is None:
            continue
        if found.when > now + timedelta(minutes=5):
            reading.warnings.append(
                _("{file} dit dater du {found}, dans le futur : date ignorée.").format(
                    file=found.file, found=found.said()
                )
            )
        else:
            reading.dates.append(found)
    first = reading.dates[0] if reading.dates else None
    taken = at is None or at.strip().lower() == "capture"
    if taken and first is not None and not EARLIEST_YEAR <= first.when.year <= LATEST_YEAR:
        raise InputError(  # the journal holds no step outside these years
            _(
                "{file} est daté du {found}, hors des années {first}–{last} d'un dossier : "
                "donnez la date de la démarche avec --at."
            ).format(file=first.file, found=first.said(), first=EARLIEST_YEAR, last=LATEST_YEAR),
            hint=_("Un courriel ancien ne prouve pas une démarche d'aujourd'hui."),
        )
    if at is not None and at.strip().lower() == "capture":
        if first is None:
            raise InputError(
                _(
                    "--at capture : aucun justificatif ne porte sa date (métadonnées ou nom de "
                    'fichier) ; donnez la date : --at "2026-11-20 09:15".'
                )
            )
        reading.when = first.when.astimezone(now.tzinfo).replace(microsecond=0)
    elif at is None and first is not None and first.origin == "en-tête Date":
        reading.when = first.when.astimezone(now.tzinfo)
    elif at is None and first is not None:
        reading.offer = first
    if reading.when is not None and first is not None:
        reading.notices.append(
            _("Date prise dans {file} : {found}.").format(file=first.file, found=first.said())
        )
    return reading
