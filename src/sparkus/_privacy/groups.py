"""Privacy of aggregates about people: a minimum group size and complementary suppression.

Every figure sparkus publishes about a group of people (an audit, a subgroup effect, a dashboard
cell) goes through :func:`suppress_small_groups`: a group smaller than the minimum is hidden, and
if any group is hidden, further groups are hidden until the hidden ones cannot be recovered by
subtracting the visible groups from a total (at least two hidden groups holding at least the
minimum number of people together). Totals over groups that include a hidden one must be withheld
by the caller, or published only when they do not let a hidden cell be recovered.

The group labels themselves are checked here once for every door that takes group, stratum or
cluster labels (:func:`group_label_problems`): a missing or blank label, a value that is no
label, text beside numbers and one group written several ways, each named by its rows in one
wording, whatever the dtype the labels arrived in.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Number
from typing import Any, Final, TypeAlias, cast

import numpy as np
import numpy.typing as npt

from sparkus._checks import is_missing, rows_where
from sparkus._errors import Problem, shown
from sparkus._labels import label_text, numeric_label, spelling_problem

__all__ = [
    "Group",
    "distinct_groups",
    "group_label_problems",
    "suppress_small_groups",
]

Group: TypeAlias = str | int
"""A group label: a department, a level, a site."""


def _missing_label_rows(groups: npt.NDArray[Any]) -> npt.NDArray[np.intp]:
    """The rows of a 1-D array whose group label is missing: None, NaN, pandas' NA or NaT.

    Whatever the dtype: NaN among floats (a pandas column of integer codes with an empty cell),
    NaT among dates, and None, NaN, ``pd.NA`` or ``pd.NaT`` in an object array (a nullable
    pandas column, :func:`~sparkus._checks.as_array`).
    """
    kind = groups.dtype.kind
    if kind in "fc":
        return np.flatnonzero(np.isnan(groups)).astype(np.intp)
    if kind in "mM":
        return np.flatnonzero(np.isnat(groups)).astype(np.intp)
    if kind != "O":
        return np.zeros(0, dtype=np.intp)
    missing = np.fromiter(map(is_missing, groups.tolist()), dtype=bool, count=groups.shape[0])
    return np.flatnonzero(missing).astype(np.intp)


def _invalid_label_rows(
    groups: npt.NDArray[Any], numbers: bool = False
) -> npt.NDArray[np.intp] | None:
    """The rows of a 1-D array holding a value that is not a label; None when no value can be.

    Labels are str and int; with `numbers`, finite floats too, and booleans when no other
    number is among them (True is 1: beside numbers it would join 1's group). Booleans are
    otherwise no label. Missing values are left out: :func:`_missing_label_rows` names them.
    None when the array's dtype cannot hold labels at all (floats without `numbers`, say).
    """
    kind = groups.dtype.kind
    if kind in "iuU" or (numbers and kind == "b"):
        return np.zeros(0, dtype=np.intp)
    if numbers and kind == "f":
        return np.flatnonzero(np.isinf(groups)).astype(np.intp)
    if kind != "O":
        return None
    cells = groups.tolist()
    flags = np.fromiter(map(_is_bool, cells), dtype=bool, count=len(cells))
    if numbers:
        bad = np.fromiter(map(_not_number, cells), dtype=bool, count=len(cells))
        if flags.any() and any(_is_number(v) for v in cells):  # True would join 1's group
            bad |= flags
    else:
        bad = flags | np.fromiter(
            (not (isinstance(v, str | int | np.integer) or is_missing(v)) for v in cells),
            dtype=bool,
            count=len(cells),
        )
    return np.flatnonzero(bad).astype(np.intp)


def _is_bool(value: object) -> bool:
    return isinstance(value, bool | np.bool_)


def _is_number(value: object) -> bool:
    """A number other than a boolean, not missing."""
    return isinstance(value, Number) and not _is_bool(value) and not is_missing(value)


def _not_number(value: object) -> bool:
    """Not a str, a bool, an integer or a finite float, nor missing."""
    if isinstance(value, float | np.floating):
        return bool(np.isinf(value))
    return not isinstance(value, str | bool | np.bool_ | int | np.integer) and not is_missing(value)


_DTYPE_FIXES: Final = {
    "b": "name the groups with text (such as 'yes' and 'no') or integers",
    "f": "pass text or integers (integer codes read as floats: convert them with astype(int))",
}


RowNames: TypeAlias = Callable[[npt.NDArray[np.bool_]], str]
"""How a door names the rows a mask sets (``"rows 3 and 7"``), for a message."""


def group_label_problems(
    groups: npt.NDArray[Any],
    name: str,
    given: object = None,
    *,
    numbers: bool = False,
    rows: RowNames | None = None,
) -> list[Problem]:
    """What keeps a 1-D array from being one label per person, rows named.

    The one check and wording of every door that counts people by group, stratum or cluster:

    - a missing label (None, NaN, pandas' NA or NaT, in any dtype) or a blank one (``""``,
      white space, a zero-width space: the empty cell of an export), naming the rows;
    - a value that is no label (booleans; floats unless `numbers`), or a dtype that holds
      none (floats, booleans, dates), with how to fix it;
    - text beside numbers (``1`` and ``"1"`` print alike), naming a row of each;
    - one group written several ways (``"Sales"`` and ``"sales"``: the rule of
      :func:`~sparkus._labels.spelling_problem`), naming a row of each spelling.

    Labels are str or int; with `numbers` (cluster and stratum codes, which are matched and
    never published as group names), finite floats too, and booleans alone. Rows are named by
    the labels of `given`'s index when it is a pandas input indexed otherwise than
    ``0 .. n-1`` (:func:`~sparkus._checks.rows_where`), else by position; a door whose rows
    are known by other names (the tracker's participant ids) passes `rows`, which names the
    rows a mask sets. Empty when all are labels.
    """
    where: RowNames = rows if rows is not None else (lambda bad: rows_where(bad, given))
    n = groups.shape[0]
    cells = groups.tolist() if groups.dtype.kind in "UO" else []
    if groups.dtype.kind == "U" or (
        groups.dtype.kind == "O" and all(type(v) is str for v in cells)
    ):
        # text alone (a pandas column of strings is an object array): no cell to check apart
        texts = list(set(cells))  # a hash pass: sorting a million strings costs more
        blank = _blank_problem(groups, texts, name, where)
        return [blank] if blank is not None else _spellings(groups, texts, name, where)
    problems = []
    if (missing := _missing_label_rows(groups)).size:
        msg = f"is missing in {where(_mask(missing, n))}; give every person a group"
        problems.append(Problem((name,), msg))
    texts = _texts(groups)
    if (blank := _blank_problem(groups, texts, name, where)) is not None:
        problems.append(blank)
    invalid = _invalid_label_rows(groups, numbers)
    kinds = "str or number" if numbers else "str or int"
    if invalid is None:
        fix = _DTYPE_FIXES.get(groups.dtype.kind, "pass text or integers")
        msg = f"expected group labels as {kinds}, got dtype {groups.dtype}; {fix}"
        problems.append(Problem((name,), msg))
    elif invalid.size:
        shown = ", ".join(repr(_plain(groups[r])) for r in invalid[:3].tolist())
        fix = "numbers" if numbers else "integers"
        msg = (f"expected a {kinds} label per person, got {shown} in "
               f"{where(_mask(invalid, n))}; pass text or {fix}")  # fmt: skip
        problems.append(Problem((name,), msg))
    if problems or groups.dtype.kind != "O":
        return problems
    if (mixed := _text_and_numbers(groups, where)) is not None:
        return [Problem((name,), mixed)]
    return _spellings(groups, texts, name, where)


def _blank_problem(
    groups: npt.NDArray[Any], texts: list[str], name: str, where: RowNames
) -> Problem | None:
    """Blank text labels (``""``, white space, a zero-width space), their rows named."""
    blanks = sorted(v for v in texts if not (v.strip() if v.isascii() else label_text(v)))
    if not blanks:
        return None
    shown = " and ".join(map(repr, blanks[:3]))
    blank = np.array([isinstance(v, str) and v in blanks for v in groups.tolist()])
    msg = (
        f"holds the blank label {shown} in {where(blank)}; a blank cell is no "
        "group: give every person a group"
    )
    return Problem((name,), msg)


def _spellings(
    groups: npt.NDArray[Any], texts: list[str], name: str, where: RowNames
) -> list[Problem]:
    """One group written several ways (:func:`~sparkus._labels.spelling_problem`), rows named."""
    if spelling_problem(texts) is None:
        return []
    n = groups.shape[0]
    first: dict[str, int] = {}  # each spelling's first row, listed in the order they come
    for row, value in enumerate(groups.tolist()):
        if isinstance(value, str):
            first.setdefault(value, row)

    def rows_of(ways: list[str]) -> str:
        return _rows([first[w] for w in ways], n, where)

    return [Problem((name,), cast(str, spelling_problem(first, rows_of)))]


def _texts(groups: npt.NDArray[Any]) -> list[str]:
    """The distinct text labels of an array that is not all text, in no order."""
    if groups.dtype.kind == "O":
        return list({v for v in groups.tolist() if isinstance(v, str)})
    return []


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _rows(rows: list[int], n: int, where: RowNames) -> str:
    return where(_mask(np.array(rows, dtype=np.intp), n))


def _text_and_numbers(groups: npt.NDArray[Any], where: RowNames) -> str | None:
    """Text beside numbers (no label is missing), naming a row of each; None when one kind."""
    text = number = None
    for row, value in enumerate(groups.tolist()):
        if isinstance(value, str):
            text = row if text is None else text
        else:
            number = row if number is None else number
        if text is not None and number is not None:
            n = groups.shape[0]
            return (
                f"mixes text and numbers ({shown(_plain(groups[number]))} in "
                f"{_rows([number], n, where)}, {shown(groups[text])} in {_rows([text], n, where)}): "
                "labels of both kinds print alike, so pass one kind (all text, say)"
            )
    return None


def _mask(rows: npt.NDArray[np.intp], n: int) -> npt.NDArray[np.bool_]:
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return mask


def distinct_groups(groups: npt.NDArray[Any]) -> tuple[list[Group], npt.NDArray[np.intp]]:
    """The sorted distinct groups (ints before strings) and each person's index into them.

    Labels that are equal are one group: ``-0.0`` and ``0.0`` are the group ``0.0``
    (:func:`~sparkus._labels.numeric_label`), whichever comes first. Booleans beside numbers
    are refused before, by :func:`group_label_problems`.
    """
    if groups.dtype.kind != "O":
        zeros = groups + 0.0 if groups.dtype.kind == "f" else groups  # -0.0 + 0.0 is 0.0
        uniq, inverse = np.unique(zeros, return_inverse=True)
        return cast(list[Group], uniq.tolist()), inverse.reshape(-1).astype(np.intp)
    values = [numeric_label(v.item() if isinstance(v, np.generic) else v) for v in groups.tolist()]
    names = sorted(set(values), key=lambda g: (isinstance(g, str), g))
    index = {g: i for i, g in enumerate(names)}
    return names, np.fromiter((index[v] for v in values), np.intp, count=len(values))


def suppress_small_groups(counts: npt.NDArray[np.int64], m: int) -> tuple[set[int], set[int]]:
    """The primary and the complementary suppressions, as indices into `counts`.

    Groups smaller than `m` are hidden; then, if any is, further groups are hidden, smallest
    first (sorted order on a tie), until the hidden groups hold at least `m` people and at
    least two groups (or every group is hidden).
    """
    primary = {int(i) for i in np.flatnonzero(counts < m)}
    extra: set[int] = set()
    if not primary:
        return primary, extra
    order = [int(i) for i in np.argsort(counts, kind="stable") if int(i) not in primary]
    for i in order:
        hidden = sorted(primary | extra)
        if len(hidden) >= 2 and int(counts[hidden].sum()) >= m:
            break
        extra.add(i)
    return primary, extra
