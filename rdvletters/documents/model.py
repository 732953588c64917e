"""The document model: named sections of lines, independent of the output format.

A template renders plain text in which a line ``[[name]]`` opens a section
(``expediteur``, ``destinataire``, ``objet``, ``corps``…). Inside the body, a
blank line separates paragraphs, ``- `` starts a list item, ``# `` a
heading and ``## `` a sub-heading. Each renderer (text, DOCX) places the same
sections in its own way, so every sentence is written once, in the template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..errors import TemplateError
from ..i18n import _
from ..textsafe import visible

SECTIONS = (
    "avertissement",  # a first page addressed to the person, not to the addressee
    "de",  # e-mail sender, « Prénom NOM <adresse> » (shown; headers use Document.email_from)
    "a",  # e-mail recipient (shown; headers use Document.email_to)
    "expediteur",  # sender block, top left
    "mention",  # « Lettre recommandée avec accusé de réception »
    "destinataire",  # address in the envelope window
    "lieu_date",  # « Bobigny, le 1er décembre 2026 »
    "objet",
    "corps",
    "signature",
    "pj",  # enclosures
    "pied",  # small print at the foot of the page
    "annexe",  # pages after the signature: the dated record, the list of pieces
)
_MARKER = re.compile(r"^\[\[\s*([a-z_]+)\s*\]\]\s*$")
NBSP = "\u00a0"
_TYPO = (
    (re.compile(r"« "), "«" + NBSP),
    (re.compile(r" ([»:;?!])"), NBSP + r"\1"),
    (re.compile(r"\b([nN]°) "), r"\1" + NBSP),
    (re.compile(r"\b([RLD])\. (?=\d)"), r"\1." + NBSP),
    (re.compile(r"\b(\d{1,2}) h (\d{2})\b"), r"\1" + NBSP + "h" + NBSP + r"\2"),  # 09 h 05
    (re.compile(r"\b(Cedex|CEDEX) (\d+)\b"), r"\1" + NBSP + r"\2"),
)


def typographic(line: str) -> str:
    """Non-breaking spaces where French typography wants them (« x », n° 5, R. 431-3)."""
    for pattern, replacement in _TYPO:
        line = pattern.sub(replacement, line)
    return line


@dataclass(frozen=True)
class Block:
    """One body element: ``p`` paragraph, ``li`` list item, ``h`` heading, ``h2`` sub-heading."""

    kind: str
    text: str


@dataclass
class Document:
    """A rendered document: which kind it is and its sections' lines."""

    kind: str
    sections: dict[str, list[str]] = field(default_factory=dict)
    attachments: list[Path] = field(default_factory=list)  # files to attach to an e-mail
    author: str = ""  # the applicant: written into the file's properties
    created: datetime | None = None  # when the document was prepared
    # E-mail addresses come from the validated profile, never from the rendered text:
    # headers are built from these parts, so no template or name can add a recipient.
    email_from: tuple[str, str] | None = None  # (display name, bare address)
    email_to: str | None = None  # bare address
    # The journal's head when the document was made, (last entry's number, SHA-256 of its
    # line): e-mails carry it in a header, an anchor that ``verify`` compares.
    journal_anchor: tuple[int, str] | None = None

    def lines(self, name: str) -> list[str]:
        """Non-blank lines of a section (address blocks, signature…)."""
        return [ln.strip() for ln in self.sections.get(name, []) if ln.strip()]

    def text(self, name: str) -> str:
        """A one-line section (objet, lieu_date) as a single string."""
        return " ".join(self.lines(name))

    def blocks(self, name: str) -> list[Block]:
        """Paragraphs, list items and headings of a section."""
        blocks: list[Block] = []
        current: list[str] = []

        def flush() -> None:
            if current:
                blocks.append(Block("p", " ".join(current)))
                current.clear()

        for raw in self.sections.get(name, []):
            line = raw.strip()
            if not line:
                flush()
            elif line.startswith("- "):
                flush()
                blocks.append(Block("li", line[2:].strip()))
            elif line.startswith("# "):
                flush()
                blocks.append(Block("h", line[2:].strip()))
            elif line.startswith("## "):
                flush()
                blocks.append(Block("h2", line[3:].strip()))
            else:
                current.append(line)
        flush()
        return blocks


def produced_lines(rendered: str) -> list[str]:
    """The lines of a rendered template, split on line feeds only.

    ``str.splitlines`` also splits on form feeds, NEL and U+2028: a value holding one of
    them could then open a section of its own. They (and every other invisible control
    character) become spaces instead, so only the template's own line breaks count.
    """
    lines = rendered.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [visible(line) for line in lines]


def section_problems(rendered: str) -> list[tuple[int, str, str, str]]:
    """Every (line of the produced text, that line, what is wrong said with that line's
    number, the same without it) the model refuses: the second form is for a message that
    names the template's own line instead."""
    problems = []
    started = False
    for number, line in enumerate(produced_lines(rendered), start=1):
        match = _MARKER.match(line)
        if match and match[1] not in SECTIONS:
            said = {"name": match[1], "sections": ", ".join(SECTIONS), "line": number}
            problems.append(
                (
                    number,
                    line.strip(),
                    _(
                        "section inconnue [[{name}]] (ligne {line} du texte produit) ; "
                        "sections : {sections}."
                    ).format(**said),
                    _("section inconnue [[{name}]] ; sections : {sections}.").format(**said),
                )
            )
        started = started or bool(match)
        if not started and line.strip():
            problems.append(
                (
                    number,
                    line.strip(),
                    _(
                        "du texte précède la première section [[…]] (ligne {line} du texte "
                        "produit)."
                    ).format(line=number),
                    _("du texte précède la première section [[…]]."),
                )
            )
    return problems


def parse_document(kind: str, rendered: str, template: str) -> Document:
    """Split a rendered template into sections, with French non-breaking spaces."""
    problems = section_problems(rendered)
    if problems:
        raise TemplateError(template, None, problems[0][2])
    doc = Document(kind)
    current: list[str] = []
    for line in produced_lines(rendered):
        match = _MARKER.match(line)
        if match:
            current = doc.sections.setdefault(match[1], [])
        else:
            current.append(typographic(line))
    return doc
