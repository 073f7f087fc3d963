"""Reading a real HR export: its column names, its label spellings, its blanks and its dates.

:meth:`~sparkus.model.Population.from_frame` reads a table through :func:`read_export`, which turns
the export into the columns :func:`~sparkus.model._columns.read_columns` checks:

- **names**: ``columns`` maps sparkus' fields to the export's column names; the other columns
  keep their own names;
- **labels**: ``labels`` maps raw values to sparkus' values per column, compared without
  regard to case, surrounding spaces, separators (``-``, ``_``, ``.``, ``/``, spaces),
  Unicode form or invisible characters (``read_member``'s rule);
  ``level`` knows the common spellings (``"Senior Leader"``, ``"IC"``, ...) and lists every
  unknown value in one problem; two spellings of a department or team that differ only so
  are refused together, never read as two departments, unless ``labels`` names each as
  spelled (a spelling the map names exactly is looked up as spelled first); a label mapped
  to None (``{"N/A": None}``) is a blank, under the blank policy below;
- **numbers as text**: in a column of answers (a declared scale, or labels giving numbers),
  text that is a number (``" 4 "``, ``"3.0"``: the CSV reader's rule) is that number;
- **blanks**: empty cells (``None``, NaN, NaT, ``""``, spaces, invisible characters alone) are
  refused naming the rows, or carried as missing for the columns ``missing`` names (free
  attributes only);
- **dates**: a ``tenure_years`` column of dates (datetime64, ``datetime.date``, pandas
  ``Timestamp``, ISO text) becomes years of tenure on the day ``as_of``;
- **header and ids**: a header of several rows (a pandas MultiIndex) is refused naming its
  columns; ids that differ only in case or leading zeros are refused naming both rows.

Problems of the export are gathered into one :class:`~sparkus.SchemaError`, each naming its
argument, column or rows.
"""

from __future__ import annotations

import difflib
import math
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final, Literal, TypeAlias, get_args

import numpy as np
import numpy.typing as npt

from sparkus._checks import as_table, describe, is_missing, rows_text
from sparkus._errors import Problem, SchemaError, key_text, name_text, shown
from sparkus._fields import read_member, spelling_key
from sparkus._labels import label_text, number
from sparkus.model._columns import (
    CORE,
    INVISIBLE,
    Column,
    field_lookalike,
    lookalike_message,
    read_columns,
)
from sparkus.model._enums import AssessmentSource, Level
from sparkus.model._id_columns import Collector, id_spellings, ids_as_text
from sparkus.model._intake import aligned, column, finite_or_nan, wall_clock
from sparkus.model._tenure import as_of_iv, is_number, tenure_from

__all__ = ["MissingPolicy", "carried_counts", "read_export"]

MissingPolicy: TypeAlias = Literal["refuse", "carry"]
_POLICIES: Final = get_args(MissingPolicy)

_ROOT: Final = "participants"
_REQUIRED: Final = ("id", "level", "department", "tenure_years")
_NONE_WHEN_BLANK: Final = ("manager_id", "team")  # a blank reads as "no manager", "no team"
_EMPTY_WHEN_BLANK: Final = ("languages", "focus_goals")  # a blank reads as "none listed"
_TEXT_FIELDS: Final = ("department", "team")
_LEVELS: Final = tuple(level.value for level in Level)
_WORDS: Final = ("id", "manager_id", "level", *_TEXT_FIELDS, *_EMPTY_WHEN_BLANK)  # never numbers


def _sources() -> tuple[str, ...]:
    return tuple(source.value for source in AssessmentSource)


def _misspelt(name: object) -> str | None:
    """The core field `name` looks like a misspelling of, if any (``tenure``: ``tenure_years``).

    Any other name is a field, a survey item (``<source>_<item>``) or a free attribute.
    """
    if not isinstance(name, str):
        return ""
    if name in CORE or any(name.startswith(f"{s}_") and len(name) > len(s) + 1
                           for s in _sources()):  # fmt: skip
        return None
    close = difflib.get_close_matches(name.lower(), CORE, n=1, cutoff=0.6)
    return close[0] if close else None


