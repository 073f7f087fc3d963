"""JSON Schema (draft 2020-12) built from the declarations: the one place a rule is written.

A record's schema comes from its attrs fields: each field's declared check (see
:mod:`sparkus._fields`) says its type, bounds, pattern or enum; a field without a default is
required; keys the reader does not know are refused (``additionalProperties: false``); a number
stops where a float does (:data:`FLOAT_END`). Titles and descriptions come from the docstrings
(a numpydoc ``Parameters`` section gives each property's). Records and enums a schema refers to are kept once under ``$defs``. The dashboard
document of :mod:`sparkus.metrics` uses the same envelope and definitions.
"""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from sparkus._fields import JSONSchema, field_check, schema_of

__all__ = [
    "DRAFT",
    "FLOAT_END",
    "SCHEMA_BASE",
    "Definitions",
    "docstring_parameters",
    "docstring_summary",
    "document_schema",
    "enum_schema",
    "in_floats",
    "plain",
    "record_schema",
    "schema_file_name",
    "spellings_pattern",
]

DRAFT: Final = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_BASE: Final = "https://sparkus.readthedocs.io/en/latest/_static/schema/"
"""Where the schema files are published (``docs/_static/schema/`` in the repository)."""

_SECTION = re.compile(r"^\s*(Parameters|Attributes|Returns|Raises|Examples|Notes|See Also)\s*$")
_PARAMETER = re.compile(r"^(\w+)\s*:")
_ROLE = re.compile(r":[\w:]+:`~?([^`<]*?)(?:\s*<[^>]*>)?`")


def _prose(text: str) -> str:
    """Docstring text without its reStructuredText markup, on one line."""
    text = _ROLE.sub(lambda m: m.group(1).rsplit(".", 1)[-1], text).replace("``", "")
    return " ".join(text.replace("`", "").split())


def docstring_summary(obj: object) -> str:
    """The prose of a docstring before its first numpydoc section, one line per paragraph."""
    lines: list[str] = []
    for line in inspect.cleandoc(getattr(obj, "__doc__", None) or "").splitlines():
        if _SECTION.match(line):
            break
        lines.append(line)
    paragraphs = "\n".join(lines).split("\n\n")
    kept = [_prose(p) for p in paragraphs if p.strip() and not p.lstrip().startswith("..")]
    return "\n\n".join(kept)


def docstring_parameters(obj: object) -> dict[str, str]:
    """Each parameter's description from a numpydoc ``Parameters`` section, on one line."""
    out: dict[str, str] = {}
    inside, name = False, ""
    for line in inspect.cleandoc(getattr(obj, "__doc__", None) or "").splitlines():
        section = _SECTION.match(line)
        if section:
            inside = section.group(1) in ("Parameters", "Attributes")
            continue
        if not inside or set(line.strip()) == {"-"}:
            continue
        found = _PARAMETER.match(line)
        if found:
            name = found.group(1)
            out[name] = ""
        elif name and line.startswith(" "):
            out[name] = _prose(f"{out[name]} {line}")
    return out


