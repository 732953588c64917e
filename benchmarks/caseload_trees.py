"""The caseload page of 1,000 cases, this checkout against another, interleaved: each run
starts one fresh process per tree, in turn, on the same permanence (``caseload.py``'s
builder), and times in it the first page of a new day (yesterday's cache on disk, then
the templates compiled by this request), then the same page again, a search, a filter,
page 2 sorted by last attempt (medians of ``--repeat`` each).

Run:  python benchmarks/caseload_trees.py --tree main=/tmp/m [--runs 5] [--cases 1000]
(``git archive main | tar -x -C /tmp/m`` makes /tmp/m). Each tree has its own cache
folder, written the evening before by that tree.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
YESTERDAY, TODAY = "2026-11-29T18:00:00+01:00", "2026-11-30T10:00:00+01:00"
PAGES = {
    "first page of the day": "/",
    "the same page again": "/",
    "search a name": "/?q=diallo+aminata",
    "filter route + next step": "/?route=rdv&next=email",
    "page 2 sorted by last attempt": "/?sort=since&page=2",
}
PROBE = """
import json, statistics, sys, time
from pathlib import Path
from rdvletters.web.app import create_app
from rdvletters.web.cases import Registry
pages, repeat = json.loads(sys.argv[2]), int(sys.argv[3])
client = create_app(Registry(Path(sys.argv[1]), many=True), token="t").test_client()
client.get("/?token=t")
def timed(url):
    began = time.perf_counter()
    assert client.get(url).status_code == 200
    return time.perf_counter() - began
out = {}
for n, (label, url) in enumerate(pages.items()):
    out[label] = timed(url) if n == 0 else statistics.median(timed(url) for _ in range(repeat))
print(json.dumps(out))
"""


def probe(folder: Path, env: dict[str, str], repeat: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(folder), json.dumps(PAGES), str(repeat)],
        env=env, cwd=folder.parent, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--permanence", type=Path, help="an existing one (else built)")
    args = parser.parse_args()
    trees = {"this": None, **dict(t.split("=", 1) for t in args.tree)}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.permanence
        if folder is None:
            folder = Path(tmp) / "permanence"
            folder.mkdir()
            code = (
                f"import sys; sys.path.insert(0, {str(HERE)!r}); import caseload; from pathlib"
                f" import Path; caseload.build(Path({str(folder)!r}), {args.cases})"
            )
            subprocess.run([sys.executable, "-c", code], check=True,
                           env={**os.environ, "RDVLETTERS_NOW": TODAY})  # fmt: skip
        envs = {}
        for name, path in trees.items():
            env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / f"cache-{name}")}
            if path:
                env["PYTHONPATH"] = str(Path(path).resolve())
            envs[name] = env
        found: dict[tuple[str, str], list[float]] = {}
        loads = []
        for _run in range(args.runs):
            for name, env in envs.items():
                probe(folder, {**env, "RDVLETTERS_NOW": YESTERDAY}, 1)  # yesterday's cache
                for label, seconds in probe(folder, {**env, "RDVLETTERS_NOW": TODAY},
                                            args.repeat).items():  # fmt: skip
                    found.setdefault((label, name), []).append(seconds)
            loads.append(os.getloadavg()[0])
    print(f"{args.runs} interleaved runs, {os.cpu_count()} CPU, load {min(loads):.1f}–"
          f"{max(loads):.1f}, Python {sys.version.split()[0]}")  # fmt: skip
    print(f"| request (1,000 cases) | {' | '.join(trees)} |")
    print(f"| --- |{' ---: |' * len(trees)}")
    for label in PAGES:
        cells = [f"{statistics.median(found[(label, t)]) * 1000:.0f} ms" for t in trees]
        print(f"| {label} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
