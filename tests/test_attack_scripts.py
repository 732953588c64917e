"""The attack scripts keep working (CI runs them whole, in --quick mode, in .ci/run);
here, two of issue 21's families, which take seconds: an e-mail's headers and the
files a journal names outside the case."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.mark.parametrize("family", ["mail/", "oracle/"])
def test_a_family_of_the_cli_attack_script_holds(family):
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "attack_cli.py"), "--only", family, "-j", "2"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "defects: 0" in done.stdout
