"""The profile is read by libyaml's parser when PyYAML has it: the same data, the same
lines, and for a file libyaml refuses PyYAML's own message, as before."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from rdvletters import yamlload
from rdvletters.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
TOKENS = [
    b":", b"-", b" ", b"  ", b"&a", b"*a", b"!!x", b"\n", b"'", b'"', b"[", b"]", b"{", b"}",
    b"?", b"#", b"|", b">", b"---", b",", b"a", b"%", b"\t", b"\\", b"@", b"`", b"...",
    b"- ", b": ", b"\n# q ? !\n", b" # ok ?",
]  # fmt: skip
SEEDS = [
    (ROOT / "examples/aminata/profil.yaml").read_bytes(),
    (ROOT / "templates/profil.yaml").read_bytes(),
    b'a: [1, 2]\nb: {c: d, e: [f]}\nc: "x\\\\ny"\nd: >\n  folded\n  text\n',
]


def outcome(raw: bytes, fast: bool, monkeypatch) -> tuple:
    with monkeypatch.context() as patch:
        patch.setattr(yamlload, "_FAST", yaml.CBaseLoader if fast else None)
        try:
            located = yamlload.parse_document(raw, Path("profil.yaml"))
        except InputError as error:
            return ("error", str(error))
    return ("data", located.data, located.lines)


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="PyYAML without libyaml")
def test_libyaml_and_pyyaml_read_every_variant_alike(monkeypatch):
    rng = random.Random(20)
    texts = list(SEEDS)
    for _ in range(800):
        text = bytearray(rng.choice(SEEDS))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text))
            if rng.random() < 0.5:
                text[at : at + rng.randint(0, 3)] = rng.choice(TOKENS)
            else:
                del text[at : at + rng.randint(1, 4)]
        texts.append(bytes(text))
    fast_used = 0
    for raw in texts:
        assert outcome(raw, True, monkeypatch) == outcome(raw, False, monkeypatch), raw
        fast_used += not yamlload._PYYAML_ONLY.search(raw.decode("utf-8", "replace"))
    assert fast_used > 300  # most variants did go through libyaml


def test_the_bundled_profiles_take_the_fast_parser():
    for raw in SEEDS[:2]:
        assert not yamlload._PYYAML_ONLY.search(raw.decode("utf-8"))
