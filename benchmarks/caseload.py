"""The caseload page of ``rdvletters web --cases DIR`` at 200 and 1,000 cases: server time
of one request (Flask's test client, in this process: no network, no browser), cold
(no summary cached) and warm (the cache current), with a search, a filter and page 2.

Run:  python benchmarks/caseload.py [--sizes 200 1000] [--repeat 7]
Each case is built through the library, as a volunteer's permanence would be: a profile
written by ``profile_edit`` (names, with homonyms, birth dates, five préfectures, both
routes, some renewals), then 8 to 40 attempts recorded with ``Case.record`` over the
weeks before the suite's « now », and a text e-mail prepared now and then. The summary
cache lives in a temporary XDG_CACHE_HOME. Medians of ``--repeat`` requests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("RDVLETTERS_NOW", "2026-11-30T10:00:00+01:00")
SURNAMES = ("DIALLO", "KONÉ", "TRAORÉ", "NGUYEN", "SOW", "BAH", "CAMARA", "DIOP", "KEITA", "FOFANA")
FIRST = ("Aminata", "Moussa", "Fatou", "Ibrahima", "Mariam", "Oumar", "Awa", "Lan", "Kofi", "Sara")
PREFECTURES = (
    ("Préfecture de la Seine-Saint-Denis", "93"),
    ("Préfecture du Rhône", "69"),
    ("Préfecture de l'Ain", "01"),
    ("Préfecture de la Haute-Garonne", "31"),
    ("Préfecture du Nord", "59"),
)


def build(root: Path, count: int) -> None:
    from rdvletters.case import Case
    from rdvletters.documents.pipeline import prepare
    from rdvletters.frdates import PARIS
    from rdvletters.profile_edit import update_profile

    now = datetime(2026, 11, 30, 9, 0, tzinfo=PARIS)
    for i in range(count):
        surname, first = SURNAMES[i % 10], FIRST[(i // 10) % 10]
        prefecture, dept = PREFECTURES[i % 5]
        case = Case(root / f"{surname}_{first}_{i:04d}")
        case.init()
        renewal = i % 4 == 0
        values = {
            ("situation",): "anef" if i % 3 == 0 else "rdv",
            ("demandeur", "civilite"): "Madame" if i % 2 else "Monsieur",
            ("demandeur", "nom"): surname,
            ("demandeur", "prenom"): first,
            ("demandeur", "date_naissance"): f"{1970 + i % 35}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            ("demandeur", "lieu_naissance"): "Bamako (Mali)",
            ("demandeur", "nationalite"): "malienne",
            ("demandeur", "adresse"): ["12 rue des Lilas", f"{dept}000 Ville"],
            ("demande", "nature"): "renouvellement" if renewal else "premiere_demande",
            ("demande", "titre"): "carte de séjour temporaire « salarié »",
            ("demande", "dossier_complet"): "oui",
            ("prefecture", "nom"): prefecture,
            ("prefecture", "adresse"): ["1 place de la Préfecture", f"{dept}000 Ville"],
            ("prefecture", "courriel"): "pref@example.gouv.fr",
            ("lieu_signature",): "Ville",
        }
        if renewal:
            expiry = now.date() + timedelta(days=(i * 7) % 200 - 20)
            values[("demande", "titre_actuel_expire_le")] = expiry.isoformat()
        update_profile(case.profile_path, values)
        attempts = 8 + i % 33
        start = now - timedelta(days=2 * attempts + 1)
        for k in range(attempts):
            when = start + timedelta(days=2 * k, hours=k % 9)
            case.record("web" if k % 3 else "phone", when, "Aucun créneau disponible", [])
            if k % 12 == 11:
                prepare(case, "courriel", "text", now=when + timedelta(minutes=5))


def measure(root: Path, repeat: int) -> dict[str, float]:
    from rdvletters.caseload import cache_file
    from rdvletters.web.app import create_app
    from rdvletters.web.cases import Registry

    app = create_app(Registry(root, many=True), token="t")
    client = app.test_client()
    client.get("/?token=t")

    def timed(url: str) -> float:
        began = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return time.perf_counter() - began

    figures = {}
    cold = []
    for _ in range(max(1, repeat // 3)):
        cache_file(root).unlink(missing_ok=True)
        cold.append(timed("/"))
    figures["cold (no cache)"] = statistics.median(cold)
    timed("/")
    for label, url in (
        ("warm, first page", "/"),
        ("warm, search a name", "/?q=diallo+aminata"),
        ("warm, search a birth date", "/?q=12/04/1990"),
        ("warm, filter route + next step", "/?route=rdv&next=email"),
        ("warm, expiring within 30 days", "/?soon=1&sort=expiry"),
        ("warm, page 2 sorted by last attempt", "/?sort=since&page=2"),
    ):
        figures[label] = statistics.median(timed(url) for _ in range(repeat))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[200, 1000])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        print(
            f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
            f"load {os.getloadavg()[0]:.2f}"
        )
        print("| cases | request | server time |")
        print("| ---: | --- | ---: |")
        for size in args.sizes:
            root = Path(tmp) / f"permanence-{size}"
            root.mkdir()
            began = time.perf_counter()
            build(root, size)
            built = time.perf_counter() - began
            print(f"| {size:,} | (built through the library in {built:.0f} s) | |")
            for label, seconds in measure(root, args.repeat).items():
                print(f"| {size:,} | {label} | {seconds * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
