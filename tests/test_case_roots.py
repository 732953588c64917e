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
