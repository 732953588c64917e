"""Timestamp tokens as pieces of the dossier, explained for a judge.

Each token (``.tsr``), the certificates it chains to, and a copy of the journal
become numbered pieces; one more piece explains in plain French what a
timestamp proves and what it does not, and gives the ``openssl ts -verify``
command that lets anyone check each token without rdvletters. The chronology
gets two tables: the tokens, and the three times of each proof (the time stated
or read from the file, the time recorded, and each authority's).
"""

from __future__ import annotations

from datetime import datetime

from ...evidence.proofs.dating import piece_times, times_row
from ...evidence.proofs.stampcheck import verify_command
from ...evidence.proofs.tsa_queue import KIND
from ...facts import Facts
from ...frdates import PARIS, date_courte, date_heure, heure
from ...journal import Entry, JournalState

LABELS = {
    "jeton": ("Jeton d'horodatage RFC 3161", "Jeton_horodatage"),
    "chaîne": ("Certificats de l'autorité d'horodatage", "Certificats_autorite_horodatage"),
    "certificat racine": ("Certificat racine de l'autorité d'horodatage", "Certificat_racine"),
}

EXPLANATION = (
    "Un horodatage (« jeton RFC 3161 ») est délivré par une autorité indépendante de la "
    "personne ({authorities}). L'autorité reçoit seulement une empreinte (SHA-256) du "
    "journal des démarches tel qu'il était à cet instant, et signe cette empreinte avec "
    "l'heure de son horloge. Comme chaque entrée du journal contient l'empreinte de la "
    "précédente, le jeton prouve que toutes les entrées jusqu'à celle qu'il couvre "
    "existaient déjà, sous cette forme exacte, au plus tard à l'heure indiquée : elles "
    "n'ont pas pu être ajoutées ou modifiées après coup sans que la vérification échoue. "
    "Le jeton ne prouve pas que les faits notés sont exacts, ni qu'une capture d'écran "
    "montre une page authentique : il prouve seulement que le journal et les empreintes "
    "des pièces qu'il contient existaient à cette date."
)


def _tokens(state: JournalState) -> list[Entry]:
    return [e for e in state.entries if e.kind == KIND]


def candidates(state: JournalState, journal_name: str) -> list[tuple]:
    """Plan items (date, entry, label, slug, files, entries, kind) for each token and its
    certificates, and for the journal itself (``journal_name``, relative to the case)."""
    found = []
    for entry in _tokens(state):
        data = entry.data
        when = datetime.fromisoformat(data["heure_tsa"]).astimezone(PARIS)
        suffix = f"{data['autorite']}, {date_heure(when)}"
        stamp = f"{when:%Y-%m-%d_%Hh%M}"
        files = [("jeton", data["fichier"])] + [
            (p["original"], p["fichier"]) for p in data.get("pieces", [])
        ]
        for kind, relative in files:
            label, slug = LABELS.get(kind, LABELS["chaîne"])
            found.append(
                (when, entry.n, f"{label} ({suffix})", f"{slug}_{stamp}", (relative,),
                 (entry.n,), "horodatage")
            )  # fmt: skip
    if found:
        last = state.entries[-1]
        when = datetime.fromisoformat(last.data.get("enregistre_le") or last.data["date"])
        label = "Journal des démarches (fichier d'origine, une entrée par ligne)"
        # the journal belongs to no single step of the chronology
        found.append((when, 0, label, "Journal_des_demarches", (journal_name,), (), "journal"))
    return found


