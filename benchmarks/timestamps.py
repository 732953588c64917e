"""How long automatic timestamps add to a command: ``python benchmarks/timestamps.py``.

The installed ``rdvletters record`` in a fresh process, on the bundled example, with
``horodatage: auto`` and two local authorities (``tests/tsa_server.py``) that answer, that
are down (connection refused), or that accept the connection and never answer (the
worst case: only the budget of about a second ends the wait). Manual settings are the
baseline. Needs ``openssl``; run from the repository with its ``.venv``.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.tsa_server import LocalTSA, make_pki, settings_for, trust_store  # noqa: E402

RUNS = 5
EXE = str(Path(sys.executable).parent / "rdvletters")


class BlackHole:
    """Accepts connections and never answers."""

    def __enter__(self) -> BlackHole:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/tsr"
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def __exit__(self, *exc) -> None:
        self.sock.close()


def _case(base: Path, settings: str | None) -> Path:
    folder = Path(tempfile.mkdtemp(dir=base)) / "cas"
    subprocess.run([EXE, "init", "--example", str(folder)], check=True, capture_output=True)
    if settings is not None:
        (folder / "horodatage.yaml").write_text(settings, encoding="utf-8")
    return folder


def _time(folder: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [EXE, "-C", str(folder), "record", "web", "-m", "Aucun créneau"],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="rdvletters-bench-ts-"))
    a, b = make_pki(base / "a", "Alpha"), make_pki(base / "b", "Beta")
    env = {**os.environ, "RDVLETTERS_TRUST_STORE": str(trust_store(base / "s", a, b))}

    class Down:
        url = "http://127.0.0.1:9/tsr"

    rows = []
    with LocalTSA(a) as ta, LocalTSA(b) as tb, BlackHole() as h1, BlackHole() as h2:
        for name, settings in (
            ("manual (no timestamp)", None),
            ("auto, two authorities answer", settings_for(ta, tb)),
            ("auto, both down (refused)", settings_for(Down(), Down())),
            ("auto, both never answer", settings_for(h1, h2)),
        ):
            times = []
            for _ in range(RUNS):
                times.append(_time(_case(base, settings), env))
            rows.append((name, statistics.median(times), max(times)))
    print(f"| case | median of {RUNS} | slowest |\n| --- | ---: | ---: |")
    for name, median, slowest in rows:
        print(f"| {name} | {median:.2f} s | {slowest:.2f} s |")


if __name__ == "__main__":
    main()
