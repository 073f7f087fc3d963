"""The columnar population: named, equal-length numpy arrays with a declared schema.

Categorical values (levels, departments, teams, language lists, ...) are stored as integer codes
into a sorted tuple of categories, so a million people cost a few megabytes and every group-by is a
``numpy.bincount``. Manager ids are stored as row indices, which makes the manager tree a plain
integer array.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, cast

import numpy as np
import numpy.typing as npt

from sparkus._checks import as_array, describe, is_real
from sparkus._errors import Problem, SchemaError
from sparkus.model._columns import CORE, Column, read_columns, record_columns
from sparkus.model._enums import Goal, Level
from sparkus.model._intake import aligned
from sparkus.model._records import Participant

__all__ = ["FrameLike", "Population"]


class FrameLike(Protocol):
    """Anything that yields columns by name: a pandas or polars DataFrame, a dict of arrays.

    .. versionadded:: 0.1
    """

    @property
    def columns(self) -> Iterable[Any]: ...

    def __getitem__(self, key: Any, /) -> Any: ...


class ColumnError(SchemaError, KeyError):
    """No such column: a SchemaError naming `name` that is also the KeyError of a lookup."""

    __str__ = SchemaError.__str__  # KeyError's would quote the message


def _scales_iv(scales: object) -> dict[str, tuple[float, float]]:
    """A mapping of column name to (lowest, highest); else a SchemaError naming `scales`."""
    if scales is None:
        return {}
    if not isinstance(scales, Mapping):
        msg = f"expected a mapping of column name to (lowest, highest), got {describe(scales)}"
        raise SchemaError([Problem(("scales",), msg)])
    problems = []
    out: dict[str, tuple[float, float]] = {}
    for name, pair in scales.items():
        ok = (
            isinstance(name, str)
            and isinstance(pair, tuple | list)
            and len(pair) == 2
            and all(is_real(v) and math.isfinite(float(v)) for v in pair)
            and float(pair[0]) < float(pair[1])
        )
        if not ok:
            msg = f"expected (lowest, highest), finite with lowest < highest, got {describe(pair)}"
            problems.append(Problem(("scales", str(name)), msg))
        else:
            out[name] = (float(pair[0]), float(pair[1]))
    if problems:
        raise SchemaError(problems)
    return out


class Population:
    """Participants as columns: what every computation over many people takes.

    Build it with :meth:`from_records`, :meth:`from_columns` or :meth:`from_frame`; each checks
    that ids are unique, that every manager id names a participant, that the manager tree has no
    cycle, that numbers are finite and that scores sit inside their declared scale, and reports
    every problem with its row (``participants[17].level``) in one :class:`~sparkus.SchemaError`.

    The core columns are the fields of :class:`Participant`; any other column is a free
    attribute (a readiness item, an outcome, a location) and comes back in
    :attr:`Participant.attributes` from :meth:`to_records`. Arrays are copied on the way in and
    read-only on the way out, so neither side can change the other's data.

    Examples
    --------
    >>> from sparkus.model import Population
    >>> pop = Population.from_columns({
    ...     "id": ["a", "b", "c"],
    ...     "level": ["executive", "manager", "individual_contributor"],
    ...     "department": ["Board", "Sales", "Sales"],
    ...     "tenure_years": [12.0, 5.5, 1.0],
    ...     "manager_id": [None, "a", "b"],
    ...     "motivation": [4.0, 3.0, 5.0],
    ... }, scales={"motivation": (1, 5)})
    >>> len(pop), pop["manager_id"].tolist()
    (3, [-1, 0, 1])
    >>> pop.decode("level").tolist()
    ['executive', 'manager', 'individual_contributor']
    >>> pop.schema["motivation"].scale
    (1.0, 5.0)

    .. versionadded:: 0.1
    """

    __slots__ = ("_columns", "_schema")

    def __init__(self, columns: Mapping[str, np.ndarray[Any, Any]], schema: Mapping[str, Column]):
        # Private: use the from_* constructors, which validate. Arrays are frozen here.
        for array in columns.values():
            array.flags.writeable = False
        self._columns = dict(columns)
        self._schema = dict(schema)

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def from_columns(
        cls,
        columns: Mapping[str, npt.ArrayLike],
        *,
        scales: Mapping[str, tuple[float, float]] | None = None,
    ) -> Population:
        """Build a population from a mapping of column name to array-like.

        Parameters
        ----------
        columns : mapping of str to array-like
            Required: ``id``, ``level`` (:class:`Level` members or their values),
            ``department``, ``tenure_years``. Optional: ``manager_id`` (None at the top),
            ``team`` (None if unknown), ``utc_offset`` (default 0), ``languages`` and
            ``focus_goals`` (each row a sequence, or a string joined with ``;``). Any other
            column is a free attribute: numbers, bools or strings.
        scales : mapping of str to (float, float), optional
            The lowest and highest value of score columns; a value outside is an error.

        Columns given as pandas Series are paired by their index (put in the order of the
        first one's), and refused, naming the column, when their indexes hold different rows.

        Returns
        -------
        Population

        Raises
        ------
        SchemaError
            If `scales` is not a mapping of column name to (lowest, highest), or listing every
            problem of the columns with its row and column.
        """
        given: object = columns
        if isinstance(given, Mapping):  # pandas columns: paired by index, or refused
            columns = aligned(given, list(given))  # type: ignore[assignment]
        return Population(*read_columns(columns, _scales_iv(scales)))

    @classmethod
    def from_frame(
        cls, frame: FrameLike, *, scales: Mapping[str, tuple[float, float]] | None = None
    ) -> Population:
        """Build a population from any DataFrame-like object (pandas, polars, ...).

        Only ``frame.columns`` and ``frame[name]`` are used, so pandas is never imported; the
        frame's own index is ignored (every column comes from the one frame, row by row). A
        mapping of columns is read as by :meth:`from_columns`. Missing values (None, NaN,
        pandas' ``NA``) are allowed in ``manager_id`` and ``team`` only.

        Raises
        ------
        SchemaError
            If `frame` is not a DataFrame or mapping, `scales` not a mapping of column name
            to (lowest, highest), or listing every problem of the columns with its row.

        Examples
        --------
        >>> import pandas as pd
        >>> from sparkus.model import Population
        >>> frame = pd.DataFrame({"id": ["a", "b"], "level": ["manager", "manager"],
        ...                       "department": ["R&D", "R&D"], "tenure_years": [1.0, 2.0]})
        >>> Population.from_frame(frame).decode("department").tolist()
        ['R&D', 'R&D']
        """
        given: object = frame
        if isinstance(given, Mapping):
            return Population(*read_columns(given, _scales_iv(scales)))
        labels = getattr(given, "columns", None)
        if (
            labels is None
            or isinstance(labels, str)
            or not callable(getattr(given, "__getitem__", None))
        ):
            msg = f"expected a DataFrame (pandas, polars) or a mapping of columns, got {describe(given)}"
            raise SchemaError([Problem(("frame",), msg)])
        columns = {str(label): as_array(frame[label], str(label)) for label in list(labels)}
        return Population(*read_columns(columns, _scales_iv(scales)))

    @classmethod
    def from_records(cls, records: Iterable[Participant]) -> Population:
        """Build a population from :class:`Participant` records.

        Every record must carry the same attribute names, each with one type (numbers may mix
        int and float), since each becomes a column.

        Raises
        ------
        SchemaError
            If `records` is not an iterable of :class:`Participant`, naming each item that is
            not one, or listing the document-level problems (repeated ids, unknown managers).

        Examples
        --------
        >>> from sparkus.model import Level, Participant, Population
        >>> pop = Population.from_records([
        ...     Participant("a", Level.EXECUTIVE, "Board", 9.0, attributes={"site": "Oslo"}),
        ...     Participant("b", Level.MANAGER, "Sales", 3.0, manager_id="a",
        ...                 attributes={"site": "Lima"}),
        ... ])
        >>> pop.to_records()[1].attributes["site"]
        'Lima'
        """
        given: object = records
        if isinstance(given, str | bytes | Mapping) or not isinstance(given, Iterable):
            msg = f"expected an iterable of Participant records, got {describe(given)}"
            raise SchemaError([Problem(("records",), msg)])
        return Population(*read_columns(record_columns(given), {}))

    # -- access ------------------------------------------------------------------------------

    @property
    def schema(self) -> Mapping[str, Column]:
        """The declared schema, a mapping of column name to :class:`Column`."""
        return dict(self._schema)

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names, core columns first, then the free attributes."""
        return tuple(self._schema)

    @property
    def attributes(self) -> tuple[str, ...]:
        """Names of the free-attribute columns."""
        return tuple(name for name in self._schema if name not in CORE)

    @property
    def ids(self) -> npt.NDArray[np.str_]:
        """Participant ids, in row order."""
        return cast(npt.NDArray[np.str_], self._columns["id"])

    def __len__(self) -> int:
        return int(self._columns["id"].shape[0])

    def __getitem__(self, name: str) -> np.ndarray[Any, Any]:
        """The stored (read-only) array of column `name`: codes for categorical columns.

        Raises
        ------
        SchemaError
            If there is no column `name` (the error is also a :class:`KeyError`); the message
            lists the columns.
        """
        self._check_column(name)
        return self._columns[name]

    def _check_column(self, name: object) -> None:
        """A SchemaError (also a KeyError) listing the columns if there is no column `name`."""
        if not isinstance(name, str) or name not in self._columns:
            known = ", ".join(self._schema)
            shown = repr(name) if isinstance(name, str) else describe(name)
            msg = f"no column {shown}; the population has: {known}"
            raise ColumnError([Problem(("name",), msg)])

    def __contains__(self, name: object) -> bool:
        return name in self._columns

    def decode(self, name: str) -> np.ndarray[Any, Any]:
        """Column `name` in its external form: strings, tuples, manager ids, None for missing.

        Raises
        ------
        SchemaError
            If there is no column `name` (also a :class:`KeyError`).
        """
        self._check_column(name)
        return self._decoded(name)

    def _decoded(self, name: str) -> np.ndarray[Any, Any]:
        stored = self._columns[name]
        spec = self._schema[name]
        if spec.kind == "reference":
            ids = np.empty(len(self) + 1, dtype=object)
            ids[:-1] = self.ids.tolist()
            ids[-1] = None
            return cast(np.ndarray[Any, Any], ids[stored])
        if spec.kind in ("category", "tuple"):
            table = np.empty(len(spec.categories) + 1, dtype=object)
            table[:-1] = list(spec.categories)
            table[-1] = None
            return cast(np.ndarray[Any, Any], table[stored])
        return stored.copy()

    @property
    def scales(self) -> dict[str, tuple[float, float]]:
        """The declared scale of each score column."""
        return {name: c.scale for name, c in self._schema.items() if c.scale is not None}

    def to_columns(self) -> dict[str, np.ndarray[Any, Any]]:
        """Every column in external form.

        ``Population.from_columns(pop.to_columns(), scales=pop.scales) == pop``.
        """
        return {name: self._decoded(name) for name in self._schema}

    def to_records(self) -> list[Participant]:
        """One :class:`Participant` per row; free attributes go to ``attributes``."""
        data = {name: self._decoded(name).tolist() for name in self._schema}
        extras = self.attributes
        records = []
        for i in range(len(self)):
            row = {name: data[name][i] for name in CORE}
            row["level"] = Level(row["level"])
            row["focus_goals"] = tuple(Goal(g) for g in (row["focus_goals"] or ()))
            row["languages"] = row["languages"] or ()
            attributes = {name: data[name][i] for name in extras}
            records.append(Participant(**row, attributes=attributes))
        return records

    # -- comparison and display --------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Population):
            return NotImplemented
        return self._schema == other._schema and all(
            np.array_equal(self._columns[k], other._columns[k]) for k in self._schema
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        extra = f", attributes={list(self.attributes)}" if self.attributes else ""
        return f"Population(n={len(self)}{extra})"