def _shown(names: list[str], limit: int = 12) -> str:
    text = ", ".join(repr(n) for n in names[:limit])
    return text + (f", ... ({len(names)} in all)" if len(names) > limit else "")


# -- the arguments -----------------------------------------------------------------------------


def _table(frame: object) -> tuple[Any, dict[str, Any], Any | None]:
    """The table to read columns from, its names (text to label), and a pandas row index."""
    given = as_table(frame)  # polars: a mapping of its columns
    if isinstance(given, Mapping):
        _repeated_names(list(given))
        return given, {str(k): k for k in given}, None
    labels = getattr(given, "columns", None)
    if (
        labels is None
        or isinstance(labels, str)
        or not callable(getattr(given, "__getitem__", None))
    ):
        msg = (
            f"expected a DataFrame (pandas, polars) or a mapping of columns, got {describe(given)}"
        )
        raise SchemaError([Problem(("frame",), msg)])
    index = getattr(given, "index", None) if type(given).__module__.startswith("pandas") else None
    given_labels = list(labels)
    if tiered := [label for label in given_labels if isinstance(label, tuple)]:
        msg = (f"the export's header has several rows (a pandas MultiIndex), so its columns are "
               f"named by tuples ({_shown([str(t) for t in tiered], 3)}); name each column once, "
               "e.g. frame.columns = ['_'.join(map(str, c)) for c in frame.columns]")  # fmt: skip
        raise SchemaError([Problem(("frame",), msg)])
    _repeated_names(given_labels)
    return given, {str(label): label for label in given_labels}, index


def _repeated_names(labels: list[Any]) -> None:
    """Refuse column labels that repeat, or read as one name (the number 1 and the text "1").

    Columns are read by name, so one of two such columns would be read twice, or dropped.
    """
    counts = Counter(name_text(label, "frame") for label in labels)
    repeated = [name for name, n in counts.items() if n > 1]
    if not repeated:
        return
    problems = []
    for name in repeated[:20]:
        given = ", ".join(repr(label) for label in labels if str(label) == name)
        msg = (
            f"{counts[name]} columns of the export are named {shown(name)} ({given}); columns are "
            "read by name, so give each column its own name (rename, or drop the extra ones)"
        )
        problems.append(Problem((name,), msg))
    raise SchemaError(problems)


def _columns_iv(columns: object, names: dict[str, Any]) -> tuple[dict[str, str], list[Problem]]:
    if columns is None:
        return {}, []
    if not isinstance(columns, Mapping):
        msg = f"expected a mapping of sparkus field to export column name, got {describe(columns)}"
        return {}, [Problem(("columns",), msg)]
    problems: list[Problem] = []
    out: dict[str, str] = {}
    for field, source in columns.items():
        where = ("columns", key_text(field))
        before = len(problems)
        close = _misspelt(field)
        if close is not None:
            hint = f" (did you mean {shown(close)}?)" if close else ""
            msg = (
                f"{shown(field)} is not a sparkus field{hint}; the fields are {', '.join(CORE)}, "
                f"survey items named {' or '.join(f'{s}_<item>' for s in _sources())}, and "
                "free attributes under a name of your own that is not like a field's"
            )
            problems.append(Problem(where, msg))
        if not isinstance(source, str) or source not in names:
            msg = f"no column {shown(source)} in the export; it has: {_shown(list(names))}"
            problems.append(Problem(where, msg))
        if len(problems) == before:
            out[str(field)] = str(source)
    return out, problems


class _Labels:
    """One column's labels map: each raw spelling exactly, and compared by ``spelling_key``.

    A value is looked up as spelled first, then by its key. Spellings the map names exactly are
    what the caller said is meant: two of them that differ only in case (``"IT"`` and ``"It"``
    each mapped to itself) stay two values and are no clash.
    """

    def __init__(self) -> None:
        self.exact: dict[Any, Any] = {}
        self.by_key: dict[Any, Any] = {}

    def add(self, raw: Any, value: Any) -> None:
        self.exact[raw] = value
        self.by_key[spelling_key(raw) if isinstance(raw, str) else raw] = value

    def get(self, v: Any) -> Any:
        if v in self.exact:
            return self.exact[v]
        return self.by_key.get(spelling_key(v) if isinstance(v, str) else v, v)

    def said(self) -> set[str]:
        """The values the map names exactly (text only)."""
        return {v for v in self.exact.values() if isinstance(v, str)}


