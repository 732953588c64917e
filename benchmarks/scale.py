"""Scale runs: record, status, verify, log and bundle on journals of 500, 5,000 and 50,000
entries, with wall time and peak memory (RSS) of each command.

Run:  python benchmarks/scale.py [--sizes 500 5000 50000] [--python PATH]
Each journal is built through the library (``Case.record``, ``prepare``, ``record_sent``),
as a person's commands would build it: mostly attempts on the booking site, by
phone and e-mail, one in ten with a screenshot, a counter visit now and then (a
few with a witness), a registered letter prepared and sent from time to time.
Every command then runs in a fresh process of the interpreter given; peak RSS is
that process's own (``wait4``). Linux or macOS.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

CHANNELS = ("web", "phone", "web", "web", "email", "web", "ccc")
COMMANDS = [
    ("record", ["record", "web", "-m", "mesure", "--at", "{last}"]),
    ("status", ["status"]),
    ("verify", ["verify"]),
    ("log", ["log"]),
    ("bundle", ["bundle", "-o", "{out}"]),
]


def build(folder: Path, size: int) -> datetime:
    """A case of ``size`` entries, through the library; returns the last step's time."""
    from rdvletters.case import Case
    from rdvletters.documents.pipeline import prepare
    from rdvletters.frdates import PARIS

    case = Case(folder)
    case.init(example="rdv")
    (folder / "journal.jsonl").unlink()
    for piece in (folder / "pieces").glob("*.png"):
        piece.unlink()
    proof = folder.parent / "capture.png"
    start = datetime(2023, 1, 2, 9, 0, tzinfo=PARIS)
    when = start
    i = 0
    while i < size:
        i += 1
        when = start + timedelta(minutes=20 * i)
        if i % 2000 == 1000:  # a registered letter, prepared then sent
            letter = prepare(case, "lettre", "text", now=when)
            case.record_sent(letter.entry.n, when + timedelta(minutes=5), "1A 123 456 7890 1")
            i += 1
            continue
        channel = "counter" if i % 97 == 0 else CHANNELS[i % len(CHANNELS)]
        witness = "Fatou SOW" if channel == "counter" and i % 2425 == 0 else None
        proofs = []
        if i % 10 == 0:
            proof.write_bytes(b"\x89PNG capture %d" % i)
            proofs = [proof]
        case.record(channel, when, f"Aucun créneau disponible (essai {i})", proofs, witness)
    return when


def measure(python: str, argv: list[str]) -> tuple[float, float, int]:
    """(seconds, peak RSS in MiB, exit code) of one command in a fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen([python, "-m", "rdvletters", *argv], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return elapsed, rss, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000, 50000])
    parser.add_argument("--python", default=sys.executable, help="interpreter to measure")
    parser.add_argument("--build", nargs=2, metavar=("FOLDER", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        print(build(Path(args.build[0]), int(args.build[1])).isoformat())
        return
    print(f"{'entries':>8}  {'command':<8}{'time':>9}{'peak RSS':>11}   (build: library)")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            folder = Path(tmp) / str(size) / "cas"
            folder.parent.mkdir()
            began = time.perf_counter()
            # built in a child process: a measured command forked from a parent that holds
            # the library would count the parent's memory in its peak RSS
            done = subprocess.run(
                [args.python, __file__, "--build", str(folder), str(size)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            last = datetime.fromisoformat(done.stdout.strip())
            built = time.perf_counter() - began
            print(f"{size:>8}  {'(build)':<8}{built:>7.1f} s   {built / size * 1000:.2f} ms/entrée")
            for name, command in COMMANDS:
                argv = [
                    a.replace("{last}", f"{last:%Y-%m-%d %H:%M}").replace(
                        "{out}", str(folder.parent / "dossier")
                    )
                    for a in command
                ]
                seconds, rss, code = measure(args.python, ["-C", str(folder), *argv])
                flag = "" if code == 0 else f"   exit {code}"
                print(f"{size:>8}  {name:<8}{seconds:>7.2f} s{rss:>8.0f} MiB{flag}", flush=True)


if __name__ == "__main__":
    main()
