"""Commands, options and types whose help is said in the language of the moment.

click reads a command's or an option's help when the module is imported, long before
``--lang`` or ``LANG`` is known, and keeps the string. Here, instead, the help (and the
metavar, and a type's name such as « dossier ») is kept as its French msgid and
translated each time click *reads* it: a small descriptor on our subclasses of
``click.Command``, ``click.Option``… so that every place click formats help (the usage
line, the option table, the short help of the command list, the error hints such as
« valeur invalide pour 'CANAL' ») gets the translation without being rewritten.

This was chosen over a lazy string object (click runs ``inspect.cleandoc`` and string
methods on help, so it must be a real ``str``) and over translating in a custom
``HelpFormatter`` (the formatter only sees help already joined with click's
« [par défaut : …] », too late to look it up).

Messages are marked with ``N_`` where they are written, so ``pybabel extract`` finds
them; command help is given as ``help=N_(...)`` rather than as a docstring, which
extraction would not see.
"""

from __future__ import annotations

from typing import Any

import click

from .. import i18n
from ..i18n import N_
from . import clickwords


class Translated:
    """Descriptor: stores a French msgid, returns its translation when read."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_msgid_{name}"

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__.get(self.slot)
        return i18n.gettext(value) if isinstance(value, str) and value else value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.slot] = value


class TypeName:
    """Descriptor for a ``ParamType.name``: a French msgid said in the current language.
    click assigns some names itself (``click.Path``): those assignments are ignored."""

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid

    def __get__(self, obj: Any, owner: type | None = None) -> str:
        return i18n.gettext(self.msgid)

    def __set__(self, obj: Any, value: Any) -> None:
        pass


class PathType(click.Path):
    """``click.Path`` whose kind (« fichier », « dossier ») follows the language: click
    names it once, when the option is defined. Also gives the metavar (DOSSIER…)."""

    @property  # type: ignore[override]
    def name(self) -> str:
        if self.file_okay and not self.dir_okay:
            return clickwords.word("file")
        if self.dir_okay and not self.file_okay:
            return clickwords.word("directory")
        return clickwords.word("path")

    @name.setter
    def name(self, value: str) -> None:
        pass


class _Integer(click.types.IntParamType):
    name = TypeName(N_("nombre entier"))  # type: ignore[assignment]


class IntRange(click.IntRange):
    name = TypeName(N_("nombre entier"))  # type: ignore[assignment]


class FloatRange(click.FloatRange):
    name = TypeName(N_("nombre"))  # type: ignore[assignment]


class _Text(click.types.StringParamType):
    name = TypeName(N_("texte"))  # type: ignore[assignment]


INTEGER = _Integer()
TEXT = _Text()


class Option(click.Option):
    """An option whose help and metavar are French msgids, translated when shown."""

    help = Translated()
    metavar = Translated()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if type(self.type) is click.types.StringParamType:
            self.type = TEXT  # « TEXTE » / « TEXT » rather than click's fixed « TEXT »


class Argument(click.Argument):
    """An argument whose help and metavar are French msgids, translated when shown."""

    help = Translated()
    metavar = Translated()


def option(*decls: str, **attrs: Any):
    """``click.option`` with help and metavar translated when shown."""
    attrs.setdefault("cls", Option)
    return click.option(*decls, **attrs)


def argument(*decls: str, **attrs: Any):
    """``click.argument`` with its metavar translated when shown."""
    attrs.setdefault("cls", Argument)
    return click.argument(*decls, **attrs)


class HelpFormatter(click.HelpFormatter):
    """Headings with the language's punctuation: « Options : » in French."""

    def write_heading(self, heading: str) -> None:
        line = i18n.gettext(N_("{heading} :")).format(heading=heading)
        self.write(f"{'':>{self.current_indent}}{line}\n")


class Context(click.Context):
    formatter_class = HelpFormatter


class _Translating:
    """Mixin for commands and groups: help, short help and the usage line's words are
    msgids; the --help option says its help in the language of the moment."""

    context_class = Context
    help = Translated()
    short_help = Translated()
    epilog = Translated()
    options_metavar = Translated()

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:  # click makes it once and keeps it: said again each time
            option.help = clickwords.word("Show this message and exit.")
        return option


class Command(_Translating, click.Command):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", N_("[OPTIONS]"))
        super().__init__(*args, **kwargs)


class Group(_Translating, click.Group):
    command_class = Command
    group_class = type  # subgroups (``templates``) are translated groups too
    subcommand_metavar = Translated()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", N_("[OPTIONS]"))
        kwargs.setdefault("subcommand_metavar", N_("COMMANDE [ARGUMENTS]..."))
        super().__init__(*args, **kwargs)
