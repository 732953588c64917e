"""Read YAML as plain strings, lists and dicts, remembering where each value is.

PyYAML's usual loaders turn ``01000`` into 512 and ``NO`` into False, and keep
the last of two duplicate keys silently. Here every scalar stays the string the
person typed; types come later from the schema (``records``). Tags (``!!python/…``),
tabs, duplicate keys, empty files and non-UTF-8 bytes are refused with the line
where they occur.

A profile travels between people, so the file is read defensively: only a regular
file of at most 256 KB is read (``casepaths.read_small``: a FIFO or a device would block),
invisible control characters are refused even in comments, and anchors and aliases
(``&a`` / ``*a``, which make "billion laughs" bombs and self-referencing values) are
refused, as is nesting deeper than ``MAX_DEPTH``: a profile needs none of them. Every
refusal is an ``InputError`` with the line, in well under a second.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .casepaths import SMALL_FILE, read_small
from .errors import InputError
from .i18n import _

Loc = tuple[str | int, ...]
PLAIN_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
MAX_DEPTH = 12  # the profile nests 4 levels deep
# C0 controls but tab and line feed, a carriage return not followed by a line feed, DEL, C1
# controls, the Unicode line and paragraph separators, and the two non-characters.
CONTROL_IN_FILE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]|\r(?!\n)"
)


class Located:
    """Plain data plus the 1-based line of each path in the file."""

    def __init__(self, data: Any, lines: dict[Loc, int]) -> None:
        self.data = data
        self.lines = lines

    def line_of(self, loc: Loc) -> int | None:
        """Line of ``loc``, or of its closest parent that exists in the file."""
        while True:
            if loc in self.lines:
                return self.lines[loc]
            if not loc:
                return None
            loc = loc[:-1]


def _error(path: Path, line: int | None, message: str) -> InputError:
    if line:
        return InputError(
            _("{path}, ligne {line} : {message}").format(path=path, line=line, message=message)
        )
    return InputError(_("{path} : {message}").format(path=path, message=message))


def _refuse_controls(path: Path, text: str) -> None:
    """Invisible control characters are refused wherever they are, even in a comment."""
    found = CONTROL_IN_FILE.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise _error(
            path,
            line,
            _(
                "caractère de contrôle invisible U+{code} (copié d'un PDF ou d'un terminal ?) ; "
                "supprimez-le ou retapez la ligne."
            ).format(code=f"{ord(found.group()[0]):04X}"),
        )


def _decode(path: Path, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _error(
            path,
            line,
            _("le fichier n'est pas en UTF-8. Enregistrez-le en « UTF-8 » depuis votre éditeur."),
        ) from None
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise _error(path, None, _("le fichier est vide."))
    _refuse_controls(path, text)
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            raise _error(
                path,
                number,
                _("une tabulation sert d'indentation ; utilisez des espaces."),
            )
    return text


class _Node:
    """A node of the document as the parser's events give it: its kind, its tag, its
    line, and its text (a scalar), items (a sequence) or (key, value) pairs (a mapping)."""

    __slots__ = ("kind", "tag", "line", "value")

    def __init__(self, kind: str, tag: str, line: int, value: Any) -> None:
        self.kind, self.tag, self.line, self.value = kind, tag, line, value


def _build(path: Path, node: _Node, loc: Loc, lines: dict[Loc, int]) -> Any:
    lines.setdefault(loc, node.line)  # a key's own line wins over its value's
    if node.tag not in PLAIN_TAGS:
        raise _error(
            path,
            lines[loc],
            _(
                "l'étiquette YAML « {tag} » n'est pas acceptée ; écrivez la valeur simplement."
            ).format(tag=node.tag.replace("tag:yaml.org,2002:", "!!")),
        )
    if node.kind == "scalar":
        return node.value
    if node.kind == "seq":
        return [_build(path, item, (*loc, i), lines) for i, item in enumerate(node.value)]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if key_node.kind != "scalar":
            raise _error(path, key_node.line, _("clé invalide."))
        key = key_node.value
        if key in result:
            first = lines[(*loc, key)]
            raise _error(
                path,
                key_node.line,
                _(
                    "la clé « {key} » apparaît deux fois (déjà à la ligne {first}) ; "
                    "gardez-en une seule."
                ).format(key=".".join(map(str, (*loc, key))), first=first),
            )
        lines[(*loc, key)] = key_node.line
        result[key] = _build(path, value_node, (*loc, key), lines)
    return result


# libyaml's parser where PyYAML was built with it (a profile in about a tenth of the
# time); PyYAML's own when it is not, and to say what is wrong with a file libyaml
# refused: the message is then PyYAML's, word for word, as it always was. A text with
# a tag (« ! »), a complex key (« ? ») or a tab goes to PyYAML too: libyaml reads a few
# such texts PyYAML refuses (« [a?] », a tab inside a line, « >#x »), and a profile
# needs none
# (comment lines, which both parsers skip, may say « ! » and « ? »).
_FAST = getattr(yaml, "CBaseLoader", None)
_PYYAML_ONLY = re.compile(r"^(?![ ]*#)(?:(?! #)[^\n])*(?:[!?\t]|[|>][-+0-9]*#)", re.MULTILINE)
_TAGS = {
    "scalar": "tag:yaml.org,2002:str",
    "seq": "tag:yaml.org,2002:seq",
    "map": "tag:yaml.org,2002:map",
}
_KINDS = {yaml.ScalarEvent: "scalar", yaml.SequenceStartEvent: "seq", yaml.MappingStartEvent: "map"}


def _refuse_while_parsing(path: Path, event: yaml.Event, depth: int) -> None:
    """Anchors, aliases and deep nesting, refused as they come: before anything is built
    from them, an alias bomb takes no time and a recursive alias no recursion."""
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
        raise _error(
            path,
            event.start_mark.line + 1,
            _(
                "les ancres et alias YAML (& et *) ne sont pas acceptés ; écrivez chaque "
                "valeur en entier."
            ),
        )
    if depth > MAX_DEPTH:
        raise _error(
            path,
            event.start_mark.line + 1,
            _(
                "imbrication trop profonde (plus de {depth} niveaux) ; un profil n'en a "
                "que quelques-uns."
            ).format(depth=MAX_DEPTH),
        )


def _nodes(path: Path, text: str, parser: type) -> _Node | None:
    """The single document of ``text`` as nodes, from the parser's events."""
    root: _Node | None = None
    reading: list[_Node] = []  # the collections being read, innermost last
    documents = 0
    for event in yaml.parse(text, Loader=parser):
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise yaml.composer.ComposerError(
                    "expected a single document in the stream",
                    None,
                    "but found another document",
                    event.start_mark,
                )
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            done = reading.pop()
            if done.kind == "map":
                items = done.value
                done.value = list(zip(items[::2], items[1::2], strict=True))
            continue
        kind = _KINDS.get(type(event))
        if kind is None and not isinstance(event, yaml.AliasEvent):
            continue  # the stream's and the document's ends
        _refuse_while_parsing(path, event, len(reading) + 1)
        tag = event.tag if event.tag not in (None, "!") else _TAGS[kind]
        node = _Node(kind, tag, event.start_mark.line + 1, [] if kind != "scalar" else event.value)
        if reading:
            reading[-1].value.append(node)
        else:
            root = node
        if kind != "scalar":
            reading.append(node)
    return root