def schema_file_name(cls: type[Any]) -> str:
    """``ProgramDocument`` -> ``program-document``: a class's name in a file name."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", cls.__name__).lower()


def enum_schema(cls: type[enum.Enum]) -> JSONSchema:
    """An enum as the strings of its values."""
    return {
        "title": cls.__name__,
        "description": docstring_summary(cls),
        "type": "string",
        "enum": [member.value for member in cls],
    }


class Definitions:
    """The ``$defs`` of one schema: each record or enum once, referred to by ``$ref``.

    `records` builds a record's definition (by default from its declared checks); `special`
    builds those of other classes (the dashboard's interval, say).
    """

    def __init__(
        self,
        special: Mapping[type[Any], Callable[[Definitions], JSONSchema]] | None = None,
        records: Callable[[type[Any], Definitions], JSONSchema] | None = None,
    ) -> None:
        self.defs: dict[str, JSONSchema] = {}
        self._special = dict(special or {})
        self._records = records or record_schema

    def ref(self, cls: type[Any]) -> JSONSchema:
        """A ``$ref`` to the definition of `cls`, added on first use."""
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # taken: a record may refer to itself
            self.defs[name] = self.build(cls)
        return {"$ref": f"#/$defs/{name}"}

    def build(self, cls: type[Any]) -> JSONSchema:
        """The definition of `cls` itself."""
        if cls in self._special:
            return self._special[cls](self)
        if issubclass(cls, enum.Enum):
            return enum_schema(cls)
        return self._records(cls, self)


def _chars(chars: str) -> str:
    """`chars` as the body of a character class, each escaped alike in ECMA 262 and Python."""
    return "".join(f"\\u{ord(c):04x}" for c in chars)


def spellings_pattern(names: Iterable[str], *, separators: str, ignored: str) -> str:
    """A pattern of the spellings of `names` that differ only in ASCII case and separators.

    A name's words (split at `separators`) may be joined by any run of `separators`, which may
    also start or end it; `ignored` characters (invisible ones) may stand anywhere. The
    pattern reads the same in ECMA 262 and Python's :mod:`re`; `separators` and `ignored`
    must be in the Basic Multilingual Plane.
    """
    skip, gap = f"[{_chars(ignored)}]*", f"[{_chars(separators)}]"
    around = f"[{_chars(separators + ignored)}]*"
    spelled = []
    for name in names:
        words = re.split(f"{gap}+", name)
        letters = [skip.join(f"[{c.upper()}{c.lower()}]" if c.isascii() and c.isalpha()
                             else f"[{_chars(c)}]" for c in word) for word in words]  # fmt: skip
        spelled.append(f"{skip}(?:{gap}{skip})+".join(letters))
    return f"^{around}(?:{'|'.join(spelled)}){around}$(?!\\n)"


def plain(value: Any) -> Any:
    """A default value as JSON: enums by value, tuples as lists, mappings as objects."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _default(field: attrs.Attribute[Any]) -> tuple[bool, Any]:
    default = field.default
    if default is attrs.NOTHING:
        return False, None
    factory = getattr(default, "factory", None)  # an attrs.Factory
    if callable(factory):
        if getattr(default, "takes_self", False):
            return False, None
        return True, plain(factory())
    return True, plain(default)


FLOAT_END: Final = 2**1024 - 2**970
"""The first integer past the float range: ``float()`` of it, or of any larger, overflows.

A JSON number has no size of its own, and every field holds a float (or an integer a float
can hold): each reader refuses the integers from here up, so each schema says so."""
_SUBSCHEMAS: Final = ("anyOf", "items", "prefixItems", "additionalProperties")


def in_floats(schema: Any) -> Any:
    """`schema` with each number in it bounded by the float range where nothing else bounds it.

    Records are referred to by ``$ref`` and bounded in their own definitions.
    """
    if isinstance(schema, list):
        return [in_floats(part) for part in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: in_floats(v) if k in _SUBSCHEMAS else v for k, v in schema.items()}
    kinds = out.get("type")
    if {"number", "integer"} & set(kinds if isinstance(kinds, list) else [kinds]):
        if "maximum" not in out:
            out["exclusiveMaximum"] = FLOAT_END
        if "minimum" not in out:
            out["exclusiveMinimum"] = -FLOAT_END
    return out


def record_schema(cls: type[Any], definitions: Definitions) -> JSONSchema:
    """The schema of an attrs record from its fields' declared checks and its docstring.

    Raises
    ------
    TypeError
        If a field declares no check, or a check without a schema (a bug of the record).
    """
    described = docstring_parameters(cls)
    properties: JSONSchema = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        build = schema_of(field_check(field))
        if build is None:
            msg = f"{cls.__name__}.{field.name} declares no JSON Schema with its check"
            raise TypeError(msg)
        prop = in_floats(build(definitions))
        if field.name in described:
            prop["description"] = described[field.name]
        has_default, default = _default(field)
        if has_default:
            prop["default"] = default
        else:
            required.append(field.name)
        properties[field.name] = prop
    return {
        "title": cls.__name__,
        "description": docstring_summary(cls),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def document_schema(
    root: JSONSchema, definitions: Definitions, *, name: str, version: int, title: str
) -> JSONSchema:
    """A whole schema around `root`: the draft, a versioned ``$id``, and the definitions.

    The ``$id`` holds the document format's `version`, so a new format is a new schema.
    """
    out: JSONSchema = {
        "$schema": DRAFT,
        "$id": f"{SCHEMA_BASE}{name}.v{version}.schema.json",
        **root,
        "title": title,
    }
    if definitions.defs:
        out["$defs"] = dict(sorted(definitions.defs.items()))
    return out
