"""Interface languages: how the language is chosen, French plurals, and catalogs that are
complete and compiled."""

from __future__ import annotations

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
