"""The columnar population: named, equal-length numpy arrays with a declared schema.

Categorical values (levels, departments, teams, language lists, ...) are stored as integer codes
into a sorted tuple of categories, so a million people cost a few megabytes and every group-by is a
``numpy.bincount``. Manager ids are stored as row indices, which makes the manager tree a plain
integer array.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal, Protocol, cast

import numpy as np
import numpy.typing as npt

from sparkus._checks import describe, is_finite_real
from sparkus._errors import Problem, SchemaError, key_text
from sparkus._frames import Backend, build_frame, check_backend
from sparkus.model._columns import CORE, Column, read_columns, record_columns
from sparkus.model._display import population_html
from sparkus.model._enums import Goal, Level
from sparkus.model._ingest import carried_counts, read_export
from sparkus.model._intake import aligned
from sparkus.model._records import Participant
from sparkus.model._serialize import population_columns

__all__ = ["FrameLike", "Population"]


class FrameLike(Protocol):
    """Anything that yields columns by name: a pandas or polars DataFrame, a dict of arrays.

    .. versionadded:: 0.1
    """

    @property
    def columns(self) -> Iterable[Any]: ...

    def __getitem__(self, key: Any, /) -> Any: ...


def _is_absent(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


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
            and all(is_finite_real(v) for v in pair)
            and float(pair[0]) < float(pair[1])
        )
        if not ok:
            msg = f"expected (lowest, highest), finite with lowest < highest, got {describe(pair)}"
            problems.append(Problem(("scales", key_text(name)), msg))
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
        A column named like a field but not exactly (``"Manager ID"``, ``"team "``, a name
        behind a byte-order mark) is refused, naming the field, rather than read as a free
        attribute.

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
        cls,
        frame: FrameLike,
        *,
        columns: Mapping[str, str] | None = None,
        labels: Mapping[str, Mapping[Any, Any]] | None = None,
        missing: Mapping[str, Literal["refuse", "carry"]] | None = None,
        as_of: date | str | None = None,
        scales: Mapping[str, tuple[float, float]] | None = None,
    ) -> Population:
        """Build a population from an HR export: a pandas or polars DataFrame, or a mapping.

        Only ``frame.columns`` and ``frame[name]`` are used, so neither pandas nor polars is
        imported. Text cells are read without surrounding spaces, and a cell that is
        ``None``, NaN, NaT, pandas' ``NA`` or empty text is *blank*.

        Ids come from the column ``columns["id"]`` names, else from a column named ``id``,
        else from a pandas frame's index unless it holds row numbers: integers without a
        name (the ``RangeIndex`` pandas gives by default, or what filtering or sorting rows
        leaves of it; name such an index if it holds ids, as ``set_index("emp_no")`` does).
        Integer ids (employee numbers) are read as their decimal text, in ``manager_id`` too.

        Parameters
        ----------
        frame : FrameLike or mapping of str to array-like
            The export, one row per person. Every column is read: those `columns` names under
            their sparkus field, the others under their own name (a core field if so named,
            else a free attribute). Columns of a mapping given as pandas Series are paired by
            their index, as by :meth:`from_columns`.
        columns : mapping of str to str, optional
            Sparkus field to the export's column name, e.g. ``{"id": "employee_id",
            "tenure_years": "hire_date", "self_clarity": "Q1 Clarity (self)"}``. The keys are
            the fields of :class:`Participant`, survey items named ``<source>_<item>`` for a
            :class:`AssessmentSource` (``self_``, ``manager_``, ``peer_``, ``direct_report_``),
            and free attributes; a key that looks like a misspelt field
            (``"tenure"`` for ``tenure_years``) is refused.
        labels : mapping of str to mapping, optional
            Per column, raw values to the values sparkus should read (``{"department":
            {"R and D": "R&D"}}``; numbers too, e.g. for a survey answered in words). Text is
            matched without regard to case, spaces or separators (``-``, ``_``, ``.``, ``/``),
            a spelling the map names exactly first: two departments or teams whose names
            differ only so are refused as a likely typo unless the map names each
            (``{"department": {"IT": "IT", "It": "It"}}`` keeps both). ``level`` reads the values of :class:`Level` and common spellings such as
            ``"Senior Leader"``, ``"senior-leader"``, ``"Manager"``, ``"IC"`` or
            ``"Individual Contributor"`` without being told.
        missing : mapping of str to {"refuse", "carry"}, optional
            Per column, what a blank means. ``"refuse"`` (the default for every column): a
            :class:`~sparkus.SchemaError` naming the rows. ``"carry"`` (free attributes only):
            the value is kept as missing, NaN in a number column and None in a text column;
            :attr:`carried` counts them per column. A blank ``manager_id`` or ``team`` always
            reads as "none", a blank ``languages`` or ``focus_goals`` as an empty list.
        as_of : datetime.date or str, optional
            The day on which tenure is measured, required when ``tenure_years`` comes from a
            column of dates (datetime64, ``datetime.date``, pandas ``Timestamp`` or ISO text
            such as ``"2019-03-04"``): tenure is then the whole days from the date to `as_of`
            over 365.25 days a year. A date after `as_of` is refused.
        scales : mapping of str to (float, float), optional
            The lowest and highest value of score columns, as for :meth:`from_columns`.

        Returns
        -------
        Population
            The carried blanks are NaN (numbers) or None (text) in :meth:`decode`; survey
            items carried so go to human review in ``sparkus.triage.triage(...,
            missing="review")``, and are refused, naming the rows, under its default.

        Raises
        ------
        SchemaError
            If `frame` is not a DataFrame or mapping; listing every unknown field and absent
            export column of `columns`, and every column named like a field but not exactly
            (``"Manager ID"``; map it with `columns`); every column of `labels` or `missing`
            the population lacks, every label that is not a level, every policy other than
            ``"refuse"`` or ``"carry"``; the blank cells of each column not carried (with
            their rows); the unknown levels (with their counts and the accepted values); text
            values that differ only in case, spaces or separators; a column of dates without
            `as_of`, or dates after it (with their rows); and then every problem of the
            columns with its row, as :meth:`from_columns`.

        Examples
        --------
        >>> import pandas as pd
        >>> from sparkus.model import Population
        >>> export = pd.DataFrame({
        ...     "employee_id": [101, 102, 103],
        ...     "Job Level": ["Senior Leader", "manager", "IC"],
        ...     "Dept": ["R&D", "R&D", " R&D"],
        ...     "hire_date": pd.to_datetime(["2015-03-01", "2020-09-15", "2024-01-10"]),
        ...     "Q1 Clarity (self)": [4.0, None, 5.0],
        ... })
        >>> pop = Population.from_frame(
        ...     export,
        ...     columns={"id": "employee_id", "level": "Job Level", "department": "Dept",
        ...              "tenure_years": "hire_date", "self_clarity": "Q1 Clarity (self)"},
        ...     missing={"self_clarity": "carry"},
        ...     as_of="2025-01-01",
        ... )
        >>> pop.decode("level").tolist()
        ['senior_leader', 'manager', 'individual_contributor']
        >>> pop.ids.tolist(), pop["tenure_years"].round(2).tolist()
        (['101', '102', '103'], [9.84, 4.3, 0.98])
        >>> pop.carried
        {'self_clarity': 1}
        >>> pop
        Population(n=3, attributes=['self_clarity'], carried={'self_clarity': 1})
        """
        return Population(*read_export(frame, columns, labels, missing, as_of, _scales_iv(scales)))

    @classmethod
    def from_json(
        cls,
        text: str | bytes,
        *,
        scales: Mapping[str, tuple[float, float]] | None = None,
    ) -> Population:
        """Read the participants of a :class:`ProgramDocument` in JSON straight into columns.

        The document is checked exactly as ``from_json(text, ProgramDocument)`` checks it (its
        program, providers and assessments too), with the same limits on the text, but a valid
        document's participants go to columns without a :class:`Participant` record per
        person: the way in for large documents. A text that is not a valid document is refused
        with every problem of ``from_json(text, ProgramDocument)``, each at its JSON path
        (``participants[17].level``), the same problems and messages.

        Only program documents are read; a JSON array of participant records is read with
        ``Population.from_records(from_json(text, tuple[Participant, ...]))``.

        Parameters
        ----------
        text : str or bytes
            The JSON of a program document, as :func:`to_json` writes it.
        scales : mapping of str to (float, float), optional
            The lowest and highest value of score columns, as for :meth:`from_columns`.

        Returns
        -------
        Population
            Equal to ``Population.from_records(from_json(text, ProgramDocument).participants)``
            (with `scales`, to :meth:`from_columns` of its columns).

        Raises
        ------
        SchemaError
            If `scales` is not a mapping of column name to (lowest, highest); if `text` is not
            a program document (every problem, with its JSON path, or its line and column for
            text that is not JSON); if its participants' attributes differ in names or types,
            or a score falls outside its scale (with the rows).

        Examples
        --------
        >>> from sparkus.datasets import synthetic_org
        >>> from sparkus.model import Population, ProgramDocument, to_json
        >>> org = synthetic_org(n=50, seed=1)
        >>> people = tuple(org.population.to_records())
        >>> text = to_json(ProgramDocument(org.program, people, org.providers))
        >>> pop = Population.from_json(text)
        >>> len(pop), pop == Population.from_records(people)
        (50, True)
        >>> Population.from_json(text.replace('"level": "manager"', '"level": "boss"', 1))
        Traceback (most recent call last):
          ...
        sparkus.SchemaError: 1 problem in the input:
          participants[1].level: 'boss' is not one of executive, senior_leader, manager, individual_contributor

        .. versionadded:: 0.1
        """
        return Population(*population_columns(text, _scales_iv(scales)))

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
    def carried(self) -> dict[str, int]:
        """How many values each free attribute holds as missing, for the columns with any.

        Only :meth:`from_frame` with ``missing={column: "carry"}`` makes them: a number column
        then holds NaN, a text column None (code -1), where the export was blank.
        """
        kinds = {name: column.kind for name, column in self._schema.items()}
        return carried_counts(self._columns, kinds)

    @property
    def scales(self) -> dict[str, tuple[float, float]]:
        """The declared scale of each score column."""
        return {name: c.scale for name, c in self._schema.items() if c.scale is not None}

    def to_columns(self) -> dict[str, np.ndarray[Any, Any]]:
        """Every column in external form.

        ``Population.from_columns(pop.to_columns(), scales=pop.scales) == pop``.
        """
        return {name: self._decoded(name) for name in self._schema}

    def to_frame(self, *, backend: Backend = "pandas") -> Any:
        """The population as a DataFrame: one row per person, every column in external form.

        The columns are those of :meth:`to_columns`: ``level`` as its value
        (``"manager"``), ``manager_id`` as the manager's id (None at the top), ``team`` as
        text or None, ``languages`` and ``focus_goals`` as tuples (pandas) or lists
        (polars), free attributes as they are stored (NaN or None where carried as missing).
        ``Population.from_frame(pop.to_frame(), scales=pop.scales) == pop`` when nothing is
        carried as missing.

        Parameters
        ----------
        backend : {"pandas", "polars"}
            pandas gets the ids as its index (named ``id``); polars, which has no index, as
            its first column. The library is imported only now.

        Returns
        -------
        pandas.DataFrame or polars.DataFrame
            A new frame: changing it never changes the population.

        Raises
        ------
        SchemaError
            If `backend` is neither ``"pandas"`` nor ``"polars"``.
        ImportError
            If the library is not installed (the message names the extra to install).

        Examples
        --------
        >>> from sparkus.model import Population
        >>> pop = Population.from_columns({
        ...     "id": ["a", "b"], "level": ["executive", "manager"],
        ...     "department": ["Board", "Sales"], "tenure_years": [9.0, 3.0],
        ...     "manager_id": [None, "a"], "site": ["Oslo", "Lima"]})
        >>> frame = pop.to_frame()
        >>> frame.index.tolist(), frame["level"].tolist(), frame.loc["b", "manager_id"]
        (['a', 'b'], ['executive', 'manager'], 'a')
        >>> Population.from_frame(frame) == pop
        True

        .. versionadded:: 0.1
        """
        chosen = check_backend(backend)
        return build_frame(self.to_columns(), ("id",), chosen)

    def to_records(self) -> list[Participant]:
        """One :class:`Participant` per row; free attributes go to ``attributes``.

        A value carried as missing (see :attr:`carried`) is left out of that person's
        ``attributes``, since a record holds no missing values.
        """
        data = {name: self._decoded(name).tolist() for name in self._schema}
        extras = self.attributes
        records = []
        for i in range(len(self)):
            row = {name: data[name][i] for name in CORE}
            row["level"] = Level(row["level"])
            row["focus_goals"] = tuple(Goal(g) for g in (row["focus_goals"] or ()))
            row["languages"] = row["languages"] or ()
            attributes = {name: data[name][i] for name in extras
                          if not _is_absent(data[name][i])}  # fmt: skip
            records.append(Participant(**row, attributes=attributes))
        return records

    # -- comparison and display --------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Population):
            return NotImplemented
        return self._schema == other._schema and all(
            np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
            for a, b in ((self._columns[k], other._columns[k]) for k in self._schema)
        )

    __hash__ = None  # type: ignore[assignment]

    def _repr_html_(self) -> str:
        return population_html(self)

    def __repr__(self) -> str:
        extra = f", attributes={list(self.attributes)}" if self.attributes else ""
        carried = self.carried
        extra += f", carried={carried}" if carried else ""
        return f"Population(n={len(self)}{extra})"
