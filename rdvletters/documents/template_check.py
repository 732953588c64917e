"""Checking an association's templates before they are used on a real case.

An association adapts the wording in its own ``modeles/`` folder and passes it on to
the people it helps. ``check_templates`` renders every document kind through that
folder against the bundled example cases (route ``rdv`` and route ``anef``), in a
temporary folder, and lists every problem with its file and line: syntax errors,
unknown variables, what the sandbox refuses, unknown ``[[sections]]``, text before
the first section, symbolic links, control characters, files no document uses.

A kind whose *bundled* template cannot be rendered from an example alone (it needs a
context the examples do not give) is reported as not checked, never as a problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from ..case import EXAMPLES, Case
from ..casepaths import read_small
from ..errors import InputError, TemplateError
from ..facts import Facts
from ..frdates import now_paris
from ..fsutil import WorkDir
from ..i18n import _, ngettext
from ..resources import data_dir
from .context import build_context
from .model import section_problems
from .render import LINK_REFUSED, environment, render_text, template_error

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]|\r(?!\n)")


@dataclass(frozen=True)
class Problem:
    """One problem: the template file as shown, its line when known, what is wrong."""

    template: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line:
            said = _("{template}, ligne {line} : {message}")
        else:
            said = _("{template} : {message}")
        return said.format(template=self.template, line=self.line, message=self.message)


@dataclass
class Report:
    """What ``check_templates`` found."""

    folder: Path
    files: list[str] = field(default_factory=list)  # the folder's templates, by name
    kinds: list[str] = field(default_factory=list)  # document kinds
    tried: dict[str, list[str]] = field(default_factory=dict)  # kind -> examples rendered
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """« attestation avec l'exemple rdv ; courriel, lettre avec les exemples rdv et anef »."""
        groups: dict[tuple[str, ...], list[str]] = {}
        for kind, examples in self.tried.items():
            groups.setdefault(tuple(dict.fromkeys(examples)), []).append(kind)
        parts = []
        for examples, kinds in groups.items():
            parts.append(
                ngettext(
                    "{kinds} avec l'exemple {examples}",
                    "{kinds} avec les exemples {examples}",
                    len(examples),
                ).format(kinds=", ".join(kinds), examples=_(" et ").join(examples))
            )
        return " ; ".join(parts) or _("aucun document essayé")

    def add(self, problem: Problem) -> None:
        if problem not in self.problems:  # the same error shows in both examples
            self.problems.append(problem)


def template_kinds() -> list[str]:
    """Document kinds: the bundled ``<kind>.j2`` files (``_name.j2`` are shared pieces)."""
    return sorted(p.stem for p in data_dir("templates").glob("*.j2") if not p.name.startswith("_"))


# kind -> the variables it needs beyond ``build_context``, one dict per rendering, from the
# example case and its facts (attestation: one per counter visit with a witness). A kind
# missing here is rendered with the common variables only.
Contexts = Callable[[Case, Facts], list[dict[str, Any]]]


EXTRA_CONTEXTS: dict[str, Contexts] = {
    "attestation": lambda _case, facts: [
        {"visite": s} for s in facts.by_channel("counter") if s.witness
    ],
}  # the requête's come from above this layer: ``check_templates(extra=…)``


def _shown(filename: str, folder: Path) -> str:
    """A template's name as the person knows it: relative to the folder checked."""
    path = Path(filename).parent.resolve() / Path(filename).name  # the link, not its target
    bundled = _("(modèle fourni) ")
    for base, prefix in ((folder, f"{folder.name}/"), (data_dir("templates"), bundled)):
        try:
            return prefix + path.relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return filename


def _problem(error: TemplateError, folder: Path) -> Problem:
    return Problem(_shown(error.template, folder), error.line, error.detail)