def _labels_iv(labels: object, present: list[str]) -> tuple[dict[str, _Labels], list[Problem]]:
    if labels is None:
        return {}, []
    if not isinstance(labels, Mapping):
        msg = f"expected a mapping of field to a mapping of raw value to value, got {describe(labels)}"
        return {}, [Problem(("labels",), msg)]
    problems = []
    out: dict[str, _Labels] = {}
    for field, table in labels.items():
        where = ("labels", key_text(field))
        if field not in present:
            msg = f"no such column in the population; it has: {_shown(present)}"
            problems.append(Problem(where, msg))
            continue
        if not isinstance(table, Mapping):
            msg = f"expected a mapping of raw value to value, got {describe(table)}"
            problems.append(Problem(where, msg))
            continue
        spelled = _Labels()
        for raw, given in table.items():
            value = given.value if isinstance(given, Level) and field == "level" else given
            blank = is_missing(value) or (isinstance(value, str) and not label_text(value))
            if field == "level" and value not in _LEVELS and not blank:
                allowed = ", ".join(level.value for level in Level)
                msg = f"maps to {shown(value)}, which is not a level; expected one of {allowed}"
                problems.append(Problem((*where, key_text(raw)), msg))
                continue
            spelled.add(raw, value)
        out[str(field)] = spelled
    return out, problems


def _missing_iv(missing: object, present: list[str]) -> tuple[frozenset[str], list[Problem]]:
    if missing is None:
        return frozenset(), []
    if not isinstance(missing, Mapping):
        msg = f"expected a mapping of column name to 'refuse' or 'carry', got {describe(missing)}"
        return frozenset(), [Problem(("missing",), msg)]
    problems = []
    carried = set()
    for field, policy in missing.items():
        where = ("missing", key_text(field))
        if field not in present:
            msg = f"no such column in the population; it has: {_shown(present)}"
            problems.append(Problem(where, msg))
        elif not isinstance(policy, str) or policy not in _POLICIES:
            allowed = " or ".join(repr(p) for p in _POLICIES)
            problems.append(Problem(where, f"expected {allowed}, got {describe(policy)}"))
        elif policy == "carry" and field in CORE:
            msg = (
                f"only free attributes (survey items, ...) can be carried as missing, not the "
                f"field {shown(field)}; a blank manager_id or team already reads as none"
            )
            problems.append(Problem(where, msg))
        elif policy == "carry":
            carried.add(str(field))
    return frozenset(carried), problems


# -- the cells ---------------------------------------------------------------------------------


