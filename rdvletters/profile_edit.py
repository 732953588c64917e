"""Changing values in ``profil.yaml`` while keeping it the file a person can edit by hand.

A form (the web app) sets values; this module rewrites only the lines of the keys
that change, so the comments that explain each field, the order of the keys and
whatever the person wrote elsewhere stay as they were. A key that is missing is
written where its commented-out example stands (``# delai_convocation_jours: 15``),
else at the end of its section. Every value is written so that it reads back as
exactly the text given, which is checked before the new text is returned.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .casepaths import read_small
from .errors import CaseError
from .fsutil import replace_file
from .i18n import _
from .yamlload import CONTROL_IN_FILE, parse_yaml

Key = tuple[str, ...]  # ("situation",) or ("demandeur", "nom")
Value = str | list[str] | list[str | dict[str, str]] | None
FLOW_LIMIT = 60  # a list longer than this (as text) is written one item per line


@dataclass
class _Line:
    indent: int
    key: str | None  # "nom" for "  nom: …", None for other lines
    commented_key: str | None  # "nom" for "  # nom: …"
    comment_at: int | None  # column of a trailing comment on a key line


_KEY = re.compile(r"^(?P<indent> *)(?P<hash># ?)?(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?=\s|$)")


def _comment_column(line: str, start: int) -> int | None:
    """Column of the ``#`` that starts a comment after ``start``, outside quotes."""
    quote = None
    i = start
    while i < len(line):
        ch = line[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'" and (i == start or line[i - 1] in " [,"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
        i += 1
    return None


def _scan(line: str) -> _Line:
    indent = len(line) - len(line.lstrip(" "))
    match = _KEY.match(line)
    if not match:
        return _Line(indent, None, None, None)
    if match["hash"]:
        return _Line(indent, None, match["key"], None)
    return _Line(indent, match["key"], None, _comment_column(line, match.end()))


def _reads_back(snippet: str, expected: object) -> bool:
    try:
        return yaml.load(snippet, Loader=yaml.BaseLoader) == {"k": expected}
    except yaml.YAMLError:
        return False


def _writable(candidate: str) -> bool:
    """No raw invisible character: ``load_yaml`` refuses them, even quoted (U+2028…)."""
    return bool(candidate) and not CONTROL_IN_FILE.search(candidate)


def scalar(text: str) -> str:
    """``text`` as a YAML scalar that reads back identically: plain when it can be."""
    for candidate in (
        text,
        json.dumps(text, ensure_ascii=False),
        json.dumps(text, ensure_ascii=True),
    ):
        if _writable(candidate) and _reads_back(f"k: {candidate}", text):
            return candidate
    raise ValueError("valeur impossible à écrire en YAML")  # pragma: no cover


def _flow_item(text: str) -> str:
    for candidate in (text, json.dumps(text, ensure_ascii=False), json.dumps(text)):
        if _writable(candidate) and _reads_back(f"k: [{candidate}]", [text]):
            return candidate
    raise ValueError("valeur impossible à écrire en YAML")  # pragma: no cover


def _render(value: Value, indent: int) -> tuple[str, list[str]]:
    """(text after ``key:``, lines below it) for ``value``."""
    if value is None or value == "":
        return "", []
    if isinstance(value, str):
        return " " + scalar(value), []
    if not value:
        return " []", []
    if any(isinstance(v, dict) for v in value):  # urgency facts with their file
        return "", [line for v in value for line in _block_item(v, indent + 2)]
    flow = "[" + ", ".join(_flow_item(v) for v in value) + "]"
    if len(flow) <= FLOW_LIMIT:
        return " " + flow, []
    return "", [f"{' ' * (indent + 2)}- {scalar(v)}" for v in value]


def _block_item(item: str | dict[str, str], indent: int) -> list[str]:
    """One item of a block list: ``- text``, or ``- fait: …`` with its other keys below."""
    pad = " " * indent
    if not isinstance(item, dict):
        return [f"{pad}- {scalar(item)}"]
    lines = [f"{pad}  {k}: {scalar(v)}" for k, v in item.items() if v]
    return [f"{pad}- {lines[0].lstrip()}", *lines[1:]]


def _key_line(old: str, info: _Line, key: str, text: str) -> str:
    """The key line with its new value, the trailing comment kept at its column."""
    head = f"{' ' * info.indent}{key}:{text}"
    if info.comment_at is None:
        return head
    comment = old[info.comment_at :]
    if len(head) + 2 <= info.comment_at:
        return head.ljust(info.comment_at) + comment
    return f"{head}  {comment}"


def _block_end(lines: list[str], start: int, indent: int) -> int:
    """Index after the lines that belong to the key at ``start`` (deeper or list items)."""
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if not line.strip():
            break
        info = _scan(line)
        if info.indent > indent or (info.indent == indent and line.lstrip().startswith("- ")):
            end += 1
            continue
        break
    return end


def _find(lines: list[str], key: Key) -> tuple[int | None, int | None, int]:
    """(line of the key, line of its commented-out example, indent) for ``key``.

    The search for a sub-key stays inside its parent's block.
    """
    lo, hi, indent = 0, len(lines), 0
    if len(key) == 2:
        parent = _find(lines, key[:1])[0]
        if parent is None:
            return None, None, 2
        lo, hi = parent + 1, _block_end(lines, parent, 0)
        children = [_scan(lines[i]).indent for i in range(lo, hi) if _scan(lines[i]).key]
        indent = children[0] if children else 2
    found = commented = None
    for i in range(lo, hi):
        info = _scan(lines[i])
        if info.key == key[-1] and info.indent == indent:
            found = i
            break
        if info.commented_key == key[-1] and info.indent == indent and commented is None:
            commented = i
    return found, commented, indent


def _set(lines: list[str], key: Key, value: Value) -> list[str]:
    found, commented, indent = _find(lines, key)
    text, below = _render(value, indent)
    if found is not None:
        info = _scan(lines[found])
        end = _block_end(lines, found, indent)
        kept = [ln for ln in lines[found + 1 : end] if ln.lstrip().startswith("#")]
        new = [_key_line(lines[found], info, key[-1], text), *kept, *below]
        return lines[:found] + new + lines[end:]
    if value is None or value == "" or value == []:
        return lines  # nothing to say, and nothing was there
    if commented is not None:
        old = lines[commented]
        info = _Line(indent, key[-1], None, _comment_column(old, old.index(":") + 1))
        line = _key_line(old, info, key[-1], text)
        return lines[:commented] + [line, *below] + lines[commented + 1 :]
    if len(key) == 1:
        return [*_trimmed(lines), "", f"{key[0]}:{text}", *below]
    parent = _find(lines, key[:1])[0]
    if parent is None:
        return [*_trimmed(lines), "", f"{key[0]}:", f"  {key[1]}:{text}", *below]
    end = _block_end(lines, parent, 0)
    return lines[:end] + [f"{' ' * indent}{key[1]}:{text}", *below] + lines[end:]


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _lookup(data: object, key: Key) -> object:
    for part in key:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _same(found: object, wanted: Value) -> bool:
    if wanted is None or wanted == "":
        return found in (None, "")
    if wanted == []:
        return found in (None, "", [])
    return found == wanted


def set_values(text: str, values: dict[Key, Value]) -> str:
    """``text`` with each key set to its value; other lines untouched.

    Raises ``ValueError`` if the result would not read back as asked (a bug).
    """
    lines = text.splitlines()
    for key, value in values.items():
        lines = _set(lines, key, value)
    result = "\n".join(lines) + "\n"
    data = parse_yaml(result.encode("utf-8"), Path("profil.yaml")).data
    wrong = [".".join(k) for k, v in values.items() if not _same(_lookup(data, k), v)]
    if wrong:
        raise ValueError(f"profil.yaml : écriture incohérente pour {', '.join(wrong)}")
    return result


def read_values(data: object, keys: list[Key]) -> dict[Key, Value]:
    """The current values of ``keys`` in loaded profile data (strings and lists as typed)."""
    out: dict[Key, Value] = {}
    for key in keys:
        found = _lookup(data, key)
        if isinstance(found, list):
            out[key] = [v.get("fait", "") if isinstance(v, dict) else str(v) for v in found]
        elif isinstance(found, dict):
            out[key] = None
        else:
            out[key] = found
    return out


def digest(path: Path) -> str:
    """SHA-256 of the profile as it is now, to notice a change made meanwhile."""
    return hashlib.sha256(read_small(path, follow=False)).hexdigest() if path.exists() else ""


def update_profile(path: Path, values: dict[Key, Value], expected: str | None = None) -> None:
    """Write ``values`` into the profile at ``path`` (atomic replace, 0600).

    With ``expected`` (a ``digest`` taken when the form was shown), refuse if the file
    changed since: a hand edit made meanwhile is never overwritten.
    """
    if expected is not None and digest(path) != expected:
        raise CaseError(
            _(
                "{name} a été modifié ailleurs pendant que vous remplissiez le formulaire : "
                "rien n'a été enregistré."
            ).format(name=path.name),
            hint=_("Rechargez la page, puis refaites vos changements."),
        )
    if not values:
        return
    text = read_small(path, follow=False).decode("utf-8-sig")
    replace_file(path, set_values(text, values).encode("utf-8"))
