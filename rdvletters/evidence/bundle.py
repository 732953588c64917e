"""The evidence dossier for an association or the administrative court.

Writes, into a new folder: ``00_Inventaire`` (every piece with its number, an
explicit label and its date), ``01_Chronologie`` (the dated table of every step,
with totals and a chart per week), then one file per piece in date order named
``NN_Libelle_sans_accents.ext`` (at most 80 characters: Télérecours rules), a
witness-statement form for each counter visit with a witness, and a checklist.
It reads the journal and ``pieces/`` and never changes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..case import Case, ascii_slug
from ..documents.context import build_context
from ..documents.pdf import docx_to_pdf
from ..documents.render import render
from ..errors import OutputExistsError
from ..facts import Facts, Step
from ..frdates import date_courte, date_heure, jour, now_paris
from ..fsutil import private_dir, write_new
from ..journal import JournalState
from ..profile import Profile
from .status import weekly_counts

MAX_NAME = 80
MAX_FILE_BYTES = 32 * 1024 * 1024  # Télérecours citoyens: 32 Mo per file (CAA Versailles page)
FIRST_PIECE = 2  # 00 inventory, 01 chronology

PROOF_LABELS = {
    "web": ("Capture d'écran du site de rendez-vous", "Capture_site_rendez-vous"),
    "anef": ("Capture d'écran du téléservice ANEF", "Capture_ANEF"),
    "email": ("Courriel envoyé à la préfecture", "Courriel_prefecture"),
    "counter": ("Justificatif de la présentation au guichet", "Justificatif_guichet"),
    "phone": ("Justificatif de l'appel téléphonique", "Justificatif_appel"),
    "letter": ("Courrier à la préfecture", "Courrier_prefecture"),
    "ccc": ("Échange avec le centre de contact citoyens", "Echange_CCC"),
    "pan": ("Justificatif du point d'accueil numérique", "Point_accueil_numerique"),
    "defenseur": ("Échange avec le Défenseur des droits", "Defenseur_des_droits"),
    "reply": ("Réponse reçue de la préfecture", "Reponse_prefecture"),
    "appointment": ("Convocation", "Convocation"),
    "ar": ("Avis de réception signé", "Avis_de_reception"),
    "attestation": ("Attestation de témoin", "Attestation_temoin"),
}
SENT_LABELS = {
    "courriel": ("Courriel envoyé à la préfecture", "Courriel_prefecture"),
    "lettre": ("Lettre recommandée avec avis de réception", "Lettre_recommandee_AR"),
    "saisine": ("Saisine du Défenseur des droits", "Saisine_Defenseur_des_droits"),
}
SENT_PROOF_LABELS = {
    "lettre": ("Preuve de dépôt de la lettre recommandée", "Preuve_depot_LRAR"),
    "courriel": ("Preuve d'envoi du courriel", "Preuve_envoi_courriel"),
    "saisine": ("Preuve d'envoi de la saisine", "Preuve_envoi_saisine"),
}


@dataclass(frozen=True)
class Piece:
    """One numbered piece of the dossier."""

    number: int
    label: str
    slug: str
    when: datetime
    source: Path
    entry: int
    data: bytes | None = None  # generated here rather than copied (timestamp explanation)

    @property
    def filename(self) -> str:
        suffix = self.source.suffix.lower()
        head = f"{self.number:02d}_"
        room = MAX_NAME - len(head) - len(suffix)
        return head + ascii_slug(self.slug, room) + suffix

    @property
    def too_large(self) -> bool:
        size = len(self.data) if self.data is not None else self.source.stat().st_size
        return size > MAX_FILE_BYTES


def _candidates(case: Case, state: JournalState) -> list[tuple[datetime, int, str, str, Path]]:
    """(date, entry, label, slug, file) for every file that belongs in the dossier."""
    documents = {e.n: e for e in state.entries if e.kind == "document"}
    found = []
    for entry in state.entries:
        data, when = entry.data, entry.when
        stamp = f"{when:%Y-%m-%d_%Hh%M}"
        if entry.kind in ("tentative", "evenement"):
            label, slug = PROOF_LABELS[data["canal"]]
            for piece in data.get("pieces", []):
                page_text = piece.get("original") == "texte de la page"  # proof: capture
                what, name = (
                    ("Texte de la page capturée", "Texte_page") if page_text else (label, slug)
                )
                found.append(
                    (
                        when,
                        entry.n,
                        f"{what}, {date_heure(when)}",
                        f"{name}_{stamp}",
                        case.root / piece["fichier"],
                    )
                )
        elif entry.kind == "envoi":
            kind = data["document"]
            doc = documents.get(data["document_n"])
            label, slug = SENT_LABELS[kind]
            if doc is not None and doc.data.get("relance"):
                label += f" (relance n° {doc.data['relance']})"
            tracking = f" (n° {data['suivi']})" if data.get("suivi") else ""
            sent_file = data.get("fichier") or (doc.data["fichier"] if doc else None)
            if sent_file:
                found.append(
                    (
                        when,
                        entry.n,
                        f"{label}{tracking}, envoi du {jour(when.date())}",
                        f"{slug}_{when:%Y-%m-%d}",
                        case.root / sent_file,
                    )
                )
            proof_label, proof_slug = SENT_PROOF_LABELS[kind]
            for piece in data.get("pieces", []):
                found.append(
                    (
                        when,
                        entry.n,
                        f"{proof_label}{tracking}, {jour(when.date())}",
                        f"{proof_slug}_{when:%Y-%m-%d}",
                        case.root / piece["fichier"],
                    )
                )
    from .timestamp_dossier import candidates  # proof: tokens, their certificates, journal

    found += candidates(case, state)
    found.sort(key=lambda item: (item[0], item[1]))
    return found


def plan(case: Case, state: JournalState) -> list[Piece]:
    """The numbered pieces, continuous and increasing, in date order."""
    pieces = [
        Piece(FIRST_PIECE + i, label, slug, when, source, entry)
        for i, (when, entry, label, slug, source) in enumerate(_candidates(case, state))
    ]
    from .timestamp_dossier import explanation  # proof: what the tokens prove, how to check

    extra = explanation(state, pieces)
    if extra is not None:
        number = pieces[-1].number + 1
        last = pieces[-1]
        pieces.append(
            Piece(number, extra[0], extra[1], last.when, Path("explication.txt"), 0, extra[2])
        )
    return pieces


def _chronology_rows(facts: Facts, pieces: list[Piece]) -> list[list[str]]:
    numbers: dict[int, list[str]] = {}
    for piece in pieces:
        numbers.setdefault(piece.entry, []).append(f"{piece.number:02d}")
    rows = []
    for step in facts.steps:
        what = _step_text(step)
        rows.append(
            [
                date_courte(step.when.date()),
                f"{step.when:%H:%M}",
                step.label,
                what,
                ", ".join(numbers.get(step.n, [])),
            ]
        )
    return rows


def _step_text(step: Step) -> str:
    if step.sent_document:
        label = SENT_LABELS[step.sent_document][0]
        return label + (f", n° {step.tracking}" if step.tracking else "")
    text = step.description
    return text + (f" (témoin : {step.witness})" if step.witness else "")


def _header(profile: Profile) -> list[str]:
    d, p = profile.demandeur, profile.prefecture
    return [
        f"Personne concernée : {d.prenom} {d.nom.upper()}, "
        f"{d.ne} le {jour(d.date_naissance)} à {d.lieu_naissance}, nationalité {d.nationalite}",
        f"Administration : {p.nom}{', ' + p.service if p.service else ''}",
        f"Demande : {profile.demande.titre}"
        + (" (renouvellement)" if profile.demande.nature == "renouvellement" else ""),
    ]


def _inventory_text(header: list[str], pieces: list[Piece], today: str) -> str:
    lines = ["INVENTAIRE DES PIÈCES", "", *header, f"Établi le {today}", ""]
    lines.append("Pièce n° 00 : Inventaire des pièces (le présent document)")
    lines.append("Pièce n° 01 : Chronologie datée des démarches, avec totaux par semaine")
    for piece in pieces:
        flag = "  [fichier de plus de 32 Mo : à réduire]" if piece.too_large else ""
        lines.append(f"Pièce n° {piece.number:02d} : {piece.label} – {piece.filename}{flag}")
    return "\n".join(lines) + "\n"


def _checklist(profile: Profile, facts: Facts, pieces: list[Piece]) -> str:
    def has(channel: str) -> bool:
        return any(s.channel == channel for s in facts.steps)

    proofs = {p.entry for p in pieces}
    web_proofs = sum(1 for s in facts.attempts if s.channel in ("web", "anef") and s.n in proofs)
    letter_sent = any(s.sent_document == "lettre" for s in facts.steps)
    counter_witness = any(s.witness for s in facts.by_channel("counter"))
    ok = {True: "[x]", False: "[ ]"}
    rows = [
        (True, "Chronologie datée des démarches (pièce 01)"),
        (web_proofs > 0, f"Captures d'écran datées ({web_proofs} jointe(s))"),
        (bool(facts.emails), f"Courriels au service des étrangers ({len(facts.emails)})"),
        (letter_sent, "Lettre recommandée et preuve de dépôt"),
        (has("ar"), "Avis de réception signé de la lettre recommandée"),
        (
            not counter_witness or has("attestation"),
            "Attestation du témoin de la visite au guichet (modèle joint à compléter)",
        ),
        (has("defenseur"), "Saisine du Défenseur des droits"),
    ]
    urgency = len(profile.demande.urgence) + (profile.demande.nature == "renouvellement")
    yours = [
        "Preuve que le dossier de demande est complet (liste des pièces demandées par la "
        "préfecture et pièces réunies)",
        f"Preuves de l'urgence ({urgency} fait(s) noté(s) dans le profil : titre qui expire, "
        "contrat, enfants, santé…)",
        "Copie du passeport ou d'une pièce d'identité",
        "Justificatif de domicile",
    ]
    lines = ["LISTE DE CONTRÔLE – ce que le tribunal demandera aussi", ""]
    lines += [f"{ok[bool(done)]} {text}" for done, text in rows]
    lines += ["", "À joindre vous-même (le journal ne les contient pas) :"]
    lines += [f"[ ] {text}" for text in yours]
    return "\n".join(lines) + "\n"


def default_folder(case: Case, now: datetime) -> Path:
    """``dossier_AAAA-MM-JJ`` in the case folder, with ``_2``… if it exists."""
    base = case.root / f"dossier_{now:%Y-%m-%d}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}_{n}")
    return candidate


def _inventory_docx(header: list[str], pieces: list[Piece], now: datetime) -> bytes:
    from ..documents.docx_tables import table_document

    today = date_courte(now.date())
    rows = [
        ["00", "Inventaire des pièces", today, "00_Inventaire.docx"],
        ["01", "Chronologie datée des démarches", today, "01_Chronologie.docx"],
    ]
    rows += [
        [
            f"{p.number:02d}",
            p.label + (" (plus de 32 Mo)" if p.too_large else ""),
            date_courte(p.when.date()),
            p.filename,
        ]
        for p in pieces
    ]
    columns = ["N°", "Libellé", "Date", "Fichier"]
    intro = [*header, f"Établi le {jour(now.date())}"]
    return table_document(
        "Inventaire des pièces", intro, [("Pièces", columns, rows, [12, 90, 22, 56])]
    )


def _chronology_docx(
    header: list[str],
    profile: Profile,
    facts: Facts,
    pieces: list[Piece],
    now: datetime,
    extra_tables: list[tuple] = (),  # type: ignore[assignment]
) -> bytes:
    from ..documents.docx_tables import table_document

    weeks = [
        (f"sem. du {date_courte(date.fromisoformat(w['semaine']))}", w["tentatives"])
        for w in weekly_counts(facts, now.date())
    ]
    intro = [
        *header,
        f"{len(facts.attempts)} tentative(s) sur {len(weeks)} semaine(s), dont "
        f"{len(facts.weeks_with_attempts)} avec au moins une tentative.",
    ]
    columns = ["Date", "Heure", "Canal", "Ce qui s'est passé", "Pièces"]
    table = ("Tableau daté", columns, _chronology_rows(facts, pieces), [20, 13, 38, 87, 14])
    return table_document(
        "Chronologie des démarches",
        intro,
        [table, *extra_tables],
        weeks=weeks,
        per_week=profile.seuils.tentatives_par_semaine,
        footer=f"Journal : empreinte {facts.head[:16]}",
    )


def _witness_forms(
    case: Case, profile: Profile, facts: Facts, now: datetime
) -> list[tuple[str, bytes]]:
    """One form per counter visit with a witness (art. 202 of the code de procédure civile)."""
    from ..documents.docx_out import render_form_docx

    context = build_context(profile, facts, now)
    forms = []
    for visit in facts.by_channel("counter"):
        if visit.witness:
            doc = render("attestation", {**context, "visite": visit}, (case.root / "modeles",))
            name = f"Attestation_temoin_a_completer_{ascii_slug(visit.witness)}"
            forms.append((f"{name}_{visit.when:%Y-%m-%d}.docx", render_form_docx(doc)))
    return forms


def write_bundle(
    case: Case, out: Path | None = None, now: datetime | None = None, pdf: bool = False
) -> list[Path]:
    """Write the dossier into ``out`` (a new or empty folder); returns the files written.

    Everything is rendered before the first write, so a bad template or a missing
    LibreOffice (with ``pdf``) leaves no half-written dossier.
    """
    now = now or now_paris()
    profile = case.load().profile
    state = case.journal.read()
    facts = Facts.from_journal(state)
    pieces = plan(case, state)
    out = out or default_folder(case, now)
    if out.exists() and any(out.iterdir()):
        raise OutputExistsError(
            f"le dossier {out} n'est pas vide : il n'est jamais complété ni écrasé.",
            hint="Choisissez un autre dossier avec -o.",
        )
    header = _header(profile)
    from .timestamp_dossier import chronology_table  # proof: the tokens in the chronology

    tokens = chronology_table(state, pieces)
    files = [
        ("00_Inventaire.txt", _inventory_text(header, pieces, jour(now.date())).encode("utf-8")),
        ("00_Inventaire.docx", _inventory_docx(header, pieces, now)),
        ("01_Chronologie.docx", _chronology_docx(header, profile, facts, pieces, now, tokens)),
    ]
    if pdf:
        files += [
            (name.replace(".docx", ".pdf"), docx_to_pdf(data))
            for name, data in files
            if name.endswith(".docx")
        ]
    files += _witness_forms(case, profile, facts, now)
    files.append(("Liste_de_controle.txt", _checklist(profile, facts, pieces).encode("utf-8")))
    private_dir(out)
    written = [write_new(out / name, data) for name, data in files]
    written += [
        write_new(out / p.filename, p.data if p.data is not None else p.source.read_bytes())
        for p in pieces
    ]
    return sorted(written)