def _cleaned(array: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
    """Text stripped of surrounding spaces, and which cells are blank.

    Text is blank as a group label is (``label_text``): empty once white space and invisible
    format characters (a byte-order mark, a zero-width space) are left out.
    """
    kind = array.dtype.kind
    if kind == "f":
        return array, np.isnan(array)
    if kind == "M":
        return array, np.isnat(array)
    if kind == "U":
        stripped = np.char.strip(array)
        blank = stripped == ""
        if stripped.size:  # only text that starts beyond ASCII can be invisible characters alone
            wide = np.flatnonzero(stripped.view(np.uint32).reshape(array.shape[0], -1)[:, 0] > 127)
            blank[wide] = [_shows_nothing(v) for v in stripped[wide].tolist()]
        if not blank.any():
            return stripped, blank
        array = stripped.astype(object)
    elif kind != "O":
        return array, np.zeros(array.shape[0], dtype=bool)
    # a list cell (polars' list column) arrives as an array: a sequence, never blank text; a
    # Decimal (polars' decimal column) as its float, its NaN blank
    items = [v.strip() if isinstance(v, str) else v.tolist() if isinstance(v, np.ndarray) else
             (math.nan if v.is_nan() else float(v)) if isinstance(v, Decimal) else v
             for v in array.tolist()]  # fmt: skip
    blank = np.fromiter((is_missing(v) or (isinstance(v, str) and _shows_nothing(v)) or _nat(v)
                         for v in items), dtype=bool, count=len(items))  # fmt: skip
    out = np.empty(len(items), dtype=object)
    out[:] = [None if b else v for v, b in zip(items, blank, strict=True)]
    return out, blank


def _shows_nothing(text: str) -> bool:
    """Whether `text`, stripped, is empty or invisible characters alone (by ``label_text``)."""
    return not text or (not text[0].isascii() and not label_text(text))


def _nat(value: object) -> bool:
    """Whether `value` is numpy's NaT (a cell of an object column; pandas' NaT is missing)."""
    return isinstance(value, np.datetime64 | np.timedelta64) and bool(np.isnat(value))


def _relabelled(array: npt.NDArray[Any], table: _Labels) -> npt.NDArray[Any]:
    """`array` with each value the labels map replaced (as spelled, else by ``spelling_key``)."""
    if not table.exact or array.dtype.kind not in "OU":
        return array
    out = np.empty(array.shape[0], dtype=object)
    values = array.tolist()
    cache: dict[Any, Any] = {}
    for i, v in enumerate(values):
        try:
            if v not in cache:
                cache[v] = table.get(v)
            out[i] = cache[v]
        except TypeError:  # unhashable: left for the column's own check
            out[i] = v
    return out


def _unknown_levels(array: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], list[Problem]]:
    """Levels by their spellings (``read_member``'s); every unknown value listed in one problem."""
    values = array.tolist()
    out = np.empty(len(values), dtype=object)
    unknown: dict[str, list[int]] = {}
    for i, cell in enumerate(values):
        found = read_member(cell, Level)
        if found is None and cell is not None:
            shown = repr(cell) if isinstance(cell, str) else describe(cell)
            unknown.setdefault(shown, []).append(i)
        out[i] = cell if found is None else found.value
    if not unknown:
        return out, []
    ranked = sorted(unknown.items(), key=lambda item: -len(item[1]))
    shown = ", ".join(f"{v} ({rows_text(np.array(r))})" for v, r in ranked[:20])
    if len(ranked) > 20:
        shown += f", ... ({len(ranked)} values in all)"
    rows = sum(len(r) for r in unknown.values())
    accepted = ", ".join(level.value for level in Level)
    msg = (
        f"unknown values {shown}: {rows} row{'s' * (rows != 1)} in all; accepted: {accepted} "
        "(any case, spaces or separators, and spellings such as 'Senior Leader', 'IC', "
        "'Individual Contributor'); map the others with labels={'level': {raw: level}}"
    )
    return out, [Problem(("level",), msg)]


def _spelling_clashes(field: str, array: npt.NDArray[Any], said: set[str]) -> list[Problem]:
    """One problem if two spellings of a text column are one label (one ``spelling_key``).

    Spellings the labels map names exactly (`said`) are meant as given and clash with none.
    """
    counts = Counter(v for v in array.tolist() if isinstance(v, str) and v not in said)
    groups: dict[str, list[str]] = {}
    for value in counts:
        groups.setdefault(spelling_key(value), []).append(value)
    clashes = [sorted(g, key=lambda v: -counts[v]) for g in groups.values() if len(g) > 1]
    if not clashes:
        return []
    listed = "; ".join(
        ", ".join(f"{shown(v)} ({counts[v]:,} row{'s' * (counts[v] != 1)})" for v in g)
        for g in clashes[:10]
    )
    first = clashes[0]
    msg = (
        f"spellings that differ only in case, spaces, separators, Unicode form or invisible "
        f"characters: {listed}; say which is meant, e.g. "
        f"labels={{{shown(field)}: {{{shown(spelling_key(first[0]))}: {shown(first[0])}}}}}, or map "
        f"each spelling to itself to keep them apart"
    )
    return [Problem((field,), msg)]


# -- the export --------------------------------------------------------------------------------


