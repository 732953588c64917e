"""The numbered pieces of the dossier: one plan shared by the bundle and the requête.

Pieces are numbered from 1 in a continuous, increasing order with an explicit
label and their date (CJA R. 412-2): piece 1 is the dated chronology, then every
proof file in the order of the steps they show, then the files that prove the
urgency. The bundle names its files after this plan and the requête cites the
same numbers, so « pièce n° 7 » is the same file everywhere. Only paths inside
the case folder are ever used (see ``Case.file``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..case import ascii_slug
from ..channels import label as channel_label
from ..facts import Facts, Step
from ..frdates import date_heure, jour, jour_complet
from ..journal import JournalState
from ..profile import Profile, inside

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
    kind: str  # chronologie | preuve | envoi | depot | serie | urgence | horodatage | journal…
    data: bytes | None = None  # a piece written here (the timestamps' explanation)

    def filename(self, suffix: str) -> str:
        """``NN_Libelle_sans_accents.ext``, at most 80 characters."""
        head = f"{self.number:02d}_"
        return head + ascii_slug(self.slug, MAX_NAME - len(head) - len(suffix)) + suffix

    @property
    def source_suffix(self) -> str:
        if self.data is not None:
            return ".txt"
        return ("." + self.sources[0].rsplit(".", 1)[-1].lower()) if self.sources else ".docx"

    @property
    def file_name(self) -> str:
        """The file name of the piece as delivered (original format)."""
        return self.filename(self.source_suffix)


def _reference(step: Step) -> str:
    return f", réf. {step.reference}" if step.reference else ""


def _proof_items(step: Step, route: str) -> list[tuple]:
    """(when, n, label, slug, sources, steps, kind) for the files of one step."""
    stamp = f"{step.when:%Y-%m-%d_%Hh%M}"
    if step.sent_document:
        kind = step.sent_document
        label, slug = SENT_LABELS[kind]
        if step.relance:
            label += f" (relance n° {step.relance})"
        tracking = f" (n° {step.tracking})" if step.tracking else ""
        items = []
        sent = step.sent_copy or step.document_file
        if sent:
            items.append(
                (
                    f"{label}{tracking}, envoi du {jour(step.when.date())}",
                    f"{slug}_{step.when:%Y-%m-%d}",
                    (sent,),
                    "envoi",
                )
            )
        proof_label, proof_slug = SENT_PROOF_LABELS[kind]
        items += [
            (
                f"{proof_label}{tracking}, {jour(step.when.date())}",
                f"{proof_slug}_{step.when:%Y-%m-%d}",
                (p,),
                "depot",
            )
            for p in step.pieces
        ]
        return [(step.when, step.n, lab, sl, src, (step.n,), k) for lab, sl, src, k in items]
    what, slug = PROOF_KINDS[step.channel]
    if step.channel in ("ar", "attestation", "reply", "appointment"):
        label = f"{what}{_reference(step)}, {date_heure(step.when)}"
    else:
        where = channel_label(step.channel, route)
        label = f"{what} – {where}{_reference(step)}, {date_heure(step.when)}"
    items = []
    for p in step.pieces:
        if step.channel == "web" and p.endswith(".txt"):  # the text saved by ``capture``
            page = f"Texte de la page capturée, {date_heure(step.when)}"
            items.append(
                (step.when, step.n, page, f"Texte_page_{stamp}", (p,), (step.n,), "preuve")
            )
        else:
            items.append((step.when, step.n, label, f"{slug}_{stamp}", (p,), (step.n,), "preuve"))
    return items


def _is_screenshot(step: Step) -> bool:
    return step.channel in ("web", "anef") and not step.sent_document


def _series(steps: list[Step], route: str) -> list[tuple]:
    """Screenshots grouped by calendar week: one « série homogène » per week (R. 412-2)."""
    weeks: dict = {}
    for step in steps:
        images = [p for p in step.pieces if p.lower().endswith(IMAGE_SUFFIXES)]
        if _is_screenshot(step) and images:
            weeks.setdefault(step.monday, []).append((step, images))
    items = []
    for monday, found in sorted(weeks.items()):
        sources = tuple(p for _, images in found for p in images)
        channels = {s.channel for s, _ in found}
        where = " et ".join(channel_label(c, route) for c in sorted(channels))
        label = (
            f"Captures d'écran – {where}, semaine du {jour_complet(monday)} "
            f"({len(sources)} capture{'s' if len(sources) > 1 else ''})"
        )
        first = found[0][0]
        items.append(
            (first.when, first.n, label, f"Captures_semaine_du_{monday:%Y-%m-%d}", sources,
             tuple(s.n for s, _ in found), "serie")
        )  # fmt: skip
    return items


def plan(
    profile: Profile, facts: Facts, root, state: JournalState, *, series: bool = False
) -> list[Piece]:
    """Every piece of the dossier, numbered from 1, in a stable order."""
    from .timestamp_dossier import candidates, explanation

    route = profile.situation
    items = candidates(state, "journal.jsonl")
    grouped = _series(facts.steps, route) if series else []
    in_series = {n for item in grouped for n in item[5]}
    for step in facts.steps:
        if series and step.n in in_series and _is_screenshot(step):
            others = [p for p in step.pieces if not p.lower().endswith(IMAGE_SUFFIXES)]
            step_items = _proof_items(step, route)
            items += [i for i in step_items if i[4][0] in others]
        else:
            items += _proof_items(step, route)
    items += grouped
    items.sort(key=lambda item: (item[0], item[1], item[3]))
    pieces = [
        Piece(1, "Chronologie datée des démarches, avec le décompte par semaine",
              "Chronologie_des_demarches", None, (), (), "chronologie")
    ]  # fmt: skip
    for when, _n, label, slug, sources, steps, kind in items:
        pieces.append(Piece(len(pieces) + 1, label, slug, when, sources, steps, kind))
    for fact in profile.demande.urgence:
        target = inside(root, fact.justificatif) if fact.justificatif else None
        if target is not None and target.is_file():
            pieces.append(
                Piece(len(pieces) + 1, fact.enclosure, fact.enclosure, None,
                      (fact.justificatif,), (), "urgence")
            )  # fmt: skip
    extra = explanation(state, pieces)
    if extra is not None:
        label, slug, text = extra
        pieces.append(Piece(len(pieces) + 1, label, slug, None, (), (), "explication", text))
    return pieces


def numbers_by_step(pieces: list[Piece]) -> dict[int, list[int]]:
    """Journal entry -> the piece numbers that show it."""
    out: dict[int, list[int]] = {}
    for piece in pieces:
        for n in piece.steps:
            out.setdefault(n, []).append(piece.number)
    return out
