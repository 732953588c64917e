"""The attack families of issue 21 (a hostile case folder, a hostile e-mail, hostile
templates), for ``attack_cli.py``: each scenario spoils a fresh case, runs one command,
and then checks what must hold besides « no crash »: a file outside the case untouched,
no header added to an e-mail, a journal still readable, a read-only folder still so.

``VICTIM`` (a file) and ``VICTIM_DIR`` (a folder) sit next to the case, in the
scenario's temporary folder: the planted links point at them.
"""

from __future__ import annotations

import email
import hashlib
import json
import os
import stat
import subprocess
from collections.abc import Callable
from email.policy import compat32
from pathlib import Path

VICTIM = "victim.txt"
VICTIM_DIR = "victim-dir"
HEADERS = {"from", "to", "subject", "date", "message-id", "x-unsent", "mime-version"}
HEADERS |= {"content-type", "x-rdvletters-journal", "cc"}
UNREACHABLE = ["timestamp", "--tsa", "http://127.0.0.1:1/", "--timeout", "1"]
WRITERS = [
    ["record", "web", "-m", "x", "--proof", "{tmp}/proof.png"],
    ["email", "--format", "eml"],
    UNREACHABLE,
    ["bundle"],
    ["repair"],
]
READERS = [["status"], ["verify"], ["check"], ["log"]]


def _victims(case: Path) -> None:
    tmp = case.parent
    (tmp / VICTIM).write_text("précieux\n")
    (tmp / VICTIM).chmod(0o644)
    (tmp / VICTIM_DIR).mkdir(exist_ok=True)
    (tmp / VICTIM_DIR).chmod(0o755)
    (tmp / "proof.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)


def _state(tmp: Path) -> tuple:
    victim, folder = tmp / VICTIM, tmp / VICTIM_DIR
    return (
        victim.read_bytes(),
        stat.S_IMODE(victim.stat().st_mode),
        sorted(p.name for p in folder.iterdir()),
        stat.S_IMODE(folder.stat().st_mode),
    )


UNTOUCHED = (b"pr\xc3\xa9cieux\n", 0o644, [], 0o755)


def outside_untouched(case: Path, tmp: Path, _outcome) -> str:
    return "" if _state(tmp) == UNTOUCHED else "a file or folder outside the case was changed"


def _link(relative: str, target: str) -> Callable[[Path], None]:
    def spoil(case: Path) -> None:
        _victims(case)
        path = case / relative
        if path.is_dir() and not path.is_symlink():
            for item in path.iterdir():
                item.unlink()
            path.rmdir()
        elif path.exists() or path.is_symlink():
            path.unlink()
        path.parent.mkdir(exist_ok=True)
        path.symlink_to(case.parent / target)
        if relative == "journal.jsonl":  # the victim looks like a journal: worth appending to
            (case.parent / VICTIM).write_text("précieux\n")

    return spoil


def _outside_piece(how: str) -> Callable[[Path], None]:
    """A journal entry naming a file outside the case, with its right hash."""

    def spoil(case: Path) -> None:
        _victims(case)
        victim = case.parent / VICTIM
        relative = str(victim) if how == "absolute" else f"pieces/../../{VICTIM}"
        last = (case / "journal.jsonl").read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1]
        entry = {
            "n": json.loads(last)["n"] + 1,
            "type": "tentative",
            "canal": "web",
            "date": "2026-11-29T10:00:00+01:00",
            "description": "x",
            "pieces": [{"fichier": relative, "sha256": hashlib.sha256(victim.read_bytes())
                        .hexdigest()}],
            "enregistre_le": "2026-11-29T10:00:00+01:00",
            "precedent": hashlib.sha256(last).hexdigest(),
        }  # fmt: skip
        with open(case / "journal.jsonl", "ab") as handle:
            handle.write(json.dumps(entry).encode() + b"\n")

    return spoil


def not_counted(case: Path, tmp: Path, outcome) -> str:
    if outcome.code == 0 and "Journal intact" in outcome.stdout:
        return "a file outside the case was checked as the journal's"
    return outside_untouched(case, tmp, outcome)


