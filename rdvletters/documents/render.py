"""Jinja rendering: template + context -> document model.

Templates live in ``templates/`` (``<kind>.j2``). A case folder may hold its own
``modeles/`` folder whose files take precedence, so an association can adapt a
wording without touching the package. Undefined variables are errors, and user
values are never rendered as templates themselves.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

import jinja2

from .. import frdates
from ..errors import RdvError
from ..resources import data_dir
from .model import Document, parse_document


def _address(lines: list[str]) -> list[str]:
    """La Poste wants the last address line (postcode and town) in capitals."""
    return [*lines[:-1], lines[-1].upper()] if lines else []


FILTERS = {
    "jour": frdates.jour,
    "jour_complet": frdates.jour_complet,
    "date_heure": frdates.date_heure,
    "heure": frdates.heure,
    "date_courte": frdates.date_courte,
    "adresse_postale": _address,
}


def environment(extra_dirs: tuple[Path, ...] = ()) -> jinja2.Environment:
    """The Jinja environment: strict, no autoescape, block tags leave no blank lines."""
    dirs = [d for d in extra_dirs if d.is_dir()] + [data_dir("templates")]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


def _template_line(exc: BaseException) -> str:
    """Where in a template an error happened (Jinja keeps template lines in the traceback)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2"):
            return f"{Path(frame.filename).name}, ligne {frame.lineno}"
    return "modèle"


def render(kind: str, context: dict[str, Any], extra_dirs: tuple[Path, ...] = ()) -> Document:
    """Render ``<kind>.j2`` and split it into sections."""
    name = f"{kind}.j2"
    env = environment(extra_dirs)
    try:
        text = env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise RdvError(
            f"{exc.filename or exc.name}, ligne {exc.lineno} : erreur de syntaxe dans le modèle "
            f"({exc.message})."
        ) from None
    except jinja2.UndefinedError as exc:
        raise RdvError(
            f"{_template_line(exc)} : variable inconnue dans le modèle ({exc.message})."
        ) from None
    except jinja2.TemplateNotFound:
        raise RdvError(f"modèle {name} introuvable.") from None
    # E-mails keep plain spaces: subjects stay searchable and clients reflow the text.
    return parse_document(kind, text, name, typo=kind != "courriel")
