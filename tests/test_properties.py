"""Property-based tests (Hypothesis): whatever a person types, whatever ends up in the profile
or the journal, no command crashes, and nothing accepted breaks a later command.

A crash is an exception other than the CLI's own exit, exit code 70, or a traceback in the
output. Example counts are bounded so the file runs in well under a minute; set
``RDVLETTERS_FUZZ=10`` (a multiplier) for a longer hunt. Generation is derandomised so CI
sees the same examples every run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner, Result
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from rdvletters.channels import CHANNELS
from rdvletters.cli import cli

from .conftest import EXAMPLE, installed_cli

SCALE = int(os.environ.get("RDVLETTERS_FUZZ", "1"))


def bounded(n: int):
    return settings(
        max_examples=n * SCALE,
        deadline=None,
        derandomize=SCALE == 1,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# --- running the CLI ---------------------------------------------------------------
RUNNER = CliRunner()


def invoke(*args: str | os.PathLike) -> Result:
    return RUNNER.invoke(cli, [str(a) for a in args], catch_exceptions=True)


def assert_no_crash(result: Result, what: object) -> None:
    exception = result.exception
    crashed = exception is not None and not isinstance(exception, SystemExit)
    assert not crashed, (what, repr(exception))
    assert result.exit_code != 70, (what, result.output)
    assert "Traceback" not in result.output, (what, result.output)


@contextmanager
def example_case() -> Iterator[Path]:
    """A fresh copy of the bundled example, in its own temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cas"
        shutil.copytree(EXAMPLE, folder)
        yield folder


def later_commands_work(folder: Path, what: object) -> None:
    """What the person does next: the letter, status, the dossier, the CSV, verify."""
    for args in (
        ["letter", "--format", "text"],
        ["status"],
        ["bundle", "-o", folder / "dossier_test"],
        ["log", "--csv"],
        ["log"],
        ["verify"],
    ):
        result = invoke("-C", folder, *args)
        assert_no_crash(result, (what, args))
        assert result.exit_code == 0, (what, args, result.output)
    shutil.rmtree(folder / "dossier_test")


# --- strategies ----------------------------------------------------------------------
MARKERS = ["[[corps]]", "\n[[pied]]\n", "[[", "]]", '=HYPERLINK("x")', "\u2028", "\x85", "«", "\r"]
anything = st.text(st.characters(codec="utf-8"), max_size=80)  # every code point, incl. C0/C1
printable = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=80)
with_markers = st.lists(st.one_of(printable, st.sampled_from(MARKERS)), max_size=4).map("".join)
texts = st.one_of(printable, with_markers, anything)  # most inputs get past the door
dates = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
    st.datetimes(min_value=datetime(2026, 9, 1), max_value=datetime(2026, 11, 26)).map(
        lambda d: d.strftime("%d/%m/%Y %Hh%M")
    ),
    st.sampled_from(["2026-03-29 02:30", "0001-01-01 00:00", "2016-11-20 09:15", "capture"]),
    anything,
)


def mostly(value: bool = True) -> st.SearchStrategy[bool]:
    """``value`` nine times in ten: most inputs should get past the door."""
    return st.sampled_from([value] * 9 + [not value])


@st.composite
def record_args(draw) -> list[str]:
    """``record`` as a person could type it: a channel (rarely a wrong one), a message, a
    witness for a counter visit (rarely for another channel), a reference, a date."""
    channel = draw(st.sampled_from(list(CHANNELS))) if draw(mostly()) else draw(anything)
    args = ["record", channel, "-m", draw(texts)]
    if draw(st.booleans()) and (channel == "counter" or not draw(mostly())):
        args += ["--witness", draw(texts)]
    if draw(st.booleans()):
        args += ["--reference", draw(texts)]
    if draw(st.sampled_from([True, False, False])):  # a date one time in three
        args += ["--at", draw(dates)]
    return args


