"""The layers import only downwards: read from the source with ``ast``, not by running it.

documents/ (templates → text, DOCX, PDF), evidence/ (the log, the proofs) and delivery/
(e-mails leaving the machine) sit side by side above the base modules; court/ (status,
readiness, deadlines, the requête, the numbered pieces and the dossier) uses them from
above; reminders/ (the week's plan, the calendar, push) sits above court/; cli/ and web/
use everything. documents/, evidence/ and delivery/ import nothing
from each other's insides: delivery may use what documents/__init__.py offers (the
document model it sends), never one of its modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "rdvletters"
FRONT_ENDS = {"cli", "web", "server"}
# layer -> the layers (packages of rdvletters) its modules may not import at all
FORBIDDEN = {
    "documents": {"evidence", "delivery", "court", "reminders", *FRONT_ENDS},
    "evidence": {"documents", "delivery", "court", "reminders", *FRONT_ENDS},
    "delivery": {"evidence", "court", "reminders", *FRONT_ENDS},
    "court": {"reminders", *FRONT_ENDS},
    # the week's plan, its calendar and its notifications, above the court's deadlines
    "reminders": {"server", *FRONT_ENDS},
}
# layer -> the packages whose public face (the package, not its modules) it may import
FACE_ONLY = {"delivery": {"documents"}}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in ``path``, lazy ones inside functions too."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # « from . import x » may name a module: count both the package and x
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "rdvletters" else None


def _is_module(module: str) -> bool:
    """True when ``module`` is a real module or package of rdvletters (not a name in one)."""
    relative = Path(*module.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative).is_dir()


def _violations() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = _layer(_module_name(path))
        if layer not in FORBIDDEN:
            continue
        for line, target in _imports(path):
            other = _layer(target)
            if other is None or other == layer or not _is_module(target):
                continue
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}"
            if other in FORBIDDEN[layer]:
                found.append(where)
            elif other in FACE_ONLY.get(layer, ()) and target != f"rdvletters.{other}":
                found.append(f"{where} (only rdvletters.{other} itself is allowed)")
    return found


def test_layers_import_only_downwards():
    assert _violations() == []


def test_every_module_imported_exists():
    # a module moved to another layer leaves imports pointing at its old place; a lazy
    # one (inside a function) would only fail when that function runs
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*anchor, node.module] if node.module else anchor)
                if not _is_module(target):
                    missing.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {target}")
    assert missing == []


def test_the_check_sees_lazy_and_relative_imports(tmp_path, monkeypatch):
    # the rule must fail on what it forbids: a lazy, relative import of evidence from
    # documents, and a module of documents imported by delivery
    fake = tmp_path / "rdvletters"
    for folder in ("documents", "evidence", "delivery"):
        (fake / folder).mkdir(parents=True)
        (fake / folder / "__init__.py").write_text("", encoding="utf-8")
    (fake / "evidence" / "status.py").write_text("", encoding="utf-8")
    (fake / "documents" / "model.py").write_text("", encoding="utf-8")
    (fake / "documents" / "x.py").write_text(
        "def f():\n    from ..evidence import status\n", encoding="utf-8"
    )
    (fake / "delivery" / "y.py").write_text(
        "from ..documents import Document\nfrom ..documents.model import Document\n",
        encoding="utf-8",
    )
    monkeypatch.setitem(globals(), "PACKAGE", fake)
    found = _violations()
    assert found == [
        "rdvletters/delivery/y.py:2 imports rdvletters.documents.model "
        "(only rdvletters.documents itself is allowed)",
        "rdvletters/documents/x.py:2 imports rdvletters.evidence",
        "rdvletters/documents/x.py:2 imports rdvletters.evidence.status",
    ]
