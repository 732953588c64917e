"""Typed records read from YAML data: the settings files' schemas, without a framework.

A record is declared like a dataclass, one annotation per field, a default when the
field may be left out::

    class Seuils(StrictModel):
        semaines_renouvellement: Annotated[int, Between(1, 52)] = 4
        jour_courriel: Annotated[JourSemaine | None, Before(_word)] = None

The annotation is both the field's Python type and how it is read: ``str``, ``int``,
``float``, ``bool``, ``date``, ``Literal[...]``, ``list[...]``, another record, or
``X | None`` (a blank value then means None); ``Annotated`` adds ``Before`` (turn what
the person typed into what the type reads: ``oui`` -> True) and ``After`` rules (check
the value once typed; ``Between`` is one). A rule says a problem by raising ValueError
with the words to show. Every problem of a file is collected, each with its path of
keys (fields in their declared order, then unknown fields), so that the person sees
them all at once. Data comes from ``yamlload``: strings, lists and mappings only.

Strings, numbers and choices are read the way pydantic read them when the profile's
schema was written with it (whitespace trimmed, ``1_000`` and ``3.0`` taken as whole
numbers, ``nan`` and ``inf`` as floats, the same words for the same problems, some of
them in pydantic's English): the messages people and tests know stay word for word.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from types import UnionType
from typing import Any, ClassVar, Literal, NoReturn, Union, get_args, get_origin

from .i18n import N_, _

Loc = tuple[str | int, ...]
# Unicode White_Space: what pydantic trimmed around a string or a number (Python's
# str.strip() would also take the separators U+001C-U+001F).
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(
    r"[+-]?(?:inf|infinity|nan|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)", re.IGNORECASE
)
MAX_INT_TEXT = 4300  # digits, as Python's own limit for int()
EMPTY = N_("champ obligatoire vide : à remplir")


class Invalid(Exception):
    """The problems found in a value: (path of keys inside it, message) pairs."""

    def __init__(self, problems: list[tuple[Loc, str]]) -> None:
        super().__init__(problems)
        self.problems = problems


def fail(message: str) -> NoReturn:
    raise Invalid([((), message)])


class Before:
    """A rule applied to the value as typed, before its type is read."""

    def __init__(self, rule: Callable[[Any], Any]) -> None:
        self.rule = rule


class After(Before):
    """A rule applied to the value once its type is read."""


class Between(After):
    """A number from ``low`` to ``high``, both included."""

    def __init__(self, low: float, high: float) -> None:
        super().__init__(self._check)
        self.low, self.high = low, high

    def _check(self, value: float) -> float:
        number = type(value)  # the bound said as the field's type: 15 or 15.0
        if not value <= self.high:
            raise ValueError(
                _("nombre hors des limites (maximum {bound})").format(bound=number(self.high))
            )
        if not value >= self.low:
            raise ValueError(
                _("nombre hors des limites (minimum {bound})").format(bound=number(self.low))
            )
        return value


def filled(value: str) -> str:
    """After rule: a required text may not be left empty."""
    if not value:
        raise ValueError(_(EMPTY))
    return value


def at_most(count: int) -> Before:
    """A list of at most ``count`` items, checked before its items (pydantic's words)."""

    def check(value: Any) -> Any:
        if isinstance(value, list) and len(value) > count:
            raise ValueError(
                f"List should have at most {count} item{'s' if count != 1 else ''} after "
                f"validation, not {len(value)}"
            )
        return value

    return Before(check)


def at_least(count: int, message: str) -> After:
    """A list of at least ``count`` items once each is read; ``message`` says it."""

    def check(value: list) -> list:
        if len(value) < count:
            raise ValueError(_(message))
        return value

    return After(check)


def matching(pattern: str, message: str) -> After:
    """A text in which ``pattern`` is found, else ``message`` (marked with ``N_``). ``\\S``
    is what is not Unicode White_Space, as pydantic's regular expressions read it."""
    compiled = re.compile(pattern.replace(r"\S", f"[^{WHITE_SPACE}]"))

    def check(value: str) -> str:
        if not compiled.search(value):
            raise ValueError(_(message))
        return value

    return After(check)


# --- reading one value ---------------------------------------------------------------


def _readable(value: Any) -> Any:
    """A string holding half of a surrogate pair is refused whatever the field's type."""
    if isinstance(value, str) and _SURROGATE.search(value):
        fail(_("caractère Unicode invalide (séquence \\ud800… coupée en deux ?)"))
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        fail(_("un texte est attendu"))
    return _readable(value).strip(WHITE_SPACE)


def _underscores_out(text: str) -> str:
    """``1_000`` -> ``1000``; a leading, trailing or doubled underscore stays (refused)."""
    if "_" in text and not (text.startswith("_") or text.endswith("_") or "__" in text):
        return text.replace("_", "")
    return text


def _whole(text: str) -> int | None:
    text = text if _INT.fullmatch(text) else _underscores_out(text)
    return int(text) if _INT.fullmatch(text) else None


WHOLE = N_("un nombre entier est attendu")
NUMBER = N_("un nombre est attendu, par exemple 2 ou -3.5")


def _int(value: Any) -> int:
    """A whole number: ``12``, `` +12 ``, ``1_000``, ``12.00``; nothing else."""
    if not isinstance(value, str):
        fail(_(WHOLE))
    text = _readable(value).strip(WHITE_SPACE)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_INT_TEXT:
        fail(_("nombre trop long"))
    number = _whole(text)
    head, dot, tail = text.partition(".")
    if number is None and dot and tail and not tail.strip("0"):
        number = _whole(head)
    if number is None:
        fail(_(WHOLE))
    return number


def _float(value: Any) -> float:
    if not isinstance(value, str):
        fail(_(NUMBER))
    text = _readable(value).strip(WHITE_SPACE)
    text = text if _FLOAT.fullmatch(text) else _underscores_out(text)
    if not _FLOAT.fullmatch(text):
        fail(_(NUMBER))
    return float(text)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        fail(_("répondez oui ou non"))
    return value


DATE = N_("date invalide : écrivez AAAA-MM-JJ, par exemple 1990-04-12")


def _date(value: Any) -> date:
    """A date written ``AAAA-MM-JJ`` (digits 0-9); an empty one is a field left empty."""
    if value == "":
        fail(_(EMPTY))
    if isinstance(value, str) and value.isascii() and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    fail(_(DATE))


def _choice(options: tuple[Any, ...]) -> Callable[[Any], Any]:
    said = [repr(option) for option in options]
    expected = " ou ".join([", ".join(said[:-1]), said[-1]] if len(said) > 1 else said)

    def read(value: Any) -> Any:
        _readable(value)
        if any(type(value) is type(option) and value == option for option in options):
            return value
        if value == "":
            fail(_("champ obligatoire vide : répondez {expected}").format(expected=expected))
        fail(_("valeur inconnue ; valeurs possibles : {expected}").format(expected=expected))

    return read


def _list(item: Callable[[Any], Any]) -> Callable[[Any], list]:
    def read(value: Any) -> list:
        if not isinstance(value, list):
            fail(_("une liste est attendue, par exemple [ligne 1, ligne 2]"))
        found, problems = [], []
        for index, each in enumerate(value):
            try:
                found.append(item(each))
            except Invalid as invalid:
                problems += [((index, *loc), message) for loc, message in invalid.problems]
        if problems:
            raise Invalid(problems)
        return found

    return read


_SIMPLE: dict[Any, Callable[[Any], Any]] = {
    str: _text,
    int: _int,
    float: _float,
    bool: _bool,
    date: _date,
}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _apply(rule: Callable[[Any], Any], value: Any) -> Any:
    try:
        return rule(value)
    except ValueError as error:
        fail(str(error))


def reader(hint: Any) -> Callable[[Any], Any]:
    """How to read a value for the annotation ``hint`` (see the module's docstring)."""
    rules: tuple = ()
    if hasattr(hint, "__metadata__"):  # Annotated[type, rules...]
        hint, rules = hint.__origin__, hint.__metadata__
    optional = get_origin(hint) in (Union, UnionType) and type(None) in get_args(hint)
    if optional:
        (hint,) = [arg for arg in get_args(hint) if arg is not type(None)]
    if isinstance(hint, type) and issubclass(hint, StrictModel):
        base = hint.read
    elif get_origin(hint) is Literal:
        base = _choice(get_args(hint))
    elif get_origin(hint) is list:
        base = _list(reader(get_args(hint)[0]))
    elif hasattr(hint, "__metadata__"):  # Annotated[int, Between(1, 90)] | None
        base = reader(hint)
    else:
        base = _SIMPLE[hint]
    before = [r.rule for r in rules if type(r) is Before]
    after = [r.rule for r in rules if isinstance(r, After)]

    def read(value: Any) -> Any:
        if optional and _blank(value):
            return None
        for rule in before:
            value = _apply(rule, value)
        value = base(value)
        for rule in after:
            value = _apply(rule, value)
        return value

    return read


# --- records ---------------------------------------------------------------------------

REQUIRED = object()


class _Field:
    __slots__ = ("read", "default", "record")

    def __init__(self, read: Callable[[Any], Any], default: Any, record: Any) -> None:
        self.read, self.default, self.record = read, default, record


def _record_of(hint: Any) -> type[StrictModel] | None:
    hint = getattr(hint, "__origin__", hint) if hasattr(hint, "__metadata__") else hint
    return hint if isinstance(hint, type) and issubclass(hint, StrictModel) else None


class StrictModel:
    """A record of fields declared as annotations; unknown fields are refused."""

    _schema: ClassVar[dict[str, _Field]]

    def __init__(self, **values: Any) -> None:
        for name in self.names():
            if name in values:
                value = values.pop(name)
            else:
                value = getattr(type(self), name, REQUIRED)  # the default, as declared
                if value is REQUIRED:
                    raise TypeError(f"{type(self).__name__}: {name} is required")
            self.__dict__[name] = list(value) if isinstance(value, list) else value
        if values:
            raise TypeError(f"{type(self).__name__}: unknown fields {sorted(values)}")

    @classmethod
    def names(cls) -> list[str]:
        """The fields' names in their declared order."""
        declared = (k.__dict__.get("__annotations__", {}) for k in reversed(cls.__mro__))
        return [name for names in declared for name in names if not name.startswith("_")]

    @classmethod
    def fields(cls) -> dict[str, _Field]:
        """The fields in their declared order, built on first use."""
        if "_schema" not in cls.__dict__:
            hints = cls._hints()
            cls._schema = {
                name: _Field(
                    reader(hints[name]), getattr(cls, name, REQUIRED), _record_of(hints[name])
                )
                for name in cls.names()
            }
        return cls._schema

    @classmethod
    def _hints(cls) -> dict[str, Any]:
        """The fields' types. A module that declares its records without ``from __future__
        import annotations`` (the profile's, read by every command) has them as objects
        already; text annotations are evaluated by ``typing``, which costs a compilation
        each."""
        declared = {}
        for klass in reversed(cls.__mro__):
            declared.update(klass.__dict__.get("__annotations__", {}))
        if not any(isinstance(declared[name], str) for name in cls.names()):
            return declared
        from typing import get_type_hints

        return get_type_hints(cls, include_extras=True)

    @classmethod
    def read(cls, data: Any) -> StrictModel:
        """A record from ``data``; ``Invalid`` lists every problem, with its path."""
        if not isinstance(data, dict):
            fail(_("une suite de champs est attendue (sous-clés indentées)"))
        values, problems = {}, []
        fields = cls.fields()
        for name, field in fields.items():
            if name in data:
                try:
                    values[name] = field.read(data[name])
                except Invalid as invalid:
                    problems += [((name, *loc), message) for loc, message in invalid.problems]
            elif field.default is REQUIRED:
                problems.append(((name,), _("champ obligatoire manquant")))
        problems += [
            ((key,), _("champ inconnu (faute de frappe ?)")) for key in data if key not in fields
        ]
        if problems:
            raise Invalid(problems)
        record = cls(**values)
        try:
            record.check()
        except ValueError as error:
            fail(str(error))
        return record

    def check(self) -> None:
        """What the fields say together, once each is read: ValueError with the words."""

    @classmethod
    def default_at(cls, key: tuple[str, ...]) -> Any:
        """The default of the field ``key`` names, through nested records; None if required."""
        model: Any = cls
        for part in key[:-1]:
            model = model.fields()[part].record
        default = model.fields()[key[-1]].default
        return None if default is REQUIRED else default

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in vars(self).items())
        return f"{type(self).__name__}({shown})"