@given(args=record_args())
@example(args=["record", "counter", "-m", "\n[[corps]]\n", "--witness", "[[pied]]"])
@example(args=["record", "web", "-m", "x\u2028[[annexe]]", "--reference", "\x1b[2J=1+1"])
@bounded(25)
def test_record_never_crashes_and_what_it_accepts_works_later(args):
    with example_case() as folder:
        before = (folder / "journal.jsonl").read_bytes()
        result = invoke("-C", folder, *args)
        assert_no_crash(result, args)
        event(f"record: exit {result.exit_code}")
        if result.exit_code != 0:
            assert (folder / "journal.jsonl").read_bytes() == before  # refused: nothing written
            return
        later_commands_work(folder, args)


# --- profile text ----------------------------------------------------------------------
FIELDS = [
    "  nom: DIALLO",
    "  prenom: Aminata",
    "  lieu_naissance: Bamako (Mali)",
    "  nationalite: malienne",
    "  nom: Préfecture de la Seine-Saint-Denis",
    "lieu_signature: Bobigny",
    "  titre: carte de séjour temporaire « salarié » (admission exceptionnelle au séjour)",
    "    - Passeport en cours de validité",
    '  telephone: "0612345678"',
]
GOOD_PROFILE = (EXAMPLE / "profil.yaml").read_text(encoding="utf-8")


def yaml_value(value: str, style: str) -> str:
    """``value`` as the person could write it: quoted, single-quoted, or bare."""
    if style == "double":
        return json.dumps(value)  # a JSON string is a YAML double-quoted scalar
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return value


