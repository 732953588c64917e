"""``rdvletters web --cases DIR`` with no cache at all, as a person meets it: the real
command in a fresh process, its first page asked for as soon as it prints its address.

Run:  python benchmarks/caseload_start.py PERMANENCE [--tree NAME=PATH ...] [--runs 3]
      [--delay 0.5]
PERMANENCE is a folder of cases (``caseload.py``'s ``build``; ``realistic.py`` makes one
of 1,000). Each run has an empty cache folder (``XDG_CACHE_HOME``); the trees are run
alternately (``this`` is the installed package; ``--tree`` a ``git archive`` copy run
with ``PYTHONPATH``). For each run:
- first page: the wall time of the first request of ``/`` (the list or, while the
  cases are being read, the page saying how far it is) and which of the two it was,
  asked at once, or ``--delay`` seconds after the address is printed (a browser takes
  that long to start: ``rdvletters web`` loads the first page's templates meanwhile);
- list ready: from the address printed to the list itself being served, asking again
  every 0.1 s as the page's script does (every second) and as a person would;
- another language: then the list in English (``/langue/en``, which redirects to it),
  the first English page of the run.
Medians of ``--runs``; the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

NOW = "2026-11-30T10:00:00+01:00"


def one_run(folder: Path, env: dict[str, str], delay: float) -> tuple[float, str, float, float]:
    """(seconds of the first page, what it was, seconds until the list is served, seconds
    of the first page in English)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**env, "XDG_CACHE_HOME": str(Path(tmp) / "cache"), "RDVLETTERS_NOW": NOW}
        argv = [sys.executable, "-m", "rdvletters", "web", "--cases", str(folder), "--no-browser"]
        process = subprocess.Popen(argv, env=env, cwd=tmp, stdout=subprocess.PIPE, text=True)
        try:
            url = next(line.strip() for line in process.stdout if "token=" in line)
            printed = time.perf_counter()
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
            )
            time.sleep(delay)
            opener.open(url, timeout=120).read()  # the token: a cookie, then the app's path
            base = url.split("?")[0]
            began = time.perf_counter()
            page = opener.open(base, timeout=120).read().decode("utf-8")
            first = time.perf_counter() - began
            kind = "progress" if "data-preparing" in page else "list"
            while "data-preparing" in page:
                time.sleep(0.1)
                page = opener.open(base, timeout=120).read().decode("utf-8")
            assert "<table" in page, page[:500]
            ready = time.perf_counter() - printed
            began = time.perf_counter()
            page = opener.open(f"{base}/langue/en?next=/", timeout=120).read().decode("utf-8")
            english = time.perf_counter() - began
            assert "<table" in page and 'lang="en"' in page, page[:500]
            return first, kind, ready, english
        finally:
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("permanence", type=Path)
    parser.add_argument("--tree", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    trees = {"this": None, **dict(t.split("=", 1) for t in args.tree)}
    envs = {
        name: {**os.environ, **({"PYTHONPATH": str(Path(path).resolve())} if path else {})}
        for name, path in trees.items()
    }
    results: dict[str, list[tuple[float, str, float, float]]] = {name: [] for name in trees}
    for _ in range(args.runs):
        for name, env in envs.items():
            results[name].append(one_run(args.permanence.resolve(), env, args.delay))
    load = os.getloadavg()
    print(f"{args.runs} interleaved runs, {os.cpu_count()} CPU, load {load[0]:.1f}/{load[1]:.1f}, "
          f"first page asked {args.delay} s after the address")  # fmt: skip
    print("| tree | first page | what it was | list ready (from the address) | in English |")
    print("| --- | ---: | --- | ---: | ---: |")
    for name, found in results.items():
        kinds = ", ".join(sorted({k for _, k, _, _ in found}))
        first, ready, english = (statistics.median(f[i] for f in found) for i in (0, 2, 3))
        print(f"| {name} | {first:.3f} s | {kinds} | {ready:.2f} s | {english:.3f} s |")


if __name__ == "__main__":
    main()
