"""Jinja rendering: template + context -> document model.

Templates live in ``templates/`` (``<kind>.j2``). A case folder may hold its own
``modeles/`` folder whose files take precedence, so an association can adapt a
wording without touching the package. Case folders travel between people, so
templates are never trusted as code: they run in Jinja's immutable sandbox
(no access to Python internals, no mutation of the data), symbolic links are
refused, and any error inside a template becomes a message naming the template
and its line (exit 2), never a crash.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .. import frdates, wording
from ..errors import InputError
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
    "nombre": wording.nombre,
    "dont": wording.dont,
    "telephone": wording.telephone,
    "minuscule": wording.lower_first,
    "en_lettres": wording.en_lettres,
}


class _NoLinksLoader(jinja2.FileSystemLoader):
    """A file loader that refuses templates reached through a symbolic link."""

    def get_source(self, environment: jinja2.Environment, template: str):
        source, filename, uptodate = super().get_source(environment, template)
        if filename and (os.path.islink(filename) or Path(filename).resolve() != Path(filename)):
            raise InputError(
                f"modèle {filename} : c'est un lien symbolique ; les modèles doivent être de "
                "vrais fichiers du dossier modeles/."
            )
        return source, filename, uptodate


def environment(extra_dirs: tuple[Path, ...] = ()) -> jinja2.Environment:
    """The sandboxed Jinja environment: strict, no autoescape, tidy blank lines."""
    dirs = [d for d in extra_dirs if d.is_dir() and not d.is_symlink()] + [data_dir("templates")]
    env = ImmutableSandboxedEnvironment(
        loader=_NoLinksLoader([str(d.resolve()) for d in dirs]),
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
            return f"{frame.filename}, ligne {frame.lineno}"
    return "modèle"


def render_text(kind: str, context: dict[str, Any], extra_dirs: tuple[Path, ...] = ()) -> str:
    """The text a template produces, or an ``InputError`` naming the template and line."""
    name = f"{kind}.j2"
    env = environment(extra_dirs)
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(
            f"{exc.filename or exc.name}, ligne {exc.lineno} : erreur de syntaxe dans le modèle "
            f"({exc.message})."
        ) from None
    except jinja2.UndefinedError as exc:
        raise InputError(
            f"{_template_line(exc)} : variable inconnue dans le modèle ({exc.message})."
        ) from None
    except SecurityError as exc:
        raise InputError(
            f"{_template_line(exc)} : le modèle tente d'accéder à l'intérieur du "
            "programme ; c'est refusé (un modèle ne peut que mettre en forme les données).",
            hint="Retirez ce passage du modèle, ou supprimez le fichier du dossier modeles/.",
        ) from None
    except jinja2.TemplateNotFound:
        raise InputError(f"modèle {name} introuvable.") from None
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure inside a template is the template's
        raise InputError(
            f"{_template_line(exc)} : erreur dans le modèle ({type(exc).__name__} : {exc})."
        ) from None


def render(kind: str, context: dict[str, Any], extra_dirs: tuple[Path, ...] = ()) -> Document:
    """Render ``<kind>.j2`` and split it into sections, with French typography."""
    return parse_document(kind, render_text(kind, context, extra_dirs), f"{kind}.j2")
