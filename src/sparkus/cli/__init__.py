"""The ``sparkus`` command line: the demo, and one command per step of the program.

``sparkus demo`` runs the whole pipeline on a synthetic organisation; triage, plan, match,
evaluate and synthetic run one step on files (see :doc:`/command-line`).
"""

from sparkus.cli._main import main

__all__ = ["main"]