def _compose(path: Path, text: str) -> _Node | None:
    if _FAST is not None and not _PYYAML_ONLY.search(text):
        try:
            return _nodes(path, text, _FAST)
        except yaml.YAMLError:
            pass  # said below in PyYAML's words
    try:
        return _nodes(path, text, yaml.BaseLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or _("syntaxe YAML invalide")  # PyYAML's own words: English
        raise _error(
            path,
            line,
            _(
                "syntaxe YAML invalide ({problem}). Vérifiez l'indentation et les deux-points."
            ).format(problem=problem),
        ) from None
    except yaml.YAMLError:
        raise _error(path, None, _("syntaxe YAML invalide.")) from None


def parse_document(raw: bytes, path: Path) -> Located:
    """YAML bytes (a mapping or a list at the top) with line numbers; ``path`` names them
    in messages (the bytes may not be written yet: a form in the web app)."""
    if len(raw) > SMALL_FILE:
        raise _error(
            path,
            None,
            _("texte trop long ({size} Ko ; 256 Ko au plus).").format(size=len(raw) // 1024),
        )
    text = _decode(path, raw)
    root = _compose(path, text)
    if root is None:
        raise _error(path, None, _("le fichier est vide."))
    lines: dict[Loc, int] = {}
    return Located(_build(path, root, (), lines), lines)


def parse_yaml(raw: bytes, path: Path) -> Located:
    """Like ``load_yaml`` for bytes not yet written; ``path`` names them in messages."""
    located = parse_document(raw, path)
    if not isinstance(located.data, dict):
        raise _error(path, 1, _("le profil doit être une suite de champs « clé: valeur »."))
    return located


def load_document(path: Path) -> Located:
    """Load ``path`` (a mapping or a list at the top) with line numbers."""
    return parse_document(read_small(path), path)


def load_yaml(path: Path, *, follow: bool = True) -> Located:
    """Load ``path`` into plain strings/lists/dicts with line numbers; a mapping at the top.
    ``follow=False`` for a case's own file: a link there is refused, not read."""
    return parse_yaml(read_small(path, follow=follow), path)
