"""A saved e-mail (.eml, RFC 5322) as the text a judge reads: headers, body, attachment names.

Only the standard library: the message is parsed, never displayed by a mail
engine, and HTML is reduced to text by :class:`html.parser.HTMLParser`, so
nothing in the message (scripts, remote images, styles) is run or fetched.
Header values are shown as written in the message (RFC 2047 words decoded):
the date in particular is the sender's own, not converted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from html.parser import HTMLParser

from ...evidence.proofs.proofdates import UNPARSABLE, header_values

# (header name, French label), in the order shown.
HEADERS = [
    ("Date", "Date"),
    ("From", "De"),
    ("To", "À"),
    ("Cc", "Cc"),
    ("Subject", "Objet"),
    ("Message-ID", "Identifiant"),
]
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?")
_BLOCKS = {
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section",
    "table", "tr", "ul",
}  # fmt: skip
_HIDDEN = {"head", "script", "style", "template", "title", "noscript"}


@dataclass(frozen=True)
class MailView:
    """What the PDF shows of one message."""

    headers: list[tuple[str, str]]  # (French label, value as written)
    body: str
    from_html: bool  # the body was reduced from the HTML part (no plain-text part)
    attachments: list[str]  # "name (size)"


def looks_like_mail(data: bytes) -> bool:
    """True when ``data`` opens with an RFC 5322 header block naming a sender or a date.

    Used when the file's name says nothing (no ``.eml``): a text file that
    merely starts with « Objet : » is not taken for a message.
    """
    head = data[:16384].replace(b"\r\n", b"\n")
    block = head.split(b"\n\n", 1)[0]
    lines = block.split(b"\n")
    if len(lines) < 2 or not _HEADER_LINE.match(lines[0]):
        return False
    names = set()
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            continue
        if not _HEADER_LINE.match(line):
            return False
        names.add(line.split(b":", 1)[0].lower())
    return b"from" in names or (b"date" in names and b"subject" in names)


def read_mail(data: bytes) -> MailView:
    """Parse the bytes of a message; never raises on a malformed message, shows what it can."""
    message = BytesParser(policy=policy.default).parsebytes(data)
    headers = []
    for name, label in HEADERS:
        values = [_header_text(v) for v in header_values(message, name)]
        values = [v for v in values if v]
        if values:
            headers.append((label, ", ".join(values)))
    try:
        body, from_html, attachments = _contents(message)
    except UNPARSABLE:  # parts nested a thousand deep: the headers, and no more
        body, from_html, attachments = "", False, []
    return MailView(headers, clean_text(body), from_html, attachments)


def _contents(message: Message) -> tuple[str, bool, list[str]]:
    """The body (as text, and whether it came from HTML) and the attachments' lines."""
    body_part = _body_part(message)
    body, from_html = "", False
    if body_part is not None:
        body = _text_of(body_part)
        if body_part.get_content_subtype() == "html":
            body, from_html = html_to_text(body), True
    attachments = [
        _attachment_line(part)
        for part in message.walk()
        if part is not body_part and not part.is_multipart() and _is_attachment(part)
    ]
    return body, from_html, attachments


def _header_text(value: object) -> str:
    """A header value as one line of text (folding removed, encoded words decoded)."""
    return " ".join(str(value).split())


def _body_part(message: Message) -> Message | None:
    if isinstance(message, EmailMessage):
        try:
            found = message.get_body(preferencelist=("plain", "html"))
        except (KeyError, LookupError, ValueError):
            found = None
        if found is not None:
            return found
    for part in message.walk():
        if part.get_content_maintype() == "text" and not _is_attachment(part):
            return part
    return None


def _text_of(part: Message) -> str:
    """The decoded text of a part: transfer encoding and charset, unknown charsets tolerated."""
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return str(part.get_payload())
    charset = part.get_content_charset() or "utf-8"
    for candidate in (charset, "utf-8", "cp1252"):
        try:
            return raw.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("latin-1")


def _is_attachment(part: Message) -> bool:
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    return disposition == "attachment" or bool(part.get_filename())


def _attachment_line(part: Message) -> str:
    name = _header_text(part.get_filename() or "") or f"sans nom ({part.get_content_type()})"
    raw = part.get_payload(decode=True)
    size = len(raw) if isinstance(raw, bytes) else 0
    return f"{name} ({_size(size)})"


def _size(n: int) -> str:
    if n < 1000:
        return f"{n} octets"
    if n < 1_000_000:
        return f"{round(n / 1000)} Ko"
    return f"{n / 1_000_000:.1f} Mo".replace(".", ",")


def clean_text(text: str) -> str:
    """Line ends normalised, control characters dropped, trailing blank lines removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    lines = text.split("\n")  # most lines are printable (but for no-break spaces): kept whole
    text = "\n".join(
        line if line.replace("\u00a0", " ").isprintable() else _printable(line) for line in lines
    )
    return text.strip("\n")


def _printable(line: str) -> str:
    return "".join(c for c in line if c.isprintable() or c == "\u00a0")


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML body; tags become line breaks, links show their URL."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0
        self.pre = 0
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.out.append("\n")
            if tag == "li":
                self.out.append("• ")
            elif tag == "pre":
                self.pre += 1
        elif tag == "td" or tag == "th":
            self.out.append("  ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.out)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.out.append("\n")
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            shown = "".join(self.out[start:]).strip()
            if href.startswith(("http:", "https:", "mailto:")) and href not in (shown, ""):
                self.out.append(f" <{href.removeprefix('mailto:')}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        self.out.append(data if self.pre else re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Visible text of an HTML document, paragraphs kept, at most one blank line in a row."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.out).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
