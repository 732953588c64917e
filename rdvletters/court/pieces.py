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
from typing import Any

from ..casepaths import inside
from ..channels import label as channel_label
from ..channels import reference_text
from ..facts import Facts
from ..frdates import date_heure, jour, jour_complet
from ..journal import JournalState
from ..profile import Profile
from ..proofnames import ascii_slug
from ..steps import Step

MAX_NAME = 80  # Télérecours: at most 80 characters, no accents
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")

# channel -> (what the file is, ASCII slug for its name): a label the judge reads as it is
PROOF_KINDS = {
    "web": ("Capture d'écran du site de rendez-vous de la préfecture", "Capture_site"),
    "anef": ("Capture d'écran du téléservice ANEF", "Capture_ANEF"),
    "email": ("Copie du courriel envoyé à la préfecture", "Courriel_prefecture"),
    "counter": ("Justificatif de la présentation au guichet", "Justificatif_guichet"),
    "phone": ("Justificatif de l'appel téléphonique à la préfecture", "Justificatif_appel"),
    "letter": ("Copie du courrier adressé à la préfecture", "Courrier_prefecture"),
    "ccc": ("Échange avec le centre de contact citoyens", "Echange_CCC"),
    "pan": ("Justificatif du passage au point d'accueil numérique", "Point_accueil_numerique"),
    "ds": ("Demande préalable déposée sur Démarches simplifiées", "Demarches_simplifiees"),
    "defenseur": ("Échange avec le Défenseur des droits", "Defenseur_des_droits"),
    "reply": ("Réponse de la préfecture", "Reponse"),
    "appointment": ("Convocation", "Convocation"),
    "registration": ("Récépissé ou attestation de dépôt de la demande", "Enregistrement_demande"),
}  # fmt: skip
# A channel's site on the ANEF route is not the booking site (channels.ROUTE_LABELS)
ROUTE_PROOF_KINDS = {"anef": {"web": ("Capture d'écran du site internet", "Capture_site")}}
# what an e-mail's file is, by its suffix: a copy keeps the headers, an image is a capture
EMAIL_FILES = {
    ".eml": "Copie du courriel envoyé à la préfecture, avec ses en-têtes",
    ".msg": "Copie du courriel envoyé à la préfecture, avec ses en-têtes",
    ".png": "Capture d'écran du courriel envoyé à la préfecture",
    ".jpg": "Capture d'écran du courriel envoyé à la préfecture",
    ".jpeg": "Capture d'écran du courriel envoyé à la préfecture",
}
# the answer to a numbered request is that service's answer
ANSWER_OF = {
    "ccc": "Réponse écrite du centre de contact citoyens",
    "ds": "Réponse sur Démarches simplifiées",
}
# A document rdvletters prepared and the person sent: the exact bytes sent (an e-mail sent
# by rdvletters) are a copy; the prepared file alone is its text, not proof it went.
SENT_LABELS = {
    "courriel": ("Courriel envoyé à la préfecture", "Courriel_envoye"),
    "lettre": ("Lettre recommandée avec avis de réception", "Lettre_recommandee_AR"),
    "saisine": ("Saisine du Défenseur des droits", "Saisine_Defenseur_des_droits"),
}
SENT_TEXT_LABELS = {
    "courriel": "Texte du courriel envoyé à la préfecture",
    "lettre": "Texte de la lettre recommandée avec avis de réception envoyée au préfet",
    "saisine": "Texte de la saisine envoyée au Défenseur des droits",
}
SENT_COPY_LABELS = {
    "courriel": "Copie du courriel envoyé à la préfecture, avec ses en-têtes",
    "lettre": "Copie de la lettre recommandée avec avis de réception envoyée au préfet",
    "saisine": "Copie de la saisine envoyée au Défenseur des droits",
}
SENT_PROOF_LABELS = {
    "lettre": ("Preuve de dépôt de la lettre recommandée", "Preuve_depot_LRAR"),
    "courriel": ("Preuve d'envoi du courriel", "Preuve_envoi_courriel"),
    "saisine": ("Preuve d'envoi de la saisine", "Preuve_envoi_saisine"),
}
# kinds of piece that show a step happened (the text of a document sent does not)
PROVING = ("preuve", "depot", "serie", "copie", "urgence", "a_joindre")


@dataclass(frozen=True)
class Piece:
    """One numbered piece: its label, the files it is made of, the steps it proves."""

    number: int
    label: str
    slug: str
    when: datetime | None
    sources: tuple[str, ...]  # case-relative files; empty for a generated piece
    steps: tuple[int, ...]  # journal entries it shows
    # chronologie | preuve | envoi (a sent document's text) | copie (its exact bytes) | depot |
    # serie | urgence | liste | horodatage | journal | explication | a_joindre (listed under
    # its number, added by the person)
    kind: str
    data: bytes | None = None  # a piece written here (the timestamps' explanation)
    captions: tuple[str, ...] = ()  # one per source, for a series of screenshots
    digits: int = 2  # of the highest number, so that names sort in order (007 before 100)
    fact: int | None = None  # the urgency fact (its index in the profile) it justifies
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


