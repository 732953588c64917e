"""The library's messages in the words of the web app.

``status``, ``check`` and the documents' warnings speak to the command line: they name
commands (« rdvletters record ar --proof carte.jpg ») and profile keys
(« demande.dossier_complet »). In the browser a person has neither: the commands are
left out (the page has a button for each), and a profile key becomes the form's own
question, linked to its field. One filter (``plain``) does it for every page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup, escape

# A command inside parentheses, quotes, or after a colon, up to the end of its clause.
_COMMANDS = (
    re.compile(r"\s*\((?:[^()]*?)(?:\brdvletters\b|\s--[a-z])[^()]*\)"),
    re.compile(r"\s*(?:\b(?:avec|with|using|par|by)\s+|:\s*)?[«“\"]\s*rdvletters[^»”\"]*[»”\"]"),
    re.compile(r"\s*(?::|\bavec\b|\bwith\b)\s*rdvletters\b[^;]*?(?=\s*;|\s*$|\.\s)"),
    re.compile(r"\s*\brdvletters (?:[a-z]+)\b[^;.]*"),
)
_KEY = re.compile(
    r"\b(?:(?:demandeur|demande|prefecture|defenseur|seuils|mise_en_page|recours)\.[a-z_]+"
    r"|lieu_signature|delai_convocation_jours|recours_en_cours)\b"
)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([.,])(?=\s|$)", r"\1", text)
    text = re.sub(r"[:;,]\s*(?=[.)]|$)", "", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def without_commands(text: str) -> str:
    """``text`` with the command-line commands it quotes left out."""
    for pattern in _COMMANDS:
        text = pattern.sub("", text)
    return _tidy(text)


def plain(text: object, field_link: Callable[[str], tuple[str, str] | None]) -> Markup:
    """``text`` without commands, each profile key replaced by the form's question
    (« Avez-vous toutes les pièces demandées ? »), linked to its field; escaped."""
    source = without_commands(str(text))
    out, last = [], 0
    for match in _KEY.finditer(source):
        out.append(escape(source[last : match.start()]))
        found = field_link(match.group(0))
        if found is None:
            out.append(escape(match.group(0)))
        else:
            label, url = found
            out.append(Markup('« <a href="{}">{}</a> »').format(url, label))
        last = match.end()
    out.append(escape(source[last:]))
    return Markup("").join(out)
