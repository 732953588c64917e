"""One report for a commissaire de justice or a judge: everything ``verify`` knows.

The case, the journal's state and fingerprint, every anchor and what it fixes,
what no anchor covers, every timestamp with its authority and the certificates
its token carries, every entry and file with its SHA-256 and what was found, and
how to check each item without rdvletters (``sha256sum``, ``openssl ts -verify``).
It is written in French (it goes to the court) whatever the interface speaks,
and describes the case folder as it is: the same folder gives the same report.

``build`` makes the content (sections of rows and paragraphs); the PDF is drawn
by ``court.dossier.report_pdf``, which writes it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ... import __version__, i18n
from ...case import Case
from ...errors import RdvError
from ...facts import Facts
from ...fsutil import open_regular_fd
from ...journal import Entry, JournalState
from .dating import DATING_WORDS, moment
from .stampcheck import TokenCheck, earliest_by_entry, verify_command
from .verify import Report, verify

TITLE = "Rapport de vérification du journal des démarches"
CHUNK = 1 << 20
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


@dataclass
class Section:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)


def _file_state(root: Path, relative: str, expected: str) -> str:
    """« conforme », « modifié (SHA-256 actuel …) » or « absent », read from a regular file."""
    import os

    try:
        with os.fdopen(open_regular_fd(root / relative), "rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
    except OSError:
        return "absent ou illisible"
    actual = digest.hexdigest()
    return "conforme" if actual == expected else f"MODIFIÉ (SHA-256 actuel {actual})"


def _intro(when: datetime) -> Section:
    return Section(
        TITLE,
        rows=[("Établi le", moment(when)), ("Par", f"rdvletters {__version__}")],
        paragraphs=[
            "Ce rapport décrit le dossier tel qu'il est sur l'ordinateur de la personne : le "
            "journal de ses démarches (une entrée par ligne, chaque ligne contenant "
            "l'empreinte SHA-256 de la précédente), les fichiers qu'il cite avec leur "
            "empreinte, les « ancres » qui fixent son état ailleurs (courriels envoyés, "
            "dossiers remis, jetons d'horodatage) et les horodatages délivrés par des "
            "autorités indépendantes. Chaque point peut être vérifié sans rdvletters, avec les "
            "commandes données à la fin.",
            "Un horodatage prouve qu'un état du journal existait au plus tard à l'heure "
            "signée par l'autorité ; il ne prouve pas que les faits notés sont exacts.",
        ],
    )


def _case_section(case: Case) -> Section:
    section = Section("Le dossier")
    try:
        profile = case.load().profile
    except RdvError as exc:
        section.paragraphs.append(f"Profil illisible : {exc}")
        return section
    d = profile.demandeur
    section.rows += [
        ("Personne", f"{d.prenom} {d.nom.upper()}, {d.ne} le {d.date_naissance:%d/%m/%Y}"),
        ("Demande", profile.demande.titre + (" (renouvellement)" if profile.renewal else "")),
        ("Préfecture", profile.prefecture.nom),
    ]
    return section


def _journal_section(report: Report) -> Section:
    verdict = "intact" if report.ok else "MODIFIÉ OU INCOMPLET"
    section = Section(
        "État du journal",
        rows=[
            ("Entrées", str(report.entries)),
            ("Fichiers vérifiés", str(report.files_checked)),
            ("Dernière entrée", f"n° {report.last_n}"),
            ("Empreinte SHA-256 de la dernière ligne", report.head),
            ("Constat", verdict),
        ],
    )
    section.rows += [("Problème", problem) for problem in report.problems]
    shown = ("horodatage n°", "empreinte actuelle")  # said in their own rows and sections
    section.rows += [("Remarque", n) for n in report.notes if not n.startswith(shown)]
    return section


def _anchors_section(report: Report) -> Section:
    section = Section("Ancres : l'état du journal écrit ailleurs")
    for anchor in report.holding:
        when = f", du {moment(anchor.when)}" if anchor.when else ""
        number = report.anchor_numbers.get(anchor, anchor.n)
        section.rows.append(
            (anchor.source[:1].upper() + anchor.source[1:],
             f"fixe l'entrée n° {number}{when} (empreinte {anchor.digest})")
        )  # fmt: skip
    if not report.holding:
        section.paragraphs.append("Aucune ancre ne concorde avec le journal.")
    elif report.anchored < report.last_n and report.anchored >= report.last_step:
        section.paragraphs.append(
            f"Le journal est ancré jusqu'à l'entrée n° {report.anchored} ; les entrées n° "
            f"{report.anchored + 1} à {report.last_n} sont ses horodatages, dont le retrait "
            "se verrait (jeton sans entrée)."
        )
    elif report.anchored < report.last_n:
        section.paragraphs.append(
            f"Non ancré : les entrées n° {report.anchored + 1} à {report.last_n}. Leur retrait "
            "ou leur modification ne se verrait pas, jusqu'à la prochaine ancre."
        )
    else:
        section.paragraphs.append("Le journal est ancré jusqu'à sa dernière entrée.")
    return section


def _certificates(check: TokenCheck) -> list[tuple[str, str]]:
    from .tokens import fingerprint

    rows = []
    for cert in check.certificates:
        rows.append(
            ("Certificat", f"{cert.subject.rfc4514_string()} ; émis par "
             f"{cert.issuer.rfc4514_string()} ; valide du "
             f"{moment(cert.not_valid_before_utc)} au {moment(cert.not_valid_after_utc)} ; "
             f"SHA-256 {fingerprint(cert)}")
        )  # fmt: skip
    return rows


def _token_section(check: TokenCheck) -> Section:
    data = check.entry.data
    when = datetime.fromisoformat(data["heure_tsa"])
    files = {p["original"]: p["fichier"] for p in data.get("pieces", [])}
    section = Section(
        f"Horodatage, entrée n° {check.entry.n} ({data['autorite']})",
        rows=[
            ("Autorité", f"{data['autorite']} ({data.get('tsa', '')})"),
            ("Heure de l'autorité", moment(when)),
            ("Couvre", f"les entrées n° 1 à {data['entree']} (SHA-256 de la ligne "
                       f"{data['entree']} : {data['empreinte']})"),
            ("Jeton", f"{data['fichier']} (SHA-256 {data.get('sha256', '')})"),
            ("Vérification", f"{check.status} ({check.detail})"),
            *_certificates(check),
        ],
    )  # fmt: skip
    root, chain = files.get("certificat racine"), files.get("chaîne")
    section.commands.append(
        verify_command(data["fichier"], data["empreinte"], when, root or SYSTEM_BUNDLE, chain)
    )
    if root:
        section.paragraphs.append(
            f"La racine {root} a été gardée avec le jeton : comparez son empreinte SHA-256 avec "
            "celle que publie l'autorité, ou remplacez-la par le magasin de certificats du "
            f"système ({SYSTEM_BUNDLE})."
        )
    return section


def _entry_rows(case: Case, entry: Entry, facts_steps: dict, proven: dict) -> list:
    data = entry.data
    rows = [
        ("Type", f"{data['type']}" + (f", canal {data['canal']}" if data.get("canal") else "")),
        ("Date indiquée", moment(entry.when)),
        ("Enregistrée le", moment(datetime.fromisoformat(data["enregistre_le"]))
         if data.get("enregistre_le") else "—"),
        ("SHA-256 de la ligne", entry.digest),
    ]  # fmt: skip
    if data.get("description"):
        rows.append(("Description", str(data["description"])[:300]))
    files = [(p["fichier"], p["sha256"]) for p in data.get("pieces", [])]
    if data.get("fichier") and data.get("sha256"):
        files.append((data["fichier"], data["sha256"]))
    for relative, expected in files:
        state = _file_state(case.root, relative, expected)
        rows.append(("Fichier", f"{relative} – SHA-256 {expected} – {state}"))
    if entry.n in proven:
        rows.append(("Existait au plus tard", proven[entry.n]))
    step = facts_steps.get(entry.n)
    if step is not None and step.dating:
        rows.append(("Date du justificatif", f"datée {DATING_WORDS[step.dating]}"))
    return rows


def _entries_section(case: Case, state: JournalState, report: Report) -> Section:
    facts = Facts.from_journal(state)
    steps = {s.n: s for s in facts.steps}
    proven = _proven_by_entry(state, report)
    section = Section("Entrées du journal et fichiers")
    for entry in state.entries:
        if entry.kind == "horodatage":
            continue
        section.rows.append((f"Entrée n° {entry.n}", ""))
        section.rows += _entry_rows(case, entry, steps, proven)
    return section


def _proven_by_entry(state: JournalState, report: Report) -> dict[int, str]:
    """Entry -> « 30/11/2026 10:00:03, horodatage DFN », when the journal is intact."""
    if report.checks is None or not report.ok:
        return {}
    return {
        n: f"{moment(check.gen_time)}, horodatage {check.entry.data['autorite']}"
        for n, check in earliest_by_entry(state, report.checks).items()
    }


def _how_to_check() -> Section:
    return Section(
        "Vérifier soi-même, sans rdvletters",
        paragraphs=[
            "Dans le dossier de la personne, l'empreinte d'un fichier se calcule avec "
            "« sha256sum FICHIER » (Linux, macOS : « shasum -a 256 FICHIER » ; Windows : "
            "« certutil -hashfile FICHIER SHA256 ») et doit être celle indiquée ci-dessus.",
            "L'empreinte de la ligne N du journal, que signe un jeton d'horodatage : "
            "« sed -n 'Np' journal.jsonl | tr -d '\\n' | sha256sum ».",
            "Chaque jeton se vérifie avec la commande « openssl ts -verify » donnée sous son "
            "horodatage (réponse attendue : « Verification: OK ») ; l'heure signée se lit avec "
            "« openssl ts -reply -in JETON -text ».",
        ],
    )


def build(case: Case, copies: tuple[Path, ...] = (), when: datetime | None = None) -> list:
    """The report's sections, in French. ``when``: the date printed (the bundle passes the
    journal's last time, so that the same journal gives the same report)."""
    from ...frdates import now_paris

    with i18n.french():
        report = verify(case, copies)
        sections = [_intro(when or now_paris()), _case_section(case), _journal_section(report)]
        sections.append(_anchors_section(report))
        if report.checks is not None:
            sections += [_token_section(check) for check in report.checks.tokens]
        try:
            state = case.journal.read()
        except RdvError:
            state = None
        if state is not None:
            sections.append(_entries_section(case, state, report))
        sections.append(_how_to_check())
    return sections
