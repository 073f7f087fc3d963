"""Sphinx configuration for the sparkus documentation.

Build with ``nox -s docs``, or by hand:
``sphinx-build --fail-on-warning --nitpicky --keep-going -b html docs docs/_build/html``.
"""

from __future__ import annotations

from importlib.metadata import version as _version

project = "sparkus"
author = "The sparkus developers"
copyright = "the sparkus developers"  # noqa: A001 (the name Sphinx reads)
release = _version("sparkus")
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

html_theme = "furo"
html_title = f"sparkus {release}"
