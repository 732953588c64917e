"""Interface languages: how the language is chosen, French plurals, and catalogs that are
complete and compiled."""

from __future__ import annotations

import ast
import gettext
import threading
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from rdvletters import i18n

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "rdvletters" / "locale"


def test_languages_are_french_and_each_compiled_catalog():
    assert i18n.available() == ["en", "fr"]


def test_order_is_option_then_environment_then_browser():
    assert i18n.choose("en", {"LANG": "fr_FR.UTF-8"}, "fr") == "en"
    assert i18n.choose(None, {"LANG": "en_GB.UTF-8"}, "fr") == "en"
    assert i18n.choose(None, {"LANG": "C.UTF-8"}, "en-US,en;q=0.8") == "en"
    assert i18n.choose(None, {"LANG": "de_DE.UTF-8"}, "de, en;q=0.5") == "en"
    assert i18n.choose(None, {}, "de, fr;q=0.9, en;q=0.8") == "fr"
    assert i18n.choose(None, {}, "en;q=0, fr;q=0.1") == "fr"
    assert i18n.choose(None, {}, None) == "fr"
    # gettext's own order: LANGUAGE first, and the first variable set decides
    assert i18n.choose(None, {"LANGUAGE": "en:fr", "LANG": "fr_FR"}, None) == "en"
    assert i18n.choose(None, {"LC_ALL": "fr_FR", "LANG": "en_US"}, None) == "fr"


def test_french_plural_counts_zero_and_one_as_singular():
    token = i18n.activate("fr")
    try:
        assert i18n.ngettext("%d jour", "%d jours", 0) == "%d jour"
        assert i18n.ngettext("%d jour", "%d jours", 1) == "%d jour"
        assert i18n.ngettext("%d jour", "%d jours", 2) == "%d jours"
    finally:
        i18n.deactivate(token)


def test_each_thread_keeps_its_own_language():
    seen = {}

    def speak(lang: str) -> None:
        i18n.activate(lang)
        seen[lang] = i18n.gettext("Où en suis-je ?")

    threads = [threading.Thread(target=speak, args=(lang,)) for lang in ("en", "fr")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"en": "Where do I stand?", "fr": "Où en suis-je ?"}
    assert i18n.current() == "fr"


def _extracted() -> set[str | tuple[str, ...]]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_english_catalog_translates_every_message_of_the_code():
    with open(LOCALE / "en" / "LC_MESSAGES" / "rdvletters.po", "rb") as handle:
        catalog = read_po(handle)
    translated = {
        (m.id if isinstance(m.id, str) else tuple(m.id))
        for m in catalog
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = _extracted() - translated
    assert not missing, f"run pybabel extract/update and translate: {sorted(map(str, missing))}"


def _key(value):
    return value if isinstance(value, str) else tuple(value)


def test_compiled_catalogs_match_their_po_files():
    for po in LOCALE.glob("*/LC_MESSAGES/rdvletters.po"):
        with open(po, "rb") as handle:
            source = {_key(m.id): _key(m.string) for m in read_po(handle) if m.id and not m.fuzzy}
        with open(po.with_suffix(".mo"), "rb") as handle:
            compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
        assert compiled == source, f"run pybabel compile -d rdvletters/locale -D rdvletters ({po})"


def test_placeholders_survive_translation():
    english = gettext.GNUTranslations(
        open(LOCALE / "en" / "LC_MESSAGES" / "rdvletters.mo", "rb")  # noqa: SIM115
    )
    import re

    with open(LOCALE / "en" / "LC_MESSAGES" / "rdvletters.po", "rb") as handle:
        for m in read_po(handle):
            if not m.id:
                continue
            ids = [m.id] if isinstance(m.id, str) else list(m.id)
            strings = [m.string] if isinstance(m.string, str) else list(m.string)
            for source, target in zip(ids, strings, strict=False):
                pattern = r"%\(\w+\)s|\{\w+\}"
                assert sorted(re.findall(pattern, source)) == sorted(re.findall(pattern, target)), (
                    source
                )
    assert english.gettext("Profil") == "Profile"


# --- the command line ---------------------------------------------------------------
def test_every_word_of_the_installed_click_has_its_french_msgid():
    """click's messages, read from its own source as ``pybabel extract`` reads it: each
    must have its line in ``clickwords`` (a newer click would bring English words)."""
    import click
    from babel.messages.extract import extract_from_file

    from rdvletters.cli import clickwords

    singular, plural = set(), set()
    for source in Path(click.__file__).parent.glob("*.py"):
        for _line, message, _comments, _context in extract_from_file("python", str(source)):
            if isinstance(message, tuple):
                plural.add(tuple(message[:2]))
            elif message:
                singular.add(message)
    assert len(singular) > 50 and plural
    assert not singular - set(clickwords.WORDS) - {"required"}
    assert "required" in clickwords.WORDS  # click translates it from a variable
    assert not plural - set(clickwords.PLURALS)


def test_click_words_are_said_in_the_active_language():
    from rdvletters.cli import clickwords

    token = i18n.activate("en")
    try:
        assert clickwords.word("Usage:") == "Usage:"
        assert clickwords.word("Show this message and exit.") == "Show this message and exit."
        assert (
            clickwords.click_ngettext(
                "Got unexpected extra argument ({args})",
                "Got unexpected extra arguments ({args})",
                2,
            )
            == "Got unexpected extra arguments ({args})"
        )
    finally:
        i18n.deactivate(token)
    assert clickwords.word("Usage:") == "Utilisation :"
    assert clickwords.word("default: {default}") == "par défaut : {default}"


# Calls whose text reaches the person, and the keywords that hold help or hints.
SHOWN = {"echo", "secho", "confirm", "prompt", "warn", "fail"}
SHOWN_KEYWORDS = {"help", "metavar", "hint", "short_help"}
TRANSLATORS = {"_", "N_", "ngettext", "gettext"}
NEUTRAL = {"N", "URL", "[URL]", "PORT", "[rdv|anef]", "utf-8"}  # the same in every language


def _bare_texts(node: ast.AST) -> list[ast.Constant]:
    """String constants with letters in ``node`` that no translator call wraps."""
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in TRANSLATORS:
            return []
        parts = [func.value] if isinstance(func, ast.Attribute) else []
        return [c for p in [*parts, *node.args] for c in _bare_texts(p)]
    if isinstance(node, ast.Constant):
        text = node.value
        shown = isinstance(text, str) and any(ch.isalpha() for ch in text)
        return [node] if shown and text not in NEUTRAL else []
    if isinstance(node, ast.keyword):
        return _bare_texts(node.value)
    return [c for child in ast.iter_child_nodes(node) for c in _bare_texts(child)]


def test_no_bare_french_text_is_shown_by_the_command_line():
    found = []
    for path in sorted((ROOT / "rdvletters" / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            shown = list(node.args) if name in SHOWN or name.endswith("Error") else []
            shown += [k for k in node.keywords if k.arg in SHOWN_KEYWORDS]
            for bare in (c for item in shown for c in _bare_texts(item)):
                found.append(f"{path.name}:{bare.lineno}: {bare.value!r}")
    assert not found, "wrap these in _() or N_():\n" + "\n".join(found)
