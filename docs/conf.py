"""Sphinx configuration for the sparkus documentation.

Build as CI does (``nox -s docs``), or by hand from the repository root::

    sphinx-build --fail-on-warning --nitpicky --keep-going -b html docs docs/_build/html

The build is nitpicky: every cross-reference must resolve. The machine that builds the docs may have
no network, so there is no intersphinx; the few names Sphinx cannot resolve without it are listed in
``nitpick_ignore`` below, each with its reason.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from importlib.metadata import version as _version
from typing import Any

import sparkus

# -- project -----------------------------------------------------------------------------------

project = "sparkus"
author = "The sparkus developers"
copyright = "The sparkus developers"
release = _version("sparkus")  # from the installed package's metadata, never typed twice
version = ".".join(release.split(".")[:2])

# -- general -----------------------------------------------------------------------------------

extensions = [
    "myst_parser",  # the pages are Markdown (MyST)
    "sphinx.ext.autodoc",  # the API reference, from the docstrings
    "sphinx.ext.napoleon",  # numpydoc-style docstrings (numpydoc itself is not a dependency)
    "sphinx.ext.viewcode",  # "[source]" links to the highlighted code
]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

# -- autodoc and napoleon ----------------------------------------------------------------------

# The numpydoc docstrings already state each parameter's type in words ("mapping of str to
# float"), so the annotations are not rendered again. Rendered, they would add noise that cannot
# resolve without intersphinx: numpy.typing's private aliases behind ``npt.ArrayLike``, and the
# private modules in which sparkus defines its TypeVars and aliases.
autodoc_typehints = "none"
autodoc_member_order = "bysource"

napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_preprocess_types = True  # "str or None" -> links to str and None, like numpydoc
napoleon_use_rtype = False
# `Attributes` sections become ``.. attribute::`` entries (linkable as
# :attr:`SyntheticTruth.effects`). The attrs classes are slotted and their slots carry no
# docstrings, so autodoc's ``:members:`` does not list them a second time: no duplicates.
napoleon_use_ivar = False
_PUBLIC = [
    importlib.import_module(f"sparkus.{name}")
    for name in ("model", "datasets", "triage", "matching", "metrics", "privacy")
    if importlib.util.find_spec(f"sparkus.{name}") is not None
] + [sparkus]

# Names written in numpydoc types, resolved from wherever the docstring lives (the datasets
# docstrings name model classes without their module).
napoleon_type_aliases = {
    name: f":class:`~{package.__name__}.{name}`"
    for package in _PUBLIC
    for name in package.__all__
    if isinstance(getattr(package, name), type)
}

# -- nitpicky: what cannot resolve, and why ------------------------------------------------------

nitpick_ignore_regex = [
    # numpydoc type prose that napoleon turns into would-be links: shapes ("ndarray of shape
    # (n, 4)" is split at ", " into "shape (n" and "4)"), dtypes ("float64", "int8"), duck-type
    # words ("array", "group", "three floats") and numpy's own classes. None names a sparkus
    # class; every name that does starts with a capital or "sparkus." and is still checked.
    ("py:class", r"(?!sparkus\.)[^A-Z].*"),
    ("py:class", r".*[ (),].*"),
    # Python's constants in "default True": documented by Python, unreachable without intersphinx.
    ("py:obj", r"True|False|None"),
]

# -- HTML --------------------------------------------------------------------------------------

html_theme = "furo"
html_title = f"sparkus {release}"
html_static_path = ["_static"]  # the JSON Schema files are published at _static/schema/


# -- two napoleon pitfalls ---------------------------------------------------------------------
# Both handlers run before napoleon (priority 400 < 500) and leave a docstring alone unless it
# hits the pitfall, so they are harmless once the docstrings avoid it.

_SECTION_UNDERLINE = re.compile(r"^\s*-{3,}\s*$")
_FIELD_SECTIONS = frozenset({
    "attributes", "other parameters", "parameters", "raises", "receives", "returns",
    "warns", "yields",
})  # fmt: skip
_DIRECTIVE = re.compile(r"^\s*\.\. (versionadded|versionchanged|deprecated)::")
_SINGLE_COLON = re.compile(r"(?<!:):(?!:)")


def _lift_version_directive(lines: list[str]) -> None:
    """Move a ``.. versionadded::`` that follows a fields section up, before the first section.

    numpydoc sections run to the next section header, so napoleon reads a directive after the
    last parameter as one more parameter (or as part of the last attribute's text).
    """
    headers = [
        i for i in range(len(lines) - 1)
        if _SECTION_UNDERLINE.match(lines[i + 1]) and lines[i].strip()
    ]  # fmt: skip
    at = next((i for i, line in enumerate(lines) if _DIRECTIVE.match(line)), None)
    before = [i for i in headers if at is not None and i < at]
    if at is None or not before or lines[before[-1]].strip().lower() not in _FIELD_SECTIONS:
        return
    end = at + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith((" ", "\t"))):
        end += 1
    block = lines[at:end]
    del lines[at:end]
    lines[headers[0] : headers[0]] = [*block, ""]


def _keep_property_summary(lines: list[str]) -> None:
    """Keep a property summary such as ``Column names: the core columns first`` as one sentence.

    napoleon reads ``<type>: <description>`` in a property's first line as an inline type. An
    empty comment line in front is consumed as that "first line" instead; the real summary then
    renders as written.
    """
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return
    outside_code = re.sub(r"``.*?``|:\w+:`.*?`", "", lines[first])
    if _SINGLE_COLON.search(outside_code):
        lines[first:first] = ["..", ""]


def _before_napoleon(
    app: Any, what: str, name: str, obj: object, options: Any, lines: list[str]
) -> None:
    del app, name, obj, options
    _lift_version_directive(lines)
    if what in {"property", "attribute", "data"}:
        _keep_property_summary(lines)


def _trim_code_blocks(app: Any, doctree: Any) -> None:
    """Drop the blank line that ends each example block.

    doctest ends an expected output at a blank line, so every ```` ```python ```` example in the
    pages ends with one before its closing fence; it has no business in the rendered page.
    """
    del app
    from docutils import nodes

    for block in doctree.findall(nodes.literal_block):
        text = block.astext()
        if block.rawsource == text and text.endswith("\n\n"):
            trimmed = text.rstrip("\n") + "\n"
            block.rawsource = trimmed
            block[:] = [nodes.Text(trimmed)]


def setup(app: Any) -> dict[str, Any]:
    app.connect("autodoc-process-docstring", _before_napoleon, priority=400)
    app.connect("doctree-read", _trim_code_blocks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
