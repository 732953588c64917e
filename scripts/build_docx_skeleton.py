"""Build ``rdvletters/documents/skeleton.docx``, the parts every DOCX of rdvletters shares.

Run:  python scripts/build_docx_skeleton.py [OUTPUT]   (default: the shipped file)

python-docx's own default document, with the Normal style rdvletters writes in (Arial
10.5 pt, French, 5 pt after each paragraph), cut down to what the documents use: the
styles they name (``STYLES``) with those these rest on, the list numbering of « List
Bullet », the theme, settings and fonts, copied into every document as they are. The
sample's 154 other styles, Word 2010's copy of the styles, its bibliography part and its
thumbnail are left out: LibreOffice reads every style a document defines, and these made
each conversion to PDF about 40 ms longer. Word's table of latent styles, which defines
none, is kept: with it Word offers its usual gallery (Heading 1, Title…) to a person
editing the letter, and creates those styles when one is applied. Its
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
# The styles the documents name (``docx_out``, ``docx_tables``); the defaults are kept too.
# ``tests/test_docx_skeleton.py`` checks that these are exactly the styles documents name.
STYLES = ("Normal", "ListBullet", "Header", "Footer", "TableGrid")
UNUSED = ("stylesWithEffects", "customXml", "thumbnail")  # relationship types left out


def _root(xml: str, tag: str) -> str:
    """The part's text up to (without) ``tag``: the XML declaration and the root's start."""
    return xml[: xml.index(tag)]


def _values(element, tag: str) -> list[str]:
    return [e.get(qn("w:val")) for e in element.iter(qn(tag))]


def _keep_used_styles(docx) -> None:
    """Remove the styles no document names, and the lists no kept style numbers its
    paragraphs with."""
    styles = docx.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.iterchildren(qn("w:style"))}
    wanted = [*STYLES, *(i for i, s in by_id.items() if s.get(qn("w:default")) == "1")]
    kept: set[str] = set()
    while wanted:  # with what a kept style is based on, linked to or followed by
        style_id = wanted.pop()
        if style_id not in kept:
            kept.add(style_id)
            style = by_id[style_id]
            wanted += [v for tag in ("w:basedOn", "w:link", "w:next") for v in _values(style, tag)]
    for style_id, style in by_id.items():
        if style_id not in kept:
            styles.remove(style)
    numbering = docx.part.numbering_part.element
    lists = {v for i in kept for v in _values(by_id[i], "w:numId")}
    for num in numbering.findall(qn("w:num")):
        if num.get(qn("w:numId")) not in lists:
            numbering.remove(num)
    used = {v for num in numbering.findall(qn("w:num")) for v in _values(num, "w:abstractNumId")}
    for definition in numbering.findall(qn("w:abstractNum")):
        if definition.get(qn("w:abstractNumId")) not in used:
            numbering.remove(definition)


def _drop_unused_parts(docx) -> None:
    """Leave out the parts no document needs (``UNUSED``), at both levels of the package."""
    for rels in (docx.part.rels, docx.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in UNUSED:
                rels.pop(rid)


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
    _keep_used_styles(docx)
    _drop_unused_parts(docx)
    buffer = io.BytesIO()
    docx.save(buffer)
    members = []
    with zipfile.ZipFile(buffer) as saved:
        parts = {name: saved.read(name) for name in saved.namelist()}
    plain = Document()  # the package without header and footer: its types and relationships
    _drop_unused_parts(plain)
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
