#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2024.3.2"]
# ///
"""Development sessions: ``nox -s tests``, ``lint``, ``typecheck``, ``docs``, ``bench``,
``bench_quick``, ``demo``, ``schemas``.

Run ``nox`` alone for what CI checks (lint, typecheck, tests, docs).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2024.3.2"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True

BENCH_PEERS = ("pydantic>=2", "msgspec")
"""Benchmark peers beyond the ``test`` extra (JSON validators no test needs)."""


@nox.session(default=False)
def browser(session: nox.Session) -> None:
    """The HTML report in headless Chromium, which must already be installed (a system package:
    ``apt-get install -y chromium`` on Debian; ``.ci/run`` does that first). Fails without it."""
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        session.error("chromium is not installed: `apt-get install -y chromium` (Debian)")
    # the browser tests need sparkus, pytest, the suite's conftest (hypothesis) and Pillow: not
    # the whole test extra, whose install took most of this session's two minutes
    session.install("-e", ".", "pytest>=8", "hypothesis>=6.100", "pillow")
    env = {"SPARKUS_REQUIRE_BROWSER": "1"}
    session.run("pytest", "-p", "no:cacheprovider", "-m", "browser",
                "tests/metrics/tracking/test_report_chromium.py", *session.posargs, env=env)  # fmt: skip


@nox.session(default=True)
def tests(session: nox.Session) -> None:
    """Run the test suite (and the docstring examples) with the test extra installed.

    The example matcher plugin (docs/examples/sparkus-greedy-plugin) is installed too, as a
    user would install a plugin, and its own tests run after sparkus'; the main suite's tests
    of plugin discovery are told to fail, not skip, if it is missing.
    """
    plugin = "./docs/examples/sparkus-greedy-plugin"
    session.install("-e", ".[test]", plugin)
    env = {"SPARKUS_REQUIRE_EXAMPLE_PLUGIN": "1"}
    # the browser test needs a system package: its own session below, never an install here.
    # One worker per core, each taking the next test as it frees (`-n 0` after `--` for one
    # process); every test is independent of the others' order and process.
    workers = ("-n", "auto", "--dist", "worksteal")
    session.run("pytest", "-m", "not browser", *workers, *session.posargs, env=env)
    session.run("pytest", "-p", "no:cacheprovider", f"--rootdir={plugin}", plugin, env=env)


# The Markdown formatter and its plugins, as pinned in .pre-commit-config.yaml.
_MDFORMAT = ("mdformat==1.0.0", "mdformat-myst==0.3.0", "mdformat-deflist==0.1.4")


def _markdown_files() -> list[str]:
    """The README and the MyST docs; the example plugin and changelog fragments are left alone."""
    docs = sorted(str(p) for p in Path("docs").rglob("*.md") if "examples" not in p.parts
                  and "_build" not in p.parts)  # fmt: skip
    return ["README.md", *docs]


@nox.session(default=True)
def lint(session: nox.Session) -> None:
    """Check style and common bugs with ruff, Markdown with mdformat, spelling with codespell."""
    session.install("ruff>=0.6", "codespell>=2.3", *_MDFORMAT)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mdformat", "--check", "--wrap", "keep", "--number", *_markdown_files())
    session.run("codespell", "src", "docs", "README.md", "benchmarks", "tests")


@nox.session(default=True)
def typecheck(session: nox.Session) -> None:
    """Type-check the library with mypy --strict (configured in pyproject.toml)."""
    # matplotlib, msgspec and hypothesis are optional at run time but typed against when present
    session.install(
        "-e",
        ".[plot,polars,json]",
        "hypothesis>=6.100",
        "mypy>=1.10",
        "pandas-stubs",
        "scipy-stubs",
    )
    session.run("mypy", "--strict", "src")


@nox.session(default=True)
def docs(session: nox.Session) -> None:
    """Build the docs with warnings as errors, then run every example they contain."""
    # the pages on plugins and tracking run sparkus.testing (hypothesis) and a Dask example;
    # the triage page runs its models in scikit-learn's Pipeline and GridSearchCV; the data
    # model page shows tables out in pandas and polars
    session.install(
        "-e", ".[docs,pandas,polars,plot,dp]", "hypothesis>=6.100", "dask>=2024.1",
        "scikit-learn>=1.6",
    )  # fmt: skip
    session.run(
        "sphinx-build", "--fail-on-warning", "--nitpicky", "--keep-going",
        "-b", "html", "docs", "docs/_build/html",
    )  # fmt: skip
    session.run(
        "pytest", "--doctest-glob=*.md", "--doctest-modules", "-p", "no:cacheprovider",
        "--ignore=docs/examples",  # the example plugin is tested, installed, by `tests`
        "docs", "src/sparkus",
    )  # fmt: skip


@nox.session(default=False)
def schemas(session: nox.Session) -> None:
    """Write the JSON Schema files of the documents into docs/_static/schema/ from the code."""
    session.install(".")
    session.run("python", "docs/write_schemas.py")


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Run ``benchmarks/run.py`` and every ``benchmarks/bench_*.py``; figures are ratios to peers.

    The peers (the ``test`` extra's pandas, scikit-learn, statsmodels, OR-Tools, networkx,
    matching, EconML, csdid, and :data:`BENCH_PEERS`) are installed here only, never as sparkus
    dependencies. ``nox -s bench -- --quick`` for a smoke run; the
    options after ``--`` go to every script (see benchmarks/README.md).
    """
    session.install("-e", ".[test]", *BENCH_PEERS)
    for script in ["run.py", *sorted(p.name for p in Path("benchmarks").glob("bench_*.py"))]:
        session.run("python", f"benchmarks/{script}", *session.posargs)


@nox.session(default=False)
def bench_quick(session: nox.Session) -> None:
    """Run every benchmark script once with ``--quick`` (small sizes, one repeat): a smoke test.

    CI runs it (``.ci/run``) so that a benchmark broken by a change is seen; the figures mean
    nothing at these sizes. The peers are those of ``bench``; a case whose peer is not
    installed is skipped with a note, not failed (``benchmarks/_harness.py``). The untimed
    agreement checks run too, ``bench_privacy.py``'s included (its replay of the attacker's
    verification of whole dashboards takes about 40 s): skipped, a check broken by a change
    to the dashboard went unseen until a full ``nox -s bench``.
    """
    session.install("-e", ".[test]", *BENCH_PEERS)
    for script in ["run.py", *sorted(p.name for p in Path("benchmarks").glob("bench_*.py"))]:
        session.run("python", f"benchmarks/{script}", "--quick", *session.posargs)


@nox.session(default=False)
def demo(session: nox.Session) -> None:
    """Install sparkus as a user would and run the demo."""
    session.install(".")
    session.run("sparkus", "demo", *session.posargs)


if __name__ == "__main__":
    nox.main()
