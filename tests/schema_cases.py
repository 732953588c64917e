"""Altered settings files for the schema's golden test (``test_schema_golden.py``).

Each case is a YAML text built from a good file (the bundled examples' profiles, the
blank template, ``smtp.yaml``, ``horodatage.yaml``, a steps file) with one or a few
fields changed: wrong types, blanks, missing and unknown fields, bad dates, numbers,
choices and addresses, nested errors. ``outcome`` says what the code made of it: the
values read (with their types), or the message, hint and the problems' fields.

The golden file ``data/schema_golden.json.gz`` holds the outcomes produced by the
pydantic schema (``main`` before the schema left pydantic), made by running this file
with that version's interpreter: ``python tests/schema_cases.py OUT.json.gz`` from
outside the worktree so that the other version's package is imported.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import os
import random
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).with_name("data") / "schema_golden.json.gz"
NOW = "2026-11-30T10:00:00+01:00"

SURROGATE = "HALF_SURROGATE"  # written "\ud800" in the file: libyaml's emitter refuses it
VALUES: list[Any] = [
    "",
    "  ",
    "abc",
    "0",
    "-20",
    "3.0",
    "1_0",
    "99999",
    "3.5",
    "nan",
    " 12 ",
    "-15",
    "15.5",
    "2023-02-30",
    "1899-12-31",
    "2030-01-01",
    "1990-4-12",
    "1990-04-12",
    "oui",
    "NON",
    "peut-être",
    "[[x]]",
    "a\u202eb",
    "=?utf-8?q?x?=",
    "x@y",
    "nom@domaine.fr",
    "a b@c.fr",
    "Madame",
    "non concerné",
    "renouvellement",
    "lun-ven 09:00-16:00",
    "lun 25:00-26:00",
    "93",
    "2A",
    "0123456789",
    "https://tsa.example/tsr",
    "ftp://x",
    SURROGATE,
    "a\x1cb",
    "\x1c",
    "x" * 300,
    "1" * 4400,
    ["a"],
    ["a", "b"],
    [],
    [""],
    [["x"]],
    ["a", "b", "c", "d", "e", "f", "g", "h", "i"],
    {"a": "b"},
    {},
    "Mardi",
    "aucune",
    "auto",
]

# Fields the examples leave out, set on their own.
PROFILE_EXTRA_PATHS = [
    ("recours",),
    ("recours", "aide_juridictionnelle"),
    ("recours", "delai_injonction_jours"),
    ("recours", "delai_rendez_vous_jours"),
    ("recours", "astreinte_euros_par_jour"),
    ("seuils",),
    ("seuils", "semaines_premiere_demande"),
    ("seuils", "semaines_renouvellement"),
    ("seuils", "tentatives_par_semaine"),
    ("seuils", "jour_courriel"),
    ("mise_en_page",),
    ("mise_en_page", "decalage_horizontal_mm"),
    ("mise_en_page", "decalage_vertical_mm"),
    ("prefecture", "horaires_site"),
    ("prefecture", "horaires_guichet"),
    ("prefecture", "titre_autorite"),
    ("demande", "fondement"),
    ("defenseur", "civilite"),
    ("delai_convocation_jours",),
    ("recours_en_cours",),
    ("demande", "urgence", 0, "date"),
    ("demande", "urgence", 1),
    ("demandeur", "adresse", 1),
    ("inconnu",),
    ("demandeur", "inconnu"),
    ("demande", "urgence", 0, "inconnu"),
]
SMTP = {
    "serveur": "smtp.example.org",
    "port": "587",
    "securite": "starttls",
    "utilisateur": "moi@example.org",
    "expediteur": "moi@example.org",
    "copie": "cci",
    "delai_secondes": "30",
    "mot_de_passe_en_clair": "non",
}
TIMESTAMP = {
    "horodatage": "auto",
    "delai_secondes": "10",
    "minimum": "2",
    "autorites": [{"url": "https://tsa.example/tsr", "nom": "Mon association"}],
}
STEPS = [{"cliquer": "Accepter"}, {"cocher": "J'accepte"}]


def _paths(data: Any, at: tuple = ()) -> list[tuple]:
    found = [at] if at else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*at, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, (*at, i))
    return found


def _set(data: Any, path: tuple, value: Any) -> Any:
    """``data`` with ``path`` set to ``value`` (or deleted); as it was if ``path`` cannot be."""
    try:
        return _set_in(copy.deepcopy(data), path, value)
    except (TypeError, IndexError, KeyError):
        return data


def _set_in(data: Any, path: tuple, value: Any) -> Any:
    node = data
    for part in path[:-1]:
        if isinstance(node, list) and isinstance(part, int) and part >= len(node):
            node.append({})
        elif isinstance(node, dict) and part not in node:
            node[part] = {}
        node = node[part]
    last = path[-1]
    if value is _DELETE:
        if isinstance(node, dict):
            node.pop(last, None)
        elif isinstance(node, list) and last < len(node):
            node.pop(last)
    elif isinstance(node, list) and last >= len(node):
        node.append(value)
    else:
        node[last] = value
    return data


_DELETE = object()


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _text(data: Any) -> str:
    text = yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=1000)
    return text.replace(SURROGATE, '"\\ud800"')


def _mutations(
    base: Any, extra: list[tuple], seed: int, each: bool = True
) -> list[tuple[str, str]]:
    """The base, each path deleted and set to each value (when ``each``), then mixes."""
    cases = [("base", _text(base))]
    # a list's first item stands for the others
    first = [p for p in _paths(base) if not any(isinstance(k, int) and k > 0 for k in p)]
    paths = first + [p for p in extra if p not in first]
    for path in paths if each else []:
        cases.append((f"del {path}", _text(_set(base, path, _DELETE))))
        for value in VALUES:
            cases.append((f"{path}={value!r}", _text(_set(base, path, value))))
    chance = random.Random(seed)
    for n in range(60):
        data = base
        changes = []
        for _ in range(chance.randint(2, 4)):
            path, value = chance.choice(paths), chance.choice([*VALUES, _DELETE])
            data = _set(data, path, value)
            changes.append(f"{path}={'del' if value is _DELETE else repr(value)}")
        cases.append((f"mix {n}: " + ", ".join(changes), _text(data)))
    return cases


def cases() -> list[tuple[str, str, str]]:
    """(kind, name, YAML text) for every case, always in the same order."""
    found = []
    for example in ("kofi", "aminata"):
        text = (ROOT / "examples" / example / "profil.yaml").read_text(encoding="utf-8")
        found.append(("profile", f"{example} as shipped", text))
        base = yaml.load(text, Loader=yaml.BaseLoader)
        mutated = _mutations(base, PROFILE_EXTRA_PATHS, 1, each=example == "kofi")
        found += [("profile", f"{example} {n}", t) for n, t in mutated]
    template = (ROOT / "templates" / "profil.yaml").read_text(encoding="utf-8")
    found.append(("profile", "blank template", template))
    found += [("smtp", n, t) for n, t in _mutations(SMTP, [], 2)]
    found += [("timestamp", n, t) for n, t in _mutations(TIMESTAMP, [("autorites", 0, "x")], 3)]
    steps = [*_mutations(STEPS, [], 4), ("empty", "[]\n"), ("nine", _text(STEPS * 5))]
    found += [("steps", n, t) for n, t in steps]
    return found


def _dump(value: Any) -> Any:
    """The values read, with their types (0 and 0.0, "3" and 3 differ)."""
    if isinstance(value, (list, tuple)):
        return [_dump(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return f"{type(value).__name__}:{value!r}"
    if isinstance(value, date):
        return f"date:{value.isoformat()}"
    fields = getattr(type(value), "model_fields", None) or vars(value)
    return {name: _dump(getattr(value, name)) for name in fields}


def _digest_of(value: Any) -> str:
    """The values read, as a short digest (``_dump`` shows them in full)."""
    return digest(json.dumps(_dump(value), sort_keys=True, ensure_ascii=False))


def outcome(kind: str, text: str) -> dict[str, Any]:
    """What the installed ``rdvletters`` makes of ``text`` as a file of ``kind``."""
    from rdvletters.errors import InputError
    from rdvletters.yamlload import parse_yaml

    path = Path("dossier") / {"profile": "profil.yaml", "steps": "etapes.yaml"}.get(
        kind, f"{kind}.yaml"
    )
    try:
        if kind == "steps":
            from rdvletters.evidence.proofs.capture import load_steps

            with tempfile.TemporaryDirectory() as folder:
                file = Path(folder) / "etapes.yaml"
                file.write_text(text, encoding="utf-8", errors="surrogatepass")
                try:
                    return {"ok": [[s.action, s.target] for s in load_steps(file)]}
                except InputError as error:
                    error.args = (str(error).replace(str(file), str(path)),)
                    raise
        located = parse_yaml(text.encode("utf-8", "surrogatepass"), path)
        if kind == "profile":
            from rdvletters.profile_load import validate

            loaded = validate(located, path)
            return {"ok": _digest_of(loaded.profile), "warnings": loaded.warnings}
        from rdvletters.validation import validate_located

        if kind == "smtp":
            from rdvletters.delivery.sending import SmtpConfig as model
        else:
            from rdvletters.evidence.proofs.tsa_settings import TimestampConfig as model
        return {"ok": _digest_of(validate_located(model, located, path))}
    except InputError as error:
        problems = [
            [[str(p) if isinstance(p, str) else p for p in pr.loc], pr.line]
            for pr in getattr(error, "problems", [])
        ]
        return {
            "error": type(error).__name__,
            "message": str(error),
            "hint": error.hint,
            "problems": problems,
        }
    except Exception as error:  # noqa: BLE001 - a crash is an outcome to compare too
        return {"crash": type(error).__name__}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def main(out: Path) -> None:
    from rdvletters import i18n

    os.environ["RDVLETTERS_NOW"] = NOW
    results = []
    for number, (kind, name, text) in enumerate(cases()):
        entry = {"kind": kind, "name": name, "sha": digest(text), "fr": outcome(kind, text)}
        if number % 7 == 0:  # the same in English for some: messages are translated
            with i18n.using("en"):
                entry["en"] = outcome(kind, text)
        results.append(entry)
    data = json.dumps(results, ensure_ascii=False, indent=0).encode("utf-8", "surrogatepass")
    out.write_bytes(gzip.compress(data, mtime=0))
    print(len(results), "cases", len(data), "bytes", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
