#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2024.3.2"]
# ///
"""Development sessions: ``nox -s tests``, ``lint``, ``typecheck``, ``docs``, ``bench``, ``demo``.

Run ``nox`` alone for what CI checks (lint, typecheck, tests, docs).
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.needs_version = ">=2024.3.2"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True


@nox.session(default=True)
def tests(session: nox.Session) -> None:
    """Run the test suite (and the docstring examples) with the test extra installed."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session(default=True)
def lint(session: nox.Session) -> None:
    """Check style and common bugs with ruff, and spelling with codespell."""
    session.install("ruff>=0.6", "codespell>=2.3")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("codespell", "src", "docs", "README.md", "benchmarks", "tests")


@nox.session(default=True)
def typecheck(session: nox.Session) -> None:
    """Type-check the library with mypy --strict (configured in pyproject.toml)."""
    session.install("-e", ".", "mypy>=1.10", "pandas-stubs", "scipy-stubs")
    session.run("mypy", "--strict", "src")


@nox.session(default=True)
def docs(session: nox.Session) -> None:
    """Build the docs with warnings as errors, then run every example they contain."""
    session.install("-e", ".[docs,pandas]")
    session.run(
        "sphinx-build", "--fail-on-warning", "--nitpicky", "--keep-going",
        "-b", "html", "docs", "docs/_build/html",
    )  # fmt: skip
    session.run(
        "pytest", "--doctest-glob=*.md", "--doctest-modules", "-p", "no:cacheprovider",
        "docs", "src/sparkus",
    )  # fmt: skip


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Run the benchmarks; each figure is a ratio to a named peer measured in the same run.

    The peers (pandas, scikit-learn, statsmodels, OR-Tools, networkx, matching) are installed
    here only, never as sparkus dependencies. ``nox -s bench -- --quick`` for a smoke run.
    """
    session.install("-e", ".", "pandas", "scikit-learn", "statsmodels", "ortools", "networkx",
                    "matching")  # fmt: skip
    for script in ["run.py", *sorted(p.name for p in Path("benchmarks").glob("bench_*.py"))]:
        session.run("python", f"benchmarks/{script}", *session.posargs)


@nox.session(default=False)
def demo(session: nox.Session) -> None:
    """Install sparkus as a user would and run the demo."""
    session.install(".")
    session.run("sparkus", "demo", *session.posargs)


if __name__ == "__main__":
    nox.main()
