"""The département of the case: its préfet, and the administrative court that hears it.

The permit is issued by the préfet of the département where the person lives,
in Paris by the préfet de police (CESEDA R. 431-20); the competent tribunal
administratif is the one in whose ressort that préfet sits (CJA R. 312-1,
R. 221-3). Two data files ship with the package: ``data/departements.csv``
(name and the préfet's designation, « de l'Ain », « de police »…) and
``data/ta_competence.csv`` (the project's verified département → tribunal table,
with the status of each address: only [V] and [S] addresses are printed).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
POSTCODE = re.compile(r"\b(\d{5})\b")


STREET_TO_CHECK = "[numéro et rue à vérifier sur le site du tribunal]"  # sources disagree


@dataclass(frozen=True)
class Departement:
    """One département and what the documents need to know of it."""

    code: str
    nom: str
    prefet_de: str  # « de l'Ain »; empty where the State is not represented by a préfet
    tribunal: str
    tribunal_address: str  # as the table gives it, with its [V]/[S]/[U] tag
    tribunal_source: str

    @property
    def prefet(self) -> str:
        """« préfet de l'Ain », « préfet de police »; empty when unknown."""
        return f"préfet {self.prefet_de}" if self.prefet_de else ""

    @property
    def _tag(self) -> str:
        return self.tribunal_address.split("]")[0] + "]"

    @property
    def address_checked(self) -> bool:
        """Only addresses read in a source ([V] or [S]) may be printed; where the sources
        disagree, only what they agree on (``tribunal_address_lines``)."""
        return self._tag.startswith(("[V", "[S"))

    @property
    def variants(self) -> list[str]:
        """The addresses the sources give, when they disagree (« [S, sources divergentes]
        206 rue de Paris, … (Wikipédia indique 7 rue Catherine-Puig, …) »); else empty."""
        if "divergentes" not in self._tag:
            return []
        text = re.sub(r"^\[[^\]]*\]\s*", "", self.tribunal_address)
        other = re.search(r"\((?:[^()]*?\b(?:indique|indiquent)\s+)?([^()]*)\)", text)
        main = re.sub(r"\s*\([^)]*\)", "", text).strip()
        return [main, other.group(1).strip()] if other else [main]

    @property
    def address_to_confirm(self) -> bool:
        """A printed address read in a secondary source ([S]), or with a part the table marks
        « à vérifier » (cedex, postcode): every such address is printed the same way, with
        its postcode and cedex to confirm (Montreuil's too, whose sources disagree)."""
        secondary = self.tribunal_address.startswith("[S")
        return self.address_checked and (secondary or "vérifier" in self.tribunal_address)

    @property
    def tribunal_address_lines(self) -> list[str]:
        """The address as far as a source vouches for it, split at commas; empty when it is
        unverified. A cedex line the table marks « à vérifier » is left out: it may be
        another court's (Lyon's is the court of appeal's). Where the sources disagree, the
        lines they share are printed and the others left to complete: nothing is chosen
        between two sources, nothing invented."""
        if not self.address_checked:
            return []
        if variants := self.variants:
            split = [[part.strip() for part in v.split(",") if part.strip()] for v in variants]
            shared = [line for line in split[0] if all(line in other for other in split[1:])]
            return [STREET_TO_CHECK, *shared] if len(split) > 1 else []
        text = re.sub(r"^\[[^\]]*\]\s*", "", self.tribunal_address)
        text = re.sub(r"\s*\([^)]*\)", "", text)  # « (cedex à vérifier) » and similar notes
        lines = [part.strip() for part in text.split(",") if part.strip()]
        if "vérifier" in self.tribunal_address and "cedex" in self.tribunal_address.lower():
            lines = [ln for ln in lines if "cedex" not in ln.lower()]
        return lines


@cache
def table() -> dict[str, Departement]:
    """Every département by code, read once from the two data files."""
    with open(DATA / "departements.csv", encoding="utf-8", newline="") as handle:
        names = {row["code"]: row for row in csv.DictReader(handle)}
    with open(DATA / "ta_competence.csv", encoding="utf-8", newline="") as handle:
        courts = {row["departement_code"]: row for row in csv.DictReader(handle)}
    return {
        code: Departement(
            code,
            row["nom"],
            row["prefet"],
            courts[code]["tribunal"],
            courts[code]["tribunal_address"],
            courts[code]["source_url"],
        )
        for code, row in names.items()
    }


def from_postcode(postcode: str) -> str | None:
    """The département code of a French postcode (Corsica and overseas included)."""
    if not re.fullmatch(r"\d{5}", postcode):
        return None
    if postcode.startswith(("97", "98")):
        return postcode[:3]
    if postcode.startswith("20"):
        return "2A" if postcode[:3] in ("200", "201") else "2B"
    return postcode[:2]


def postcode_in(lines: list[str]) -> str | None:
    """The last five-digit postcode found in an address."""
    found = [m for line in lines for m in POSTCODE.findall(line)]
    return found[-1] if found else None


def find(code: str | None) -> Departement | None:
    return table().get(code) if code else None
