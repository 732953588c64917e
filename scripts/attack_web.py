"""Throw bad input at every form and URL of ``rdvletters web`` and count what comes back.

Run:  .venv/bin/python scripts/attack_web.py [-v] [--quick]

``--quick`` (CI) gives each field a few of the odd values instead of all of them. The
families of issue 21: hostile e-mails and a decompression bomb as uploads, templates
that would run for hours or take gigabytes (``attack_families.TEMPLATE_BODIES``), and
an encoded word typed into the profile form (it must not be saved).

Drives the real Flask app (``create_app``) through its test client, on fresh copies of the
bundled example in a volunteer's folder (``--cases``), with the access cookie. For each
form, every field in turn gets each odd value (the other fields keep the page's own
values); then wrong or missing CSRF tokens, unknown case ids, path traversal in every path
parameter, and odd uploads. A defect is: an HTTP 500, an unescaped ``<script>`` payload
in the page, a file created or changed outside the case folders, or a 2xx/3xx answer to a
request that had no valid CSRF token.
"""

from __future__ import annotations

import argparse
import collections
import io
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from attack_families import HOSTILE_MAILS, TEMPLATE_BODIES, no_added_header  # next to it

from rdvletters.web.app import create_app
from rdvletters.web.cases import Registry

EXE = str(Path(sys.executable).parent / "rdvletters")
TOKEN = "jeton"
PAYLOAD = "<script>alert(1)</script>"
ODD = {
    "empty": "",
    "space": "   ",
    "long": "x" * 100_000,
    "control": "a\x01b\x7fc",
    "nul": "a\x00b",
    "newline-section": "a\r\n[[corps]]\nb",
    "script": PAYLOAD,
    "quote": '" onmouseover="alert(1)',
    "jinja": "{{ 7*7 }}{% raw %}",
    "traversal": "../../../../etc/passwd",
    "date-feb30": "2026-02-30",
    "date-odd": "30/02/2026",
    "date-year0": "0000-01-01",
    "date-9999": "9999-12-31",
    "time-odd": "25:61",
    "number-huge": "9" * 400,
    "negative": "-1",
    "float": "1e308",
    "nan": "nan",
    "bidi": "a\u202eb",
    "emoji": "🙂" * 50,
    "yaml": "a: [b, {c: &x d}]\n- *x",
}


# The date and time the forms below post.
# The record form's date (day, month, year) and time, as the browser posts them.
WHEN = {"f-date-day": "27", "f-date-month": "11", "f-date-year": "2026", "time": "10:00"}
SENT_WHEN = {"sd-31-day": "27", "sd-31-month": "11", "sd-31-year": "2026", "time": "10:00"}


