"""The association server's list of cases at 1,000 cases: server time of one request
(Flask's test client, in this process: no network, no TLS), for a volunteer who follows
every case (a wrapped copy of each case key to their own public key) and for one allowed
to see all cases (each key through the team key), on the first page, page 2, a search
by name and a search that finds nothing.

Run:  python benchmarks/server_caselist.py [--cases 1000] [--repeat 7]

Each case is opened as « Ouvrir un nouveau dossier » does in the database
(``caseindex.create_case``: a case key, wrapped to the volunteer, the recovery key and
the team key, the person's name sealed with the case key); the list reads no case folder.
Prints one line of JSON (medians in seconds) after the table, for ``--tree`` runs compared
side by side: run it once per tree with ``PYTHONPATH=TREE``, alternating.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.append(str(HERE.parent))  # ``tests.server_helpers`` (after PYTHONPATH: a tree)
os.environ.setdefault("RDVLETTERS_NOW", "2026-11-30T10:00:00+01:00")

FIRST = ("Zoé", "Amadou", "Fatoumata", "Hélène", "Moussa", "Lan")
SURNAMES = ("DIALLO", "KONÉ", "TRAORÉ", "NGUYEN", "SOW", "N'DIAYE", "CAMARA", "DIOP")
URLS = {
    "first page": "/",
    "page 2": "/?page=2",
    "search a name": "/?q=diallo+helene",
    "search, page 2": "/?q=fatoumata&page=2",
    "search, nothing found": "/?q=dupont",
}


def build(folder: Path, count: int):
    """A set-up server with ``count`` cases followed by « marie », and « paul » allowed to
    see all cases (following none)."""
    from rdvletters.server import accounts, caseindex
    from tests.server_helpers import PASSWORD, make_server

    server = make_server(folder)
    store, cost = server.store, server.config.argon2
    token = accounts.invite(store, "Marie Bénévole", "volunteer", False, None)
    marie = accounts.accept_invitation(store, token, "marie", PASSWORD, cost)
    for i in range(count):
        name = f"{SURNAMES[i % 8]} {FIRST[(i // 8) % 6]} {i:04d}"
        caseindex.create_case(store, marie, name)
    admin, _secret = _admin(server)
    from tests.server_helpers import accept, invite

    assert accept(server.client(), invite(admin, "Paul", all_cases=True), "paul").status_code == 303
    return server


def _admin(server):
    from tests.server_helpers import admin_client

    return admin_client(server)


def measure(server, login: str, repeat: int) -> dict[str, float]:
    from tests.server_helpers import login as sign_in

    client = server.client()
    assert sign_in(client, login).status_code == 303
    figures = {}
    for label, url in URLS.items():
        times = []
        for _ in range(repeat + 1):
            began = time.perf_counter()
            answer = client.get(url)
            times.append(time.perf_counter() - began)
            assert answer.status_code == 200, (url, answer.status_code)
        figures[label] = statistics.median(times[1:])  # the first one compiles templates
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        server = build(Path(tmp), args.cases)
        built = time.perf_counter() - began
        results = {}
        for login, who in (("marie", "follows every case"), ("paul", "sees all cases")):
            for label, seconds in measure(server, login, args.repeat).items():
                results[f"{who}: {label}"] = seconds
    load = os.getloadavg()[0]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load {load:.2f}, "
          f"{args.cases:,} cases (built in {built:.0f} s)")  # fmt: skip
    print("| request | server time |\n| --- | ---: |")
    for label, seconds in results.items():
        print(f"| {label} | {seconds * 1000:.0f} ms |")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