def read_export(
    frame: object,
    columns: object,
    labels: object,
    missing: object,
    as_of: object,
    scales: dict[str, tuple[float, float]],
) -> tuple[dict[str, npt.NDArray[Any]], dict[str, Column]]:
    """The stored arrays and schema of the population an export describes.

    Problems with the arguments are raised first; then the problems of the export's cells
    and those :func:`~sparkus.model._columns.read_columns` finds are reported together (a
    column the export's reading already faulted is not reported again).
    """
    arrays, carried, problems = _ingest(frame, columns, labels, missing, as_of, set(scales))
    faulted = {_where(problem) for problem in problems}
    if ("as_of", None) in faulted:
        faulted.add(("tenure_years", None))
    try:
        built = read_columns(arrays, scales, carried)
    except SchemaError as error:
        problems += [
            p for p in error.problems
            if _where(p) not in faulted and (_where(p)[0], None) not in faulted
        ]  # fmt: skip
        raise SchemaError(problems) from None
    if problems:
        raise SchemaError(problems)
    return built


def _where(problem: Problem) -> tuple[object, object]:
    """(field, row) of a problem; row None for a problem of a whole column."""
    path = problem.path
    if len(path) == 3 and path[0] == _ROOT:
        return path[2], path[1]
    if len(path) == 2 and path[0] == _ROOT:  # "... and n more rows"
        return path[1], "more"
    return (path[0] if path else None), None


def _row_numbers(index: Any) -> bool:
    """Whether a pandas index holds row numbers: integers without a name.

    The numbers pandas gives (a ``RangeIndex``) and what is left of them after filtering or
    sorting rows (``[0, 2, 3]``) would be read as ids that name no one. An index set from a
    column (``set_index("emp_no")``) has its name, even when pandas stores consecutive
    employee numbers as a ``RangeIndex``.
    """
    kind = getattr(getattr(index, "dtype", None), "kind", "O")
    return kind in "iu" and getattr(index, "name", None) is None


def _lacking(field: str, names: list[str], index: Any) -> Problem:
    """The problem of a required field no column of the export holds."""
    msg = (
        f"required column is missing: no column of the export is named {shown(field)}; name the "
        f"one that holds it with columns={{{shown(field)}: <column>}} (the export has: "
        f"{_shown(names)})"
    )
    default = type(index).__name__ == "RangeIndex" and index.start == 0 and index.step == 1
    if field == "id" and index is not None and not default:
        msg += (
            "; the frame's index holds unnamed integers, such as the row numbers left by "
            "filtering or sorting rows, which are not read as ids: if they are ids, name the "
            "index (frame.rename_axis('id'))"
        )
    return Problem((field,), msg)


def _ingest(
    frame: object, columns: object, labels: object, missing: object, as_of: object, scored: set[str]
) -> tuple[dict[str, npt.NDArray[Any]], frozenset[str], list[Problem]]:
    """The export's columns under sparkus' names, the carried ones and its cells' problems.

    Problems with the arguments are raised at once.
    """
    table, names, index = _table(frame)
    mapping, problems = _columns_iv(columns, names)
    if problems:
        raise SchemaError(problems)
    sources: dict[str, str] = dict(mapping)
    for name in names:
        if name not in mapping.values() and name not in sources:
            sources[name] = name
    for name in [n for n in sources if n not in mapping]:
        if (field := field_lookalike(name)) is not None:
            fix = f"pass columns={{{shown(field)}: {shown(name)}}} to read it as that field"
            problems.append(Problem((name,), lookalike_message(name, field, fix)))
        elif name.translate(INVISIBLE) != name:  # an export's name, read without utf-8-sig
            msg = (f"the column name {name!a} holds an invisible character (a byte-order "
                   f"mark, a zero-width space); remove it, or map it with columns="
                   f"{{<name>: {shown(name)}}}")  # fmt: skip
            problems.append(Problem((name,), msg))
    present = list(sources)
    id_source = sources.get("id")
    if id_source is None and index is not None and not _row_numbers(index):
        present.insert(0, "id")
        id_source = "the index"
    looked = {field_lookalike(n) for n in sources if n not in mapping}
    lacking = [f for f in _REQUIRED if f not in present and f not in looked]
    problems += [_lacking(field, list(names), index) for field in lacking]
    spelled, label_problems = _labels_iv(labels, present)
    carried, missing_problems = _missing_iv(missing, present)
    as_of_day, as_of_problems = as_of_iv(as_of)
    problems += label_problems + missing_problems + as_of_problems
    if problems:
        raise SchemaError(problems)
    raw: dict[str, object] = {field: table[names[source]] for field, source in sources.items()}
    if isinstance(table, Mapping):  # pandas columns of a mapping: paired by index
        raw = aligned(raw, list(raw))
    out: dict[str, npt.NDArray[Any]] = {}
    if "id" not in raw and id_source == "the index":
        out["id"] = column(index, "id")
    for field, values in raw.items():
        if isinstance(values, list | tuple):  # each cell as given: numpy would make [1, "x"] text
            out[field] = np.empty(len(values), dtype=object)
            for i, value in enumerate(values):
                out[field][i] = value
            continue
        try:
            out[field] = column(wall_clock(values), field)
        except SchemaError as error:
            problems += error.problems
    if problems:
        raise SchemaError(problems)
    for field in list(out):
        table = spelled.get(field, _Labels())
        answers = field in scored or (
            field not in _WORDS and any(map(is_number, table.exact.values()))
        )
        out[field], more = _read(field, out[field], table, sources, carried, as_of_day, answers)

        problems += more
    return out, carried, problems