class Forms(HTMLParser):
    """Each <form>: its action, method, and the values the page fills in."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = {
                "action": a.get("action"),
                "method": a.get("method", "get"),
                "fields": {},
                "enctype": a.get("enctype"),
            }
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.current["fields"][a["name"]] = a.get("value", "on")
                else:
                    self.current["fields"].setdefault(a["name"], None)
            elif kind != "file":
                self.current["fields"][a["name"]] = a.get("value", "")
            else:
                self.current["fields"][a["name"]] = None
        elif tag == "textarea" and a.get("name"):
            self.textarea = a["name"]
            self.current["fields"][a["name"]] = ""
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
            self.current["fields"].setdefault(a["name"], "")
        elif tag == "option" and self.select and ("selected" in a):
            self.current["fields"][self.select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.current is not None and self.textarea:
            self.current["fields"][self.textarea] += data


def forms_of(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return [f for f in parser.forms if f["method"].lower() == "post"]


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


QUICK = ("script", "quote", "control", "long", "bidi", "date-year0", "nan", "yaml")


class Attack:
    def __init__(self, verbose: bool, quick: bool = False) -> None:
        self.verbose = verbose
        self.odd = {k: v for k, v in ODD.items() if k in QUICK} if quick else ODD
        self.tmp = Path(tempfile.mkdtemp(prefix="attack-web-"))
        self.base = self.tmp / "base"
        subprocess.run(
            [EXE, "init", "--example", str(self.base / "aminata")], check=True, capture_output=True
        )
        subprocess.run(
            [EXE, "-C", str(self.base / "aminata"), "letter", "--format", "text"],
            check=True,
            capture_output=True,
        )  # entry 31: a prepared letter
        self.outcomes: list[tuple[str, int, str]] = []
        self.fresh()

    def fresh(self) -> None:
        """A new copy of the cases, a new app (a fresh CSRF secret is fine: read from pages)."""
        self.world = Path(tempfile.mkdtemp(prefix="world-", dir=self.tmp))
        self.root = self.world / "cases"
        shutil.copytree(self.base, self.root)
        (self.world / "outside.txt").write_text("outside")
        app = create_app(Registry(self.root, True), token=TOKEN)
        app.config["TESTING"] = False  # an unhandled error becomes the 500 a user would see
        self.client = app.test_client()
        assert self.client.get(f"/?token={TOKEN}").status_code == 200
        self.csrf = re.search(
            r'name="csrf" value="([0-9a-f]+)"', self.client.get("/").get_data(as_text=True)
        ).group(1)

    def judge(self, name: str, response, outside_before, expect_refused: bool = False) -> None:
        body = response.get_data(as_text=True) if response.mimetype.startswith("text") else ""
        defect = ""
        if response.status_code >= 500:
            defect = "HTTP 500"
        elif PAYLOAD in body or 'onmouseover="alert' in body:
            defect = "unescaped payload in page"
        elif expect_refused and response.status_code < 400:
            defect = f"accepted ({response.status_code}) without a valid CSRF token"
        outside_after = snapshot(self.world)
        changed = {
            k
            for k in set(outside_before) | set(outside_after)
            if not k.startswith("cases/") and outside_before.get(k) != outside_after.get(k)
        }
        if changed:
            defect = f"files changed outside the cases: {sorted(changed)[:3]}"
        self.outcomes.append((name, response.status_code, defect))
        if defect or self.verbose:
            print(f"[{response.status_code}] {name[:100]}: {defect}")

    def request(self, name: str, method: str, url: str, expect_refused=False, **kw) -> None:
        before = snapshot(self.world)
        try:
            response = self.client.open(url, method=method, **kw)
        except Exception as exc:  # noqa: BLE001 - an exception out of the app is a 500
            print(f"[EXC] {name}: {exc!r}")
            self.outcomes.append((name, 599, f"exception {type(exc).__name__}"))
            return
        self.judge(name, response, before, expect_refused)

    # ------------------------------------------------------------ the attacks
    def pages(self) -> list[str]:
        pages = ["/", "/c/aminata/record", "/c/aminata/documents"]
        pages += [
            f"/c/aminata/profile/{s}"
            for s in ("situation", "demandeur", "demande", "prefecture", "defenseur", "lettre")
        ]
        return pages

    def fields(self) -> None:
        for url in self.pages():
            html = self.client.get(url).get_data(as_text=True)
            for form in forms_of(html):
                action = form["action"] or url
                base = {k: v for k, v in form["fields"].items() if v is not None}
                kind = base.get("kind", "")
                for field in form["fields"]:
                    if field in ("csrf",):
                        continue
                    for label, value in self.odd.items():
                        self.fresh_if_needed()
                        html = self.client.get(url).get_data(as_text=True)
                        version = re.search(r'name="version" value="([^"]*)"', html)
                        data = {**base, "csrf": self.csrf, field: value}
                        if version and "version" in data:
                            data["version"] = version.group(1)
                        self.request(
                            f"field {action} {kind} {field}={label}",
                            "POST",
                            action,
                            data=data,
                            content_type="multipart/form-data",
                        )

    counter = 0

    def fresh_if_needed(self) -> None:
        """A new world every 40 requests: documents pile up, the journal grows."""
        self.counter += 1
        if self.counter % 40 == 0:
            self.fresh()

    def csrf_attacks(self) -> None:
        targets = [
            ("/nouveau", {"nom": "A", "prenom": "B"}),
            (
                "/c/aminata/record",
                {**WHEN, "f-date-day": "20", "channel": "web", "message": "x"},
            ),
            ("/c/aminata/documents/prepare", {"kind": "lettre", "format": "text"}),
            ("/c/aminata/documents/31/sent", SENT_WHEN),
            ("/c/aminata/bundle", {}),
            ("/c/aminata/profile/demandeur", {"demandeur.nom": "X"}),
            ("/c/aminata/init", {}),
        ]
        for url, data in targets:
            for label, token in (
                ("missing", None),
                ("wrong", "0" * 64),
                ("empty", ""),
                ("long", "a" * 10000),
                ("list", ["0" * 64, self.csrf]),
            ):
                body = dict(data)
                if token is not None:
                    body["csrf"] = token
                self.request(f"csrf {label} {url}", "POST", url, data=body, expect_refused=True)
            for label, origin in (("cross-origin", "http://evil.example"), ("null-origin", "null")):
                self.request(
                    f"csrf {label} {url}",
                    "POST",
                    url,
                    data={**data, "csrf": self.csrf},
                    headers={"Origin": origin},
                    expect_refused=True,
                )

    def paths(self) -> None:
        ids = [
            "nope",
            "..",
            "%2e%2e",
            "..%2F..%2Fetc",
            "%2Fetc",
            "aminata%00",
            "AMINATA",
            "aminata%2F..",
            ".",
            "cas",
            "a" * 5000,
            "%C0%AE%C0%AE",
            "<script>",
        ]
        suffixes = [
            "/",
            "/status",
            "/record",
            "/documents",
            "/profile/",
            "/profile/demandeur",
            "/piece/1/0",
            "/documents/31/file",
        ]
        for cid in ids:
            for suffix in suffixes:
                self.request(f"path GET /c/{cid[:20]}{suffix}", "GET", f"/c/{cid}{suffix}")
            for suffix, data in (
                ("/record", {}),
                ("/init", {}),
                ("/bundle", {}),
                ("/documents/prepare", {"kind": "lettre", "format": "text"}),
            ):
                self.request(
                    f"path POST /c/{cid[:20]}{suffix}",
                    "POST",
                    f"/c/{cid}{suffix}",
                    data={**data, "csrf": self.csrf},
                )
        for url in [
            "/c/aminata/profile/..%2F..%2Fetc%2Fpasswd",
            "/c/aminata/profile/../../etc/passwd",
            "/c/aminata/profile/<script>",
            "/c/aminata/piece/1/99",
            "/c/aminata/piece/99999/0",
            "/c/aminata/piece/-1/0",
            "/c/aminata/piece/1/-1",
            "/c/aminata/piece/1/0?download=1",
            "/c/aminata/piece/" + "9" * 400 + "/0",
            "/c/aminata/documents/1/file",
            "/c/aminata/documents/0/file",
            "/c/aminata/documents/" + "9" * 400 + "/file",
            "/static/../../../../etc/passwd",
            "/static/..%2f..%2fapp.py",
            "/static/%2e%2e/app.py",
            "/langue/xx",
            "/langue/../../etc/passwd",
            "/langue/en?next=//evil.example",
            "/langue/en?next=/\\evil.example",
            "/langue/en?next=http://evil.example",
            "/langue/en?next=" + "/a" * 5000,
            "/?sort=<script>&desc=x",
            "/?sort=" + "x" * 5000,
            "/c/aminata/record?canal=<script>",
            "/c/aminata/record?canal=../../x",
            "/c/aminata/profile/demandeur?checked=<script>",
            "/../../../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
        ]:
            self.request(f"url GET {url[:80]}", "GET", url)
        for number in ("3", "999", "0", "9" * 30):
            self.request(
                f"sent POST number={number[:10]}",
                "POST",
                f"/c/aminata/documents/{number}/sent",
                data={
                    "csrf": self.csrf,
                    **WHEN,
                },
            )

    def uploads(self) -> None:
        png = next((self.base / "aminata" / "pieces").glob("*.png")).read_bytes()
        files = {
            "empty": b"",
            "text-as-png": b"not an image at all",
            "html": b"<html><script>alert(1)</script></html>",
            "huge": b"\x89PNG\r\n\x1a\n" + b"0" * (21 * 1024 * 1024),
            "png-truncated": png[:20],
            "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "png": png,
            "png-bomb": _bomb(),
            **HOSTILE_MAILS,
        }
        names = [
            "capture.png",
            "../../../outside.png",
            "/etc/passwd",
            "a\x00b.png",
            "<script>.png",
            "x" * 600 + ".png",
            "",
            "con.png",
            ".htaccess",
            "a\nb.png",
        ]
        for label, content in files.items():
            for name in names if label in ("png", "empty") else ["capture.png"]:
                self.fresh_if_needed()
                self.request(
                    f"upload record {label} name={name[:30]!r}",
                    "POST",
                    "/c/aminata/record",
                    data={
                        "csrf": self.csrf,
                        **WHEN,
                        "channel": "web",
                        "message": "essai",
                        "proofs": (io.BytesIO(content), name),
                    },
                    content_type="multipart/form-data",
                )
            self.request(
                f"upload sent {label}",
                "POST",
                "/c/aminata/documents/31/sent",
                data={
                    "csrf": self.csrf,
                    **WHEN,
                    "proofs": (io.BytesIO(content), "preuve.png"),
                },
                content_type="multipart/form-data",
            )
        self.request(
            "upload 11 files",
            "POST",
            "/c/aminata/record",
            data={
                "csrf": self.csrf,
                **WHEN,
                "channel": "web",
                "message": "x",
                "proofs": [(io.BytesIO(png), f"p{i}.png") for i in range(11)],
            },
            content_type="multipart/form-data",
        )
        self.request(
            "upload not multipart",
            "POST",
            "/c/aminata/record",
            data="proofs=abc&csrf=" + self.csrf,
            content_type="application/x-www-form-urlencoded",
        )
        self.request(
            "upload bad multipart",
            "POST",
            "/c/aminata/record",
            data=b'--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n'
            + self.csrf.encode()
            + b"\r\n--x\r\nbroken",
            content_type="multipart/form-data; boundary=x",
        )
        self.request(
            "upload json body",
            "POST",
            "/c/aminata/record",
            data='{"csrf": "x"}',
            content_type="application/json",
        )

    def templates(self) -> None:
        """A case whose ``modeles/`` would run for hours or take gigabytes: every page
        answers (the template renders under a limit), none with a 500."""
        for label, body in TEMPLATE_BODIES.items():
            self.fresh()
            folder = self.root / "aminata" / "modeles"
            folder.mkdir()
            (folder / "lettre.j2").write_text(f"[[objet]]\nx\n[[corps]]\n{body}\n")
            self.request(
                f"template {label} prepare",
                "POST",
                "/c/aminata/documents/prepare",
                data={"csrf": self.csrf, "kind": "lettre", "format": "text"},
            )

    def encoded_words(self) -> None:
        """An RFC 2047 encoded word typed as a name (the form saves what is typed, as a
        hand edit would): the e-mail prepared next must not carry an added header."""
        word = "=?utf-8?q?A=0D=0ABcc=3A_evil=40x.example?="
        self.fresh()
        html = self.client.get("/c/aminata/profile/demandeur").get_data(as_text=True)
        [form] = [f for f in forms_of(html) if f["method"].lower() == "post"][:1] or [None]
        data = {k: v for k, v in (form or {"fields": {}})["fields"].items() if v is not None}
        data.update({"csrf": self.csrf, "demandeur.prenom": word})
        self.request("encoded word in the profile form", "POST",
                     "/c/aminata/profile/demandeur", data=data)  # fmt: skip
        self.request("e-mail after an encoded word", "POST", "/c/aminata/documents/prepare",
                     data={"csrf": self.csrf, "kind": "courriel", "format": "eml"})  # fmt: skip
        case = self.root / "aminata"
        if defect := no_added_header(case, self.world, None):
            self.outcomes.append(("encoded word in a header", 200, defect))
            print(defect)

    def broken_case(self) -> None:
        """Pages of a case whose profile or journal is broken on disk."""
        spoils = {
            "profile-binary": lambda c: (c / "profil.yaml").write_bytes(b"\xff\xfe\x00bad"),
            "profile-empty": lambda c: (c / "profil.yaml").write_bytes(b""),
            "profile-dir": lambda c: ((c / "profil.yaml").unlink(), (c / "profil.yaml").mkdir()),
            "journal-bad": lambda c: (c / "journal.jsonl").write_bytes(b"pas du json\n"),
            "journal-torn": lambda c: (c / "journal.jsonl").write_bytes(
                (c / "journal.jsonl").read_bytes()[:-30]
            ),
            "journal-dir": lambda c: (
                (c / "journal.jsonl").unlink(),
                (c / "journal.jsonl").mkdir(),
            ),
            "piece-missing": lambda c: next((c / "pieces").glob("*.png")).unlink(),
            "profile-invalid": lambda c: (c / "profil.yaml").write_text(
                (c / "profil.yaml").read_text().replace("situation: rdv", "situation: xx")
            ),
        }
        for label, spoil in spoils.items():
            self.fresh()
            spoil(self.root / "aminata")
            for url in [
                "/",
                "/c/aminata/",
                "/c/aminata/status",
                "/c/aminata/record",
                "/c/aminata/documents",
                "/c/aminata/profile/demandeur",
                "/c/aminata/profile/verifier",
                "/c/aminata/piece/1/0",
            ]:
                self.request(f"broken {label} GET {url}", "GET", url)
            for url, data in (
                (
                    "/c/aminata/record",
                    {**WHEN, "channel": "web", "message": "x"},
                ),
                ("/c/aminata/documents/prepare", {"kind": "lettre", "format": "text"}),
                ("/c/aminata/bundle", {}),
                ("/c/aminata/profile/demandeur", {"demandeur.nom": "X"}),
            ):
                self.request(
                    f"broken {label} POST {url}", "POST", url, data={**data, "csrf": self.csrf}
                )

    def run(self) -> int:
        try:
            self.csrf_attacks()
            self.paths()
            self.uploads()
            self.broken_case()
            self.templates()
            self.encoded_words()
            self.fields()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
        counts = collections.Counter(code for _, code, _ in self.outcomes)
        defects = [o for o in self.outcomes if o[2]]
        print(
            f"\n{len(self.outcomes)} requests; HTTP status: "
            + ", ".join(f"{c}: {n}" for c, n in sorted(counts.items()))
        )
        print(f"defects: {len(defects)}")
        for kind, n in collections.Counter(d[2].split(":")[0] for d in defects).items():
            print(f"  {kind}: {n}")
        return 1 if defects else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--quick", action="store_true", help="a few odd values per field")
    options = parser.parse_args()
    return Attack(options.verbose, options.quick).run()


def _bomb() -> bytes:
    """A PNG of 13,000 × 13,000 pixels in 650 KB: 700 MB once decoded."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (13000, 13000)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


if __name__ == "__main__":
    sys.exit(main())