def explanation(state: JournalState, pieces: list) -> tuple[str, str, bytes] | None:
    """(label, slug, text) of the piece that explains the tokens, or None without tokens."""
    tokens = _tokens(state)
    if not tokens:
        return None
    by_entry: dict[int, list] = {}
    for piece in pieces:
        for n in piece.steps:
            by_entry.setdefault(n, []).append(piece)
    journal = next((p for p in pieces if p.kind == "journal"), None)
    lines_of = {e.n: e.line for e in state.entries}
    authorities = ", ".join(sorted({t.data["autorite"] for t in tokens}))
    out = ["HORODATAGES DU JOURNAL : CE QU'ILS PROUVENT, ET COMMENT LES VÉRIFIER", ""]
    out += [EXPLANATION.format(authorities=authorities), ""]
    for token in tokens:
        data = token.data
        own = [p for p in by_entry.get(token.n, []) if p is not journal]
        tsr = next((p for p in own if p.source_suffix == ".tsr"), None)
        root = next((p for p in own if p.slug.startswith("Certificat_racine")), None)
        chain = next((p for p in own if p.slug.startswith("Certificats_autorite")), None)
        when = datetime.fromisoformat(data["heure_tsa"])
        local = when.astimezone(PARIS)
        out.append(
            f"Jeton de {data['autorite']} ({data['tsa']}), délivré le "
            f"{date_courte(local.date())} à {heure(local)} (heure de Paris) : il couvre les "
            f"entrées n° 1 à {data['entree']} du journal."
        )
        if tsr is None:
            continue
        command = verify_command(
            tsr.file_name,
            data["empreinte"],
            when,
            root.file_name if root is not None else None,
            chain.file_name if chain is not None else None,
        )
        out += ["  Vérification (réponse attendue : « Verification: OK ») :", f"    {command}"]
        if journal is not None:
            line = lines_of.get(int(data["entree"]))
            out += [
                f"  L'empreinte est le SHA-256 de la ligne {line} du journal "
                f"({journal.file_name}) :",
                f"    sed -n '{line}p' {journal.file_name} | tr -d '\\n' | sha256sum",
            ]
        if root is not None and data.get("racine_sha256"):
            out.append(
                f"  Empreinte SHA-256 du certificat racine : {data['racine_sha256']} "
                "(à comparer avec celle que publie l'autorité)."
            )
        out.append("")
    text = "\n".join(out).rstrip() + "\n"
    return (
        "Horodatages : explication et commandes de vérification",
        "Horodatages_explication",
        text.encode("utf-8"),
    )


def chronology_table(state: JournalState, pieces: list) -> list[tuple]:
    """A second table for the chronology: each token, its time, what it covers, its piece."""
    tokens = _tokens(state)
    if not tokens:
        return []
    numbers: dict[int, list[str]] = {}
    for piece in pieces:
        if piece.source_suffix == ".tsr":
            for n in piece.steps:
                numbers.setdefault(n, []).append(f"n° {piece.number}")
    rows = []
    for token in tokens:
        when = datetime.fromisoformat(token.data["heure_tsa"]).astimezone(PARIS)
        rows.append(
            [
                date_courte(when.date()),
                f"{when:%H:%M}",
                token.data["autorite"],
                f"entrées n° 1 à {token.data['entree']} du journal",
                ", ".join(numbers.get(token.n, [])),
            ]
        )
    columns = ["Date", "Heure", "Autorité", "Ce que le jeton couvre", "Pièces"]
    return [("Horodatages du journal (RFC 3161)", columns, rows, [22, 14, 34, 79, 21])]


def dating_table(facts: Facts, pieces: list) -> list[tuple]:
    """The three times of each proof in the dossier, with who dates it (piece 1)."""
    numbers: dict[str, list[int]] = {}
    for piece in pieces:
        for source in piece.sources:
            numbers.setdefault(source, []).append(piece.number)
    rows = []
    for step in facts.steps:
        for times in piece_times(step):
            shown = numbers.get(times.file)
            if shown:
                rows.append([", ".join(f"n° {n}" for n in shown), *times_row(times)])
    if not rows:
        return []
    columns = ["Pièce", "Date indiquée", "Enregistrée le", "Horodatage (autorité : heure)",
               "Datée"]  # fmt: skip
    return [("Dates de chaque justificatif", columns, rows, [16, 38, 30, 56, 30])]
