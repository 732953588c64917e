"""Plain-text renderer: the document model as a readable .txt (or e-mail body).

Letters are wrapped at 78 columns for printing from any editor; e-mail bodies
keep one line per paragraph so that mail clients reflow them.
"""

from __future__ import annotations

import textwrap

from .model import Document

WIDTH = 78
RIGHT = 40  # column of the recipient block and date: 40 + 38 (La Poste line) = 78


def _wrap(text: str, **options: str) -> list[str]:
    """Wrap at WIDTH, never inside a hyphenated word or an e-mail address."""
    return textwrap.wrap(text, WIDTH, break_on_hyphens=False, **options)


def _body(doc: Document, name: str, wrap: bool) -> list[str]:
    """Paragraphs separated by blank lines; consecutive list items stay together."""
    out: list[str] = []
    previous = None
    for block in doc.blocks(name):
        if previous is not None and not (previous == "li" == block.kind):
            out.append("")
        if block.kind == "h":
            out.append(block.text.upper())
        elif block.kind == "h2":
            out += _wrap(block.text)
        elif block.kind == "li":
            out += (
                _wrap(block.text, initial_indent="  - ", subsequent_indent="    ")
                if wrap
                else [f"- {block.text}"]
            )
        else:
            out += _wrap(block.text) if wrap else [block.text]
        previous = block.kind
    return [*out, ""] if out else out


def email_body(doc: Document) -> str:
    """The e-mail body: unwrapped paragraphs, signature, list of attachments."""
    lines = _body(doc, "corps", wrap=False) + doc.lines("signature")
    if doc.lines("pj"):
        lines += ["", "Pièces jointes\u00a0:"] + [f"- {p}" for p in doc.lines("pj")]
    return "\n".join(lines).rstrip() + "\n"


def email_text(doc: Document) -> str:
    """``À :`` / ``Objet :`` header lines, then the body."""
    return f"À : {doc.text('a')}\nObjet : {doc.text('objet')}\n\n{email_body(doc)}"


def split_email_text(text: str) -> tuple[str, str, str]:
    """(recipient, subject, body) of a text written by ``email_text``: a front end shows
    the prepared e-mail's parts, each to copy, from the file the journal vouches for."""
    head, _, body = text.partition("\n\n")
    lines = head.splitlines()
    to = lines[0].removeprefix("À : ") if lines else ""
    subject = lines[1].removeprefix("Objet : ") if len(lines) > 1 else ""
    return to, subject, body


def letter_text(doc: Document) -> str:
    """A letter laid out in text: sender left, recipient and date indented, body wrapped."""
    pad = " " * RIGHT
    lines = doc.lines("expediteur") + [""]
    lines += [ln.upper() for ln in doc.lines("mention")]
    lines += [pad + ln for ln in doc.lines("destinataire")] + [""]
    lines += [pad + doc.text("lieu_date"), ""]
    lines += _wrap(f"Objet\u00a0: {doc.text('objet')}", subsequent_indent="        ")
    lines += [""] + _body(doc, "corps", wrap=True)
    lines += [pad + ln for ln in doc.lines("signature")]
    if doc.lines("pj"):
        lines += ["", "P.J.\u00a0:"]
        for item in doc.lines("pj"):
            lines += _wrap(item, initial_indent="  - ", subsequent_indent="    ")
    if doc.lines("pied"):
        lines += [""] + doc.lines("pied")
    if doc.blocks("annexe"):
        lines += ["", "-" * WIDTH, ""] + _body(doc, "annexe", wrap=True)
    return "\n".join(lines).rstrip() + "\n"


def requete_text(doc: Document) -> str:
    """The draft requête, for the judge: its title first, the signature with room to sign,
    then the list of pieces."""
    lines = _body(doc, "corps", wrap=True)
    signature = doc.lines("signature")
    if signature:  # « Signature : », room for the hand, then the name
        lines += [" " * RIGHT + signature[0], "", "", ""] + [
            " " * RIGHT + ln for ln in signature[1:]
        ]
    lines += ["", "-" * WIDTH, ""] + _body(doc, "annexe", wrap=True)
    return "\n".join(lines).rstrip() + "\n"


def notes_text(doc: Document) -> str:
    """A document for the person alone (what to read before filing): its title, its body."""
    title = doc.text("objet")
    lines = [title.upper(), "=" * min(len(title), WIDTH), ""] + _body(doc, "corps", wrap=True)
    return "\n".join(lines).rstrip() + "\n"


def render_text(doc: Document) -> bytes:
    """UTF-8 bytes of the text version of any document."""
    if doc.kind == "courriel":
        text = email_text(doc)
    elif doc.kind == "requete":
        text = requete_text(doc)
    elif doc.kind == "requete_a_lire":
        text = notes_text(doc)
    else:
        text = letter_text(doc)
    return text.encode("utf-8")
