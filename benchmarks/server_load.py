"""Load on the association server, through Caddy on 127.0.0.1 (HTTPS, internal CA).

100 persons each record an attempt with a 300 KB screenshot from their link, their
starts spread over one minute, while 10 volunteers browse the cases (list, status,
receipts) for that minute. The server runs as ``rdvletters serve`` in its own process
(8 threads), a local timestamping authority stamps every proof on receipt. Then every
case is opened with the recovery key: each journal must hold its person's attempt once
(0 lost, 0 twice) and verify (0 broken chains); the audit log's chain must be intact.

    python benchmarks/server_load.py [--persons 100] [--volunteers 10] [--seconds 60]

Prints the figures as a Markdown table (they go in benchmarks/RESULTS.md).
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import re
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RDVLETTERS_NOW", "2026-11-30T10:00:00+01:00")

from PIL import Image  # noqa: E402

from tests.caddy_proxy import Caddy, free_port  # noqa: E402
from tests.conftest import EXAMPLE, EXAMPLE_ANEF  # noqa: E402
from tests.server_helpers import (  # noqa: E402
    Server,
    accept,
    admin_client,
    case_key,
    invite,
    make_link,
    new_case,
    seed_example,
)


def screenshot(size: int = 300_000) -> bytes:
    """A real PNG of about ``size`` bytes (noise does not compress)."""
    side = int((size / 3) ** 0.5)
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


class Https:
    """One HTTPS connection to Caddy, with the cookies of one browser."""

    def __init__(self, port: int, ca: Path) -> None:
        self.port = port
        self.context = ssl.create_default_context(cafile=str(ca))
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes = b"", headers=None):
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=self.context, timeout=120
        )
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.perf_counter()
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - start
        for header in response.msg.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        connection.close()
        return response.status, data, elapsed


def multipart(fields: dict[str, str], png: bytes) -> tuple[bytes, str]:
    boundary = "b" + uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="proofs"; '
        f'filename="Screenshot.png"\r\nContent-Type: image/png\r\n\r\n'.encode()
        + png
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def person(port, ca, link, png, delay, results, errors):
    time.sleep(delay)
    phone = Https(port, ca)
    client_id = str(uuid.uuid4())
    try:
        status, page, t_page = phone.request("GET", link)
        csrf = re.search(rb'name="csrf" value="([0-9a-f]+)"', page).group(1).decode()
        fields = {
            "csrf": csrf,
            "channel": "web",
            "date": "2026-11-30",
            "time": "09:00",
            "message": "Aucune plage horaire libre pour le moment",
            "client_id": client_id,
        }
        body, ctype = multipart(fields, png)
        for _attempt in range(3):  # the phone retries a failed sending
            status, data, t_post = phone.request(
                "POST", f"{link}essai", body, {"Content-Type": ctype, "Accept": "application/json"}
            )
            if status == 200:
                break
        results.append((link, client_id, status, t_page, t_post))
    except Exception as exc:  # noqa: BLE001 - counted, printed
        errors.append(f"person {link[:12]}: {exc!r}")


def volunteer(port, ca, login, cases, stop, latencies, errors):
    browser = Https(port, ca)
    status, page, _t = browser.request("GET", "/connexion")
    csrf = re.search(rb'name="csrf" value="([0-9a-f]+)"', page).group(1).decode()
    body = f"csrf={csrf}&login={login}&password=une+phrase+de+passe+assez+longue".encode()
    status, _data, _t = browser.request(
        "POST", "/connexion", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    if status != 303:
        errors.append(f"volunteer {login}: sign-in {status}")
        return
    while not stop.is_set():
        case_id = random.choice(cases)
        for path in ("/", f"/c/{case_id}/status", f"/c/{case_id}/recu"):
            status, _data, elapsed = browser.request("GET", path)
            if status != 200:
                errors.append(f"volunteer {login} {path}: {status}")
            latencies.append(elapsed)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100)
    parser.add_argument("--volunteers", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()

    from rdvletters.case import Case
    from rdvletters.evidence.proofs.verify import verify
    from rdvletters.server import audit
    from rdvletters.server.app import create_server_app
    from rdvletters.server.config import load_config
    from rdvletters.server.setup import set_up
    from tests.tsa_server import LocalTSA, make_pki

    work = Path(tempfile.mkdtemp(prefix="rdvletters-load-"))
    pki = make_pki(work / "pki")
    with LocalTSA(pki) as tsa:
        backend, https_port = free_port(), free_port()
        config_path = work / "rdvletters.toml"
        config_path.write_text(
            f"""
