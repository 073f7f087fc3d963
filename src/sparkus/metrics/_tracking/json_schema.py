"""The JSON Schema of the dashboard document, built from the records that declare it.

Each record of :mod:`.schema` gives a definition: its fields' types (a count, a figure, an
interval, a date, text, a list of records), the bounds each count or figure declares (the same
:class:`~.schema.Bounds` its checks read), and its docstring. Every key is required except a
suppressed cell's ``figure`` and the document's ``impact`` and ``roi``; keys the contract does
not name are allowed, as the reader ignores them so that a newer tracker's snapshot renders.
"""

from __future__ import annotations

import datetime as dt
import math
import types
import typing
from typing import Any

import attrs

from sparkus._datetime_text import DATE
from sparkus._fields import DATE_TIME, JSONSchema
from sparkus._schema import Definitions, docstring_parameters, docstring_summary, document_schema
from sparkus.metrics._estimate import ConfidenceInterval
from sparkus.metrics._tracking.schema import (
    BOUNDS,
    CHOICES,
    SCHEMA,
    SCHEMA_VERSION,
    SCHEMA_VERSIONS,
    Bounds,
    Dashboard,
    Entry,
)

__all__ = ["dashboard_schema"]

_DATE: JSONSchema = {
    "type": "string",
    "format": "date",
    "pattern": DATE.pattern,
    "description": "ISO 8601 date, e.g. 2027-01-04",
}


def dashboard_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a dashboard snapshot, as a dict.

    .. versionadded:: 0.1

    It describes the document :meth:`Dashboard.to_dict` writes and :func:`render_html`
    reads (``"schema": "sparkus.dashboard"``), built from the records that make a
    :class:`Dashboard`: every count and figure with the bounds its record checks (rates from 0
    to 1, NPS from -100 to 100, ratings from 0 to 10, a confidence level strictly between 0
    and 1), ``null`` where a figure may be withheld, the suppressed cells' figure names, and
    the descriptions of the docstrings. The ``$id`` holds the dashboard format's version.
    Keys the schema does not name are allowed: the reader ignores them, so that a snapshot of
    a newer tracker still renders.

    Rules across several figures are the reader's only, as JSON Schema cannot say them: no
    more people active than take part, no more steps completed than due, an interval's low
    not above its high and around its estimate, and each day once in the engagement series.

    Returns
    -------
    dict
        The schema, ready for ``json.dumps`` or a validator such as the ``jsonschema``
        package.

    Examples
    --------
    >>> from sparkus.metrics import dashboard_schema
    >>> schema = dashboard_schema()
    >>> schema["$id"]
    'https://sparkus.readthedocs.io/en/latest/_static/schema/dashboard.v1.schema.json'
    >>> schema["$defs"]["Totals"]["properties"]["nps"]
    {'type': ['number', 'null'], 'minimum': -100.0, 'maximum': 100.0}
    """
    definitions = Definitions({ConfidenceInterval: _interval}, _entry_schema)
    root = _entry_schema(Dashboard, definitions)
    root["properties"] = {
        "schema": {"const": SCHEMA, "description": "What the document is."},
        "schema_version": {
            "enum": list(SCHEMA_VERSIONS),
            "description": f"The dashboard format's version; this sparkus writes {SCHEMA_VERSION}.",
        },
        **root["properties"],
    }
    root["properties"]["as_of"] = {**DATE_TIME, **root["properties"]["as_of"]}
    root["required"] = ["schema", "schema_version", *root["required"]]
    return document_schema(
        root, definitions, name="dashboard", version=SCHEMA_VERSION, title="Dashboard"
    )


def _interval(_: Definitions) -> JSONSchema:
    return {
        "title": "ConfidenceInterval",
        "description": "A confidence interval as [low, high], low <= high.",
        "type": "array",
        "prefixItems": [{"type": "number"}, {"type": "number"}],
        "minItems": 2,
        "maxItems": 2,
    }


def _number(bounds: Bounds) -> JSONSchema:
    kind = "integer" if bounds.integer else "number"
    out: JSONSchema = {"type": [kind, "null"] if bounds.nullable else kind}
    for name, value in (("minimum", bounds.low), ("maximum", bounds.high)):
        if math.isfinite(value):
            key = f"exclusive{name.capitalize()}" if bounds.open_ else name
            out[key] = int(value) if bounds.integer else float(value)
    return out


def _type_schema(kind: Any, definitions: Definitions) -> JSONSchema:
    """The schema of a field's annotated type (bounds and choices aside)."""
    args = typing.get_args(kind)
    if isinstance(kind, types.UnionType) and type(None) in args:
        (inner,) = (a for a in args if a is not type(None))
        return {"anyOf": [_type_schema(inner, definitions), {"type": "null"}]}
    origin = typing.get_origin(kind)
    if origin is tuple:
        return {"type": "array", "items": _type_schema(args[0], definitions)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(args[1], definitions)}
    if kind is str:
        return {"type": "string"}
    if kind is int:
        return {"type": "integer"}
    if kind is dt.date:
        return dict(_DATE)
    if kind is ConfidenceInterval or (isinstance(kind, type) and issubclass(kind, Entry)):
        return definitions.ref(kind)
    msg = f"no JSON Schema for a dashboard field of type {kind!r}"
    raise TypeError(msg)


def _field_schema(field: attrs.Attribute[Any], definitions: Definitions) -> JSONSchema:
    if BOUNDS in field.metadata:
        return _number(field.metadata[BOUNDS])
    if CHOICES in field.metadata:
        return {"anyOf": [{"enum": list(field.metadata[CHOICES])}, {"type": "null"}]}
    return _type_schema(field.type, definitions)


def _entry_schema(cls: type[Any], definitions: Definitions) -> JSONSchema:
    described = docstring_parameters(cls)
    properties: JSONSchema = {}
    for field in attrs.fields(attrs.resolve_types(cls)):
        prop = _field_schema(field, definitions)
        if field.name in described:
            prop["description"] = described[field.name]
        properties[field.name] = prop
    return {
        "title": cls.__name__,
        "description": docstring_summary(cls),
        "type": "object",
        "properties": properties,
        "required": [f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING],
        "additionalProperties": True,
    }
