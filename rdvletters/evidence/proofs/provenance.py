"""How each proof came to be: the sheet a judge reads beside a capture or an upload.

A capture made by ``rdvletters capture`` carries its conditions (``capture_watch``):
the dossier prints them as the piece's second page, « Conditions de la capture »,
in the order of a web constat (NF Z67-147): the machine's browser and profile,
the proxy, the start, the path to the page, the network, the certificate, the
clocks, the steps, the fingerprints. A file that came through the web app or a
phone gets the same kind of sheet, « Conditions de réception du fichier »: how and
when it arrived, by which route, its fingerprint. ``upload_conditions`` is the one
function the web app and the association server call for that.

The sheets are French: they go to the court. Each is made of (label, value) rows.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from ... import __version__
from ...frdates import PARIS, date_courte

CAPTURE_TITLE = "Conditions de la capture"
UPLOAD_TITLE = "Conditions de réception du fichier"
ROUTES = {  # how an upload arrived, said for the court
    "web": "application web rdvletters sur l'ordinateur de la personne",
    "telephone": "téléphone, par l'application web rdvletters du réseau local",
    "serveur": "serveur de l'association (rdvletters)",
}


def upload_conditions(
    route: str,
    received_at: datetime,
    *,
    name: str,
    size: int,
    kind: str,
    client: str | None = None,
    user_agent: str | None = None,
    server: str | None = None,
) -> dict[str, Any]:
    """What is known of a file received by the web app or the server, as journal data.

    ``route``: a key of ``ROUTES``; ``client``: the address it came from; ``kind``: the
    type read from its content (``png``, ``jpeg``, ``pdf``, ``eml``); ``server``: the
    server's name when it came through the association's."""
    conditions: dict[str, Any] = {
        "reception": "televersement",
        "voie": route,
        "recu_le": received_at.isoformat(timespec="seconds"),
        "nom_donne": name[:200],
        "taille": size,
        "type_lu": kind,
        "logiciel": f"rdvletters {__version__}",
    }
    for key, value in (("client", client), ("agent", user_agent), ("serveur", server)):
        if value:
            conditions[key] = str(value)[:300]
    return conditions


def _moment(value: Any) -> str:
    try:
        when = datetime.fromisoformat(str(value)).astimezone(PARIS)
    except ValueError:
        return str(value)
    return f"{date_courte(when.date())} à {when:%H:%M:%S} (heure de Paris)"


def _offset(seconds: int) -> str:
    if seconds == 0:
        return "aucun écart à la seconde près"
    way = "en avance sur" if seconds > 0 else "en retard sur"
    return f"horloge de l'ordinateur {way} celle du serveur de {abs(seconds)} s"


def _dict(value: Any) -> dict[str, Any]:
    """A journal is a file anyone can edit: what should be a mapping may not be one."""
    return value if isinstance(value, dict) else {}


def _path_rows(conditions: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    path = conditions.get("parcours")
    steps = [_dict(s) for s in path] if isinstance(path, list) else []
    for number, step in enumerate(steps, start=1):
        where = f", adresse contactée {step['adresse']}" if step.get("adresse") else ""
        hand = ", atteinte à la main par la personne" if step.get("a_la_main") else ""
        rows.append(
            (f"Étape {number}", f"{step.get('url')} – réponse HTTP {step.get('statut')}{where}"
             f"{hand}, {_moment(step.get('heure'))}")
        )  # fmt: skip
    return rows


def _network_rows(conditions: dict[str, Any]) -> list[tuple[str, str]]:
    dns = _dict(conditions.get("dns"))
    found = dns.get("adresses")
    addresses = (
        ", ".join(map(str, found))
        if isinstance(found, list) and found
        else (f"aucune réponse ({dns.get('erreur', '')})")
    )
    rows = [("Résolution DNS", f"{dns.get('hote', '')} → {addresses} (résolveur de l'ordinateur)")]
    proxy = conditions.get("mandataire")
    rows.append(
        ("Mandataire (proxy)", f"{proxy} (celui de l'environnement)" if proxy else
         "aucun : navigateur lancé sans mandataire (--no-proxy-server)")
    )  # fmt: skip
    tls = _dict(conditions.get("tls"))
    if tls:
        rows.append(("Connexion chiffrée", tls.get("protocole", "TLS")))
        rows.append(("Certificat, sujet", tls.get("sujet", "non disponible")))
        rows.append(("Certificat, émetteur", tls.get("emetteur", "non disponible")))
        if tls.get("valide_du"):
            rows.append(
                ("Certificat, validité", f"du {_moment(tls['valide_du'])} au "
                 f"{_moment(tls.get('valide_au', ''))}")
            )  # fmt: skip
        rows.append(("Certificat, SHA-256", tls.get("certificat_sha256", "non disponible")))
        if isinstance(tls.get("chaine"), list):
            rows.append(("Chaîne acceptée", " ← ".join(map(str, tls["chaine"]))))
    server = _dict(conditions.get("date_serveur"))
    if server.get("entete"):
        offset = server.get("ecart_secondes")
        offset = offset if isinstance(offset, int) else None
        rows.append(
            ("Heure du serveur", f"en-tête Date « {server['entete']} » ; horloge de "
             f"l'ordinateur {_moment(server.get('horloge_locale'))}"
             + (f" ; {_offset(int(offset))}" if offset is not None else ""))
        )  # fmt: skip
    return rows


def capture_rows(conditions: dict[str, Any], files: dict[str, str]) -> list[tuple[str, str]]:
    """The sheet of a capture: (label, value) rows. ``files``: kept file -> its name."""
    rows = [
        ("Début", _moment(conditions.get("debut_commande") or conditions.get("debut"))),
        ("Page chargée", _moment(conditions.get("page_chargee"))),
        ("Fin", _moment(conditions.get("fin"))),
        ("Navigateur", f"{conditions.get('navigateur', '')}, identifiant « "
                       f"{conditions.get('agent', '')} »"),
        ("Profil du navigateur", "neuf, créé pour cette capture puis effacé : aucun cache, "
         f"aucun historique, {conditions.get('cookies_avant', 0)} cookie avant le chargement"),
    ]  # fmt: skip
    rows += _network_rows(conditions)
    rows += _path_rows(conditions)
    steps = conditions.get("etapes")
    steps = [str(s) for s in steps] if isinstance(steps, list) else []
    rows.append(("Étapes automatiques", " ; ".join(steps) if steps else "aucune"))
    by_hand = _dict(conditions.get("a_la_main"))
    if by_hand:
        rows.append(
            ("Étapes faites à la main", f"par la personne, dans la fenêtre du navigateur, du "
             f"{_moment(by_hand.get('debut'))} au {_moment(by_hand.get('fin'))} (captcha, "
             "connexion ou file d'attente) ; les pages atteintes sont marquées ci-dessus")
        )  # fmt: skip
    names = KEPT_NAMES
    for key, digest in _dict(conditions.get("empreintes")).items():
        rows.append((f"SHA-256 {names.get(key, key)}", digest))
        if key in files:
            rows.append((f"Fichier {names.get(key, key)}", files[key]))
    return rows


def upload_rows(conditions: dict[str, Any], sha256: str) -> list[tuple[str, str]]:
    """The sheet of a file received by the web app or the server."""
    rows = [
        ("Reçu le", f"{_moment(conditions.get('recu_le'))}, selon l'horloge de l'ordinateur "
         "qui l'a reçu"),
        ("Voie", ROUTES.get(str(conditions.get("voie")), str(conditions.get("voie")))),
    ]  # fmt: skip
    if conditions.get("serveur"):
        rows.append(("Serveur", conditions["serveur"]))
    if conditions.get("client"):
        rows.append(("Envoyé depuis", conditions["client"]))
    if conditions.get("agent"):
        rows.append(("Navigateur de l'envoi", conditions["agent"]))
    rows += [
        ("Nom donné par l'appareil", str(conditions.get("nom_donne", ""))),
        ("Taille", f"{conditions.get('taille', '?')} octets"),
        ("Type lu dans le contenu", str(conditions.get("type_lu", ""))),
        ("SHA-256 du fichier reçu", sha256),
        ("Logiciel", str(conditions.get("logiciel", ""))),
    ]
    return rows


KEPT = {".png": "png", ".txt": "texte", ".har": "har", ".html": "html", ".warc.gz": "warc"}
KEPT_NAMES = {
    "png": "capture (PNG)",
    "html": "page (HTML)",
    "texte": "texte de la page",
    "har": "archive des échanges (HAR)",
    "warc": "archive des échanges (WARC)",
}


def sheet(
    entry: dict[str, Any], piece: dict[str, Any], stamps: tuple[tuple[str, datetime], ...]
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """(title, rows) of the sheet of ``piece``, a proof of journal ``entry`` carrying
    ``conditions``: a capture's, or an upload's."""
    conditions = _dict(piece.get("conditions"))
    if conditions.get("reception") == "televersement":
        rows, title = upload_rows(conditions, str(piece.get("sha256", ""))), UPLOAD_TITLE
    else:
        names = [entry.get("fichier", "")] + [p.get("fichier", "") for p in entry["pieces"]]
        files = {
            kind: PurePosixPath(str(n)).name
            for n in names
            for suffix, kind in KEPT.items()
            if str(n).lower().endswith(suffix)
        }
        rows, title = capture_rows(conditions, files), CAPTURE_TITLE
    return title, tuple(rows + stamp_rows(stamps))


def stamp_rows(stamps: tuple[tuple[str, datetime], ...]) -> list[tuple[str, str]]:
    """The authorities' times, for the bottom of either sheet."""
    if not stamps:
        return [("Horodatage", "aucun : cette date ne repose que sur l'ordinateur de la personne")]
    return [(f"Horodatage {who}", _moment(at.isoformat())) for who, at in stamps]


SHEET_NOTE = (
    "Ces informations ont été relevées automatiquement par rdvletters au moment même, et "
    "enregistrées dans le journal des démarches, dont chaque ligne contient l'empreinte de "
    "la précédente ; les horodatages indiqués couvrent cette entrée du journal."
)