def _special(kind: str, where: str) -> Callable[[Path], None]:
    def spoil(case: Path) -> None:
        path = case / where
        path.parent.mkdir(exist_ok=True)
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "sparse-3g":
            with open(path, "wb") as handle:
                handle.truncate(3 * 1024**3)
        elif kind == "nul-tail":
            with open(path, "r+b") as handle:
                handle.truncate(path.stat().st_size + 1024**3)

    return spoil


def _profile(old: str, new: str) -> Callable[[Path], None]:
    def spoil(case: Path) -> None:
        target = case / "profil.yaml"
        target.write_text(target.read_text(encoding="utf-8").replace(old, new, 1))

    return spoil


def _subject_template(subject: str) -> Callable[[Path], None]:
    def spoil(case: Path) -> None:
        from rdvletters.resources import data_dir

        text = (data_dir("templates") / "courriel.j2").read_text(encoding="utf-8")
        start = text.index("[[objet]]\n") + len("[[objet]]\n")
        (case / "modeles").mkdir(exist_ok=True)
        (case / "modeles" / "courriel.j2").write_text(
            text[:start] + subject + "\n" + text[text.index("\n[[corps]]") :]
        )

    return spoil


def no_added_header(case: Path, _tmp: Path, outcome) -> str:
    for draft in (case / "documents").glob("*.eml"):
        message = email.message_from_bytes(draft.read_bytes(), policy=compat32)
        extra = {k.lower() for k, __ in message.items()} - HEADERS
        if extra:
            return f"header added to the e-mail: {sorted(extra)}"
    return ""


def _body_template(body: str) -> Callable[[Path], None]:
    def spoil(case: Path) -> None:
        (case / "modeles").mkdir(exist_ok=True)
        (case / "modeles" / "courriel.j2").write_text(f"[[objet]]\nx\n[[corps]]\n{body}\n")

    return spoil


def _mail(date: str) -> Callable[[Path], None]:
    def spoil(case: Path) -> None:
        (case.parent / "proof.eml").write_bytes(
            b"From: a@example.org\r\nTo: pref@example.gouv.fr\r\nSubject: x\r\nDate: "
            + date.encode()
            + b"\r\n\r\nBonjour\r\n"
        )

    return spoil


def still_readable(case: Path, _tmp: Path, _outcome) -> str:
    """What the command wrote must not brick the case: ``status`` reads the journal."""
    exe = os.environ.get("RDVLETTERS_ATTACK_EXE", "rdvletters")
    done = subprocess.run(
        [exe, "-C", str(case), "status"], capture_output=True, text=True, timeout=60
    )
    return "the journal became unreadable" if done.returncode == 4 else ""


def _read_only(folder: str) -> Callable[[Path], None]:
    def spoil(case: Path) -> None:
        _victims(case)
        (case / folder).mkdir(exist_ok=True)
        (case / folder).chmod(0o500)

    return spoil


def _still_read_only(folder: str) -> Callable[[Path, Path, object], str]:
    def check(case: Path, _tmp: Path, _outcome) -> str:
        mode = stat.S_IMODE((case / folder).stat().st_mode)
        (case / folder).chmod(0o700)  # so the harness can clean up
        return "" if mode == 0o500 else f"read-only {folder}/ made writable ({oct(mode)})"

    return check


TEMPLATE_BODIES = {
    "loops": "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    "format": "{{ '{:>1000000000}'.format('x') }}",
    "center": "{{ 'x'|center(1000000000) }}",
    "percent": "{{ '%1000000000s' % 'x' }}",
    "slice": "{{ (range(10)|slice(1000000000))|list|length }}",
    "nested": "{% if true %}" * 5000 + "x" + "{% endif %}" * 5000,
}
HOSTILE_MAILS = {
    "eml-overflowing-date": b"From: a@example.org\r\nSubject: x\r\n"
    b"Date: Mon, 03 Mar 99999999999 10:00:00 +0100\r\n\r\nx\r\n",
    "eml-nested": b"From: " + b"(" * 20000 + b"a <a@example.org>\r\nSubject: x\r\n"
    b"Date: Mon, 23 Nov 2026 10:00:00 +0100\r\n\r\nx\r\n",
    "eml-2014": b"From: a@example.org\r\nSubject: x\r\n"
    b"Date: Mon, 03 Mar 2014 10:00:00 +0100\r\n\r\nx\r\n",
}


