"""A case folder is untrusted input: the roots it holds never make its timestamps verified.

Anyone can make a root certificate and an ``openssl ts`` authority under it, timestamp a
journal with it, and leave the root in the case's ``horodatage/racines/`` (or name it in
the case's own ``horodatage.yaml``). ``verify`` trusts only the system's store, the roots
shipped with the package and those kept in the user's configuration folder: such a token
is reported as not verified, with the reason, and proves no date.
"""

from __future__ import annotations

import os
import shutil

import pytest

from rdvletters.evidence.proofs import tsa_settings

from .conftest import journal_lines
from .tsa_server import LocalTSA, make_pki, trust_store

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl absent")


@pytest.fixture(scope="module")
def forged(tmp_path_factory):
    """A root made for the occasion, and an authority under it."""
    return make_pki(tmp_path_factory.mktemp("pki_forged"), "Forged")


@pytest.fixture
def empty_store(tmp_path, monkeypatch):
    """The machine's trust store, for the test: it holds none of the forged roots."""
    other = make_pki(tmp_path / "pki_other", "Unrelated")
    monkeypatch.setenv(tsa_settings.TRUST_STORE_ENV, str(trust_store(tmp_path / "s", other)))


def _stamped_by_forger(case, run, forged):
    """The case as a forger hands it over: a token under the forged root, and the root
    kept in the case's ``horodatage/racines/`` (the forger's own configuration is gone)."""
    with LocalTSA(forged) as tsa:
        result = run("-C", case, "timestamp", "--tsa", tsa.url, "--tsa-cert", forged.ca)
    assert result.exit_code == 0, result.output + result.stderr
    held = sorted((case / "horodatage" / "racines").glob("*.pem"))
    assert held
    user = tsa_settings.user_roots_folder()
    assert sorted(p.name for p in user.glob("*.pem")) == [p.name for p in held]
    shutil.rmtree(user)  # another machine: the case arrives alone
    return held[0]


def test_a_root_held_only_by_the_case_does_not_verify_its_token(case, run, forged, empty_store):
    held = _stamped_by_forger(case, run, forged)
    entry = journal_lines(case)[-1]
    os.mkfifo(case / "horodatage" / "racines" / "zz-fifo.pem")  # never waited on
    result = run("-C", case, "verify")
    out = result.output
    assert f"horodatage n° {entry['n']} (127.0.0.1) : autorité non reconnue (non vérifié" in out
    assert (
        "le jeton ne se vérifie qu'avec une racine gardée dans le dossier "
        f"(horodatage/racines/{held.name}) ; un dossier ne fait pas autorité"
    ) in out
    assert "non pris en compte" in out
    assert ": valide, entrées" not in out and "existait au plus tard" not in out


def test_a_root_named_by_the_cases_own_settings_is_not_trusted(case, run, forged, empty_store):
    held = _stamped_by_forger(case, run, forged)
    (case / "horodatage.yaml").write_text(
        "horodatage: manuel\nautorites:\n"
        f'  - url: "http://127.0.0.1:9/tsr"\n    certificat: "horodatage/racines/{held.name}"\n',
        encoding="utf-8",
    )
    out = run("-C", case, "verify").output
    assert "ne se vérifie qu'avec une racine gardée dans le dossier" in out
    assert ": valide, entrées" not in out and "existait au plus tard" not in out


def test_the_same_root_in_the_users_configuration_is_trusted(case, run, forged, empty_store):
    held = _stamped_by_forger(case, run, forged)
    user = tsa_settings.user_roots_folder()
    user.mkdir(parents=True)
    shutil.copy(forged.ca, user / held.name)  # the person compared it and chose to trust it
    out = run("-C", case, "verify").output
    assert ": valide, entrées 1 à" in out and "racine désignée par la personne" in out
    assert "existait au plus tard le" in out


# --- at request time: a root only the case's own settings name dates nothing ---------------
@pytest.fixture
def patient(monkeypatch):
    """Commands wait longer for the local authority than the real budget (an ``openssl``
    process per answer, slow on a loaded machine): these tests want the answer."""
    from rdvletters.evidence.proofs import autostamp

    monkeypatch.setattr(autostamp, "BUDGET", 20.0)


def _case_names_root(case, tsa, forged) -> None:
    """The case's own settings: automatic, one authority, its root given beside them."""
    shutil.copy(forged.ca, case / "ca-association.pem")
    (case / "horodatage.yaml").write_text(
        f"horodatage: auto\nminimum: 1\nautorites:\n  - url: {tsa.url}\n    nom: Asso\n"
        "    certificat: ca-association.pem\n",
        encoding="utf-8",
    )


def _record_with_proof(case, run):
    png = sorted((case / "pieces").glob("*.png"))[0]
    return run("-C", case, "record", "web", "-m", "Aucun créneau", "--proof", png)


def _tokens(case) -> list[dict]:
    return [e for e in journal_lines(case) if e["type"] == "horodatage"]


def _third_party(run, case) -> tuple[str, dict]:
    """What ``status`` says of the timestamps: its text, and its JSON figures."""
    import json

    text = run("-C", case, "status").output
    figures = json.loads(run("-C", case, "status", "--json").stdout)
    return text, figures


def _dated_by_third_party(figures: dict) -> int:
    return sum(w["datees_par_un_tiers"] for w in figures["weeks"])


