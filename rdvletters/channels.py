"""The channels of the journal: what each one is called, and how much it weighs.

A channel is how a step happened (booking site, e-mail, counter, ANEF, centre
de contact citoyens…). Its French name depends on the route: on the ANEF route
nobody is after a « rendez-vous », so the booking site and the appointment are
named for what they are there. The order of channels in every summary follows
what a judge looks for on that route (ANEF errors, CCC tickets and PAN visits
first on ``anef``; booking-site screenshots first on ``rdv``).
"""

from __future__ import annotations

from .i18n import N_

# channel -> French label, the same on both routes unless ROUTE_LABELS says otherwise; marked
# for the catalogs: the interface shows them translated, documents and the journal in French
CHANNELS: dict[str, str] = {
    "web": N_("site de rendez-vous de la préfecture"),
    "email": N_("courriel à la préfecture"),
    "counter": N_("présentation au guichet"),
    "phone": N_("appel téléphonique"),
    "letter": N_("courrier postal"),
    "anef": N_("téléservice ANEF"),
    "ccc": N_("centre de contact citoyens (CCC)"),
    "pan": N_("point d'accueil numérique"),
    "ds": N_("demande préalable sur Démarches simplifiées"),
    "defenseur": N_("Défenseur des droits"),
    "reply": N_("réponse reçue"),
    "appointment": N_("rendez-vous obtenu"),
    "ar": N_("avis de réception signé reçu"),
    "attestation": N_("attestation de témoin reçue"),
    "registration": N_("demande enregistrée"),
}
ROUTE_LABELS: dict[str, dict[str, str]] = {
    "anef": {"web": N_("site internet de la préfecture"), "appointment": N_("convocation reçue")},
}

# Steps towards the préfecture (as opposed to events: answers, receipts, the Défenseur).
# « ds »: the pre-request some préfectures put before their booking page, on the
# Démarches simplifiées platform (its dossier number, then its silence).
ATTEMPT_CHANNELS = ("web", "email", "counter", "phone", "letter", "anef", "ccc", "pan", "ds")
# Order of weight in summaries, per route.
ORDER: dict[str, tuple[str, ...]] = {
    "rdv": ("web", "ds", "counter", "email", "letter", "phone", "ccc", "pan", "anef"),
    "anef": ("anef", "ccc", "pan", "counter", "email", "letter", "ds", "web", "phone"),
}
# The channel a prepared document goes out through.
DOCUMENT_CHANNEL = {"courriel": "email", "lettre": "letter", "saisine": "defenseur"}
# Channels whose description is a message shown or received, quoted in « » in the documents;
# elsewhere the description is the person's own account, written as plain text.
QUOTED_CHANNELS = ("web", "anef", "reply")
# How a step's reference is introduced: « erreur ERR-500 », « demande n° 2610-48213 »…
REFERENCE_WORDS = {"anef": "erreur", "ccc": "demande n°", "ds": "dossier n°"}
# Channels whose step is a request with a number, that the administration answers under
# that number (a reply recorded with the same reference is its answer).
NUMBERED_REQUESTS = ("ccc", "ds")


def reference_text(channel: str, reference: str) -> str:
    return f"{REFERENCE_WORDS.get(channel, 'réf.')} {reference}"


def label(channel: str, route: str = "rdv") -> str:
    """The French name of ``channel`` on ``route``."""
    return ROUTE_LABELS.get(route, {}).get(channel, CHANNELS[channel])


def by_weight(channels: set[str] | list[str], route: str) -> list[str]:
    """``channels`` in the order that matters on ``route``."""
    order = ORDER[route]
    return sorted(set(channels), key=lambda c: order.index(c) if c in order else len(order))
