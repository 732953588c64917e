"""Read YAML as plain strings, lists and dicts, remembering where each value is.

PyYAML's usual loaders turn ``01000`` into 512 and ``NO`` into False, and keep
the last of two duplicate keys silently. Here every scalar stays the string the
person typed; types come later from the pydantic model. Tags (``!!python/…``),
tabs, duplicate keys, empty files and non-UTF-8 bytes are refused with the line
where they occur.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

Loc = tuple[str | int, ...]
PLAIN_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


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
    where = f"{path}, ligne {line}" if line else str(path)
    return InputError(f"{where} : {message}")


def _decode(path: Path, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _error(
            path,
            line,
            "le fichier n'est pas en UTF-8. Enregistrez-le en « UTF-8 » depuis votre éditeur.",
        ) from None
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise _error(path, None, "le fichier est vide.")
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            raise _error(
                path,
                number,
                "une tabulation sert d'indentation ; utilisez des espaces.",
            )
    return text


def _build(path: Path, node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)  # a key's own line wins over its value's
    if node.tag not in PLAIN_TAGS:
        raise _error(
            path,
            lines[loc],
            f"l'étiquette YAML « {node.tag.replace('tag:yaml.org,2002:', '!!')} » "
            "n'est pas acceptée ; écrivez la valeur simplement.",
        )
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_build(path, item, (*loc, i), lines) for i, item in enumerate(node.value)]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _error(path, key_node.start_mark.line + 1, "clé invalide.")
        key = key_node.value
        if key in result:
            first = lines[(*loc, key)]
            raise _error(
                path,
                key_node.start_mark.line + 1,
                f"la clé « {'.'.join(map(str, (*loc, key)))} » apparaît deux fois "
                f"(déjà à la ligne {first}) ; gardez-en une seule.",
            )
        lines[(*loc, key)] = key_node.start_mark.line + 1
        result[key] = _build(path, value_node, (*loc, key), lines)
    return result


def load_yaml(path: Path) -> Located:
    """Load ``path`` into plain strings/lists/dicts with line numbers."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path} : lecture impossible ({exc.strerror}).") from None
    return parse_yaml(raw, path)


def parse_yaml(raw: bytes, path: Path) -> Located:
    """Like ``load_yaml`` for bytes not yet written; ``path`` names them in messages."""
    text = _decode(path, raw)
    try:
        root = yaml.compose(text, Loader=yaml.BaseLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "syntaxe YAML invalide"
        raise _error(
            path,
            line,
            f"syntaxe YAML invalide ({problem}). Vérifiez l'indentation et les deux-points.",
        ) from None
    if root is None:
        raise _error(path, None, "le fichier est vide.")
    lines: dict[Loc, int] = {}
    data = _build(path, root, (), lines)
    if not isinstance(data, dict):
        raise _error(path, 1, "le profil doit être une suite de champs « clé: valeur ».")
    return Located(data, lines)
