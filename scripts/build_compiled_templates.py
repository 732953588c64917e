"""Compile the bundled templates ahead of time into ``rdvletters/documents/compiled/``.

Run:  python scripts/build_compiled_templates.py [FOLDER]   (default: the shipped folder)

Run it again after changing a template in ``templates/`` or upgrading Jinja:
``tests/test_compiled_templates.py`` fails until then (and rdvletters, meanwhile, compiles
that template at run time, as it always could). See ``documents/precompiled.py``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jinja2  # noqa: E402

from rdvletters.documents.precompiled import INDEX, SHIPPED, source_name  # noqa: E402
from rdvletters.documents.render import environment  # noqa: E402
from rdvletters.resources import data_dir  # noqa: E402


def compiled() -> dict[str, str]:
    """{file name: content} of the compiled folder, from the bundled templates."""
    env = environment(())
    files, checksums = {}, {}
    for path in sorted(data_dir("templates").glob("*.j2")):
        source, _filename, _uptodate = env.loader.get_source(env, path.name)
        checksums[path.name] = hashlib.sha1(source.encode("utf-8")).hexdigest()
        files[source_name(path.name)] = env.compile(source, path.name, None, raw=True)
    index = {"jinja": jinja2.__version__, "templates": checksums}
    files[INDEX] = json.dumps(index, indent=1, sort_keys=True) + "\n"
    return files


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SHIPPED
    target.mkdir(exist_ok=True)
    for old in target.iterdir():
        old.unlink()
    for name, content in compiled().items():
        (target / name).write_text(content, encoding="utf-8")
    print(f"{target}: {len(list(target.iterdir()))} files")


if __name__ == "__main__":
    main()
