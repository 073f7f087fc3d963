"""The layout's rules, read from the source: who may import what, and how large a module grows.

- A package imports another package only through its public face (``sparkus.model``, not
  ``sparkus.model._records``); the shared core (the private modules at the top,
  ``sparkus._checks``, ``sparkus._errors`` ...) is open to every package.
- No module imports an underscore name from another module: an underscore means "this module
  only"; a name several modules share is a plain name in a private module that exists for it.
- Lower packages never import higher ones (the table in the design document).
- No module is over 600 lines unless its first lines say why it reads better whole.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "sparkus"

# What each package may import, besides the shared core; from docs/architecture.md.
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "datasets": {"model"},
    "triage": {"model"},
    "matching": {"model", "triage"},
    "metrics": {"model"},
    "testing": {"model", "matching"},
    "cli": {"model", "datasets", "triage", "matching", "metrics", "testing"},
}
CORE = "<core>"
MAX_LINES = 600
WHOLE_MARK = "Held whole"


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _package(path: Path) -> str:
    """The package a source file belongs to: ``matching``, or CORE for ``sparkus/_x.py``."""
    parts = path.relative_to(SRC).parts
    if parts == ("__main__.py",):  # ``python -m sparkus`` is the command line
        return "cli"
    if len(parts) == 1 or parts[0].startswith("_"):  # sparkus/_x.py or sparkus/_x/...
        return CORE
    return parts[0]


def _dotted(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(["sparkus", *parts])


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every ``from sparkus... import`` and ``import sparkus...``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str, list[str]]] = []
    here = _dotted(path).split(".")
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module
                base = here if is_package else here[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module == "sparkus" or module.startswith("sparkus."):
                found.append((node.lineno, module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found.extend(
                (node.lineno, a.name, [])
                for a in node.names
                if a.name == "sparkus" or a.name.startswith("sparkus.")
            )
    return found


def _violations() -> list[str]:
    out: list[str] = []
    for path in _modules():
        package = _package(path)
        where = path.relative_to(SRC.parent)
        this = _dotted(path)
        for line, module, names in _imports(path):
            parts = module.split(".")
            target = parts[1] if len(parts) > 1 else "sparkus"
            target_package = CORE if target.startswith("_") or target == "sparkus" else target
            private = any(p.startswith("_") for p in parts[2:])
            if target_package not in (CORE, package):
                if package != CORE and target_package not in ALLOWED[package]:
                    out.append(f"{where}:{line}: {package} must not import {target_package}")
                if private:
                    out.append(f"{where}:{line}: imports the private module {module}")
            if package == CORE and target_package != CORE:
                out.append(f"{where}:{line}: the shared core must not import {module}")
            if module != this:
                shared = [n for n in names if n.startswith("_") and not n.startswith("__")]
                if shared:
                    out.append(f"{where}:{line}: imports private names {shared} from {module}")
    return out


def test_imports_keep_the_layout():
    """No import crosses into another package's private module, a private name or upward."""
    assert _violations() == []


def test_the_rule_sees_a_violation(tmp_path, monkeypatch):
    """The checker itself fails on each kind of violation (so the test above can fail)."""
    fake = tmp_path / "sparkus"
    (fake / "model").mkdir(parents=True)
    (fake / "metrics").mkdir()
    (fake / "model" / "__init__.py").write_text("")
    (fake / "metrics" / "__init__.py").write_text("")
    (fake / "metrics" / "_x.py").write_text(
        "from sparkus.model._records import Participant\n"
        "from sparkus.metrics._y import _helper\n"
        "from sparkus.matching import assign\n"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["SRC"]), "SRC", fake)
    found = _violations()
    assert len(found) == 3, found
    assert "private module sparkus.model._records" in found[0]
    assert "private names ['_helper']" in found[1]
    assert "metrics must not import matching" in found[2]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_module_size(path):
    """A module over 600 lines says at its top why it is better whole."""
    text = path.read_text(encoding="utf-8")
    n = text.count("\n")
    if n > MAX_LINES:
        head = ast.get_docstring(ast.parse(text)) or ""
        assert WHOLE_MARK in head, f"{n} lines and no '{WHOLE_MARK}' reason in its docstring"