def _read(
    field: str,
    array: npt.NDArray[Any],
    table: _Labels,
    sources: dict[str, str],
    carried: frozenset[str],
    as_of: np.datetime64 | None,
    answers: bool,
) -> tuple[npt.NDArray[Any], list[Problem]]:
    """One column cleaned, relabelled and checked for blanks; dates become tenure.

    A value the labels map gives as missing (None, NaN, blank text) is a blank like an empty
    cell; in a column of `answers`, text that is a number becomes the number.
    """
    source = sources.get(field, "the index")
    array, blank = _cleaned(_relabelled(_cleaned(array)[0], table))
    if answers and array.dtype.kind in "OU":
        array = _numbers(array)
    problems: list[Problem] = []
    if blank.any() and field in _EMPTY_WHEN_BLANK:
        array = array.astype(object)
        array[blank] = ""
    elif blank.any() and field not in _NONE_WHEN_BLANK and field not in carried:
        hint = (
            "fill it in: every person needs one"
            if field in _REQUIRED
            else f"fill it in, or pass missing={{{shown(field)}: 'carry'}} to keep it as missing"
        )
        msg = f"is blank in the export (column {shown(source)}); {hint}"
        rows = Collector()
        rows.rows(field, blank, lambda _: msg)
        problems += rows.problems
    if field in ("id", "manager_id"):
        array = ids_as_text(array)
    if field == "id":
        problems += id_spellings(array.tolist(), source)
    elif field == "level":
        array, more = _unknown_levels(array)
        problems += more
    elif field == "tenure_years":
        array, more = tenure_from(array, blank, source, as_of)
        if more:  # reported here: the column's own check would only repeat it row by row
            array = np.zeros(array.shape[0])
        problems += more
    elif field in _TEXT_FIELDS:
        problems += _spelling_clashes(field, array, table.said())
    if field in carried and array.dtype.kind == "O":
        present = [v for v in array.tolist() if v is not None]
        if all(map(is_number, present)):
            array = np.array([finite_or_nan(v) for v in array.tolist()], dtype=float)
    return array, problems


def _numbers(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """A column of answers with its text that is a finite number (``" 4 "``) as the number."""
    out = np.empty(array.shape[0], dtype=object)
    for i, v in enumerate(array.tolist()):
        value = number(v) if isinstance(v, str) else None
        out[i] = value if value is not None and math.isfinite(value) else v
    return out


def carried_counts(
    columns: Mapping[str, npt.NDArray[Any]], kinds: Mapping[str, str]
) -> dict[str, int]:
    """How many values each free attribute holds as missing (NaN, or code -1 for text)."""
    counts: dict[str, int] = {}
    for name, kind in kinds.items():
        if name in CORE:
            continue
        values = columns[name]
        if kind == "float":
            n = int(np.isnan(values).sum())
        elif kind == "category":
            n = int((values == -1).sum())
        else:
            n = 0
        if n:
            counts[name] = n
    return counts
