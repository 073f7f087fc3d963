"""Shared fixtures of the command-line tests: a small organisation's files, and a runner."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import pytest

from sparkus.cli import main


@dataclass(frozen=True)
class Run:
    """What one command did: its exit status and the text on its two streams."""

    status: int
    out: str
    err: str


@pytest.fixture
def run(capsys):
    """Run ``sparkus ARGS`` in-process and return its :class:`Run` (argparse exits included)."""

    def call(*argv: str) -> Run:
        capsys.readouterr()
        try:
            status = main(list(argv))
        except SystemExit as exit_:  # pragma: no cover - main returns argparse's status
            status = exit_.code if isinstance(exit_.code, int) else 1
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err, captured.err
        return Run(status, captured.out, captured.err)

    return call


@pytest.fixture(scope="session")
def org_files(tmp_path_factory):
    """people.csv and program.json for 240 synthetic people (seed 4), written once."""
    directory = tmp_path_factory.mktemp("org")
    assert main(["synthetic", str(directory / "org"), "--n", "240", "--seed", "4"]) == 0
    return directory / "org"


@pytest.fixture
def org(org_files, tmp_path):
    """A private copy of the small organisation's files that a test may change."""
    target = tmp_path / "org"
    shutil.copytree(org_files, target)
    return target