def _check_files(folder: Path, kinds: list[str], report: Report) -> None:
    """Each ``.j2`` file of the folder on its own: a real file, plain text, valid syntax."""
    env = environment()
    for path in sorted(folder.iterdir()):
        if path.suffix != ".j2":
            continue
        name = f"{folder.name}/{path.name}"
        report.files.append(path.name)
        if path.is_symlink():
            report.add(Problem(name, None, _(LINK_REFUSED)))
            continue
        if path.stem not in kinds and not path.name.startswith("_"):
            report.add(
                Problem(
                    name,
                    None,
                    _(
                        "aucun document ne s'appelle « {name} » ; ce modèle ne servira jamais "
                        "(documents : {kinds} ; les morceaux communs commencent par _)."
                    ).format(name=path.stem, kinds=", ".join(kinds)),
                )
            )
        try:
            source = read_small(path).decode("utf-8-sig")
        except InputError as exc:
            said = str(exc)  # « {path} : {problem} » (« {path}: » in English)
            detail = said[len(str(path)) :].lstrip(" :") if said.startswith(str(path)) else said
            report.add(Problem(name, None, detail))
            continue
        except UnicodeDecodeError:
            report.add(Problem(name, None, _("le fichier n'est pas en UTF-8.")))
            continue
        found = _CONTROL.search(source)
        if found:
            report.add(
                Problem(
                    name,
                    source.count("\n", 0, found.start()) + 1,
                    _("caractère de contrôle invisible U+{code} ; supprimez-le.").format(
                        code=f"{ord(found.group()[0]):04X}"
                    ),
                )
            )
        try:
            env.parse(source, path.name, str(path))
        except jinja2.TemplateSyntaxError as exc:
            report.add(_problem(template_error(exc, path.name), folder))
        except RecursionError:  # blocks nested thousands deep: Jinja's parser recurses
            report.add(Problem(name, None, _("blocs imbriqués trop profondément.")))


def _locate(folder: Path, kind: str, text: str) -> tuple[str, int] | None:
    """The folder's template line that wrote ``text``: the kind's own file first."""
    own = folder / f"{kind}.j2"
    others = sorted(p for p in folder.glob("*.j2") if p != own)
    for path in ([own] if own.is_file() else []) + others:
        if path.is_symlink() or not path.is_file():
            continue
        try:
            lines = read_small(path).decode("utf-8-sig").split("\n")
        except (InputError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, start=1):
            if text and text in line:
                return f"{folder.name}/{path.name}", number
    return None


def _render_kind(
    folder: Path, kind: str, contexts: list[dict[str, Any]], example: str, report: Report
) -> None:
    for context in contexts:
        try:
            render_text(kind, context)  # the bundled template: does the example suffice?
        except TemplateError:
            note = _(
                "{kind} : non vérifié avec l'exemple {example} (il lui faut d'autres données)."
            ).format(kind=kind, example=example)
            if note not in report.notes:
                report.notes.append(note)
            return
        report.tried.setdefault(kind, []).append(example)
        try:
            rendered = render_text(kind, context, (folder,))
        except TemplateError as error:
            report.add(_problem(error, folder))
            continue
        for _number, text, detail, unlocated in section_problems(rendered):
            located = _locate(folder, kind, text)
            if located:
                report.add(Problem(located[0], located[1], unlocated))
            else:
                report.add(Problem(f"{kind}.j2", None, detail))


def check_templates(folder: Path, extra: dict[str, Contexts] | None = None) -> Report:
    """Render every document kind through ``folder`` against each bundled example;
    ``extra`` gives the variables of kinds built above this layer (the requête)."""
    if folder.is_symlink():
        raise InputError(
            _(
                "{folder} : lien symbolique ; un dossier de modèles relié ainsi n'est jamais "
                "utilisé. Copiez le vrai dossier."
            ).format(folder=folder)
        )
    if not folder.is_dir():
        if folder.exists():
            message = _("{folder} : ce n'est pas un dossier.")
        else:
            message = _("{folder} : dossier de modèles introuvable.")
        raise InputError(
            message.format(folder=folder),
            hint=_(
                "Indiquez le dossier qui contient vos fichiers .j2 : rdvletters templates check "
                "CHEMIN (par défaut : modeles/ du dossier de la personne)."
            ),
        )
    kinds = template_kinds()
    report = Report(folder, kinds=kinds)
    _check_files(folder, kinds, report)
    now = now_paris()
    with WorkDir("rdvletters-modeles-") as tmp:
        for example in EXAMPLES:
            case = Case(tmp / example)
            case.init(example=example)
            profile = case.load().profile
            facts = Facts.from_journal(case.journal.read())
            base = build_context(profile, facts, now, case.root)
            for kind in kinds:
                contexts = {**EXTRA_CONTEXTS, **(extra or {})}
                extras = contexts.get(kind, lambda _case, _facts: [{}])(case, facts)
                _render_kind(folder, kind, [{**base, **x} for x in extras], example, report)
    return report
