"""Rules of records that their fields' declared checks (:mod:`sparkus._fields`) do not say.

A float field holds a float: an integer given to one is stored as the float it stands for, as
JSON reads it back (``10**30`` is read as ``1e30``, a different number), so that a record
equals the record :func:`~sparkus.model.from_json` reads from its :func:`~sparkus.model.to_json`
and is written the same way. A bool, or an integer too large for a float, is left as it is,
for the field's check to refuse.

A free attribute is not named like a field: ``"Team"`` beside the field ``team`` would be read
as an attribute while ``team`` stays empty. The spellings are those a population's columns
refuse (:func:`~sparkus.model._columns.field_lookalike`: case, spaces, separators, invisible
characters), so that a record refuses what :meth:`~sparkus.model.Population.from_records`
would.

A step's due date past the last day a time can hold (year 9999: a huge ``day``, or a start
near the end) is refused naming the step, not raised as Python's OverflowError.
"""

from __future__ import annotations

import datetime as dt
import functools
import numbers
from collections.abc import Iterable, Mapping
from typing import Any

from sparkus._errors import Problem, SchemaError
from sparkus._fields import FrozenMapping

__all__ = ["due_date", "field_name_problems", "real", "real_pair", "reals"]


def real(value: Any) -> Any:
    """An integer as the float it stands for, -0.0 as 0.0; any other value as it is."""
    if type(value) is float:
        return value + 0.0  # IEEE: -0.0 + 0.0 is 0.0, so equal records write equal JSON
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return value
    try:
        return float(value)
    except OverflowError:
        return value


def real_pair(value: Any) -> Any:
    """A tuple with its integers as floats (:func:`real`); any other value as it is."""
    return tuple(map(real, value)) if isinstance(value, tuple) else value


def reals(value: Any) -> Any:
    """A mapping copied into a :class:`FrozenMapping`, its integer values as floats."""
    if not isinstance(value, Mapping):
        return value
    return FrozenMapping({k: real(v) for k, v in value.items()})


def due_date(start: dt.datetime, day: int, step_id: str) -> dt.datetime:
    """When the step `step_id`, due `day` days after `start`, is due; a SchemaError past 9999."""
    try:
        return start + dt.timedelta(days=day)
    except OverflowError:
        msg = (f"step {step_id!r} is due {day:,} days after {start.isoformat()}, past the last "
               f"date a time can hold (9999-12-31)")  # fmt: skip
        raise SchemaError([Problem(("step_id",), msg)]) from None


def field_name_problems(names: Iterable[Any], fields: frozenset[str], record: str) -> list[Problem]:
    """A problem at ``attributes.<name>`` for each name that is a field or spells one otherwise.

    `fields` are the `record`'s own; a name spells one otherwise when a population would
    take it for a core column.
    """
    problems = []
    for key in names:
        if key in fields:
            msg = f"is a {record} field; give it another name"
        elif isinstance(key, str) and (field := _field_like(key)) is not None:
            msg = (f"differs from the {record} field {field!r} only in case, spaces, separators "
                   f"or invisible characters; give it as {field!r}, or the attribute another "
                   f"name")  # fmt: skip
        else:
            continue
        problems.append(Problem(("attributes", key), msg))
    return problems


@functools.lru_cache(maxsize=4096)  # attribute names repeat from one participant to the next
def _field_like(name: str) -> str | None:
    from sparkus.model._columns import field_lookalike  # here: _columns imports the records

    return field_lookalike(name)
