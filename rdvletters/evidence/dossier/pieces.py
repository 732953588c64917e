"""The numbered pieces of the dossier: one plan shared by the bundle and the requête.

Pieces are numbered from 1 in a continuous, increasing order with an explicit
label and their date (CJA R. 412-2): piece 1 is the dated chronology, then every
proof file in the order of the steps they show, then the files that prove the
urgency. The bundle names its files after this plan and the requête cites the
same numbers, so « pièce n° 7 » is the same file everywhere. Only paths inside
the case folder are ever used (see ``Case.file``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import PurePosixPath

from ...case import ascii_slug
from ...channels import label as channel_label
from ...channels import reference_text
from ...facts import Facts, Step
from ...frdates import date_heure, jour, jour_complet
from ...journal import JournalState
from ...profile import Profile, inside

MAX_NAME = 80  # Télérecours: at most 80 characters, no accents
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")

# channel -> (what the file is, ASCII slug for its name)
PROOF_KINDS = {
    "web": ("Capture d'écran", "Capture_site"),
    "anef": ("Capture d'écran", "Capture_ANEF"),
    "email": ("Copie du courriel", "Courriel_prefecture"),
    "counter": ("Justificatif", "Justificatif_guichet"),
    "phone": ("Justificatif", "Justificatif_appel"),
    "letter": ("Copie du courrier", "Courrier_prefecture"),
    "ccc": ("Échange", "Echange_CCC"),
    "pan": ("Justificatif", "Point_accueil_numerique"),
    "defenseur": ("Échange", "Defenseur_des_droits"),
    "reply": ("Réponse reçue", "Reponse"),
    "appointment": ("Convocation", "Convocation"),
    "ar": ("Avis de réception signé de la lettre recommandée", "Avis_de_reception"),
    "attestation": ("Attestation de témoin", "Attestation_temoin"),
}
SENT_LABELS = {
    "courriel": ("Courriel envoyé à la préfecture", "Courriel_envoye"),
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
    """One numbered piece: its label, the files it is made of, the steps it proves."""

    number: int
    label: str
    slug: str
    when: datetime | None
    sources: tuple[str, ...]  # case-relative files; empty for a generated piece
    steps: tuple[int, ...]  # journal entries it shows
    # chronologie | preuve | envoi | depot | serie | urgence | liste | horodatage | journal |
    # explication | a_joindre (listed under its number, added by the person)
    kind: str
    data: bytes | None = None  # a piece written here (the timestamps' explanation)
    captions: tuple[str, ...] = ()  # one per source, for a series of screenshots
    digits: int = 2  # of the highest number, so that names sort in order (007 before 100)
    # pages added after the file: (title, (label, value) rows), « Conditions de la capture »
    sheet: tuple[str, tuple[tuple[str, str], ...]] | None = None

    def filename(self, suffix: str) -> str:
        """``NN_Libelle_sans_accents.ext``, at most 80 characters."""
        head = f"{self.number:0{self.digits}d}_"
        return head + ascii_slug(self.slug, MAX_NAME - len(head) - len(suffix)) + suffix

    @property
    def source_suffix(self) -> str:
        if self.data is not None:
            return ".txt"
        if not self.sources:
            return ".docx"
        return PurePosixPath(self.sources[0]).suffix.lower() or ".bin"  # older copies: none

    @property
    def file_name(self) -> str:
        """The file name of the piece in its original format."""
        return self.filename(self.source_suffix)

    @property
    def order(self) -> tuple:
        """Date order; a piece with no date (urgency, explanation) keeps its place at the end."""
        return (self.when is None, self.when or datetime.min, self.steps[:1], self.slug)


def _piece(label: str, slug: str, when, sources, steps, kind: str, **extra) -> Piece:
    """A piece not numbered yet (numbers are given once every piece is in order)."""
    return Piece(0, label, slug, when, tuple(sources), tuple(steps), kind, **extra)


def _reference(step: Step) -> str:
    return f", {reference_text(step.channel, step.reference)}" if step.reference else ""


def _sent_pieces(step: Step) -> list[Piece]:
    """The document that went out, then its proofs (proof of posting…)."""
    kind = step.sent_document or ""
    label, slug = SENT_LABELS[kind]
    if step.relance:
        label += f" (relance n° {step.relance})"
    tracking = f" (n° {step.tracking})" if step.tracking else ""
    day = jour(step.when.date())
    out = []
    sent = step.sent_copy or step.document_file
    if sent:
        out.append(
            _piece(f"{label}{tracking}, envoi du {day}", f"{slug}_{step.when:%Y-%m-%d}",
                   step.when, [sent], [step.n], "envoi")
        )  # fmt: skip
    proof_label, proof_slug = SENT_PROOF_LABELS[kind]
    out += [
        _piece(f"{proof_label}{tracking}, {day}", f"{proof_slug}_{step.when:%Y-%m-%d}",
               step.when, [p], [step.n], "depot")
        for p in step.pieces
    ]  # fmt: skip
    return out


ARCHIVES = (".har", ".warc", ".warc.gz", ".wacz")  # a capture's archives: kept, not pieces


def _proof_pieces(
    step: Step, route: str, skip: set[str] = frozenset(), sheets: dict | None = None
) -> list[Piece]:
    """One piece per proof file of a step (files in ``skip`` go into a series); a capture
    or an upload gets its sheet of conditions as a second page."""
    if step.sent_document:
        return _sent_pieces(step)
    stamp = f"{step.when:%Y-%m-%d_%Hh%M}"
    what, slug = PROOF_KINDS[step.channel]
    if step.channel in ("ar", "attestation", "reply", "appointment"):
        label = f"{what}{_reference(step)}, {date_heure(step.when)}"
    else:
        where = channel_label(step.channel, route)
        label = f"{what} – {where}{_reference(step)}, {date_heure(step.when)}"
    out = []
    for p in step.pieces:
        if p in skip or p.lower().endswith(ARCHIVES):
            continue
        if step.channel == "web" and p.endswith(".txt"):  # the text saved by ``capture``
            page = f"Texte de la page capturée, {date_heure(step.when)}"
            out.append(_piece(page, f"Texte_page_{stamp}", step.when, [p], [step.n], "preuve"))
        else:
            sheet = (sheets or {}).get(p)
            out.append(
                _piece(label, f"{slug}_{stamp}", step.when, [p], [step.n], "preuve", sheet=sheet)
            )
    return out


def _screenshots(step: Step) -> list[str]:
    if step.channel not in ("web", "anef") or step.sent_document:
        return []
    return [p for p in step.pieces if p.lower().endswith(IMAGE_SUFFIXES)]


def _series(steps: list[Step], route: str) -> list[Piece]:
    """Screenshots grouped by calendar week: one « série homogène » per week (R. 412-2),
    each image captioned with its own date and time."""
    weeks: dict = {}
    for step in steps:
        if _screenshots(step):
            weeks.setdefault(step.monday, []).append(step)
    out = []
    for monday, found in sorted(weeks.items()):
        sources = [(p, s) for s in found for p in _screenshots(s)]
        where = " et ".join(channel_label(c, route) for c in sorted({s.channel for s in found}))
        count = len(sources)
        label = (
            f"Captures d'écran – {where}, semaine du {jour_complet(monday)} "
            f"({count} capture{'s' if count > 1 else ''})"
        )
        out.append(
            _piece(label, f"Captures_semaine_du_{monday:%Y-%m-%d}", found[0].when,
                   [p for p, _ in sources], [s.n for s in found], "serie",
                   captions=tuple(f"Capture du {date_heure(s.when)}" for _, s in sources))
        )  # fmt: skip
    return out


def plan(
    profile: Profile, facts: Facts, root, state: JournalState, *, series: bool = False
) -> list[Piece]:
    """Every piece of the dossier, numbered from 1, in a stable order."""
    from .timestamp_dossier import candidates, explanation

    route = profile.situation
    found = [
        _piece(label, slug, when, sources, steps, kind)
        for when, _n, label, slug, sources, steps, kind in candidates(state, "journal.jsonl")
    ]
    grouped = _series(facts.steps, route) if series else []
    in_series = {p for piece in grouped for p in piece.sources}
    sheets = conditions_sheets(state, facts)
    for step in facts.steps:
        found += _proof_pieces(step, route, in_series, sheets)
    found += grouped
    found.sort(key=lambda piece: piece.order)
    for fact in profile.demande.urgence:
        target = inside(root, fact.justificatif) if fact.justificatif else None
        if target is not None and target.is_file():
            found.append(
                _piece(fact.enclosure, fact.enclosure, None, [fact.justificatif], [], "urgence")
            )
    chronology = _piece(
        "Chronologie datée des démarches, avec le décompte par semaine",
        "Chronologie_des_demarches", None, [], [], "chronologie",
    )  # fmt: skip
    pieces = [replace(p, number=i) for i, p in enumerate([chronology, *found], start=1)]
    listed = profile.demande.pieces_dossier
    if listed:
        text = "Pièces de mon dossier de demande\n\n" + "".join(f"- {p}\n" for p in listed)
        pieces.append(
            Piece(len(pieces) + 1, "Liste des pièces de mon dossier de demande",
                  "Liste_des_pieces_du_dossier", None, (), (), "liste", text.encode("utf-8"))
        )  # fmt: skip
    extra = explanation(state, pieces)
    if extra is not None:
        label, slug, text = extra
        pieces.append(Piece(len(pieces) + 1, label, slug, None, (), (), "explication", text))
    for label, slug in _to_add(profile, facts):
        pieces.append(Piece(len(pieces) + 1, label, slug, None, (), (), "a_joindre"))
    digits = max(2, len(str(len(pieces))))
    return [replace(p, digits=digits) for p in pieces]


def conditions_sheets(state: JournalState, facts: Facts) -> dict[str, tuple]:
    """Proof file -> (title, rows) of its sheet, for the files that carry conditions."""
    from ..proofs.provenance import sheet

    steps = {s.n: s for s in facts.steps}
    sheets: dict[str, tuple] = {}
    for entry in state.entries:
        step = steps.get(entry.n)
        for piece in entry.data.get("pieces", []):
            if isinstance(piece.get("conditions"), dict):
                stamps = step.stamps if step is not None else ()
                sheets[piece["fichier"]] = sheet(entry.data, piece, stamps)
    return sheets


def _to_add(profile: Profile, facts: Facts) -> list[tuple[str, str]]:
    """Pieces the court will want that the journal cannot hold: the person adds them under
    these numbers (identity, domicile, the permit, a witness statement still to come)."""
    out = [("Copie du passeport (ou d'une pièce d'identité)", "Passeport")]
    expiry = profile.demande.titre_actuel_expire_le
    if profile.renewal and expiry:
        out.append((f"Copie du titre de séjour (expiration : {jour(expiry)})", "Titre_de_sejour"))
    out.append(("Justificatif de domicile", "Justificatif_de_domicile"))
    for visit in facts.visits_without_statement:
        if visit.witness:
            day = jour(visit.when.date())
            out.append(
                (f"Attestation du témoin de la présentation au guichet du {day}",
                 f"Attestation_temoin_{visit.when:%Y-%m-%d}")
            )  # fmt: skip
    return out


def numbers_by_step(pieces: list[Piece]) -> dict[int, list[int]]:
    """Journal entry -> the piece numbers that show it."""
    out: dict[int, list[int]] = {}
    for piece in pieces:
        for n in piece.steps:
            out.setdefault(n, []).append(piece.number)
    return out