[server]
data_dir = "data"
public_url = "https://127.0.0.1:{https_port}"
port = {backend}
threads = 8

[security]
login_attempts = 100

[timestamp]
authorities = [{{ url = "{tsa.url}", name = "TSA locale", certificate = "{pki.ca}" }}]
""",
            encoding="utf-8",
        )
        config = load_config(config_path)
        done = set_up(config, "Awa")
        app = create_server_app(config)
        server = Server(config, app, done.invitation_token, done.recovery_text)
        print(f"setting up {args.persons} cases…", file=sys.stderr)
        admin, _secret = admin_client(server)
        logins = []
        for i in range(args.volunteers):
            accept(server.client(), invite(admin, f"Bénévole {i}", all_cases=True), f"b{i}")
            logins.append(f"b{i}")
        cases, links = [], []
        for i in range(args.persons):
            case_id = new_case(admin, f"Personne{i}", "Test")
            seed_example(server, case_id, EXAMPLE if i % 2 else EXAMPLE_ANEF)
            cases.append(case_id)
            links.append(make_link(admin, case_id))
        before = {}
        vault = app.extensions["rdv_server"].vault
        for case_id in cases:
            with vault.locked(case_id), vault.checkout(case_id, case_key(server, case_id)) as r:
                before[case_id] = len((r / "journal.jsonl").read_bytes().splitlines())

        process = subprocess.Popen(
            [
                shutil.which("rdvletters") or str(Path(sys.executable).parent / "rdvletters"),
                "serve",
                "--config",
                str(config_path),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        process.stdout.readline()
        try:
            with Caddy(work / "caddy", backend, https_port) as caddy:
                png = screenshot()
                results, latencies, errors = [], [], []
                stop = threading.Event()
                threads = [
                    threading.Thread(
                        target=volunteer,
                        args=(https_port, caddy.root_ca, login, cases, stop, latencies, errors),
                    )
                    for login in logins
                ]
                threads += [
                    threading.Thread(
                        target=person,
                        args=(
                            https_port,
                            caddy.root_ca,
                            link,
                            png,
                            random.uniform(0, args.seconds * 0.95),
                            results,
                            errors,
                        ),
                    )
                    for link in links
                ]
                started = time.perf_counter()
                for thread in threads:
                    thread.start()
                for thread in threads[len(logins) :]:
                    thread.join()
                persons_done = time.perf_counter() - started
                stop.set()
                for thread in threads[: len(logins)]:
                    thread.join()
                # let the worker stamp what arrived
                time.sleep(5)
        finally:
            process.terminate()
            process.wait(timeout=30)

    lost = twice = broken = stamped = 0
    by_link = {link: (cid, status) for link, cid, status, *_ in results}
    for case_id, link in zip(cases, links, strict=True):
        with vault.locked(case_id), vault.checkout(case_id, case_key(server, case_id)) as root:
            entries = [json.loads(x) for x in (root / "journal.jsonl").read_bytes().splitlines()]
            client_id = by_link.get(link, (None, None))[0]
            found = sum(e.get("telephone", {}).get("id") == client_id for e in entries)
            lost += found == 0
            twice += found > 1
            report = verify(Case(root))
            broken += not report.ok
            stamped += any(e["type"] == "horodatage" for e in entries[before[case_id] :])
    audit_broken = audit.verify_chain(server.store)
    posts = [r[4] for r in results]
    pages = [r[3] for r in results]

    def spread(values: list[float], with_max: bool = True) -> str:
        shown = [statistics.median(values), percentile(values, 95)]
        shown += [max(values)] if with_max else []
        return " / ".join(f"{v:.2f} s" for v in shown)

    rows = [
        (
            "persons, attempts sent (300 KB PNG each)",
            f"{len(results)} of {args.persons} in {persons_done:.0f} s",
        ),
        ("lost entries", lost),
        ("entries recorded twice", twice),
        ("broken journal chains (verify)", broken),
        ("cases timestamped after the attempt", f"{stamped} of {len(cases)}"),
        ("audit log rows out of chain", len(audit_broken)),
        ("errors", len(errors)),
        ("attempt POST latency p50 / p95 / max", spread(posts)),
        ("link page GET p50 / p95", spread(pages, with_max=False)),
        (f"volunteer pages ({len(latencies)} requests) p50 / p95 / max", spread(latencies)),
    ]
    print("\n| figure | value |\n| --- | ---: |")
    for name, value in rows:
        print(f"| {name} | {value} |")
    for error in errors[:10]:
        print("  ", error)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