def _piece(label: str, slug: str, when, sources, steps, kind: str, **extra: Any) -> Piece:
    """A piece not numbered yet (numbers are given once every piece is in order)."""
    return Piece(0, label, slug, when, tuple(sources), tuple(steps), kind, **extra)


def _reference(step: Step) -> str:
    return f", {reference_text(step.channel, step.reference)}" if step.reference else ""


def _sent_pieces(step: Step) -> list[Piece]:
    """The document that went out (its exact copy, else its text), then its proofs."""
    kind = step.sent_document or ""
    _label, slug = SENT_LABELS[kind]
    relance = f" (relance n° {step.relance})" if step.relance else ""
    tracking = f" (n° {step.tracking})" if step.tracking else ""
    day = jour(step.when.date())
    out = []
    if step.sent_copy or step.document_file:
        label, what = (
            (SENT_COPY_LABELS[kind], "copie")
            if step.sent_copy
            else (SENT_TEXT_LABELS[kind], "envoi")
        )
        out.append(
            _piece(f"{label}{relance}{tracking}, le {day}", f"{slug}_{step.when:%Y-%m-%d}",
                   step.when, [step.sent_copy or step.document_file], [step.n], what)
        )  # fmt: skip
    proof_label, proof_slug = SENT_PROOF_LABELS[kind]
    out += [
        _piece(f"{proof_label}{tracking}, {day}", f"{proof_slug}_{step.when:%Y-%m-%d}",
               step.when, [p], [step.n], "depot")
        for p in step.pieces
    ]  # fmt: skip
    return out


def _what(step: Step, route: str, facts: Facts, path: str) -> tuple[str, str]:
    """What a proof file of ``step`` is, said for the judge, and its slug."""
    what, slug = ROUTE_PROOF_KINDS.get(route, {}).get(step.channel) or PROOF_KINDS[step.channel]
    if step.channel == "email":
        what = EMAIL_FILES.get(PurePosixPath(path).suffix.lower(), what)
    return what, slug


def _asked(step: Step, facts: Facts) -> Step | None:
    """The numbered request a reply answers (same reference), if any."""
    if step.channel != "reply" or not step.reference:
        return None
    return next(
        (s for s in facts.steps if s.channel in ANSWER_OF and s.reference == step.reference), None
    )


def _dated(step: Step) -> str:
    """« lundi 14 septembre 2026 à 9 h 05 »; a receipt card carries only the day it was
    signed: « signé le 3 novembre 2026 »."""
    if step.channel == "ar":
        return f"signé le {jour(step.when.date())}"
    return date_heure(step.when)


ARCHIVES = (".har", ".warc", ".warc.gz", ".wacz")  # a capture's archives: kept, not pieces


def _proof_pieces(
    step: Step,
    route: str,
    facts: Facts,
    skip: frozenset[str] | set[str] = frozenset(),
    sheets: dict | None = None,
) -> list[Piece]:
    """One piece per proof file of a step (files in ``skip`` go into a series); a capture
    or an upload gets its sheet of conditions as a second page."""
    if step.sent_document:
        return _sent_pieces(step)
    # a receipt card carries the day it was signed, not an hour: its name neither
    stamp = f"{step.when:%Y-%m-%d}" if step.channel == "ar" else f"{step.when:%Y-%m-%d_%Hh%M}"
    out = []
    for p in step.pieces:
        if p in skip or p.lower().endswith(ARCHIVES):
            continue
        if step.channel == "web" and p.endswith(".txt"):  # the text saved by ``capture``
            page = f"Texte de la page capturée, {date_heure(step.when)}"
            out.append(_piece(page, f"Texte_page_{stamp}", step.when, [p], [step.n], "preuve"))
            continue
        label, slug = _label(step, route, facts, p)
        sheet = (sheets or {}).get(p)
        out.append(
            _piece(label, f"{slug}_{stamp}", step.when, [p], [step.n], "preuve", sheet=sheet)
        )
    return out


