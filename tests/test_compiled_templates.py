"""The bundled templates shipped compiled: what the script builds, used only for the very
text it was made from, and an error still names the template and its line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from rdvletters.documents import precompiled, render
from rdvletters.errors import TemplateError

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_compiled_templates_are_what_the_script_builds(tmp_path):
    shipped = precompiled._index()
    if shipped.get("jinja") != jinja2.__version__:  # another Jinja: compiled at run time
        pytest.skip(f"compiled with Jinja {shipped.get('jinja')}, here {jinja2.__version__}")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_compiled_templates.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    built = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    there = {p.name: p.read_text(encoding="utf-8") for p in precompiled.SHIPPED.iterdir()}
    assert built == there, "run scripts/build_compiled_templates.py"


def test_the_compiled_code_is_used_for_that_text_only(monkeypatch):
    calls = []
    compile_template = render._Sandbox.compile
    monkeypatch.setattr(
        render._Sandbox,
        "compile",
        lambda self, source, *args, **kw: (
            calls.append(source) or compile_template(self, source, *args, **kw)
        ),
    )
    env = render.environment(())
    env.get_template("lettre.j2")
    assert calls == []  # neither the letter nor the _commun.j2 it imports compiled here
    other = env.from_string("{{ 1 + 1 }}")  # a text shipped nowhere: compiled as always
    assert other.render() == "2" and calls == ["{{ 1 + 1 }}"]
    source, filename, _ = env.loader.get_source(env, "lettre.j2")
    checksum = env.bytecode_cache.get_source_checksum(source + " ")
    assert precompiled.shipped_code("lettre.j2", filename, checksum) is None


def test_an_error_in_a_shipped_template_names_its_file_and_line(tmp_path):
    with pytest.raises(TemplateError) as error:
        render.render_text("requete_a_lire", {}, ())
    said = str(error.value)
    assert "requete_a_lire.j2" in said and "ligne" in said
