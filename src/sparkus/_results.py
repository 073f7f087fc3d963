"""The shared behaviour of result objects: a printed summary, a dict for JSON, HTML for notebooks.

A result class is an ``@attrs.frozen(repr=False)`` class (so that attrs keeps this ``repr``) that
inherits :class:`Result` and implements ``_tables()`` (what its summary shows) and
``_headline()`` (the one-line ``repr``: n and the headline number).
"""

from __future__ import annotations

import enum
import html
import math
from collections.abc import Mapping, Sequence
from typing import Any, cast

import attrs
import numpy as np

__all__ = ["Result", "Table", "format_number", "render_text_table", "tables_html", "to_jsonable"]


@attrs.frozen
class Table:
    """One table of a result's summary: a title, column headers and rows of cells."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


def format_number(value: object, digits: int = 4) -> str:
    """A number for a table: `digits` significant digits, thousands separated, ``-`` for None.

    Examples
    --------
    >>> [format_number(v) for v in (1234567.0, 0.000123, -0.0, None, 3)]
    ['1.235e+06', '0.000123', '0', '-', '3']
    """
    if value is None:
        return "-"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        x = float(value) + 0.0  # a negative zero is shown as 0
        if math.isnan(x):
            return "nan"
        if x != 0 and (abs(x) >= 10**digits or abs(x) < 10 ** -(digits - 1)):
            return f"{x:.{digits - 1}e}"
        return f"{x:,.{digits}g}" if abs(x) >= 1 else f"{x:.{digits}g}"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def render_text_table(table: Table) -> str:
    """A table as aligned plain text: first column left-aligned, the others right-aligned."""
    columns = list(zip(table.headers, *table.rows, strict=True))
    widths = [max(len(cell) for cell in column) for column in columns]

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    out = [table.title, line(table.headers), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in table.rows]
    if table.note:
        out.append(table.note)
    return "\n".join(out)


def tables_html(tables: Sequence[Table]) -> str:
    """Tables as the HTML a notebook shows: a title, a table and its note for each."""
    parts = []
    for t in tables:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in t.headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in t.rows
        )
        note = f"<p>{html.escape(t.note)}</p>" if t.note else ""
        parts.append(
            f"<h4>{html.escape(t.title)}</h4><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>{note}"
        )
    return "<div class='sparkus-result'>" + "".join(parts) + "</div>"


def to_jsonable(value: Any) -> Any:
    """`value` as JSON-ready Python: results as dicts, arrays as lists, numpy scalars as numbers."""
    if isinstance(value, Result):
        return value.to_dict()
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        return to_jsonable(value.item())
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(to_jsonable(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


class Result:
    """Mixin for result objects: ``summary()``, ``to_dict()``, ``_repr_html_`` and ``repr``."""

    __slots__ = ()

    def _tables(self) -> list[Table]:
        raise NotImplementedError

    def _headline(self) -> str:
        raise NotImplementedError

    def summary(self) -> str:
        """A readable, plain-text account of the result."""
        return "\n\n".join(render_text_table(t) for t in self._tables())

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready data (arrays as lists, enums by value, NaN as None)."""
        fields = attrs.fields(cast(Any, type(self)))
        return {f.name: to_jsonable(getattr(self, f.name)) for f in fields}

    def _repr_html_(self) -> str:
        return tables_html(self._tables())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._headline()})"