def test_a_token_under_a_root_the_case_names_is_kept_and_counted_by_nothing(
    case, run, forged, empty_store, patient
):
    before = journal_lines(case)
    with LocalTSA(forged) as tsa:
        _case_names_root(case, tsa, forged)
        result = _record_with_proof(case, run)
        assert result.exit_code == 0, result.output
        assert tsa.requests == 1
        again = run("-C", case, "log")  # the same step is not asked again
        assert tsa.requests == 1 and again.exit_code == 0
    said = result.output
    assert "Asso : jeton gardé mais non vérifié" in said
    assert "racine que nomme le horodatage.yaml du dossier (ca-association.pem" in said
    assert str(tsa_settings.user_roots_folder()) in said
    assert "journal horodaté (entrées" not in said
    # the person's journal: every entry kept, the step, then the token said for what it is
    lines = journal_lines(case)
    assert lines[: len(before)] == before
    step, token = lines[len(before)], lines[-1]
    assert step["type"] == "tentative" and len(lines) == len(before) + 2
    assert token["verification"] == "autorité non reconnue" and token["racine_sha256"]
    assert "non vérifié" in token["description"]
    assert (case / token["fichier"]).is_file()
    # status and verify: the same fact, the same figure
    text, figures = _third_party(run, case)
    assert _dated_by_third_party(figures) == 0
    assert "journal non horodaté depuis le" in text and "journal horodaté :" not in text
    assert "jeton obtenu mais non vérifié, sa racine n'étant nommée que par le dossier" in text
    assert "aucune autorité joignable" not in text
    verified = run("-C", case, "verify")
    assert verified.exit_code == 0, verified.output  # the journal itself is intact
    assert f"horodatage n° {token['n']} (Asso) : autorité non reconnue (non vérifié" in (
        verified.output
    )
    assert "existait au plus tard" not in verified.output


def test_the_kept_token_counts_for_both_once_the_person_trusts_its_root(
    case, run, forged, empty_store, patient
):
    with LocalTSA(forged) as tsa:
        _case_names_root(case, tsa, forged)
        assert _record_with_proof(case, run).exit_code == 0
    user = tsa_settings.user_roots_folder()
    user.mkdir(parents=True)
    shutil.copy(forged.ca, user / "asso.pem")  # compared with the published fingerprint
    text, figures = _third_party(run, case)
    assert _dated_by_third_party(figures) == 1
    assert "journal horodaté : dernier jeton du" in text
    verified = run("-C", case, "verify").output
    assert ": valide, entrées 1 à" in verified and "existait au plus tard le" in verified


def test_the_same_root_trusted_by_the_person_is_valid_on_receipt(
    case, run, forged, empty_store, patient
):
    user = tsa_settings.user_roots_folder()
    user.mkdir(parents=True)
    shutil.copy(forged.ca, user / "asso.pem")
    with LocalTSA(forged) as tsa:
        _case_names_root(case, tsa, forged)
        result = _record_with_proof(case, run)
    assert "journal horodaté (entrées 1 à" in result.output
    assert "non vérifié" not in result.output
    assert _tokens(case)[-1]["verification"] == "valide"
    text, figures = _third_party(run, case)
    assert _dated_by_third_party(figures) == 1
    assert "journal horodaté : dernier jeton du" in text
    verified = run("-C", case, "verify").output
    assert ": valide, entrées 1 à" in verified and "racine désignée par la personne" in verified


def test_timestamp_by_hand_under_a_root_the_case_names_says_so(case, run, forged, empty_store):
    with LocalTSA(forged) as tsa:
        _case_names_root(case, tsa, forged)
        (case / "horodatage.yaml").write_text(
            (case / "horodatage.yaml")
            .read_text()
            .replace("horodatage: auto", "horodatage: manuel"),
            encoding="utf-8",
        )
        result = run("-C", case, "timestamp")
    assert result.exit_code == 6, result.output
    assert "aucun jeton vérifié" in result.stderr
    assert "Asso : jeton gardé mais non vérifié" in result.stderr
    token = _tokens(case)[-1]
    assert f"gardé au journal (entrée n° {token['n']})" in result.stderr
    assert token["verification"] == "autorité non reconnue"
    text, figures = _third_party(run, case)
    assert "journal horodaté :" not in text


def test_status_does_not_take_valide_from_a_root_only_the_case_holds(
    case, run, forged, empty_store
):
    """A token journaled « valide » (the forger's machine trusted its own root), handed over
    with the root in ``horodatage/racines/``: status counts nothing, as verify."""
    png = sorted((case / "pieces").glob("*.png"))[0]
    assert run("-C", case, "record", "web", "-m", "Aucun créneau", "--proof", png).exit_code == 0
    _stamped_by_forger(case, run, forged)
    assert _tokens(case)[-1]["verification"] == "valide"
    os.mkfifo(case / "horodatage" / "racines" / "zz-fifo.pem")  # never waited on
    text, figures = _third_party(run, case)
    assert _dated_by_third_party(figures) == 0
    assert "journal horodaté :" not in text
    assert "existait au plus tard" not in run("-C", case, "verify").output
    user = tsa_settings.user_roots_folder()
    user.mkdir(parents=True)
    shutil.copy(forged.ca, user / "asso.pem")  # trusted by the person: counted by both
    text, figures = _third_party(run, case)
    assert _dated_by_third_party(figures) == 1
    assert "existait au plus tard" in run("-C", case, "verify").output
