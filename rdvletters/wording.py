"""French wording helpers shared by templates and plain-text outputs.

Real plurals (« 1 démarche », « 14 démarches », « aucune démarche »), never
« démarche(s) »; phone numbers written in pairs (« 06 12 34 56 78 »); lists
joined with « et ».
"""

from __future__ import annotations

import re


def nombre(count: int, singular: str, plural: str | None = None, zero: str | None = None) -> str:
    """``14 démarches``; ``zero`` (« aucune démarche ») when given and count is 0."""
    if count == 0 and zero is not None:
        return zero
    word = singular if count <= 1 else (plural or singular + "s")
    return f"{count} {word}"


def dont(count: int, phrase: str, feminine: bool = True) -> str:
    """``dont 2 avec justificatif`` / ``dont aucune avec justificatif``."""
    if count == 0:
        return f"dont {'aucune' if feminine else 'aucun'} {phrase}"
    return f"dont {count} {phrase}"


def telephone(raw: str) -> str:
    """« 06 12 34 56 78 » / « +33 6 12 34 56 78 »; anything else as typed."""
    digits = re.sub(r"[\s.\-()]", "", raw)
    if re.fullmatch(r"0\d{9}", digits):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    if re.fullmatch(r"\+33\d{9}", digits):
        rest = digits[3:]
        return "+33 " + rest[0] + " " + " ".join(rest[i : i + 2] for i in range(1, 9, 2))
    return raw.strip()


def enumeration(items: list[str]) -> str:
    """``a, b et c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"


def lower_first(text: str) -> str:
    """« L'agent a refusé » -> « l'agent a refusé », but « CCC a répondu » stays."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


_END = " .;:,!?\u00a0"


def fragment(text: str) -> str:
    """The person's words grafted inside a sentence: lower case first, no closing
    punctuation (the sentence has its own): « L'agent a refusé. » -> « l'agent a refusé »."""
    return lower_first(text.strip().rstrip(_END))


def opening(text: str) -> str:
    """The person's words opening a sentence the template goes on with: capital first,
    no closing punctuation (« promesse d'embauche. » -> « Promesse d'embauche »)."""
    text = text.strip().rstrip(_END)
    return text[:1].upper() + text[1:]


def phrase(text: str) -> str:
    """The person's words as a sentence of their own: capital first, one final full stop
    (« ? » and « ! » kept)."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    if text.endswith(("?", "!")):
        return text
    return text.rstrip(_END) + "."


_UNITS = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "dix-sept",
    "dix-huit",
    "dix-neuf",
]
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante", 8: "quatre-vingt"}


def en_lettres(number: int) -> str:
    """0 to 99 in French words (« quinze », « vingt et un », « quatre-vingts »), as legal
    writing gives delays; other numbers as digits."""
    if not 0 <= number < 100:
        return str(number)
    if number < 20:
        return _UNITS[number]
    tens, unit = divmod(number, 10)
    if tens in (7, 9):  # soixante-dix…, quatre-vingt-dix…
        base, unit = _TENS[tens - 1], unit + 10
    else:
        base = _TENS[tens]
    if unit == 0:
        return base + ("s" if tens == 8 else "")
    if unit in (1, 11) and tens not in (8, 9):
        return f"{base} et {_UNITS[unit]}"
    return f"{base}-{_UNITS[unit]}"
