"""What one line of text a person typed may hold, wherever it was typed.

One rule for every text field: the profile's (``validation``), the command line's and
the forms' (``stepfields.clean_text``), and what goes into an e-mail header (``delivery.eml``).
Refused, because none of them is ever typed on purpose and each can do harm later:

- invisible control characters (C0 but tab and line breaks, DEL, C1 but NEL): they
  can redraw a terminal or break a document;
- bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069): they make a
  name or a file name read backwards on screen and in the letters;
- an RFC 2047 encoded word (``=?utf-8?q?…?=``): an e-mail program decodes it, and what
  it decodes to (a line break, « Bcc: ») would become a header of its own;
- Unicode noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF) and lone surrogates (bytes
  that were not UTF-8, from a Latin-1 terminal): no file format can carry them.

Line breaks are not refused here: a one-line field turns them into spaces.
"""

from __future__ import annotations

import re

from .i18n import _

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# An encoded word is « =?charset?encoding?text?= »; mail readers decode much looser
# shapes than RFC 2047 allows, so anything from « =? » to a later « ?= » counts.
ENCODED_WORD = re.compile(r"=\?.*\?=", re.S)
NONCHARACTER = re.compile("[\ufdd0-\ufdef\ufffe\uffff]")
SURROGATE = re.compile("[\ud800-\udfff]")  # bytes that were not UTF-8 (a Latin-1 terminal)
LINE_BREAK = re.compile("[\r\n\x85\u2028\u2029]")


def text_problem(value: str) -> str | None:
    """What makes ``value`` unfit for any text field, in words; None if it is fit."""
    if CONTROL.search(value):
        return _("caractère de contrôle invisible (copié d'un PDF ?) : retapez le texte")
    if BIDI.search(value):
        return _(
            "caractère invisible qui inverse le sens de lecture (U+202A–U+202E, "
            "U+2066–U+2069) : retapez le texte"
        )
    if ENCODED_WORD.search(value):
        return _(
            "suite « =?…?= » (mot encodé de courriel, qu'une messagerie décoderait) : retirez-la"
        )
    if SURROGATE.search(value):
        return _(
            "octets qui ne sont pas du texte UTF-8 (terminal réglé en Latin-1 ?) : retapez le texte"
        )
    if NONCHARACTER.search(value):
        return _("caractère Unicode invalide (U+FFFF, U+FFFE…) : retapez le texte")
    return None


def header_problem(value: str) -> str | None:
    """What makes ``value`` unfit for an e-mail header: ``text_problem``, or a line break."""
    if LINE_BREAK.search(value):
        return _("saut de ligne")
    return text_problem(value)
