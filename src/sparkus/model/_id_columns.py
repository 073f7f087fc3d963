"""The ids of a population, the references to them, and how problems are gathered by row.

Ids are kept exactly as written: an id that numpy's text arrays would change (a NUL
character) is refused, and so are two ids that differ only in their Unicode form (composed
or decomposed accents), naming both rows; an export's ids that differ only in case or in
leading zeros (``"00123"`` and ``"123"``, as a spreadsheet drops them) are refused as one id
written two ways (:func:`id_spellings`). Manager ids are resolved to row indices; the
manager tree is checked for cycles by pointer doubling, without a loop over people. A
reference that names no id but spells one otherwise is refused, never matched, with a hint
naming the id it nearly matches (:func:`sparkus._ids.near_ids`).
:class:`Collector` gathers every problem, capping the rows listed per column and reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import repeat
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt

from sparkus._checks import describe, is_missing
from sparkus._errors import Problem, SchemaError, shown, writable
from sparkus._fields import text
from sparkus._ids import id_key, near_ids
from sparkus._text_rules import (
    nfc,
    nfc_repeat_message,
    nfc_repeats,
    nul_message,
    nul_rows,
)

__all__ = [
    "ROOT", "ROWS_SHOWN", "Collector", "check_tree", "hashable", "id_spellings", "ids_as_text",
    "read_ids", "references",
]  # fmt: skip

ROWS_SHOWN: Final = 20
ROOT: Final = "participants"


class Collector:
    """Gathers problems by row, capping how many rows are listed per column and reason."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def rows(self, column: str, rows: npt.ArrayLike, message: Callable[[int], str]) -> None:
        index = np.flatnonzero(np.asarray(rows)) if np.asarray(rows).dtype == bool else rows
        index = np.asarray(index, dtype=np.int64)
        for row in index[:ROWS_SHOWN].tolist():
            self.problems.append(Problem((ROOT, row, column), message(row)))
        if index.size > ROWS_SHOWN:
            more = f"... and {index.size - ROWS_SHOWN:,} more rows with the same problem"
            self.problems.append(Problem((ROOT, column), more))

    def column(self, column: str, message: str) -> None:
        self.problems.append(Problem((column,), message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise SchemaError(self.problems)


def hashable(value: object) -> object:
    """`value` itself if it is hashable, else a hashable stand-in (lists by their items)."""
    if isinstance(value, list | np.ndarray):
        return ("\0list", tuple(hashable(v) for v in value))
    try:
        hash(value)
    except TypeError:
        return ("\0id", id(value))
    return value


def _id_problem(value: object) -> str:
    if isinstance(value, str) and value and not text(value):
        return nul_message(value)
    if isinstance(value, str) and value:
        return f"{shown(value)} has leading or trailing white space"
    return f"expected a non-empty string id, got {describe(value)}"


def read_ids(
    array: np.ndarray[Any, Any], collector: Collector
) -> tuple[npt.NDArray[np.str_], list[Any]]:
    """The ids as a text array, and as written; bad and repeated ids reported by row.

    Empty, padded and NUL-holding ids are bad; the ids as written are what manager ids name
    (a text array has dropped an id's trailing NULs).

    Two ids equal in Unicode normal form C but written differently are reported as a repeat
    too, naming both rows. Only rows without another problem take part in the repeats.
    """
    values = cast(list[Any], array.tolist())
    if array.dtype.kind == "U":  # the usual case: checked in C, not row by row
        bad = (np.char.str_len(array) == 0) | (np.char.strip(array) != array)
    else:
        bad = np.fromiter(
            (not (isinstance(v, str) and not text(v)) for v in values),
            dtype=bool,
            count=len(values),
        )
        array = np.asarray([v if isinstance(v, str) else "" for v in values], dtype=np.str_)
    bad[nul_rows(values)] = True  # (a 'U' array has only its inner NULs left to find)
    collector.rows("id", bad, lambda i: _id_problem(values[i]))
    listed = cast(list[str], array.tolist())
    if len(dict.fromkeys(listed)) < len(listed):  # rare: find the repeats
        first: dict[str, int] = {}
        repeats = [i for i, v in enumerate(listed) if not bad[i] and first.setdefault(v, i) != i]
        collector.rows(
            "id", repeats, lambda i: f"{shown(values[i])} repeats participants[{first[listed[i]]}]"
        )
    pairs = dict(nfc_repeats(listed, skip=np.flatnonzero(bad).tolist()))
    collector.rows(
        "id",
        sorted(pairs),
        lambda i: nfc_repeat_message(values[i], values[pairs[i]], pairs[i]),
    )
    return array.copy(), values


def ids_as_text(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Integer ids (employee numbers) of an export as their decimal text; anything else as it is.

    A float column of whole numbers and blanks is integers with blanks (what pandas makes of
    numeric manager ids with a blank at the top): its numbers become text, its blanks None.
    """
    if array.dtype.kind in "iu":
        return array.astype(str)
    if array.dtype.kind == "f":
        present = array[~np.isnan(array)]
        if not (np.all(present == np.round(present)) and np.all(np.abs(present) < 2**53)):
            return array
        out = np.empty(array.shape[0], dtype=object)
        out[:] = [None if math.isnan(v) else str(int(v)) for v in array.tolist()]
        return out
    if array.dtype.kind != "O":
        return array
    out = np.empty(array.shape[0], dtype=object)
    out[:] = [
        str(int(v))
        if isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_) and writable(v)
        else v  # an int too long to write out is left for the id check to refuse
        for v in array.tolist()
    ]
    return out


def id_spellings(values: list[Any], source: str) -> list[Problem]:
    """The rows of an export's ids (`values`) that spell an earlier row's id otherwise.

    ``"00123"`` beside ``"123"`` (an id a spreadsheet read as a number, or one column of
    integers and text) and ``"ab12"`` beside ``"AB12"`` are one id written two ways: read as
    two people, a manager id would name one of them at random. Ids equal in normal form C
    are left to :func:`read_ids`, which names the repeat.
    """
    texts = [v for v in values if isinstance(v, str)]
    if len(set(map(id_key, texts))) == len(set(texts)):  # the usual case: one pass in C
        return []
    first: dict[str, int] = {}
    collector = Collector()
    rows = [i for i, v in enumerate(values) if isinstance(v, str)
            and nfc(values[first.setdefault(id_key(v), i)]) != nfc(v)]  # fmt: skip
    collector.rows("id", rows, lambda i: (
        f"{shown(values[i])} and {shown(values[first[id_key(values[i])]])} (participants"
        f"[{first[id_key(values[i])]}]) differ only in case or leading zeros, one id written "
        f"two ways in the column {shown(source)}; write each id one way (as text, to keep leading "
        "zeros)"))  # fmt: skip
    return collector.problems


def references(ids: list[Any], values: list[Any], collector: Collector) -> npt.NDArray[np.int64]:
    """Each manager id as its row (-1: none); unknown, NUL-holding and self references reported."""
    keys = ids if set(map(type, ids)) <= {str} else [v if isinstance(v, str) else None for v in ids]
    row_of: dict[object, int] = dict(zip(keys, range(len(ids)), strict=True))
    row_of[None] = -1
    try:
        index = np.fromiter(map(row_of.get, values, repeat(-2)), dtype=np.int64, count=len(values))
    except TypeError:  # an unhashable value: reported below
        index = np.fromiter((row_of.get(hashable(v), -2) for v in values), np.int64, len(values))
    nul = nul_rows(values)
    index[nul] = -2  # never bound to the id it would read as
    unknown = np.flatnonzero(index == -2)
    missing = [i for i in unknown.tolist() if is_missing(values[i])]
    index[missing] = -1
    unknown = np.setdiff1d(unknown, missing)
    wrong_type = [i for i in unknown.tolist() if not isinstance(values[i], str)]
    nowhere = np.setdiff1d(unknown, [*wrong_type, *nul])
    listed = [*wrong_type[:ROWS_SHOWN], *nowhere[:ROWS_SHOWN].tolist()]  # (the rows listed)
    hint = dict(zip(listed, near_ids(ids, [values[i] for i in listed]), strict=True))
    collector.rows(
        "manager_id",
        wrong_type,
        lambda i: f"expected a participant id or None, got {describe(values[i])}{hint[i]}",
    )
    collector.rows("manager_id", nul, lambda i: nul_message(values[i]))
    if nowhere.size:
        by_form = {nfc(v): i for i, v in enumerate(ids) if isinstance(v, str)}
        collector.rows("manager_id", nowhere, lambda i: _names_no_one(values[i], by_form, hint[i]))
    self_managed = index == np.arange(len(values))
    collector.rows(
        "manager_id", self_managed, lambda i: f"{shown(values[i])} cannot be their own manager"
    )
    return index


def _names_no_one(value: str, by_form: dict[str, int], hint: str) -> str:
    msg = (
        f"{shown(value)} names no participant; every manager must be a row of the population: "
        "add their row, or leave the cell blank for a manager outside this export"
    )
    row = by_form.get(nfc(value))
    if row is None:
        return msg + hint
    # the same id in another Unicode form
    return msg + (
        f" (participants[{row}] has this id in another Unicode form; write both the same way)"
    )


def check_tree(
    ids: npt.NDArray[np.str_], parent: npt.NDArray[np.int64], collector: Collector
) -> None:
    """Report every cycle in the manager tree, by pointer doubling (no loop over people)."""
    n = parent.shape[0]
    jump = parent.copy()
    for _ in range(max(1, math.ceil(math.log2(n + 1)) + 1)):
        alive = jump >= 0
        if not alive.any():
            return
        jump[alive] = jump[jump[alive]]
    # After 2**k >= n steps a node still pointing at someone leads into a cycle; jump[x] is on it.
    on_cycle = np.unique(jump[jump >= 0])
    reported: set[int] = set()
    for start in on_cycle.tolist():
        if start in reported:
            continue
        cycle = [start]
        node = int(parent[start])
        while node != start:
            cycle.append(node)
            node = int(parent[node])
        reported.update(cycle)
        first = min(cycle)
        k = cycle.index(first)
        cycle = cycle[k:] + cycle[:k]
        path = " -> ".join(repr(str(ids[i])) for i in [*cycle, first])
        collector.problems.append(
            Problem((ROOT, first, "manager_id"), f"the manager tree has a cycle: {path}")
        )