@given(
    field=st.sampled_from(FIELDS),
    value=texts,
    style=st.sampled_from(["double", "double", "double", "single", "bare"]),
)
@example(field="  prenom: Aminata", value="Ami\n[[corps]]", style="double")
@example(field="  nom: DIALLO", value="\u2028[[pied]]", style="double")
@example(field="lieu_signature: Bobigny", value="\x1b[31m", style="double")
@bounded(25)
def test_profile_text_never_crashes_and_what_is_accepted_works_later(field, value, style):
    key, _, old = field.partition(": ")
    assert field in GOOD_PROFILE
    text = GOOD_PROFILE.replace(field, f"{key}: {yaml_value(value, style)}", 1)
    with example_case() as folder:
        (folder / "profil.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
        result = invoke("-C", folder, "check")
        assert_no_crash(result, (field, value))
        assert result.exit_code in (0, 2), result.output
        event(f"profile: exit {result.exit_code}")
        if result.exit_code != 0:
            return
        for args in (["email"], ["referral", "--format", "text"], ["letter"]):
            outcome = invoke("-C", folder, *args)
            assert_no_crash(outcome, (field, value, args))
            assert outcome.exit_code == 0, (field, value, args, outcome.output)
        later_commands_work(folder, (field, value))


# --- journal lines ---------------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
GOOD_ENTRY = {
    "n": 31,
    "type": "tentative",
    "canal": "web",
    "date": "2026-11-26T09:00:00+01:00",
    "description": "Aucun créneau",
    "pieces": [{"fichier": "pieces/2026-09-14_0905_web_capture_00.png", "sha256": "0" * 64}],
}
KEYS = [*GOOD_ENTRY, "temoin", "reference", "document", "document_n", "fichier", "sha256",
        "precedent", "enregistre_le", "suivi", "corrige", "valeurs", "retire"]  # fmt: skip
entries = st.one_of(
    st.dictionaries(st.sampled_from(KEYS) | texts, json_values, max_size=6),  # anything at all
    st.builds(  # a good entry with one field changed: gets past the first checks
        lambda key, value, kind: {**GOOD_ENTRY, "type": kind, key: value},
        st.sampled_from(KEYS),
        json_values,
        st.sampled_from(["tentative", "evenement", "envoi", "document", "correction", "autre"]),
    ),
    st.builds(lambda key: {k: v for k, v in GOOD_ENTRY.items() if k != key}, st.sampled_from(KEYS)),
    json_values,
)


def _dumped(entry: object) -> bytes | None:
    try:
        return json.dumps(entry, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return None


lines = st.one_of(
    entries.map(_dumped).filter(bool),
    st.binary(max_size=60),  # not even JSON
)


@given(line=lines)
@example(line=_dumped({**GOOD_ENTRY, "date": "0206-11-26T09:00:00+01:00"}))
@example(line=_dumped({**GOOD_ENTRY, "n": 10**100}))
@example(line=_dumped({**GOOD_ENTRY, "description": "x\n[[corps]]\n\x0c\x1b[2J"}))
@example(line=_dumped({**GOOD_ENTRY, "pieces": [{"fichier": "/etc/hostname", "sha256": "0"}]}))
@example(line=_dumped({**GOOD_ENTRY, "type": "envoi", "document": "lettre", "document_n": 999}))
@example(line=_dumped({**GOOD_ENTRY, "precedent": [1]}))
@example(line=b'{"n": Infinity, "type": "tentative"}')
@example(line=b"[" * 100_000 + b"]" * 100_000)
@example(line=b'{"n": 31, "type": "tentative", "canal": "web", "description": "\\ud800"}')
@bounded(40)
def test_journal_lines_never_crash_a_command(line):
    with example_case() as folder:
        with open(folder / "journal.jsonl", "ab") as journal:
            journal.write(line.replace(b"\n", b" ") + b"\n")  # one line, complete
        results, messages = {}, {}
        for args in (
            ["log", "--csv"],
            ["status"],
            ["letter", "--format", "text"],
            ["email", "--format", "eml"],
            ["bundle", "-o", folder / "dossier_test"],
            ["verify"],
            ["record", "web", "-m", "x"],
        ):
            result = invoke("-C", folder, *args)
            assert_no_crash(result, (line, args))
            results[args[0]], messages[args[0]] = result.exit_code, result.stderr
        event(f"journal line: log exit {results['log']}")
        if results["log"] == 0:  # a line the reader takes must not break any other command,
            verify = results.pop("verify")  # verify may say the chain is broken: exit 1
            assert verify in (0, 1), (line, messages["verify"])
            for command, code in results.items():  # unless a file it names is not there
                said = messages[command]  # Case.file's refusals: missing, or outside the case
                refused = "introuvable (ou ce n'est pas un fichier)" in said or "sort du" in said
                assert code == 0 or (code == 2 and refused), (line, command, said)
        else:  # refused: the same located message everywhere (verify: its own report)
            verify = results.pop("verify")
            assert set(results.values()) == {4}, (line, results)
            assert "journal.jsonl, ligne 31 : entrée illisible" in messages["status"]
            assert verify in (1, 4), (line, messages["verify"])


# --- through the installed command -----------------------------------------------------
@given(message=texts, witness=st.one_of(st.none(), texts))
@example(message="\n[[corps]]\x00", witness="\x1b[2J")
@bounded(6)
def test_installed_record_never_crashes(message, witness):
    assume("\x00" not in message + (witness or ""))  # argv cannot carry a NUL byte
    args = ["record", "counter" if witness is not None else "web", "-m", message]
    if witness is not None:
        args += ["--witness", witness]
    with example_case() as folder:
        result = subprocess.run(
            [*installed_cli(), "-C", str(folder), *args],
            capture_output=True,
            timeout=60,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        stderr = result.stderr.decode("utf-8", "replace")
        assert result.returncode in (0, 2), (args, stderr)
        assert "Traceback" not in stderr and "Erreur inattendue" not in stderr
        if result.returncode == 0:
            for follow in (["bundle", "-o", str(folder / "d")], ["verify"]):
                after = subprocess.run(
                    [*installed_cli(), "-C", str(folder), *follow], capture_output=True, timeout=120
                )
                assert after.returncode == 0, (args, follow, after.stderr)
