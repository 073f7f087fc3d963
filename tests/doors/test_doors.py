"""Every public door refuses bad input with a typed error naming what is wrong.

The table lives in the ``doors_<area>.py`` modules beside this one. A case passes when its call
raises the case's error class (a :class:`sparkus.SparkusError`, never a bare Python, numpy or
scipy exception) and the message names every string the case lists. A public name of any
package's ``__all__``, or a command of the command line, without an entry fails the coverage
test.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import warnings
from pathlib import Path

import pytest

from sparkus import SparkusError

from .table import Case, CommandCase, Door, Entry, NotADoor

PACKAGES = (
    "sparkus",
    "sparkus.model",
    "sparkus.datasets",
    "sparkus.triage",
    "sparkus.matching",
    "sparkus.metrics",
    "sparkus.privacy",
    "sparkus.testing",
    "sparkus.cli",
)


def _entries() -> list[Entry]:
    found: list[Entry] = []
    here = Path(__file__).parent
    for info in pkgutil.iter_modules([str(here)]):
        if info.name.startswith("doors_"):
            module = importlib.import_module(f"{__package__}.{info.name}")
            found.extend(module.DOORS)
    return found


ENTRIES = _entries()
CASES = [(door.name, c) for door in ENTRIES if isinstance(door, Door) for c in door.cases]


def _public_names() -> set[str]:
    names = set()
    for package in PACKAGES:
        module = importlib.import_module(package)
        names |= {f"{package}.{name}" for name in module.__all__}
    return names


def _commands() -> set[str]:
    from sparkus.cli._main import _parser

    parser = _parser()
    (sub,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return {f"sparkus {name}" for name in sub.choices}


def test_every_public_name_and_command_has_an_entry():
    """No public name or command is missing from the door table."""
    covered = {e.name for e in ENTRIES}
    # a method's door (``...Tracker.load``) also counts for its class
    covered |= {e.name.rsplit(".", 1)[0] for e in ENTRIES if isinstance(e, Door)}
    missing = sorted((_public_names() | _commands()) - covered)
    assert missing == [], f"public names without a door entry: {missing}"


def test_entries_name_real_things():
    """Every entry names a public name, a method of one, or a command; none twice."""
    public = _public_names() | _commands()
    names = [e.name for e in ENTRIES]
    assert len(names) == len(set(names))
    for name in names:
        assert name in public or name.rsplit(".", 1)[0] in public, name
    for entry in ENTRIES:
        if isinstance(entry, NotADoor):
            assert entry.reason
        else:
            assert entry.cases, f"{entry.name} lists no case"


@pytest.mark.parametrize(("name", "case"), CASES, ids=[f"{name}: {c.label}" for name, c in CASES])
def test_door_refuses(name: str, case: Case | CommandCase, tmp_path, monkeypatch, capsys):
    """The bad input raises the case's SparkusError, naming the field, parameter or row."""
    if isinstance(case, CommandCase):
        _run_command(name, case, tmp_path, monkeypatch, capsys)
        return
    assert issubclass(case.error, SparkusError)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(SparkusError) as info:
            case.call()
    assert isinstance(info.value, case.error), (
        f"{name}: raised {type(info.value).__name__}, expected {case.error.__name__}: {info.value}"
    )
    text = str(info.value)
    for expected in case.names:
        assert expected in text, f"{name}: {expected!r} not named in: {text}"
    # a value is shown as the user wrote it, never as numpy's repr of a scalar
    assert not re.search(r"\bnp\.(float|int|uint|bool|str)\w*\(|np\.(True|False)_", text), text


def _run_command(name, case: CommandCase, tmp_path, monkeypatch, capsys) -> None:
    """Run the command in a fresh folder; check its status and that its error output names
    what it must, without a traceback."""
    from sparkus.cli import main

    for relative, content in case.files:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            status = main(list(case.argv))
        except SystemExit as exit_:  # argparse ends usage errors this way
            status = exit_.code if isinstance(exit_.code, int) else 1
    err = capsys.readouterr().err
    assert "Traceback" not in err, f"{name}: a traceback was shown:\n{err}"
    assert status == case.status, f"{name}: exit status {status}, expected {case.status}: {err}"
    for expected in case.names:
        assert expected in err, f"{name}: {expected!r} not in the error output: {err}"
