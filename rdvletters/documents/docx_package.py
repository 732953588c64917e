"""A DOCX file put together from the shipped skeleton and the parts a document writes.

``skeleton.docx`` (next to this module, rebuilt by ``scripts/build_docx_skeleton.py``)
holds what every document shares: the styles (Normal in Arial 10.5 pt, French, 5 pt
after), numbering, theme, settings, fonts; and the root elements of the body, header and
footer parts. A document brings its body, its headers and footers and its properties;
the skeleton's parts are copied still compressed, so writing a letter costs
milliseconds. The zip members carry the document's own date: the same document twice
gives the same bytes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

from .wordml import escape

SKELETON = Path(__file__).with_name("skeleton.docx")
CORE_PROPERTY = 255  # characters: python-docx refused more in a core property
# The skeleton's parts this module rewrites, and the root elements it takes from it.
WRITTEN = ("[Content_Types].xml", "word/_rels/document.xml.rels", "docProps/core.xml")
ROOTS = ("word/document.xml", "word/header.xml", "word/footer.xml")
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
WORDML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
CORE = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:subject/><dc:creator>{author}</dc:creator>"
    "<cp:keywords/><dc:description></dc:description>"
    "<cp:lastModifiedBy>{author}</cp:lastModifiedBy><cp:revision>1</cp:revision>{dates}"
    "<cp:category/>{printed}</cp:coreProperties>"
)


@dataclass(frozen=True)
class Member:
    """A zip member as stored: name, CRC-32, size, and its deflated bytes."""

    name: str
    crc: int
    size: int
    deflated: bytes

    @classmethod
    def of(cls, name: str, data: bytes) -> Member:
        return cls.streamed(name, [data])

    @classmethod
    def streamed(cls, name: str, pieces: Iterable[bytes]) -> Member:
        """A member deflated as its pieces come (a long table, one row at a time)."""
        squeeze = zlib.compressobj(6, zlib.DEFLATED, -15)
        deflated, crc, size = [], 0, 0
        for piece in pieces:
            crc, size = zlib.crc32(piece, crc), size + len(piece)
            deflated.append(squeeze.compress(piece))
        deflated.append(squeeze.flush())
        return cls(name, crc, size, b"".join(deflated))

    def data(self) -> bytes:
        return zlib.decompress(self.deflated, -15)


_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")


def read_members(path: Path = SKELETON) -> list[Member]:
    """The deflated members of a zip file written by ``write_zip`` (no zip64, no data
    descriptors: the skeleton's own form)."""
    blob = path.read_bytes()
    members, at = [], 0
    while blob[at : at + 4] == b"PK\x03\x04":
        fields = _LOCAL.unpack_from(blob, at)
        crc, size_deflated, size, name_len, extra_len = fields[6:]
        start = at + _LOCAL.size + name_len + extra_len
        name = blob[at + _LOCAL.size : at + _LOCAL.size + name_len].decode("utf-8")
        members.append(Member(name, crc, size, blob[start : start + size_deflated]))
        at = start + size_deflated
    return members


def _dos_time(stamp: datetime) -> tuple[int, int]:
    year = max(stamp.year, 1980)
    return (
        (stamp.hour << 11) | (stamp.minute << 5) | (stamp.second // 2),
        ((year - 1980) << 9) | (stamp.month << 5) | stamp.day,
    )


def write_zip(members: list[Member], stamp: datetime) -> bytes:
    """A zip archive of ``members`` (deflated), each dated ``stamp``."""
    time, date = _dos_time(stamp)
    out, central = bytearray(), bytearray()
    for m in members:
        name = m.name.encode("utf-8")
        offset = len(out)
        head = (20, 0, 8, time, date, m.crc, len(m.deflated), m.size, len(name), 0)
        out += _LOCAL.pack(0x04034B50, *head) + name + m.deflated
        central += _CENTRAL.pack(0x02014B50, 20, *head, 0, 0, 0, 0, offset) + name
    end = _END.pack(0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


def _property(value: str) -> str:
    """A document property as the format holds it: at most 255 characters."""
    return value if len(value) <= CORE_PROPERTY else value[: CORE_PROPERTY - 1] + "…"


def core_properties(title: str, author: str, created: datetime | None) -> bytes:
    """The file's properties: title, the applicant as author, the date it was prepared."""
    dates = printed = ""
    if created is not None:
        stamp = created.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        dates = "".join(
            f'<dcterms:{name} xsi:type="dcterms:W3CDTF">{stamp}</dcterms:{name}>'
            for name in ("created", "modified")
        )
        printed = f"<cp:lastPrinted>{stamp}</cp:lastPrinted>"
    said = CORE.format(
        title=escape(_property(title)),
        author=escape(_property(author)),
        dates=dates,
        printed=printed,
    )
    return said.encode("utf-8")


@dataclass
class Package:
    """The parts of one document being written: body, headers and footers."""

    body: list[str | Iterable[str]] = field(default_factory=list)  # text, or rows as they come
    parts: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, rId, xml)

    def add(self, kind: str, content: str) -> str:
        """A header or footer part (``kind``: header or footer) holding paragraphs'
        markup; returns its relationship id, for a section's reference."""
        rid = f"rId{9 + len(self.parts)}"  # the skeleton's own relationships are 1 to 8
        self.parts.append((kind, rid, content))
        return rid

    def to_bytes(self, title: str, author: str, created: datetime | None) -> bytes:
        """The DOCX file's bytes, the same for the same content."""
        skeleton = {m.name: m for m in _skeleton()}
        roots = {name: skeleton[name].data().decode("utf-8") for name in ROOTS}
        numbered = {"header": 0, "footer": 0}
        new: list[Member] = []
        types, rels = [], []
        for kind, rid, content in self.parts:
            numbered[kind] += 1
            name = f"{kind}{numbered[kind]}.xml"
            root = roots[f"word/{kind}.xml"]
            tag = "</w:hdr>" if kind == "header" else "</w:ftr>"
            new.append(Member.of(f"word/{name}", f"{root}{content}{tag}".encode()))
            types.append(f'<Override PartName="/word/{name}" ContentType="{WORDML}{kind}+xml"/>')
            rels.append(f'<Relationship Id="{rid}" Type="{OFFICE}{kind}" Target="{name}"/>')
        members = [
            _extended(skeleton["[Content_Types].xml"], "</Types>", types),
            skeleton["_rels/.rels"],
            Member.of("docProps/core.xml", core_properties(title, author, created)),
            Member.streamed("word/document.xml", self._document(roots["word/document.xml"])),
            _extended(skeleton["word/_rels/document.xml.rels"], "</Relationships>", rels),
            *(m for m in skeleton.values() if m.name not in (*WRITTEN, *ROOTS, "_rels/.rels")),
            *new,
        ]
        stamp = created.astimezone(timezone.utc) if created else datetime(1980, 1, 1)
        return write_zip(members, stamp)

    def _document(self, root: str) -> Iterator[bytes]:
        """``word/document.xml`` in pieces of about 64 KiB, read once from ``body``."""
        buffered, size = [root, "<w:body>"], 0
        for item in self.body:
            for piece in [item] if isinstance(item, str) else item:
                buffered.append(piece)
                size += len(piece)
                if size > 65536:
                    yield "".join(buffered).encode("utf-8")
                    buffered, size = [], 0
        buffered.append("</w:body></w:document>")
        yield "".join(buffered).encode("utf-8")


def _extended(member: Member, closing: str, entries: list[str]) -> Member:
    """A skeleton part with ``entries`` added before its closing tag."""
    if not entries:
        return member
    xml = member.data().decode("utf-8")
    return Member.of(member.name, xml.replace(closing, "".join(entries) + closing).encode())


@cache
def _skeleton() -> tuple[Member, ...]:
    """The skeleton's members, read once per process (threads may race: both read it)."""
    return tuple(read_members())
