"""The JSON Schema of every record and of the program document, built from their declarations."""

from __future__ import annotations

from typing import Any

import attrs

from sparkus._checks import describe
from sparkus._errors import Problem, SchemaError
from sparkus._fields import Record
from sparkus._schema import (
    Definitions,
    document_schema,
    record_schema,
    schema_file_name,
    spellings_pattern,
)
from sparkus.model._columns import CORE, INVISIBLE
from sparkus.model._document import SCHEMA_VERSION, ProgramDocument
from sparkus.model._records import (
    Assessment,
    CostModel,
    Event,
    Journey,
    JourneyTemplate,
    Participant,
    Program,
    Provider,
    Step,
)

__all__ = ["DOCUMENTS", "json_schema"]

DOCUMENTS: tuple[type[Any], ...] = (
    ProgramDocument,
    Program,
    CostModel,
    JourneyTemplate,
    Step,
    Participant,
    Provider,
    Assessment,
    Journey,
    Event,
)
"""The records :func:`~sparkus.model.to_json` writes as documents of their own, in the order
the documentation lists their schemas."""


def json_schema(cls: type[Any]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a record's JSON document, as a dict.

    .. versionadded:: 0.1

    The schema is built from the same field declarations that check a record built in Python
    and one read by :func:`from_json`: each field's type, enum values (as strings), bounds
    (``capacity`` at most 1,000,000, amounts at most 10**15, ...) and pattern; a field without a
    default is required and has none of its own keys unknown (``additionalProperties: false``,
    as the reader refuses unknown keys). Titles and descriptions are the docstrings'. The
    ``$id`` holds :data:`SCHEMA_VERSION`, the version of the document format, so a schema
    changes its ``$id`` when the format does. The same schemas are published as files with the
    documentation (``_static/schema/<name>.v<version>.schema.json``).

    A few rules span several fields (or spellings) and are checked by :func:`from_json` only,
    as JSON Schema cannot say them: unique ids (in any Unicode form), manager ids and
    assessments that name a participant, no manager cycle, the same attribute names for every
    participant of a document and one type per attribute (integers within 64 bits), steps in
    order of day and within the journey's duration, a journey's steps and provider that fit its
    support, scores inside the scale, a scale's lowest below its highest, and an event kind's
    required ``step`` or ``value``. A participant's attribute may not be named like a field in
    any spelling: the schema refuses the field names and their spellings in ASCII letters,
    separators (white space, ``_``, ``-``, ``.``, ``/``) and invisible characters (``Team``,
    ``Manager ID``); a spelling in other characters that reads as a field's name (full-width
    letters, other spaces) is refused by :func:`from_json` only. A date-time's ``pattern`` is
    the reader's whole RFC 3339 rule, so a validator that does not assert ``format`` (JSON
    Schema 2020-12's default) refuses the same times.

    Parameters
    ----------
    cls : type
        A record class of sparkus: :class:`ProgramDocument`, :class:`Program`,
        :class:`Participant`, :class:`Provider`, :class:`Assessment`, :class:`Event`, ...

    Returns
    -------
    dict
        The schema, ready for ``json.dumps`` or a validator such as the ``jsonschema``
        package.

    Raises
    ------
    SchemaError
        If `cls` is not a sparkus record class.

    Examples
    --------
    >>> from sparkus.model import Provider, json_schema
    >>> schema = json_schema(Provider)
    >>> schema["$id"]
    'https://sparkus.readthedocs.io/en/latest/_static/schema/provider.v1.schema.json'
    >>> schema["properties"]["capacity"]["maximum"], schema["required"][:3]
    (1000000, ['id', 'support_type', 'capacity'])
    >>> schema["$defs"]["SupportType"]["enum"][:2]
    ['coaching', 'mentoring']
    """
    _json_schema_iv(cls)
    definitions = Definitions({Participant: _participant_schema})
    root = definitions.build(cls)
    return document_schema(
        root, definitions, name=schema_file_name(cls), version=SCHEMA_VERSION, title=cls.__name__
    )


def _json_schema_iv(cls: object) -> None:
    if isinstance(cls, type) and issubclass(cls, Record) and attrs.has(cls):
        return
    known = ", ".join(c.__name__ for c in DOCUMENTS)
    msg = f"expected a sparkus record class (such as {known}), got {describe(cls)}"
    raise SchemaError([Problem(("cls",), msg)])


# The separators of a column's name that are ASCII (Python's ``\s`` among them): those the
# schema's pattern can say alike in ECMA 262 and Python.
_ASCII_SEPARATORS = " \t\n\v\f\r\x1c\x1d\x1e\x1f_-./"


def _participant_schema(definitions: Definitions) -> dict[str, Any]:
    """A participant's schema, its attribute names unlike its fields (as far as a schema can say).

    The record's own check refuses a field's name and any spelling of a core field's name
    (:func:`~sparkus.model._columns.field_lookalike`); the schema refuses the names and their
    ASCII spellings: the same rule, over the names written in ASCII and invisible characters.
    """
    schema = record_schema(Participant, definitions)
    spelled = spellings_pattern(
        CORE, separators=_ASCII_SEPARATORS, ignored="".join(map(chr, INVISIBLE))
    )
    fields = [field.name for field in attrs.fields(Participant)]
    names = schema["properties"]["attributes"]["propertyNames"]
    names["not"] = {"anyOf": [{"enum": fields}, {"pattern": spelled}]}
    return schema
