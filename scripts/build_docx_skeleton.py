"""Build ``rdvletters/documents/skeleton.docx``, the parts every DOCX of rdvletters shares.

Run:  python scripts/build_docx_skeleton.py [OUTPUT]   (default: the shipped file)

python-docx's own default document, with the Normal style rdvletters writes in (Arial
10.5 pt, French, 5 pt after each paragraph): its styles, numbering (the « List Bullet »
style), theme, settings and fonts are copied into every document as they are. Its
``word/document.xml``, ``word/header.xml`` and ``word/footer.xml`` hold only the root
elements the documents' own parts open with (the namespaces Word expects). The body,
page set-up, headers, footers and properties are each document's (``docx_out``), written
by ``rdvletters.documents.docx_package``. ``tests/test_docx_skeleton.py`` checks that the
shipped file is what this script builds; run it again after upgrading python-docx only if
that test says so.
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rdvletters.documents.docx_package import (  # noqa: E402
    SKELETON,
    WRITTEN,
    Member,
    write_zip,
)

FONT, SIZE, AFTER, LANG = "Arial", 10.5, 5, "fr-FR"


def _root(xml: str, tag: str) -> str:
    """The part's text up to (without) ``tag``: the XML declaration and the root's start."""
    return xml[: xml.index(tag)]


def skeleton_members() -> list[Member]:
    """The skeleton's members, from python-docx's default document."""
    docx = Document()
    normal = docx.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(SIZE)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANG)
    normal.element.get_or_add_rPr().append(lang)
    normal.paragraph_format.space_after = Pt(AFTER)
    section = docx.sections[0]
    section.header.is_linked_to_previous = False  # to take the header's and footer's roots
    section.footer.is_linked_to_previous = False
    buffer = io.BytesIO()
    docx.save(buffer)
    members = []
    with zipfile.ZipFile(buffer) as saved:
        parts = {name: saved.read(name) for name in saved.namelist()}
    plain = Document()  # the package without header and footer: its types and relationships
    buffer = io.BytesIO()
    plain.save(buffer)
    with zipfile.ZipFile(buffer) as saved:
        for name in ("[Content_Types].xml", "word/_rels/document.xml.rels"):
            parts[name] = saved.read(name)
    roots = {
        "word/document.xml": _root(parts.pop("word/document.xml").decode(), "<w:body>"),
        "word/header.xml": _root(parts.pop("word/header1.xml").decode(), "<w:p>"),
        "word/footer.xml": _root(parts.pop("word/footer1.xml").decode(), "<w:p>"),
    }
    for name, data in parts.items():
        if name != "docProps/core.xml":  # each document writes its own
            members.append(Member.of(name, data))
    members.extend(Member.of(name, xml.encode("utf-8")) for name, xml in roots.items())
    assert all(name in parts for name in WRITTEN if name != "docProps/core.xml")
    return members


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SKELETON
    target.write_bytes(write_zip(skeleton_members(), datetime(1980, 1, 1)))
    print(f"{target}: {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
