"""The JSON Schema files shipped with the docs are what the code generates, file for file."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import sparkus.model

DOCS = Path(__file__).resolve().parents[2] / "docs"
FOLDER = DOCS / "_static" / "schema"


def _writer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("write_schemas", DOCS / "write_schemas.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


WRITER = _writer()


def test_shipped_schema_files_are_what_the_code_generates():
    """Every generated schema is shipped unchanged; run ``nox -s schemas`` after a change."""
    expected = WRITER.schemas()
    shipped = {p.name: p.read_text(encoding="utf-8") for p in FOLDER.glob("*.schema.json")}
    current = {name: shipped.get(name) for name in expected}
    stale = sorted(name for name, text in expected.items() if current[name] != text)
    assert stale == [], f"out of date (run `nox -s schemas`): {stale}"


def test_every_record_of_the_model_has_a_schema_file():
    """A new record of sparkus.model cannot be left out of the shipped files."""
    from sparkus._fields import Record

    public = {getattr(sparkus.model, name) for name in sparkus.model.__all__}
    records = {c for c in public if isinstance(c, type) and issubclass(c, Record)}
    assert records == set(WRITER.records())


def test_docs_page_links_every_shipped_file():
    """The data-model page lists and links each shipped schema file."""
    page = (DOCS / "data-model.md").read_text(encoding="utf-8")
    for path in FOLDER.glob("*.schema.json"):
        assert f"_static/schema/{path.name}" in page, path.name
        json.loads(path.read_text(encoding="utf-8"))
