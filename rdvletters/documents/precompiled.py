"""The bundled templates, compiled ahead of time, so that a first run does not compile them.

Jinja compiles a template into Python source, then Python compiles that source: with
an empty cache (the first run after installing, a new cache folder), the first part was
most of the time ``letter`` spent in Jinja. ``compiled/`` holds that Python source for
every bundled template, made by ``scripts/build_compiled_templates.py`` with the very
environment ``render`` uses, and ``compiled/index.json`` the SHA-1 of each template's
text (Jinja's own checksum) and Jinja's version. A template's compiled source is used
only for exactly that text and that Jinja: a template changed in ``templates/``, one a
case's ``modeles/`` holds with other words, or another Jinja version is compiled as
before. The code is compiled under the template's own file name, so that an error still
names the template and its line.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from types import CodeType

import jinja2

SHIPPED = Path(__file__).with_name("compiled")
INDEX = "index.json"


@cache
def _index() -> dict:
    try:
        return json.loads((SHIPPED / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def source_name(name: str) -> str:
    """The file holding the compiled source of template ``name``."""
    return name.replace("/", "__") + ".py.txt"


def shipped_code(name: str, filename: str | None, checksum: str) -> CodeType | None:
    """The compiled template ``name`` whose text has SHA-1 ``checksum``, if shipped."""
    index = _index()
    if index.get("jinja") != jinja2.__version__ or index.get("templates", {}).get(name) != checksum:
        return None
    try:
        source = (SHIPPED / source_name(name)).read_text(encoding="utf-8")
    except OSError:
        return None
    return compile(source, filename or name, "exec")
