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
import posixpath
import re
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .. import frdates, wording
from ..casepaths import read_small
from ..errors import InputError, TemplateError
from ..i18n import N_, _
from ..resources import data_dir
from . import compiled, confined
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
    "fragment": wording.fragment,
    "phrase": wording.phrase,
    "debut": wording.opening,
    "en_lettres": wording.en_lettres,
}


MAX_PRODUCT = 1_000_000  # items a template may build with * (a letter is ~10,000 characters)
MAX_EXPONENT = 1_000


LINK_REFUSED = N_(
    "c'est un lien symbolique ; les modèles doivent être de vrais fichiers du dossier modeles/."
)


class _NoLinksLoader(jinja2.FileSystemLoader):
    """A file loader for templates that come from a case folder and may be anything.

    The first folder holding the name wins, whatever it is: a symbolic link, a folder, a
    FIFO or a file too big to be a template is refused there (never skipped silently in
    favour of the bundled template), and the file is read without blocking.
    """

    def get_source(self, environment: jinja2.Environment, template: str):
        pieces = split_template_path(template)
        for folder in self.searchpath:
            filename = os.path.normpath(posixpath.join(folder, *pieces))
            if os.path.lexists(filename):
                break
        else:
            raise jinja2.TemplateNotFound(template)
        if os.path.islink(filename) or Path(filename).resolve() != Path(filename):
            raise TemplateError(filename, None, _(LINK_REFUSED))
        try:
            source = read_small(Path(filename)).decode("utf-8-sig")
        except InputError as exc:
            said = str(exc)  # « {path} : {problem} », « {path}: {problem} » in English
            detail = said[len(filename) :].lstrip(" :") if said.startswith(filename) else said
            raise TemplateError(filename, None, detail) from None
        except UnicodeDecodeError:
            raise TemplateError(
                filename, None, _("le modèle n'est pas en UTF-8 ; enregistrez-le en « UTF-8 ».")
            ) from None
        mtime = os.path.getmtime(filename)
        return source, filename, lambda: os.path.getmtime(filename) == mtime


class _Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, plus bounds on ``*`` and ``**``: a template cannot make the
    program build a string of a billion characters or a number of a million digits."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                sized = isinstance(seq, (str, list, tuple)) and isinstance(count, int)
                if sized and len(seq) * count > MAX_PRODUCT:
                    raise _TooLarge(
                        _("« * » produirait plus de {max} éléments").format(max=MAX_PRODUCT)
                    )
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise _TooLarge(_("exposant supérieur à {max}").format(max=MAX_EXPONENT))
        return super().call_binop(context, operator, left, right)


class _TooLarge(Exception):
    """A template asked for a result too large to build."""


def environment(extra_dirs: tuple[Path, ...] = ()) -> jinja2.Environment:
    """The sandboxed Jinja environment: strict, no autoescape, tidy blank lines."""
    bundled = data_dir("templates").resolve()
    dirs = [d.resolve() for d in extra_dirs if d.is_dir() and not d.is_symlink()] + [bundled]
    env = _Sandbox(
        loader=_NoLinksLoader([str(d) for d in dirs]),
        bytecode_cache=compiled.Caches(bundled),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


def _template_line(exc: BaseException, fallback: str) -> tuple[str, int | None]:
    """Where in a template an error happened (Jinja keeps template lines in the traceback):
    the innermost frame in a template."""
    where: tuple[str, int | None] = (fallback, None)
    frame = exc.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename.endswith(".j2"):
            where = (frame.tb_frame.f_code.co_filename, frame.tb_lineno)
        frame = frame.tb_next
    return where


SANDBOX_HINT = N_("Retirez ce passage du modèle, ou supprimez le fichier du dossier modeles/.")


def _unknown(exc: jinja2.UndefinedError) -> str:
    """Jinja's English « 'x' is undefined » said in the interface language."""
    message = exc.message or ""
    if found := re.fullmatch(r"'(.+)' is undefined", message):
        return _("« {name} » n'existe pas").format(name=found[1])
    if found := re.fullmatch(r"'(.+)' has no attribute '(.+)'", message):
        owner = re.sub(r"^(?:[\w]+\.)*(\w+) object$", r"\1", found[1])
        return _("« {name} » n'existe pas dans {owner}").format(name=found[2], owner=owner)
    return message


def template_error(exc: Exception, name: str) -> TemplateError:
    """The ``TemplateError`` for any exception raised while loading or running ``name``."""
    if isinstance(exc, TemplateError):
        return exc
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return TemplateError(
            exc.filename or exc.name or name,
            exc.lineno,
            _("erreur de syntaxe dans le modèle ({detail}).").format(detail=exc.message),
        )
    if isinstance(exc, jinja2.TemplateNotFound):
        where, line = _template_line(exc, name)
        missing = exc.name if exc.name != name else name
        return TemplateError(where, line, _("modèle {name} introuvable.").format(name=missing))
    where, line = _template_line(exc, name)
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateError(
            where,
            line,
            _("variable inconnue dans le modèle ({detail}).").format(detail=_unknown(exc)),
        )
    if isinstance(exc, SecurityError):
        found = re.search(r"attribute '([^']+)'", str(exc))
        what = f" ({found[1]})" if found else ""
        return TemplateError(
            where,
            line,
            _(
                "le modèle tente d'accéder à l'intérieur du programme{what} ; c'est refusé (un "
                "modèle ne peut que mettre en forme les données)."
            ).format(what=what),
            hint=_(SANDBOX_HINT),
        )
    if isinstance(exc, _TooLarge):
        return TemplateError(
            where, line, _("calcul refusé dans le modèle ({detail}).").format(detail=exc)
        )
    if isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        return TemplateError(
            where, line, _("lecture du modèle impossible ({reason}).").format(reason=reason)
        )
    return TemplateError(
        where,
        line,
        _("erreur dans le modèle ({kind} : {detail}).").format(kind=type(exc).__name__, detail=exc),
    )


def render_text(kind: str, context: dict[str, Any], extra_dirs: tuple[Path, ...] = ()) -> str:
    """The text a template produces, or a ``TemplateError`` naming the template and line.

    When a folder of ``extra_dirs`` holds templates (an association's ``modeles/``), the
    rendering runs under a time and memory limit (``confined``)."""
    name = f"{kind}.j2"
    env = environment(extra_dirs)
    if any(_holds_templates(d) for d in extra_dirs):
        return confined.run(
            lambda: env.get_template(name).render(context),
            name,
            lambda exc: template_error(exc, name),
        )
    try:
        return env.get_template(name).render(context)
    except (RecursionError, MemoryError) as exc:  # a template that calls itself forever
        raise TemplateError(
            name, None, _("le modèle ne se termine pas ({kind}).").format(kind=type(exc).__name__)
        ) from None
    except Exception as exc:  # noqa: BLE001 - any failure inside a template is the template's
        raise template_error(exc, name) from None


def _holds_templates(folder: Path) -> bool:
    """Whether ``folder`` has anything that could be loaded as a template (a link or a FIFO
    named ``*.j2`` too: the loader refuses it, under the limits like the rest)."""
    try:
        return folder.is_dir() and any(folder.glob("*.j2"))
    except OSError:
        return False


def render(kind: str, context: dict[str, Any], extra_dirs: tuple[Path, ...] = ()) -> Document:
    """Render ``<kind>.j2`` and split it into sections, with French typography."""
    return parse_document(kind, render_text(kind, context, extra_dirs), f"{kind}.j2")
