"""The ``sparkus`` command line: ``sparkus demo`` and, later, one command per step."""

from sparkus.cli._main import main

__all__ = ["main"]
