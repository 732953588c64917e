"""Interface language: gettext catalogs, chosen per process (CLI) or per request (web).

French is the source language: every message is written in French in the code and
looked up in a catalog for other languages. A catalog is
``rdvletters/locale/<lang>/LC_MESSAGES/rdvletters.mo`` (compiled from the ``.po``
beside it with ``pybabel compile``); adding one is all it takes to add a language.

The active language lives in a context variable, so the CLI sets it once and the
web app sets it for each request without threads seeing each other's choice.
Documents sent to the administration stay French: their content is built under
``french()``, which speaks the source language whatever the interface speaks.

Only the standard library is imported: the CLI's plain-text paths stay light.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import cache
from pathlib import Path

DOMAIN = "rdvletters"
SOURCE = "fr"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENV_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_TAG = re.compile(r"^[A-Za-z]{2,3}")


class _Source(_gettext.NullTranslations):
    """The source language: messages as written, with the French plural rule (0 and 1
    are singular), which the stdlib's fallback (n == 1) would get wrong."""

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return msgid1 if n <= 1 else msgid2

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self.ngettext(msgid1, msgid2, n)


def available() -> list[str]:
    """Languages the interface can speak: French, and every compiled catalog."""
    return list(_catalogs())


@cache
def _catalogs() -> tuple[str, ...]:
    """The installed catalogs, looked up once per process as ``translations`` reads each
    once (``activate`` asks on every request, a caseload for each case it summarises)."""
    found = {SOURCE}
    if LOCALE_DIR.is_dir():
        for folder in LOCALE_DIR.iterdir():
            if (folder / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file():
                found.add(folder.name)
    return tuple(sorted(found))


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalog for ``lang`` (one of ``available()``); French is the source itself."""
    if lang == SOURCE or lang not in available():
        return _Source()
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as handle:
        return _gettext.GNUTranslations(handle)


def _primary(tag: str) -> str | None:
    """``en_GB.UTF-8`` or ``en-GB`` -> ``en``; ``C`` and ``POSIX`` say nothing."""
    match = _TAG.match(tag.strip())
    if not match or tag.strip().upper() in ("C", "POSIX") or tag.startswith("C."):
        return None
    return match.group(0).lower()


def from_environment(environ: dict[str, str] | None = None) -> str | None:
    """The first available language named by ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``
    or ``LANG`` (as gettext reads them), or None."""
    environ = os.environ if environ is None else environ
    for var in ENV_VARS:
        for tag in environ.get(var, "").split(":"):
            lang = _primary(tag) if tag else None
            if lang in available():
                return lang
        if environ.get(var):
            break  # the first variable set decides, as for gettext
    return None


def from_accept_language(header: str | None) -> str | None:
    """The browser's preferred available language (``Accept-Language``), or None."""
    ranked = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.partition(";")
        quality = 1.0
        match = re.search(r"q=([0-9.]+)", params)
        if match:
            try:
                quality = float(match.group(1))
            except ValueError:
                quality = 0.0
        lang = _primary(tag)
        if lang in available() and quality > 0:
            ranked.append((-quality, position, lang))
    return min(ranked)[2] if ranked else None


def choose(
    explicit: str | None = None,
    environ: dict[str, str] | None = None,
    accept_language: str | None = None,
) -> str:
    """``--lang``, then the environment, then the browser, then French."""
    if explicit in available():
        return explicit  # type: ignore[return-value]
    return from_environment(environ) or from_accept_language(accept_language) or SOURCE


_current: ContextVar[str] = ContextVar("rdvletters_language", default=SOURCE)


def activate(lang: str) -> Token[str]:
    """Speak ``lang`` in this context (process, thread or request) until reset."""
    return _current.set(lang if lang in available() else SOURCE)


def deactivate(token: Token[str]) -> None:
    _current.reset(token)


def current() -> str:
    return _current.get()


@contextmanager
def using(lang: str) -> Iterator[None]:
    """Speak ``lang`` inside the ``with`` block (or the decorated function), then go back
    to the language that was active."""
    token = activate(lang)
    try:
        yield
    finally:
        deactivate(token)


def french():  # noqa: ANN201 - a context manager that is also a decorator
    """Build a document's content in French whatever the interface speaks.

    The sentences the library writes for the person (status, the référé check) also go
    into the documents for the administration and the court, which are always French:
    their builders run inside ``with i18n.french():`` (or under ``@i18n.french()``).
    Only the content is built there: an error found before (the profile, the journal)
    is said in the person's language."""
    return using(SOURCE)


def gettext(message: str) -> str:
    """``message`` (French) in the active language."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the active language."""
    return translations(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the usual name for "mark, translate later"
    """Mark a message for extraction where it is defined; translate it where it is shown."""
    return message


_ = gettext
