"""Draft requêtes that an appointment or the registration has made out of date.

``recours`` refuses to draft once an appointment or the registration is noted, but the
drafts made before stay in ``documents/``: they say no appointment could be had, and
filing one would expose the person to the fine for an abusive request. ``status`` (and
the web status page, which shows its alerts) names them; nothing deletes them.
"""

from __future__ import annotations

from ..casepaths import inside
from ..facts import Facts
from ..i18n import ngettext
from .readiness import Readiness


def stale_requetes(facts: Facts, check: Readiness, root) -> list[str]:
    """The draft requêtes still in the case folder once an appointment or the registration
    is noted (``recours`` refuses to draft after that, so every one was prepared before):
    they say no appointment could be had, and must not be filed. Never deleted: the
    person's files are theirs."""
    if check.closed is None:
        return []
    return [
        d["fichier"]
        for n, d in sorted(facts.documents.items())
        if d.get("document") == "requete"
        and n < check.closed.step.n
        and (target := inside(root, d.get("fichier", ""))) is not None
        and target.is_file()
    ]


def stale_alert(files: list[str]) -> list[str]:
    if not files:
        return []
    return [
        ngettext(
            "Le projet de requête préparé avant le rendez-vous ou l'enregistrement noté est "
            "dépassé : ne le déposez pas ({files}). Il reste dans vos documents, avec ses notes "
            "à lire ; vous pouvez le garder ou le supprimer.",
            "Les projets de requête préparés avant le rendez-vous ou l'enregistrement noté sont "
            "dépassés : ne les déposez pas ({files}). Ils restent dans vos documents, avec leurs "
            "notes à lire ; vous pouvez les garder ou les supprimer.",
            len(files),
        ).format(files=", ".join(files))
    ]
