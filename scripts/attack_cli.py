"""Throw bad input at the installed ``rdvletters`` command and count what comes back.

Run:  .venv/bin/python scripts/attack_cli.py [--only SUBSTRING] [-v] [-j JOBS]
      [--quick] [--budget SECONDS]

``--quick`` runs a sample of every family (about 25 scenarios each), as CI does;
``--budget`` stops starting new scenarios after that many seconds (those left are
counted, not judged). The families of issue 21 (a hostile case folder, e-mail or
template) are in ``attack_families.py``, with what must hold besides « no crash »: a file
outside the case untouched, no header added to an e-mail, a journal still readable.

Each scenario copies a fresh example case (``rdvletters init --example``), spoils one
thing (the profile, the journal, a proof file, an option, the folder itself), runs one
command in a subprocess and records its exit code. An outcome is a defect when the
command printed a traceback, exited 70 (a bug), ran out of time or memory, or printed one
of the example's personal data on stderr while failing. The table at the end counts the
outcomes per exit code and lists every defect.

Scenarios marked ``as_user`` run as ``nobody`` (root ignores chmod 000 and read-only
folders) through ``setpriv``.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = str(Path(sys.executable).parent / "rdvletters")
PERSONAL = ["DIALLO", "Aminata", "aminata.diallo", "0612345678", "Bamako", "rue des Lilas"]
TIMEOUT = 60
MEMORY = 2 * 1024**3


@dataclass
class Scenario:
    name: str
    args: list[str]  # after -C CASE; "{case}" and "{tmp}" are replaced
    spoil: Callable[[Path], None] = lambda case: None
    as_user: bool = False
    stdin: str = ""
    env: dict[str, str] = field(default_factory=dict)
    no_case_flag: bool = False  # args are complete (init, -C pointing elsewhere)
    check: Callable[[Path, Path, Outcome], str] | None = None  # what must hold besides


@dataclass
class Outcome:
    scenario: Scenario
    code: int
    stderr: str
    stdout: str
    defect: str = ""


# ---------------------------------------------------------------- spoilers


def profile_text(text: str | bytes) -> Callable[[Path], None]:
    def spoil(case: Path) -> None:
        target = case / "profil.yaml"
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")

    return spoil


def profile_replace(old: str, new: str) -> Callable[[Path], None]:
    def spoil(case: Path) -> None:
        target = case / "profil.yaml"
        content = target.read_text(encoding="utf-8")
        assert old in content, old
        target.write_text(content.replace(old, new, 1), encoding="utf-8")

    return spoil


def profile_bytes(transform: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def spoil(case: Path) -> None:
        target = case / "profil.yaml"
        target.write_bytes(transform(target.read_bytes()))

    return spoil


def journal_bytes(transform: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def spoil(case: Path) -> None:
        target = case / "journal.jsonl"
        target.write_bytes(transform(target.read_bytes()))

    return spoil


def journal_last(edit: Callable[[str], str]) -> Callable[[Path], None]:
    """Edit the text of the last journal line."""

    def spoil(case: Path) -> None:
        target = case / "journal.jsonl"
        lines = target.read_text(encoding="utf-8").splitlines()
        lines[-1] = edit(lines[-1])
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")

    return spoil


def journal_first(edit: Callable[[str], str]) -> Callable[[Path], None]:
    def spoil(case: Path) -> None:
        target = case / "journal.jsonl"
        lines = target.read_text(encoding="utf-8").splitlines()
        lines[0] = edit(lines[0])
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")

    return spoil


def first_piece(case: Path) -> Path:
    return sorted((case / "pieces").glob("*_capture_00.png"))[0]


def piece_action(action: str) -> Callable[[Path], None]:
    def spoil(case: Path) -> None:
        piece = first_piece(case)
        if action == "delete":
            piece.unlink()
        elif action == "dir":
            piece.unlink()
            piece.mkdir()
        elif action == "empty":
            piece.write_bytes(b"")
        elif action == "chmod000":
            piece.chmod(0)
        elif action == "symlink-etc":
            piece.unlink()
            piece.symlink_to("/etc/hostname")
        elif action == "symlink-loop":
            piece.unlink()
            piece.symlink_to(piece)
        elif action == "fifo":
            piece.unlink()
            os.mkfifo(piece)
        elif action == "pieces-file":
            shutil.rmtree(case / "pieces")
            (case / "pieces").write_text("x")
        elif action == "pieces-chmod000":
            (case / "pieces").chmod(0)

    return spoil


def make_proof(kind: str) -> Callable[[Path], None]:
    """Create {tmp}/proof (the tmp folder is the case's parent)."""

    def spoil(case: Path) -> None:
        proof = case.parent / "proof.png"
        if kind == "empty":
            proof.write_bytes(b"")
        elif kind == "huge":
            with open(proof, "wb") as out:
                out.truncate(300 * 1024 * 1024)  # sparse 300 MB
        elif kind == "dir":
            proof.mkdir()
        elif kind == "chmod000":
            proof.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
            proof.chmod(0)
        elif kind == "fifo":
            os.mkfifo(proof)
        elif kind == "dangling":
            proof.symlink_to(case.parent / "nowhere")
        elif kind == "devnull":
            proof.symlink_to("/dev/zero")
        elif kind == "inside-pieces":
            shutil.copy(first_piece(case), proof)
        elif kind == "text":
            proof.write_text("pas une image")
        elif kind == "name-newline":
            odd = case.parent / "a\nb[[corps]].png"
            odd.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
            proof.symlink_to(odd)

    return spoil


def folder_action(action: str) -> Callable[[Path], None]:
    def spoil(case: Path) -> None:
        if action == "readonly":
            for path in [case, *case.rglob("*")]:
                mode = path.stat().st_mode
                path.chmod(mode & ~0o222)
        elif action == "profile-dir":
            (case / "profil.yaml").unlink()
            (case / "profil.yaml").mkdir()
        elif action == "journal-dir":
            (case / "journal.jsonl").unlink()
            (case / "journal.jsonl").mkdir()
        elif action == "profile-missing":
            (case / "profil.yaml").unlink()
        elif action == "journal-missing":
            (case / "journal.jsonl").unlink()
        elif action == "profile-chmod000":
            (case / "profil.yaml").chmod(0)
        elif action == "journal-chmod000":
            (case / "journal.jsonl").chmod(0)
        elif action == "journal-readonly":
            (case / "journal.jsonl").chmod(0o400)
        elif action == "documents-file":
            shutil.rmtree(case / "documents", ignore_errors=True)
            (case / "documents").write_text("x")
        elif action == "profile-symlink-etc":
            (case / "profil.yaml").unlink()
            (case / "profil.yaml").symlink_to("/etc/passwd")
        elif action == "journal-symlink":
            target = case.parent / "elsewhere.jsonl"
            shutil.move(case / "journal.jsonl", target)
            (case / "journal.jsonl").symlink_to(target)
        elif action == "profile-fifo":
            (case / "profil.yaml").unlink()
            os.mkfifo(case / "profil.yaml")
        elif action == "journal-fifo":
            (case / "journal.jsonl").unlink()
            os.mkfifo(case / "journal.jsonl")
        elif action == "journal-empty":
            (case / "journal.jsonl").write_bytes(b"")

    return spoil


# ---------------------------------------------------------------- scenarios

PROFILE_CMDS = [["check"], ["email"], ["letter", "--format", "text"], ["status"]]
JOURNAL_CMDS = [
    ["verify"],
    ["status"],
    ["log"],
    ["log", "--csv"],
    ["email"],
    ["referral", "--format", "text"],
    ["bundle"],
    ["record", "web", "-m", "essai"],
    ["repair"],
]


def profile_variants() -> dict[str, Callable[[Path], None]]:
    big_comment = "# " + "x" * 1000 + "\n"
    alias_bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    return {
        "empty": profile_text(""),
        "only-comments": profile_text("# rien\n"),
        "binary": profile_text(os.urandom(2048)),
        "nul-bytes": profile_bytes(lambda b: b.replace(b"situation", b"situ\x00ation", 1)),
        "huge-300k": profile_bytes(lambda b: b + (big_comment * 300).encode()),
        "huge-50M": profile_bytes(lambda b: b + b"#" * (50 * 1024 * 1024)),
        "alias-bomb": profile_text(alias_bomb),
        "recursive-alias": profile_text("a: &a [*a]\n"),
        "deep-nesting": profile_text("a: " + "[" * 5000 + "]" * 5000 + "\n"),
        "deep-nesting-map": profile_text("a: " + "{b: " * 3000 + "1" + "}" * 3000 + "\n"),
        "tabs-indent": profile_replace("  civilite: Madame", "\tcivilite: Madame"),
        "tab-in-value": profile_replace("nom: DIALLO", "nom: DIA\tLLO"),
        "bom": profile_bytes(lambda b: b"\xef\xbb\xbf" + b),
        "double-bom": profile_bytes(lambda b: b"\xef\xbb\xbf\xef\xbb\xbf" + b),
        "utf16": profile_bytes(lambda b: b.decode("utf-8").encode("utf-16")),
        "latin1": profile_bytes(lambda b: b.decode("utf-8").encode("latin-1", "replace")),
        "crlf": profile_bytes(lambda b: b.replace(b"\n", b"\r\n")),
        "cr-only": profile_bytes(lambda b: b.replace(b"\n", b"\r")),
        "duplicate-key": profile_replace("  nom: DIALLO", "  nom: DIALLO\n  nom: AUTRE"),
        "duplicate-top": profile_bytes(lambda b: b + b"\nsituation: anef\n"),
        "list-top": profile_text("- a\n- b\n"),
        "scalar-top": profile_text("bonjour\n"),
        "number-top": profile_text("42\n"),
        "null-top": profile_text("~\n"),
        "multi-doc": profile_bytes(lambda b: b + b"\n---\nsituation: rdv\n"),
        "python-tag": profile_replace(
            "situation: rdv", "situation: !!python/object/apply:os.system ['id']"
        ),
        "custom-tag": profile_replace("situation: rdv", "situation: !foo rdv"),
        "int-tag": profile_replace('departement: "93"', "departement: !!int 93"),
        "complex-key": profile_bytes(lambda b: b + b"\n? [a, b]\n: c\n"),
        "merge-key": profile_text("a: &x {b: 1}\nc:\n  <<: *x\n"),
        "situation-odd": profile_replace("situation: rdv", "situation: autre"),
        "situation-list": profile_replace("situation: rdv", "situation: [rdv]"),
        "situation-map": profile_replace("situation: rdv", "situation: {a: b}"),
        "demandeur-scalar": profile_replace(
            "demandeur:\n  civilite", "demandeur: x\nzzz:\n  civilite"
        ),
        "demandeur-list": profile_replace(
            "  civilite: Madame\n  nom", "  - civilite: Madame\n  nom"
        ),
        "unknown-key": profile_bytes(lambda b: b + b"\ninconnu: 1\n"),
        "date-feb30": profile_replace("1990-04-12", "2026-02-30"),
        "date-future": profile_replace("1990-04-12", "2090-04-12"),
        "date-number": profile_replace("1990-04-12", "1234567890"),
        "date-year0": profile_replace("1990-04-12", "0000-01-01"),
        "date-1800": profile_replace("1990-04-12", "1800-01-01"),
        "date-french": profile_replace("1990-04-12", "12/04/1990"),
        "date-list": profile_replace("1990-04-12", "[1990, 4, 12]"),
        "date-time": profile_replace("1990-04-12", "1990-04-12T10:00:00"),
        "date-huge-year": profile_replace("1990-04-12", "99999-01-01"),
        "expiry-feb30": profile_replace(
            "titre_actuel_expire_le:", "titre_actuel_expire_le: 2027-02-30"
        ),
        "expiry-past": profile_replace(
            "titre_actuel_expire_le:", "titre_actuel_expire_le: 1950-01-01"
        ),
        "email-space": profile_replace("aminata.diallo@example.org", "aminata diallo@example.org"),
        "email-nonascii": profile_replace("aminata.diallo@example.org", "aminâta@exämple.org"),
        "email-noat": profile_replace("aminata.diallo@example.org", "aminata"),
        "email-comma": profile_replace("aminata.diallo@example.org", "a@b.org, c@d.org"),
        "email-header-inject": profile_replace(
            "aminata.diallo@example.org", '"a@b.org\\r\\nBcc: evil@x.example"'
        ),
        "pref-email-bad": profile_replace("pref-etrangers@example.gouv.fr", "pas un courriel"),
        "pref-email-empty": profile_replace("pref-etrangers@example.gouv.fr", '""'),
        "dept-2A": profile_replace('departement: "93"', 'departement: "2A"'),
        "dept-2a": profile_replace('departement: "93"', 'departement: "2a"'),
        "dept-975": profile_replace('departement: "93"', 'departement: "975"'),
        "dept-99": profile_replace('departement: "93"', 'departement: "99"'),
        "dept-20": profile_replace('departement: "93"', 'departement: "20"'),
        "dept-0": profile_replace('departement: "93"', 'departement: "0"'),
        "dept-int": profile_replace('departement: "93"', "departement: 93"),
        "dept-7": profile_replace('departement: "93"', "departement: 7"),
        "dept-07": profile_replace('departement: "93"', "departement: 07"),
        "dept-976": profile_replace('departement: "93"', 'departement: "976"'),
        "dept-long": profile_replace('departement: "93"', 'departement: "' + "9" * 500 + '"'),
        "dept-list": profile_replace('departement: "93"', "departement: [93]"),
        "phone-letters": profile_replace('"0612345678"', "abc"),
        "phone-int": profile_replace('"0612345678"', "0612345678"),
        "nom-empty": profile_replace("nom: DIALLO", "nom:"),
        "nom-huge": profile_replace("nom: DIALLO", "nom: " + "X" * 200000),
        "nom-brackets": profile_replace("nom: DIALLO", 'nom: "DIA[[corps]]LLO"'),
        "nom-jinja": profile_replace("nom: DIALLO", 'nom: "{{ 7*7 }}"'),
        "nom-html": profile_replace("nom: DIALLO", 'nom: "<script>alert(1)</script>"'),
        "nom-escaped-control": profile_replace("nom: DIALLO", 'nom: "DIA\\x01LLO"'),
        "nom-escaped-nul": profile_replace("nom: DIALLO", 'nom: "DIA\\0LLO"'),
        "nom-escaped-newline": profile_replace("nom: DIALLO", 'nom: "DIA\\nLLO"'),
        "nom-escaped-u2028": profile_replace("nom: DIALLO", 'nom: "DIA\\u2028LLO"'),
        "nom-escaped-bidi": profile_replace("nom: DIALLO", 'nom: "DIA\\u202eLLO"'),
        "nom-escaped-surrogate": profile_replace("nom: DIALLO", 'nom: "DIA\\ud800LLO"'),
        "nom-zero-width": profile_replace("nom: DIALLO", 'nom: "DIA\\u200bLLO"'),
        "nom-emoji": profile_replace("nom: DIALLO", 'nom: "DIALLO 🙂"'),
        "nom-list": profile_replace("nom: DIALLO", "nom: [a, b]"),
        "nom-map": profile_replace("nom: DIALLO", "nom: {a: b}"),
        "civilite-odd": profile_replace("civilite: Madame", "civilite: Sa Majesté"),
        "adresse-string": profile_replace(
            "adresse: [12 rue des Lilas, 93000 Bobigny]", "adresse: 12 rue des Lilas"
        ),
        "adresse-empty-list": profile_replace(
            "adresse: [12 rue des Lilas, 93000 Bobigny]", "adresse: []"
        ),
        "adresse-nested": profile_replace(
            "adresse: [12 rue des Lilas, 93000 Bobigny]", "adresse: [[a, b], c]"
        ),
        "adresse-30-lines": profile_replace(
            "adresse: [12 rue des Lilas, 93000 Bobigny]", "adresse: [" + ", ".join(["l"] * 30) + "]"
        ),
        "adresse-long-line": profile_replace(
            "adresse: [12 rue des Lilas, 93000 Bobigny]", "adresse: [" + "a" * 3000 + ", 93000 B]"
        ),
        "nature-odd": profile_replace("nature: premiere_demande", "nature: autre"),
        "nature-renew-no-expiry": profile_replace(
            "nature: premiere_demande", "nature: renouvellement"
        ),
        "oui-non-odd": profile_replace("dossier_complet: oui", "dossier_complet: peut-être"),
        "oui-non-true": profile_replace("dossier_complet: oui", "dossier_complet: true"),
        "pieces-scalar": profile_replace(
            "  pieces_dossier:\n    - Passeport en cours de validité",
            "  pieces_dossier: Passeport\n    # - Passeport en cours de validité",
        ),
        "justificatif-outside": profile_replace(
            "justificatif: pieces/promesse_embauche.pdf", "justificatif: ../../etc/passwd"
        ),
        "justificatif-absolute": profile_replace(
            "justificatif: pieces/promesse_embauche.pdf", "justificatif: /etc/passwd"
        ),
        "justificatif-missing": profile_replace(
            "justificatif: pieces/promesse_embauche.pdf", "justificatif: pieces/absent.pdf"
        ),
        "justificatif-dir": profile_replace(
            "justificatif: pieces/promesse_embauche.pdf", "justificatif: pieces"
        ),
        "justificatif-dotdot-in": profile_replace(
            "justificatif: pieces/promesse_embauche.pdf",
            "justificatif: pieces/../pieces/promesse_embauche.pdf",
        ),
        "urgence-scalar": profile_replace("  urgence:\n", "  urgence: vite\n  zurgence:\n"),
        "site-js": profile_replace(
            "site_rdv: https://rdv.example.gouv.fr/seine-saint-denis/titre-sejour",
            "site_rdv: javascript:alert(1)",
        ),
        "site-spaces": profile_replace(
            "site_rdv: https://rdv.example.gouv.fr/seine-saint-denis/titre-sejour",
            "site_rdv: pas une adresse",
        ),
        "lieu-empty": profile_replace("lieu_signature: Bobigny", "lieu_signature:"),
        "seuils-odd": profile_bytes(lambda b: b + b"\nseuils:\n  semaines: -5\n"),
        "seuils-huge": profile_bytes(
            lambda b: b + b"\nseuils:\n  semaines: 99999999999999999999\n"
        ),
        "seuils-str": profile_bytes(lambda b: b + b"\nseuils:\n  semaines: beaucoup\n"),
        "mise-en-page-odd": profile_bytes(lambda b: b + b"\nmise_en_page:\n  marge: -1\n"),
        "delai-blank": profile_bytes(lambda b: b + b'\ndelai_convocation_jours: ""\n'),
        "delai-zero": profile_bytes(lambda b: b + b"\ndelai_convocation_jours: 0\n"),
        "astreinte-blank": profile_bytes(
            lambda b: b + b'\nrecours:\n  astreinte_euros_par_jour: ""\n'
        ),
        "recours-odd": profile_bytes(lambda b: b + b"\nrecours: 1\n"),
        "colon-in-value": profile_replace("nom: DIALLO", "nom: DIA: LLO"),
        "unclosed-quote": profile_replace("nom: DIALLO", 'nom: "DIALLO'),
        "unclosed-bracket": profile_replace(
            "adresse: [12 rue des Lilas, 93000 Bobigny]", "adresse: [12 rue des Lilas"
        ),
        "bad-indent": profile_replace("  nom: DIALLO", "     nom: DIALLO"),
        "key-empty": profile_bytes(lambda b: b + b'\n"": 1\n'),
        "key-null": profile_bytes(lambda b: b + b"\n~: 1\n"),
        "key-int": profile_bytes(lambda b: b + b"\n1: 1\n"),
    }


def journal_variants() -> dict[str, Callable[[Path], None]]:
    return {
        "truncated-last": journal_bytes(lambda b: b[:-40]),
        "truncated-last-nl": journal_bytes(lambda b: b[:-40] + b"\n"),
        "not-json": journal_bytes(lambda b: b + b"bonjour\n"),
        "nul-line": journal_bytes(lambda b: b + b"\x00\x00\x00\n"),
        "binary": journal_bytes(lambda b: os.urandom(4096)),
        "latin1": journal_bytes(lambda b: b.replace("é".encode(), b"\xe9")),
        "bom": journal_bytes(lambda b: b"\xef\xbb\xbf" + b),
        "crlf": journal_bytes(lambda b: b.replace(b"\n", b"\r\n")),
        "blank-lines": journal_bytes(lambda b: b.replace(b"\n", b"\n\n", 3)),
        "json-array-line": journal_bytes(lambda b: b + b"[1, 2]\n"),
        "json-string-line": journal_bytes(lambda b: b + b'"x"\n'),
        "json-null-line": journal_bytes(lambda b: b + b"null\n"),
        "n-string": journal_last(
            lambda s: s.replace('"n": ', '"n": "x', 1).replace(', "type"', '", "type"', 1)
        ),
        "n-negative": journal_last(lambda s: s.replace('{"n": ', '{"n": -', 1)),
        "n-float": journal_last(lambda s: s.replace(', "type"', '.5, "type"', 1)),
        "n-huge": journal_last(lambda s: s.replace('{"n": ', '{"n": 99999999999999999999999', 1)),
        "date-bad": journal_last(lambda s: _json_set(s, "date", "pas une date")),
        "date-int": journal_last(lambda s: _json_set(s, "date", 12)),
        "date-naive": journal_last(lambda s: _json_set(s, "date", "2026-11-25T18:45:00")),
        "date-year1": journal_last(lambda s: _json_set(s, "date", "0001-01-01T00:00:00+00:00")),
        "date-year9999": journal_last(lambda s: _json_set(s, "date", "9999-12-31T23:59:00+14:00")),
        "date-feb30": journal_last(lambda s: _json_set(s, "date", "2026-02-30T10:00:00+01:00")),
        "type-odd": journal_last(lambda s: _json_set(s, "type", "inconnu")),
        "type-int": journal_last(lambda s: _json_set(s, "type", 3)),
        "type-missing": journal_last(lambda s: _json_del(s, "type")),
        "canal-odd": journal_last(lambda s: _json_set(s, "canal", "pigeon")),
        "canal-null": journal_last(lambda s: _json_set(s, "canal", None)),
        "description-int": journal_last(lambda s: _json_set(s, "description", 5)),
        "description-list": journal_last(lambda s: _json_set(s, "description", ["a"])),
        "description-control": journal_last(
            lambda s: _json_set(s, "description", "a\x01[[corps]]\nb")
        ),
        "pieces-dict": journal_last(lambda s: _json_set(s, "pieces", {"a": 1})),
        "pieces-str": journal_last(lambda s: _json_set(s, "pieces", "pieces/x.png")),
        "pieces-list-str": journal_last(lambda s: _json_set(s, "pieces", ["pieces/x.png"])),
        "piece-etc": journal_first(lambda s: _json_piece(s, "/etc/hostname")),
        "piece-dotdot": journal_first(lambda s: _json_piece(s, "../../../../etc/hostname")),
        "piece-dotdot-inside": journal_first(lambda s: _json_piece(s, "pieces/../profil.yaml")),
        "piece-empty-name": journal_first(lambda s: _json_piece(s, "")),
        "piece-dot": journal_first(lambda s: _json_piece(s, ".")),
        "piece-int": journal_first(lambda s: _json_piece(s, 5)),
        "piece-nul": journal_first(lambda s: _json_piece(s, "pieces/a\x00b")),
        "piece-sha-odd": journal_first(lambda s: _json_piece_sha(s, "zz")),
        "piece-sha-int": journal_first(lambda s: _json_piece_sha(s, 5)),
        "precedent-removed": journal_last(lambda s: _json_del(s, "precedent")),
        "precedent-int": journal_last(lambda s: _json_set(s, "precedent", 5)),
        "huge-line": journal_bytes(
            lambda b: b + b'{"n": 99, "description": "' + b"x" * (20 * 1024 * 1024) + b'"}\n'
        ),
        "deep-json": journal_bytes(lambda b: b + b"[" * 100000 + b"]" * 100000 + b"\n"),
        "duplicate-n": journal_bytes(lambda b: b + b.splitlines(keepends=True)[-1]),
        "nan": journal_last(lambda s: _json_set_raw(s, "n", "NaN")),
        "empty-object": journal_bytes(lambda b: b + b"{}\n"),
        "extra-field": journal_last(lambda s: _json_set(s, "zzz", 1)),
        "lone-surrogate": journal_last(lambda s: _json_set_raw(s, "description", '"\\ud800"')),
    }


def _json_set(line: str, key: str, value: object) -> str:
    import json

    data = json.loads(line)
    data[key] = value
    return json.dumps(data, ensure_ascii=False)


def _json_set_raw(line: str, key: str, raw: str) -> str:
    import json

    data = json.loads(line)
    data[key] = "@@RAW@@"
    return json.dumps(data, ensure_ascii=False).replace('"@@RAW@@"', raw)


def _json_del(line: str, key: str) -> str:
    import json

    data = json.loads(line)
    data.pop(key, None)
    return json.dumps(data, ensure_ascii=False)


def _json_piece(line: str, path: object) -> str:
    import json

    data = json.loads(line)
    data["pieces"][0]["fichier"] = path
    return json.dumps(data, ensure_ascii=False)


def _json_piece_sha(line: str, sha: object) -> str:
    import json

    data = json.loads(line)
    data["pieces"][0]["sha256"] = sha
    return json.dumps(data, ensure_ascii=False)


AT_VALUES = [
    "",
    " ",
    "demain",
    "2026-02-30 10:00",
    "2026-13-01 10:00",
    "2026-11-20 25:00",
    "2026-11-20 23:60",
    "2026-11-20",
    "20/11/2026 10:00",
    "2026-03-29 02:30",  # does not exist in Paris
    "2026-10-25 02:30",  # exists twice
    "0001-01-01 00:00",
    "9999-12-31 23:59",
    "2016-11-20 10:00",
    "2099-01-01 10:00",
    "0206-11-20 10:00",
    "1234567890",
    "2026-11-20T10:00:00+14:00",
    "2026-11-20T10:00:00Z",
    "2026-11-20 10:00:00.123456",
    "capture",
    "\x01",
    "2026-11-20 10:00\n[[corps]]",
    "-1",
    "2026-W47",
]

TEXT_VALUES = {
    "empty": "",
    "space": "   ",
    "control": "a\x01b",
    "del": "a\x7fb",
    "newline-section": "a\n[[corps]]\nb",
    "brackets": "a [[x]] b",
    "huge": "x" * 100000,  # under the kernel's 128 KiB per argument
    "html": "<script>alert(1)</script>",
    "jinja": "{{ 7*7 }}{% for x in range(3) %}",
    "bidi": "a\u202eb",
    "emoji": "🙂",
    "u2028": "a\u2028b",
    "csv-formula": '=HYPERLINK("x")',
}


def scenarios() -> list[Scenario]:
    result: list[Scenario] = []
    for name, spoil in profile_variants().items():
        for args in PROFILE_CMDS:
            result.append(Scenario(f"profile/{name}/{' '.join(args)}", list(args), spoil))
    for name, spoil in journal_variants().items():
        for args in JOURNAL_CMDS:
            result.append(Scenario(f"journal/{name}/{' '.join(args)}", list(args), spoil))
    for action in [
        "delete",
        "dir",
        "empty",
        "chmod000",
        "symlink-etc",
        "symlink-loop",
        "fifo",
        "pieces-file",
        "pieces-chmod000",
    ]:
        for args in (
            ["verify"],
            ["bundle"],
            ["email", "--format", "eml"],
            ["status"],
            ["record", "web", "-m", "x"],
            ["log"],
        ):
            result.append(
                Scenario(
                    f"piece/{action}/{' '.join(args)}",
                    list(args),
                    piece_action(action),
                    as_user=action.endswith("chmod000"),
                )
            )
    for kind in [
        "empty",
        "huge",
        "dir",
        "chmod000",
        "fifo",
        "dangling",
        "devnull",
        "inside-pieces",
        "text",
        "name-newline",
    ]:
        for args in (
            ["record", "web", "-m", "x", "--proof", "{tmp}/proof.png"],
            ["sent", "31", "--proof", "{tmp}/proof.png"],
        ):
            result.append(
                Scenario(
                    f"proof/{kind}/{args[0]}", args, make_proof(kind), as_user=kind == "chmod000"
                )
            )
    for value in AT_VALUES:
        for args in (
            ["record", "web", "-m", "x", "--at", value],
            ["sent", "31", "--at", value],
            ["correct", "3", "--at", value],
        ):
            result.append(Scenario(f"at/{value!r}/{args[0]}", args))
    for label, value in TEXT_VALUES.items():
        for args in (
            ["record", "web", "-m", value],
            ["record", "web", "-m", "x", "--witness", value],
            ["record", "web", "-m", "x", "--reference", value],
            ["sent", "31", "--tracking", value],
            ["correct", "3", "-m", value],
            ["correct", "3", "--withdraw", "--reason", value],
        ):
            result.append(Scenario(f"text/{label}/{' '.join(args[:1] + args[-2:-1])}", args))
    for lang in ("xx", "", "fr_FR", "EN", "../../etc"):
        result.append(Scenario(f"lang/{lang!r}", ["--lang", lang, "status"], no_case_flag=False))
    for env_lang in ("xx_XX.UTF-8", "en_US.ISO-8859-1", "", "C", "../../etc/passwd"):
        result.append(Scenario(f"envlang/{env_lang!r}", ["status"], env={"LANG": env_lang}))
    # odd options per command
    odd = [
        ["sent"],
        ["sent", "0"],
        ["sent", "-1"],
        ["sent", "999"],
        ["sent", "x"],
        ["sent", "99999999999999999999999"],
        ["sent", "3"],  # 3 is an attempt, not a document
        ["correct"],
        ["correct", "0"],
        ["correct", "999"],
        ["correct", "x"],
        ["correct", "3"],
        ["correct", "3", "--withdraw"],
        ["correct", "3", "--withdraw", "--reason", "x", "-m", "y"],
        ["correct", "3", "--tracking", "x"],
        ["record"],
        ["record", "--at"],
        ["record", "web", "-m"],
        ["record", "extra"],
        ["letter", "--format", "odt"],
        ["letter", "--format"],
        ["email", "--format", "pdf"],
        ["email", "--send", "-y"],
        ["email", "--mailto", "--format", "eml"],
        ["bundle", "-o", "/dev/null"],
        ["bundle", "-o", "/proc/x"],
        ["bundle", "-o", "{case}/profil.yaml"],
        ["bundle", "-o", "{case}"],
        ["bundle", "-o", ""],
        ["bundle", "--series", "month"],
        ["log", "-o", "{case}/profil.yaml"],
        ["log", "-o", "/dev/full"],
        ["log", "-o", "{tmp}"],
        ["log", "-o", ""],
        ["log", "-o", "{tmp}/nodir/x.csv"],
        ["recours", "--json"],
        ["recours", "--check", "--json"],
        ["recours", "--format", "pdf", "--json"],
        ["timestamp", "--tsa", "notaurl"],
        ["timestamp", "--tsa", "file:///etc/passwd"],
        ["timestamp", "--tsa", "http://127.0.0.1:1/", "--timeout", "1"],
        ["timestamp", "--timeout", "-1"],
        ["timestamp", "--timeout", "x"],
        ["timestamp", "--tsa-cert", "/etc/passwd", "--tsa", "http://127.0.0.1:1/"],
        ["capture", "--steps", "/etc/passwd", "--chromium", "/bin/false"],
        ["capture", "--chromium", "/nonexistent"],
        ["templates"],
        ["templates", "check", "x"],
        ["init"],
        ["init", "--example", "xx", "{tmp}/new"],
        ["web", "--port", "70000"],
        ["web", "--port", "x"],
        ["web", "--host", "8.8.8.8"],
        ["web", "--cases", "/nonexistent"],
        ["web", "--lang", "xx"],
        ["nosuchcommand"],
        ["--help", "x"],
        ["status", "--json", "--json"],
    ]
    for args in odd:
        result.append(Scenario(f"odd/{' '.join(args)}", args))
    # the case folder itself
    for action in [
        "readonly",
        "profile-dir",
        "journal-dir",
        "profile-missing",
        "journal-missing",
        "profile-chmod000",
        "journal-chmod000",
        "journal-readonly",
        "documents-file",
        "profile-symlink-etc",
        "journal-symlink",
        "profile-fifo",
        "journal-fifo",
        "journal-empty",
    ]:
        for args in (
            ["check"],
            ["status"],
            ["record", "web", "-m", "x"],
            ["email"],
            ["letter"],
            ["verify"],
            ["bundle"],
            ["sent", "31"],
        ):
            user = action in (
                "readonly",
                "profile-chmod000",
                "journal-chmod000",
                "journal-readonly",
            )
            result.append(
                Scenario(
                    f"folder/{action}/{args[0]}", list(args), folder_action(action), as_user=user
                )
            )
    for args in (["status"], ["check"], ["record", "web", "-m", "x"], ["email"], ["verify"]):
        result.append(
            Scenario(
                f"casepath/file/{args[0]}", ["-C", "{case}/profil.yaml", *args], no_case_flag=True
            )
        )
        result.append(
            Scenario(f"casepath/missing/{args[0]}", ["-C", "{tmp}/none", *args], no_case_flag=True)
        )
        result.append(
            Scenario(
                f"casepath/empty-dir/{args[0]}",
                ["-C", "{tmp}/emptydir", *args],
                lambda case: (case.parent / "emptydir").mkdir(),
                no_case_flag=True,
            )
        )
    from attack_families import families  # issue 21: next to this script

    result += families(Scenario)
    for target in ("{case}", "{case}/profil.yaml", "{tmp}/a/b/c", "/proc/nope", "{tmp}/ro/x"):
        result.append(
            Scenario(
                f"init/{target}", ["init", target], no_case_flag=True, spoil=_ro_dir, as_user=True
            )
        )
    return result


def _ro_dir(case: Path) -> None:
    ro = case.parent / "ro"
    ro.mkdir()
    ro.chmod(0o555)


# ---------------------------------------------------------------- running


def _limit() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_one(base: Path, scenario: Scenario) -> Outcome:
    tmp = Path(tempfile.mkdtemp(prefix="attack-"))
    try:
        case = tmp / "case"
        shutil.copytree(base, case, symlinks=True)
        scenario.spoil(case)
        args = [a.replace("{case}", str(case)).replace("{tmp}", str(tmp)) for a in scenario.args]
        command = [EXE, *args] if scenario.no_case_flag else [EXE, "-C", str(case), *args]
        if scenario.as_user:
            os.chmod(tmp, 0o777)
            for path in [case, *case.rglob("*")]:
                if not path.is_symlink():
                    os.chown(path, 65534, 65534)
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        env = {**os.environ, "HOME": str(tmp), "LANG": "C.UTF-8", **scenario.env}
        env.pop("RDVLETTERS_DEBUG", None)
        try:
            proc = subprocess.run(
                command,
                input=scenario.stdin,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=TIMEOUT,
                env=env,
                preexec_fn=_limit,
                cwd=tmp,
            )
        except subprocess.TimeoutExpired:
            return Outcome(scenario, -1, "", "", "timeout")
        except (OSError, ValueError) as exc:  # the harness's own limits (argv)
            return Outcome(scenario, -2, str(exc), "", "harness: " + str(exc))
        outcome = Outcome(scenario, proc.returncode, proc.stderr, proc.stdout)
        outcome.defect = judge(outcome, case, tmp)
        if not outcome.defect and scenario.check is not None:
            outcome.defect = scenario.check(case, tmp, outcome)
        return outcome
    finally:
        for path in tmp.rglob("*"):
            if not path.is_symlink():
                with contextlib.suppress(OSError):
                    path.chmod(0o700 if path.is_dir() else 0o600)
        shutil.rmtree(tmp, ignore_errors=True)


def _safe(base: Path, scenario: Scenario) -> Outcome:
    try:
        return run_one(base, scenario)
    except Exception as exc:  # noqa: BLE001 - a harness bug must not lose the other results
        return Outcome(scenario, -2, repr(exc), "", f"harness: {exc!r}")


def judge(outcome: Outcome, case: Path, tmp: Path) -> str:
    both = outcome.stderr + outcome.stdout
    if "Traceback" in both:
        return "traceback"
    if outcome.code == 70:
        return "exit 70"
    if outcome.code < 0:
        return f"signal {-outcome.code}"
    if outcome.code not in (0, 1, 2, 3, 4, 5, 6, 7):
        return f"odd exit {outcome.code}"
    if outcome.code != 0:
        leaked = [word for word in PERSONAL if word in outcome.stderr]
        if leaked:
            return f"personal data on stderr: {leaked}"
        if not (outcome.stderr.strip() or outcome.stdout.strip()):
            return "failed silently"
    return ""


def sample(chosen: list[Scenario], per_family: int = 25) -> list[Scenario]:
    """About ``per_family`` scenarios of each family, spread over it (the same each run)."""
    by_family: dict[str, list[Scenario]] = collections.defaultdict(list)
    for scenario in chosen:
        by_family[scenario.name.split("/")[0]].append(scenario)
    picked = []
    for members in by_family.values():
        stride = max(1, len(members) // per_family)
        picked += members[::stride]
    return picked


def run_all(
    base: Path, chosen: list[Scenario], jobs: int, budget: float
) -> tuple[list[Outcome], int]:
    """Run the scenarios; past ``budget`` seconds (0: none), start no new one."""
    deadline = time.monotonic() + budget if budget else None
    outcomes: list[Outcome] = []
    skipped = 0
    with ThreadPoolExecutor(jobs) as pool:
        pending = set()
        for scenario in chosen:
            if deadline is not None and time.monotonic() > deadline:
                skipped += 1
                continue
            pending.add(pool.submit(_safe, base, scenario))
            if len(pending) >= jobs * 2:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                outcomes += [f.result() for f in done]
        outcomes += [f.result() for f in pending]
    return outcomes, skipped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--quick", action="store_true", help="a sample of every family")
    parser.add_argument("--budget", type=float, default=0, help="seconds; 0: no limit")
    options = parser.parse_args()
    os.environ["RDVLETTERS_ATTACK_EXE"] = EXE
    with tempfile.TemporaryDirectory() as base_dir:
        base = Path(base_dir) / "aminata"
        subprocess.run([EXE, "init", "--example", str(base)], check=True, capture_output=True)
        # entry 31: a prepared letter, for ``sent 31``
        subprocess.run(
            [EXE, "-C", str(base), "letter", "--format", "text"], check=True, capture_output=True
        )
        chosen = [s for s in scenarios() if options.only in s.name]
        if options.quick:
            chosen = sample(chosen)
        outcomes, skipped = run_all(base, chosen, options.jobs, options.budget)
    counts = collections.Counter(o.code for o in outcomes)
    defects = [o for o in outcomes if o.defect]
    for outcome in outcomes:
        if options.verbose or outcome.defect:
            first = (outcome.stderr.strip().splitlines() or [""])[-1][:300]
            print(f"[{outcome.code:>3}] {outcome.scenario.name[:90]}: {outcome.defect} | {first}")
    print(
        f"\n{len(outcomes)} inputs; exit codes: "
        + ", ".join(f"{code}: {n}" for code, n in sorted(counts.items()))
    )
    if skipped:
        print(f"not run (budget of {options.budget:.0f} s reached): {skipped}")
    print(f"defects: {len(defects)}")
    for kind, n in collections.Counter(o.defect.split(":")[0] for o in defects).items():
        print(f"  {kind}: {n}")
    return 1 if defects else 0


if __name__ == "__main__":
    sys.exit(main())