def families(scenario: type) -> list:
    """Every scenario of issue 21's families (``scenario``: attack_cli's Scenario)."""
    found = []
    for relative, target in (
        ("documents", VICTIM_DIR),
        ("pieces", VICTIM_DIR),
        ("horodatage", VICTIM_DIR),
        ("journal.jsonl", VICTIM),
        ("profil.yaml", VICTIM),
        ("smtp.yaml", VICTIM),
        ("horodatage/en_attente.json.tmp", VICTIM),
        ("pieces/2026-09-14_0905_web_capture_00.png", VICTIM),
    ):
        for args in WRITERS + READERS:
            found.append(
                scenario(f"link/{relative}/{args[0]}", list(args), _link(relative, target),
                         check=outside_untouched)
            )  # fmt: skip
    for how in ("absolute", "dotdot"):
        for args in (["verify"], ["status"], ["bundle"]):
            found.append(
                scenario(f"oracle/{how}/{args[0]}", args, _outside_piece(how), check=not_counted)
            )
    for kind, where in (
        ("fifo", "horodatage/en_attente.json"),
        ("fifo", "horodatage/jeton.tsr"),
        ("fifo", "documents/recu.eml"),
        ("sparse-3g", "horodatage/enorme.tsr"),
        ("nul-tail", "journal.jsonl"),
    ):
        for args in (["status"], ["verify"], ["log"], UNREACHABLE, ["repair"]):
            found.append(scenario(f"special/{kind}/{where}/{args[0]}", args, _special(kind, where)))
    words = {
        "prenom-q": ("prenom: Aminata", 'prenom: "=?utf-8?q?A=0D=0AReply-To=3A_x=40e.example?="'),
        "nom-b": ("nom: DIALLO", "nom: D =?utf-8?b?DQpCY2M6IGV2aWxAeC5leGFtcGxl?="),
        "local-part": ("aminata.diallo@example.org", "=?utf-8?q?a=0D=0ABcc=3A_e=40x?=@x.org"),
        "bidi": ("nom: DIALLO", 'nom: "DIA\\u2067LLO"'),
    }
    for label, (old, new) in words.items():
        for args in (["email", "--format", "eml"], ["check"]):
            found.append(
                scenario(f"mail/{label}/{args[0]}", args, _profile(old, new), check=no_added_header)
            )
    for label, subject in (
        ("q", "Objet =?utf-8?q?x=0D=0ABcc=3A_evil=40x.example?="),
        ("b-split", "Objet {{ '=?UTF-8?B?' }}DQpCY2M6IGV2aWxAeC5leGFtcGxl?="),
    ):
        found.append(
            scenario(f"mail/template-{label}", ["email", "--format", "eml"],
                     _subject_template(subject), check=no_added_header)
        )  # fmt: skip
    for label, body in TEMPLATE_BODIES.items():
        for args in (["email"], ["templates", "check"]):
            found.append(scenario(f"template/{label}/{args[0]}", args, _body_template(body)))
    for label, date in (
        ("2014", "Mon, 03 Mar 2014 10:00:00 +0100"),
        ("0001", "Mon, 03 Mar 0001 10:00:00 +0100"),
        ("overflow", "Mon, 03 Mar 99999999999 10:00:00 +0100"),
    ):
        found.append(
            scenario(f"olddate/{label}", ["record", "email", "--proof", "{tmp}/proof.eml"],
                     _mail(date), check=still_readable)
        )  # fmt: skip
    for folder, args in (
        ("documents", ["email", "--format", "eml"]),
        ("pieces", ["record", "web", "-m", "x", "--proof", "{tmp}/proof.png"]),
    ):
        found.append(
            scenario(f"readonly/{folder}", args, _read_only(folder),
                     check=_still_read_only(folder))
        )  # fmt: skip
    return found