def _label(step: Step, route: str, facts: Facts, path: str = "") -> tuple[str, str]:
    """The label of a piece showing ``step``: what it is, its reference, its date."""
    if step.channel == "ar":
        letter = next((x for x in reversed(facts.letters_sent) if x.when <= step.when), None)
        posted = f" du {jour(letter.when.date())}" if letter else ""
        return (
            f"Avis de réception de la lettre recommandée{posted}, {_dated(step)}",
            "Avis_de_reception",
        )
    if step.channel == "attestation":
        visit = facts.visit_of(step)
        if visit is not None:
            return (
                f"Attestation de {visit.witness} relative à la présentation au guichet de la "
                f"préfecture du {jour(visit.when.date())}",
                f"Attestation_{ascii_slug(visit.witness or '')}",
            )
        return f"Attestation de témoin, reçue le {jour(step.when.date())}", "Attestation_temoin"
    asked = _asked(step, facts)
    if asked is not None:
        said = f"{ANSWER_OF[asked.channel]}, {reference_text(asked.channel, step.reference or '')}"
        return f"{said}, {_dated(step)}", "Reponse"
    what, slug = _what(step, route, facts, path)
    return f"{what}{_reference(step)}, {_dated(step)}", slug


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
    from .dossier.timestamp_dossier import candidates, explanation

    route = profile.situation
    found = [
        _piece(label, slug, when, sources, steps, kind)
        for when, _n, label, slug, sources, steps, kind in candidates(state, "journal.jsonl")
    ]
    grouped = _series(facts.steps, route) if series else []
    in_series = {p for piece in grouped for p in piece.sources}
    sheets = conditions_sheets(state, facts)
    for step in facts.steps:
        found += _proof_pieces(step, route, facts, in_series, sheets)
    found += grouped
    found += _statements_to_add(facts)
    found.sort(key=lambda piece: piece.order)
    found += _urgency(profile, root)
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
    from ..evidence.proofs.provenance import sheet

    steps = {s.n: s for s in facts.steps}
    sheets: dict[str, tuple] = {}
    for entry in state.entries:
        step = steps.get(entry.n)
        for piece in entry.data.get("pieces", []):
            if isinstance(piece.get("conditions"), dict):
                stamps = step.stamps if step is not None else ()
                sheets[piece["fichier"]] = sheet(entry.data, piece, stamps)
    return sheets


def _statements_to_add(facts: Facts) -> list[Piece]:
    """A witness statement noted without its file: numbered with the steps, to be added
    (the visit it is for counts as justified, its number is cited)."""
    out = []
    for statement in facts.by_channel("attestation"):
        if statement.has_proof:
            continue
        label, slug = _label(statement, "rdv", facts)
        out.append(
            _piece(label, f"{slug}_{statement.when:%Y-%m-%d}", statement.when, [],
                   [statement.n], "a_joindre")
        )  # fmt: skip
    return out


def _urgency(profile: Profile, root) -> list[Piece]:
    """One piece per urgency fact, in the profile's order: its file when it is in the case
    folder, else a number under which the person adds it."""
    out = []
    for index, fact in enumerate(profile.demande.urgence):
        target = inside(root, fact.justificatif) if fact.justificatif else None
        if target is not None and target.is_file():
            out.append(_piece(fact.enclosure, fact.enclosure, None, [fact.justificatif], [],
                              "urgence", fact=index))  # fmt: skip
        else:
            out.append(_piece(fact.enclosure, fact.enclosure, None, [], [], "a_joindre",
                              fact=index))  # fmt: skip
    return out


def _to_add(profile: Profile, facts: Facts) -> list[tuple[str, str]]:
    """Pieces the court will want that the journal cannot hold: the person adds them under
    these numbers (identity, domicile, the permit)."""
    out = [("Copie du passeport (ou d'une pièce d'identité)", "Passeport")]
    expiry = profile.demande.titre_actuel_expire_le
    if profile.renewal and expiry:
        out.append((f"Copie du titre de séjour (expiration : {jour(expiry)})", "Titre_de_sejour"))
    out.append(("Justificatif de domicile", "Justificatif_de_domicile"))
    return out


def numbers_by_step(pieces: list[Piece], proving: bool = False) -> dict[int, list[int]]:
    """Journal entry -> the piece numbers that show it (``proving``: only those that show
    it happened, not the text of a document sent)."""
    out: dict[int, list[int]] = {}
    for piece in pieces:
        if proving and piece.kind not in PROVING:
            continue
        for n in piece.steps:
            out.setdefault(n, []).append(piece.number)
    return out


def justifying(facts: Facts, pieces: list[Piece]) -> dict[int, list[int]]:
    """Journal entry -> the numbers of the pieces that justify it, by the one definition
    (``Facts.justification``): its own proofs, the witness statement of a visit, the
    written answer to a numbered request. Empty for a step not justified."""
    proving = numbers_by_step(pieces, proving=True)
    return {
        step.n: sorted({n for j in facts.justification(step) for n in proving.get(j.n, [])})
        for step in facts.steps
    }


def urgency_numbers(pieces: list[Piece]) -> dict[int, int]:
    """Urgency fact (its index in the profile) -> its piece number, file or to add."""
    return {p.fact: p.number for p in pieces if p.fact is not None}
