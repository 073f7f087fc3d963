"""Rollouts that prove it: people (or whole teams) randomised to waves, with a balance table.

A rollout in waves is a randomised experiment when the waves are drawn by lot: the later waves
are the earlier waves' comparison group until their turn comes. :func:`design_rollout` draws
the waves by stratified randomisation (within each stratum the units are shuffled and dealt to
the waves in turn, so wave sizes within a stratum differ by at most one unit), and when
`cluster` names a column, the units are whole clusters (teams), so colleagues share a wave and
the support one gets does not spill over to a colleague still waiting.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    FloatArray,
    IntArray,
    align_rows,
    as_array,
    as_table,
    check_choice,
    check_number,
    check_rng,
    describe,
    is_data_frame,
    is_missing,
    real_array,
    rows_text,
    schema_error,
)
from sparkus._errors import Problem, SchemaError, name_text, shown
from sparkus._frames import Backend, build_frame, check_backend
from sparkus._privacy import group_label_problems
from sparkus._results import Result, Table, format_number
from sparkus.metrics._stable import common_scale
from sparkus.model import Population

__all__ = ["RolloutDesign", "RolloutTable", "design_rollout", "draw_waves"]

RolloutTable: TypeAlias = Literal["assignment", "counts", "balance"]
_TABLES: Final[tuple[RolloutTable, ...]] = ("assignment", "counts", "balance")

MAX_WAVES: Final = 1_000
"""The most waves a rollout may have."""

_NUMERIC_KINDS: Final = ("float", "int", "bool")


@attrs.frozen(repr=False, eq=False)
class RolloutDesign(Result):
    """Who starts in which wave, and how alike the waves are.

    .. versionadded:: 0.1

    Attributes
    ----------
    wave : ndarray of int64
        Each person's wave, 1 to `waves`, in the population's row order.
    waves : int
        The number of waves.
    strata : tuple of str
        The stratum of each row of `counts`: the values of the strata columns joined by
        ``" / "`` (``"all"`` without strata).
    counts : ndarray of int64
        People per stratum (rows, as `strata`) and wave (columns, wave 1 first).
    covariates : tuple of str
        The numeric or boolean covariates of `smd`, in its row order.
    smd : ndarray of float64
        Each covariate's (rows) standardised mean difference between each wave (columns) and
        everyone else: the difference of the means over ``√((s²_wave + s²_rest) / 2)``
        (Austin 2009), missing values left out; for a boolean covariate, the difference of the
        shares over ``√((p_wave(1 - p_wave) + p_rest(1 - p_rest)) / 2)`` (Austin's
        dichotomous form); NaN when a side has fewer than two values or no spread.
    cluster : str or None
        The column whose values were randomised whole, or None when people were.
    ids : ndarray of str or None
        The people's ids: a :class:`~sparkus.model.Population`'s, the ``"id"`` column of a
        table, or a pandas table's index (unless it is the row numbers 0, 1, ...); None
        without any (rows are then named by their number). With ids, people randomised one
        by one are dealt to the waves in the order of their ids, so the order of the rows
        does not change anyone's wave.
    unit : ndarray of int64
        Each person's randomised unit (index into `units`): themselves, or their cluster.
    units : tuple of str
        The randomised units' names: the cluster values, or the row numbers as text.
    unit_stratum : ndarray of int64
        Each unit's stratum, as an index into `strata`.
    missing : ndarray of int64
        Each covariate's number of people without a value, left out of its SMD (`covariates`'
        order); the balance table shows it.

    Examples
    --------
    >>> from sparkus.metrics import design_rollout
    >>> people = {
    ...     "team": ["a", "a", "b", "b", "c", "c", "d", "d"],
    ...     "site": ["x", "x", "x", "x", "y", "y", "y", "y"],
    ...     "tenure": [1.0, 3.0, 2.0, 5.0, 4.0, 2.0, 7.0, 1.0],
    ... }
    >>> design = design_rollout(people, waves=2, strata="site", cluster="team", rng=1)
    >>> design.counts.tolist()  # two people (one team) per site and wave
    [[2, 2], [2, 2]]
    >>> bool((design.wave[0::2] == design.wave[1::2]).all())  # colleagues share a wave
    True
    """

    wave: IntArray
    waves: int
    strata: tuple[str, ...]
    counts: IntArray
    covariates: tuple[str, ...]
    smd: FloatArray
    cluster: str | None
    ids: npt.NDArray[np.str_] | None
    unit: IntArray
    units: tuple[str, ...]
    unit_stratum: IntArray
    missing: IntArray

    def to_frame(self, table: RolloutTable = "assignment", *, backend: Backend = "pandas") -> Any:
        """The assignment per person, or the counts or balance table, as a DataFrame.

        Parameters
        ----------
        table : {"assignment", "counts", "balance"}
            ``"assignment"``: one row per person, indexed by ``id`` (or ``row``, the row
            number, without ids), with ``wave``, ``stratum`` (the stratum the person's unit
            was randomised in: for a cluster, the one most of its members are in) and
            ``unit`` (the cluster, or the row number when people were randomised).
            ``"counts"``: one row per stratum (the people's own), indexed by ``stratum``, with a column of people per wave (``wave 1``, ...).
            ``"balance"``: one row per covariate, indexed by ``covariate``, with each wave's
            standardised mean difference against the rest (``wave 1``, ...; NaN where not
            computable) and the number of people without a value (``missing``).
        backend : {"pandas", "polars"}
            pandas gets the index above; polars, which has no index, gets it as the first
            column. The library is imported only now.

        Returns
        -------
        pandas.DataFrame or polars.DataFrame
            A new frame: changing it never changes the design.

        Raises
        ------
        SchemaError
            If `table` or `backend` is not one of the values above.
        ImportError
            If the library is not installed (the message names the extra to install).

        Examples
        --------
        >>> from sparkus.metrics import design_rollout
        >>> people = {"id": ["a", "b", "c", "d"], "site": ["x", "x", "y", "y"],
        ...           "tenure": [1.0, 3.0, 2.0, 5.0]}
        >>> design = design_rollout(people, waves=2, strata="site", rng=1)
        >>> frame = design.to_frame()
        >>> frame.index.name, list(frame.columns)
        ('id', ['wave', 'stratum', 'unit'])
        >>> design.to_frame("counts").loc["x"].tolist()
        [1, 1]

        .. versionadded:: 0.1
        """
        chosen = check_choice(table, "table", _TABLES)
        lib = check_backend(backend)
        heads = [f"wave {k + 1}" for k in range(self.waves)]
        if chosen == "counts":
            columns: dict[str, Any] = {"stratum": np.asarray(self.strata, dtype=object)}
            columns |= {h: self.counts[:, k] for k, h in enumerate(heads)}
            return build_frame(columns, ("stratum",), lib)
        if chosen == "balance":
            columns = {"covariate": np.asarray(self.covariates, dtype=object)}
            columns |= {h: self.smd[:, k] for k, h in enumerate(heads)}
            return build_frame(columns | {"missing": self.missing}, ("covariate",), lib)
        key = "row" if self.ids is None else "id"
        rows = np.arange(len(self.wave)) if self.ids is None else self.ids
        strata = np.asarray(self.strata, dtype=object)[self.unit_stratum[self.unit]]
        units = np.asarray(self.units, dtype=object)[self.unit]
        columns = {key: rows, "wave": self.wave, "stratum": strata, "unit": units}
        return build_frame(columns, (key,), lib)

    def _headline(self) -> str:
        unit = f"clusters by {shown(self.cluster)}" if self.cluster else "people"
        finite = np.abs(self.smd[np.isfinite(self.smd)])
        worst = format_number(float(finite.max())) if finite.size else "-"
        return (
            f"{len(self.wave)} people, {self.waves} waves, {len(self.strata)} strata, "
            f"randomised {unit}, max |SMD|={worst}"
        )

    def _tables(self) -> list[Table]:
        heads = tuple(f"wave {k + 1}" for k in range(self.waves))
        counts = Table(
            "People per stratum and wave",
            ("stratum", *heads),
            tuple(
                (name, *(format_number(int(c)) for c in row))
                for name, row in zip(self.strata, self.counts, strict=True)
            ),
        )
        balance = Table(
            "Balance: standardised mean difference, wave against the rest",
            ("covariate", *heads, "missing"),
            tuple(
                (name, *(format_number(float(v)) for v in row), format_number(int(left)))
                for name, row, left in zip(self.covariates, self.smd, self.missing, strict=True)
            ),
            note="|SMD| above 0.1 is commonly read as imbalance (Austin 2009)",
        )
        return [counts, balance]


def _columns_of(population: object) -> tuple[dict[str, Any], dict[str, bool]]:
    """Every column by name (categories decoded) and whether it is numeric."""
    if isinstance(population, Population):
        columns = {name: population.decode(name) for name in population.columns}
        numeric = {
            name: population.schema[name].kind in _NUMERIC_KINDS for name in population.columns
        }
        return columns, numeric
    table = as_table(population)
    keys = getattr(table, "keys", None)
    if not callable(keys):
        msg = (
            "expected a Population, a mapping of columns, or a pandas or polars DataFrame, "
            f"got {describe(population)}"
        )
        raise schema_error("population", msg)
    getter: Any = table
    given = {k: getter[k] for k in keys()}
    if isinstance(table, Mapping):  # a DataFrame's columns share its index already
        given = align_rows(("population", given))[0]  # type: ignore[assignment]
    columns = {
        name_text(k, "population"): as_array(v, f"population[{shown(k)}]") for k, v in given.items()
    }
    _same_rows(columns)
    numeric = {k: _is_numeric(v) for k, v in columns.items()}
    return columns, numeric


def _is_numeric(column: npt.NDArray[Any]) -> bool:
    """Whether a column holds numbers or booleans, some perhaps missing (None, NaN, pandas NA).

    pandas' nullable integers and polars' integers with nulls arrive as objects: numbers with
    missing cells are still a numeric column, which the balance table must not leave out.
    """
    if column.dtype.kind in "biuf":
        return True
    if column.dtype.kind != "O":
        return False
    cells = (v for v in column.tolist() if not is_missing(v))  # a text column stops at once
    first = next(cells, None)
    return isinstance(first, numbers.Real) and all(isinstance(v, numbers.Real) for v in cells)


def _same_rows(columns: Mapping[str, npt.NDArray[Any]]) -> None:
    """SchemaError unless every column is 1-D and all have one length, naming the others.

    Parameters
    ----------
    columns : mapping of str to ndarray
        The population's columns by name.

    Raises
    ------
    SchemaError
        Naming each column that is not 1-D or, when the lengths differ, every column with
        its length.
    """
    problems = [
        Problem((f"population[{shown(k)}]",),
                f"expected a column of one value per person, got shape {v.shape}")
        for k, v in columns.items() if v.ndim != 1
    ]  # fmt: skip
    if problems:
        raise SchemaError(problems)
    lengths = {k: v.shape[0] for k, v in columns.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{shown(k)} has {m:,}" for k, m in lengths.items())
        msg = (f"its columns differ in length: {listed} rows; give every column one value per "
               "person, in the same order")  # fmt: skip
        raise schema_error("population", msg)


def _names(value: object, name: str, columns: Mapping[str, Any]) -> tuple[str, ...]:
    if value is None:
        return ()
    names: Sequence[object] = [value] if isinstance(value, str) else value  # type: ignore[assignment]
    if not isinstance(names, list | tuple) or not names:
        raise schema_error(name, f"expected a column name or a list of them, got {describe(value)}")
    for item in names:
        if not isinstance(item, str) or item not in columns:
            listed = ", ".join(sorted(columns)[:10])
            raise schema_error(name, f"{shown(item)} is not a column of the population ({listed})")
    return tuple(str(n) for n in names)


def _labels(array: npt.NDArray[Any], name: str, given: object) -> list[str]:
    """Each person's label as text, checked by the rule of every door that counts labels.

    Rows are named by the labels of `given`'s index (a pandas DataFrame's) when it has one.
    """
    if problems := group_label_problems(array, name, given, numbers=True):
        raise SchemaError(problems)
    # -0.0 is 0.0: one stratum, one team (``+ 0.0`` drops the sign of a float zero only)
    return [str(v + 0.0 if isinstance(v, float) else v) for v in array.tolist()]


def _strata_names(keys: list[list[str]], n: int) -> list[str]:
    """Each person's stratum: the strata columns' labels joined by ``" / "`` (``"all"`` without).

    Two combinations that join to one name (``"a / b"`` with ``"c"``, ``"a"`` with
    ``"b / c"``) would be one stratum: a SchemaError naming both.
    """
    if not keys:
        return ["all"] * n
    combos = list(zip(*keys, strict=True))
    seen: dict[str, tuple[str, ...]] = {}
    for combo in sorted(set(combos)):
        name = " / ".join(combo)
        if (other := seen.setdefault(name, combo)) != combo:
            msg = (f"the combinations {shown(other)} and {shown(combo)} are both written {shown(name)}, so "
                   "they would be one stratum; remove ' / ' from the labels")  # fmt: skip
            raise schema_error("strata", msg)
    return [" / ".join(combo) for combo in combos]


def _design_rollout_iv(
    population: object, waves: object, strata: object, cluster: object, covariates: object,
    rng: object,
) -> tuple[dict[str, Any], npt.NDArray[np.str_] | None, tuple[str, ...], str | None,
           tuple[str, ...], int, np.random.Generator]:  # fmt: skip
    columns, numeric = _columns_of(population)
    n = len(next(iter(columns.values()))) if columns else 0
    if n == 0:
        raise schema_error("population", "has no people; a rollout needs at least one")
    count = int(check_number(waves, "waves", low=1, high=MAX_WAVES, integer=True))
    strata_names = _names(strata, "strata", columns)
    cluster_names = _names(cluster, "cluster", columns)
    if len(cluster_names) > 1:
        raise schema_error("cluster", f"expected one column name, got {describe(cluster)}")
    cluster_name = cluster_names[0] if cluster_names else None
    ids = _ids_of(population, columns)
    if covariates is None:
        used = {*strata_names, *cluster_names, *(("id",) if ids is not None else ())}
        chosen = tuple(k for k, is_num in numeric.items() if is_num and k not in used)
    else:
        chosen = _names(covariates, "covariates", columns)
        for name in chosen:
            if not numeric[name]:
                msg = (f"{shown(name)} is not a numeric column; a balance covariate holds numbers "
                       "or booleans (missing values allowed)")  # fmt: skip
                raise schema_error("covariates", msg)
    return columns, ids, strata_names, cluster_name, chosen, count, check_rng(rng)


def _smd(values: FloatArray, in_wave: npt.NDArray[np.bool_], flag: bool) -> float:
    """The standardised mean difference of a wave against the rest, NaN left out.

    Computed in units of a power of two near the largest magnitude (:func:`common_scale`,
    exact): the SMD does not depend on the unit, and no mean or square overflows or
    underflows, so 1e300 times the data gives the SMD of the data. A `flag` (booleans as 0
    and 1) has the variance of a proportion, ``p(1 - p)`` (Austin 2009, dichotomous).
    """
    a, b = values[in_wave], values[~in_wave]
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if a.size < 2 or b.size < 2:
        return math.nan
    if flag:
        spread = [float(p * (1.0 - p)) for p in (a.mean(), b.mean())]
    else:
        _, (a, b) = common_scale(a, b)
        spread = [float(np.var(a, ddof=1)), float(np.var(b, ddof=1))]
    pooled = math.sqrt((spread[0] + spread[1]) / 2.0)
    if pooled == 0.0:
        return math.nan
    return (float(a.mean()) - float(b.mean())) / pooled


def _covariate(column: npt.NDArray[Any], name: str) -> tuple[FloatArray, bool]:
    """A numeric column (`name`) as floats, NaN for missing, and whether it is all booleans.

    An infinite value (naming the rows), or an integer beyond 2**53, is a SchemaError.
    """
    values = real_array(column, f"population[{shown(name)}]")
    infinite = np.flatnonzero(np.isinf(values))
    if infinite.size:
        msg = (f"is infinite in {rows_text(infinite)}; a balance covariate takes finite numbers "
               "(NaN for a missing value, which the balance table leaves out)")  # fmt: skip
        raise schema_error(f"population[{shown(name)}]", msg)
    cells = column.tolist() if column.dtype.kind == "O" else []
    flag = column.dtype.kind in "bO" and all(isinstance(v, bool | np.bool_) or is_missing(v)
                                             for v in cells)  # fmt: skip
    return values, flag


def deal_order(ids: npt.NDArray[np.str_] | None, cluster: str | None, size: int) -> IntArray:
    """The units in the order :func:`draw_waves` shuffles them: by id, or by unit number.

    People randomised one by one are taken in the order of their ids when they have some, so
    the order of the population's rows changes no one's wave; clusters are numbered in the
    sorted order of their names already; without ids, people are taken by row.
    """
    if cluster is None and ids is not None:
        return np.argsort(ids, kind="stable")
    return np.arange(size)


def draw_waves(
    unit_stratum: IntArray, waves: int, rng: np.random.Generator, order: IntArray
) -> IntArray:
    """Each unit's wave (1 to `waves`), drawn as :func:`design_rollout` draws it.

    Within each stratum (in the order of their codes) the units, taken in `order` (see
    :func:`deal_order`), are put in random order and dealt to the waves in a random order of
    waves, one each in turn. The one randomisation of a rollout: :func:`design_rollout` draws
    the design with it, and :func:`~sparkus.metrics.randomization_test` draws the design again
    with it.
    """
    unit_wave = np.zeros(unit_stratum.shape[0], dtype=np.int64)
    ranked = unit_stratum[order]
    for stratum in np.unique(unit_stratum).tolist():
        units = order[ranked == stratum]
        shuffled = rng.permutation(units)
        deal = rng.permutation(waves)
        unit_wave[shuffled] = deal[np.arange(shuffled.size) % waves] + 1
    return unit_wave


def _ids_of(population: object, columns: Mapping[str, Any]) -> npt.NDArray[np.str_] | None:
    """The people's ids: a Population's, the ``"id"`` column, or a pandas index of labels.

    A pandas table's index (a DataFrame's, or the first Series' of a mapping, which the others
    were put in the order of) names its rows unless it is just their numbers 0, 1, ...:
    dropping it would name the rows by position, and a Series of outcomes indexed by the same
    labels would then be paired with the wrong people. An id names one person: a missing or
    repeated one is refused, as outcomes would be paired by it.
    """
    if isinstance(population, Population):
        ids = np.asarray(population.ids).astype(str)
    elif "id" in columns:
        cells = np.asarray(columns["id"]).tolist()
        if missing := [row for row, v in enumerate(cells) if is_missing(v)]:
            msg = f"is missing in {rows_text(np.array(missing))}; every person needs an id"
            raise schema_error("population['id']", msg)
        ids = _distinct([str(v) for v in cells], "population['id']", "repeats the id",
                        "give each person their own id")  # fmt: skip
    else:
        given = population.values() if isinstance(population, Mapping) else (population,)
        index = next((v.index for v in given
                      if type(v).__module__.startswith("pandas") and hasattr(v, "index")), None)  # fmt: skip
        if index is None:
            return None
        labels = [str(v) for v in index.tolist()]
        if labels == [str(i) for i in range(len(labels))]:
            return None  # the rows' own numbers
        ids = _distinct(labels, "population", "its index repeats the label",
                        "give each row its own label (or an 'id' column)")  # fmt: skip
    ids.flags.writeable = False
    return ids


def _distinct(labels: list[str], name: str, what: str, fix: str) -> npt.NDArray[np.str_]:
    """`labels` as an array, or a SchemaError at `name` naming the first label repeated."""
    first: dict[str, int] = {}
    for i, label in enumerate(labels):
        if (j := first.setdefault(label, i)) != i:
            msg = (f"{what} {shown(label)} ({rows_text(np.array([j, i]))}), so it names no one "
                   f"person; {fix}")  # fmt: skip
            raise schema_error(name, msg)
    return np.asarray(labels)


def design_rollout(
    population: object,
    *,
    waves: int,
    strata: str | Sequence[str] | None = None,
    cluster: str | None = None,
    covariates: Sequence[str] | None = None,
    rng: int | np.random.Generator | None = None,
) -> RolloutDesign:
    """Randomise people, or whole teams, to the waves of a rollout, stratified, with balance.

    .. versionadded:: 0.1

    Within each stratum the units (people, or the clusters when `cluster` is given) are put in
    random order and dealt to the waves in a random order of waves, one each in turn: wave
    sizes within a stratum differ by at most one unit, and which waves get the extra units is
    random too. A cluster belongs to the stratum most of its members are in (the first in
    sorted order on a tie), so stratify by a team-level column (department, site) when
    clusters are teams.

    Parameters
    ----------
    population : Population, mapping of columns, or pandas or polars DataFrame
        One row per person. Category columns of a :class:`~sparkus.model.Population` are read
        by their labels. In a mapping of pandas Series, the columns are paired by their index
        (put in the first Series' order), never by position. A pandas index other than the
        row numbers names the people (see `RolloutDesign.ids`), unless there is an ``"id"``
        column; it must not repeat a label.
    waves : int
        The number of waves, 1 to 1,000.
    strata : str or list of str, optional
        The columns whose combinations are the strata; None randomises everyone together.
    cluster : str, optional
        The column whose values are randomised whole (a team), so colleagues share a wave.
    covariates : list of str, optional
        The numeric columns of the balance table; by default every numeric column that is not
        a stratum or the cluster.
    rng : int, numpy.random.Generator or None
        The seed: the same seed and population give the same waves.

    Returns
    -------
    RolloutDesign
        The waves, the counts per stratum and wave, and the balance table.

    Raises
    ------
    SchemaError
        If `population` is not a table or is empty, its columns are not 1-D or differ in
        length (naming them), pandas columns' indexes do not hold the same rows, `waves` is
        not an integer from 1 to 1,000, `strata`, `cluster` or `covariates` name no column (or
        a covariate is not numeric, or infinite somewhere), a stratum or cluster value is
        missing (naming the row), a stratum is blank or written two ways (differing only in
        case, white space or Unicode form), a pandas index that names the people repeats a
        label, or `rng` is not a seed or generator.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import design_rollout
    >>> rng = np.random.default_rng(0)
    >>> people = {"level": ["manager"] * 30 + ["individual"] * 70,
    ...           "tenure": rng.gamma(2.0, 2.0, 100)}
    >>> design = design_rollout(people, waves=3, strata="level", rng=7)
    >>> design.strata, design.counts.tolist()
    (('individual', 'manager'), [[23, 24, 23], [10, 10, 10]])
    """
    columns, ids, strata_names, cluster_name, chosen, count, gen = _design_rollout_iv(
        population, waves, strata, cluster, covariates, rng
    )
    n = len(next(iter(columns.values())))
    frame = population if is_data_frame(population) else None  # rows named by its index
    keys = [_labels(columns[name], f"population[{shown(name)}]", frame) for name in strata_names]
    stratum_of = _strata_names(keys, n)
    if cluster_name is None:
        unit_of = np.arange(n)
        unit_stratum = stratum_of
        unit_names = tuple(str(i) for i in range(n))
    else:
        labels = _labels(columns[cluster_name], f"population[{shown(cluster_name)}]", frame)
        names, unit_of = np.unique(np.asarray(labels), return_inverse=True)
        unit_names = tuple(str(x) for x in names.tolist())
        members: list[dict[str, int]] = [{} for _ in names]
        for unit, stratum in zip(unit_of.tolist(), stratum_of, strict=True):
            members[unit][stratum] = members[unit].get(stratum, 0) + 1
        unit_stratum = [min(m, key=lambda s, m=m: (-m[s], s)) for m in members]  # type: ignore[misc]
    strata_sorted = sorted(set(stratum_of))  # every unit's stratum is some person's
    row_of = {s: row for row, s in enumerate(strata_sorted)}
    unit_codes = np.asarray([row_of[s] for s in unit_stratum], dtype=np.int64)
    order = deal_order(ids, cluster_name, len(unit_names))
    unit_wave = draw_waves(unit_codes, count, gen, order)
    wave = unit_wave[unit_of]
    person_stratum = np.asarray([row_of[s] for s in stratum_of], dtype=np.int64)
    counts = np.zeros((len(strata_sorted), count), dtype=np.int64)
    np.add.at(counts, (person_stratum, wave - 1), 1)
    smd = np.full((len(chosen), count), math.nan)
    missing = np.zeros(len(chosen), dtype=np.int64)
    for i, name in enumerate(chosen):
        values, flag = _covariate(columns[name], name)
        missing[i] = np.isnan(values).sum()
        for k in range(count):
            smd[i, k] = _smd(values, wave == k + 1, flag)
    unit_of = np.asarray(unit_of, dtype=np.int64)
    for array in (wave, counts, smd, unit_of, unit_codes, missing):
        array.flags.writeable = False
    return RolloutDesign(wave, count, tuple(strata_sorted), counts, chosen, smd, cluster_name,
                         ids=ids, unit=unit_of, units=unit_names, unit_stratum=unit_codes,
                         missing=missing)  # fmt: skip
