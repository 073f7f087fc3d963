"""The readiness instrument: declared items, and how answers become a feature matrix."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Literal, get_args

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import align_rows, as_array, describe, is_data_frame, real_array
from sparkus._errors import Problem, SchemaError, name_text, shown, writable
from sparkus._fields import (
    Record,
    boolean,
    checked,
    instance_of,
    member,
    number,
    scale,
    text,
    tuple_of,
)
from sparkus.model import Assessment, AssessmentSource, Population

__all__ = [
    "Features",
    "Instrument",
    "Item",
    "MissingPolicy",
    "default_instrument",
    "policy_problems",
    "population_features",
    "scale_problems",
]

MissingPolicy = Literal["raise", "impute_mean", "review"]
_POLICIES: Final = get_args(MissingPolicy)
_ROWS_SHOWN: Final = 20


@attrs.frozen
class Item(Record):
    """One question of the readiness instrument.

    Parameters
    ----------
    name : str
        The item's key in an :class:`~sparkus.model.Assessment` (``"motivation"``).
    source : AssessmentSource
        Who answers it: the participant or their manager. Peers and direct reports are rater
        groups, read only in aggregate under the rater minimum
        (:func:`sparkus.metrics.rater_change`), never one rater at a time: they are refused.
    scale : tuple of (float, float)
        Lowest and highest possible answer, default ``(1.0, 5.0)``.
    weight : float
        Weight in the :class:`RubricClassifier`, ``>= 0``.
    reverse : bool
        True if a higher answer means *less* ready.

    Examples
    --------
    >>> from sparkus.model import AssessmentSource
    >>> from sparkus.triage import Item
    >>> Item("motivation", AssessmentSource.SELF, weight=2.0).column
    'self_motivation'

    .. versionadded:: 0.1
    """

    name: str = attrs.field(metadata=checked(text))
    source: AssessmentSource = attrs.field(metadata=checked(member(AssessmentSource)))
    scale: tuple[float, float] = attrs.field(default=(1.0, 5.0), metadata=checked(scale))
    weight: float = attrs.field(default=1.0, metadata=checked(number(low=0.0)))
    reverse: bool = attrs.field(default=False, metadata=checked(boolean))

    def _cross_check(self) -> list[Problem]:
        if self.source.is_rater_group:
            msg = (
                f"{shown(self.source.value)} is a rater group: a readiness item reads one rater "
                "(self or manager); aggregate rater groups with sparkus.metrics.rater_change"
            )
            return [Problem(("source",), msg)]
        return []

    @property
    def column(self) -> str:
        """The item's column in a population: ``<source>_<name>``."""
        return f"{self.source.value}_{self.name}"


def _unique_columns(items: tuple[Item, ...]) -> list[Problem]:
    seen: dict[str, int] = {}
    return [
        Problem(("items", i), f"{shown(item.column)} repeats items[{seen[item.column]}]")
        for i, item in enumerate(items)
        if seen.setdefault(item.column, i) != i
    ]


@attrs.frozen(eq=False)
class Features:
    """Instrument answers as a matrix, with a record of what was missing and what was done.

    .. versionadded:: 0.1

    Attributes
    ----------
    X : ndarray of shape (n_people, n_items)
        Answers in item order. Missing answers are imputed (``impute_mean``) or left as NaN
        (``review``; :attr:`incomplete` rows then go to human review).
    ids : ndarray of str
        Participant ids, one per row.
    columns : tuple of str
        Item columns, in order.
    missing : ndarray of bool, shape (n_people, n_items)
        Which answers were missing in the input.
    policy : {"raise", "impute_mean", "review"}
        The missing-data policy applied.
    imputed : mapping of str to float
        For ``impute_mean``: the value filled in per item (its mean over those who answered).

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.triage import default_instrument
    >>> features = default_instrument().features(synthetic_org(300, seed=3).population)
    >>> features.X.shape, features.columns[:2], features.ids[:2].tolist()
    ((300, 9), ('self_motivation', 'self_openness'), ['E000001', 'E000002'])
    >>> features.policy, int(features.missing.sum())
    ('raise', 0)
    """

    X: npt.NDArray[np.float64]
    ids: npt.NDArray[np.str_]
    columns: tuple[str, ...]
    missing: npt.NDArray[np.bool_]
    policy: MissingPolicy
    imputed: Mapping[str, float]

    @property
    def incomplete(self) -> npt.NDArray[np.bool_]:
        """Rows with at least one missing answer."""
        return np.asarray(self.missing.any(axis=1))


@attrs.frozen
class Instrument(Record):
    """A declared set of readiness items (self-assessment and manager feedback).

    The items are data, not code: declare your own instrument's questions, scales, weights and
    directions, or start from :func:`default_instrument`.

    Parameters
    ----------
    items : tuple of Item
        The questions, at least one; their columns (``<source>_<name>``) are unique.

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.triage import default_instrument
    >>> org = synthetic_org(200, seed=1)
    >>> features = default_instrument().features(org.population)
    >>> features.X.shape
    (200, 9)

    .. versionadded:: 0.1
    """

    items: tuple[Item, ...] = attrs.field(
        metadata=checked(tuple_of(instance_of(Item, "an Item"), nonempty=True))
    )

    def _cross_check(self) -> list[Problem]:
        return _unique_columns(self.items)

    @property
    def columns(self) -> tuple[str, ...]:
        """The items' columns, in order."""
        return tuple(item.column for item in self.items)

    def features(
        self,
        data: Population | Mapping[str, npt.ArrayLike],
        *,
        missing: MissingPolicy = "raise",
    ) -> Features:
        """The answers in `data` as a feature matrix.

        Parameters
        ----------
        data : Population, mapping of str to array-like, or data frame
            A population whose columns include every item's column, or a mapping of column
            name to answers or a pandas or polars data frame (NaN marks a missing answer; a
            mapping or frame must also hold ``"id"``, str or int ids, each once). pandas
            columns given in a mapping are aligned by their index (differing indexes are a
            :class:`~sparkus.SchemaError`).
        missing : {"raise", "impute_mean", "review"}
            What to do with missing answers: raise a :class:`~sparkus.SchemaError` naming
            them (default); fill each with the item's mean over those who answered (recorded
            in :attr:`Features.imputed`); or keep them as NaN so that :func:`triage` sends
            those people to human review instead of deciding.

        Raises
        ------
        SchemaError
            For an unknown missing policy, item columns absent from `data`, answers outside
            an item's scale (or infinite), non-numeric answers, missing, repeated or non-text
            ids, columns of another length than the ids, an empty population, or (with
            ``"raise"``) any missing answer, each with its row and column.
        """
        _policy_iv(missing)
        given: object = data  # checked at run time for callers without a type checker
        if isinstance(given, Population):
            return population_features(self, given, missing)
        if isinstance(given, Mapping) or is_data_frame(given):
            table: Any = given
            names = [
                name_text(k, "data")
                for k in (table.columns if is_data_frame(table) else table.keys())
            ]
            if "id" not in names:
                raise SchemaError([Problem(("id",), "a mapping of answers needs an 'id' column")])
            wanted = ["id", *(c for c in self.columns if c in names)]
            aligned = align_rows(*((f"data[{shown(c)}]", table[c]) for c in wanted))
            columns = dict(zip(wanted, aligned, strict=True))
            ids = _id_column(columns["id"], "data['id']")
            return _read_columns(self, ids, columns, names, missing)
        msg = (
            "expected a Population, a mapping of columns or a data frame, got "
            f"{type(given).__name__}"
        )
        raise SchemaError([Problem(("data",), msg)])

    def features_from_assessments(
        self,
        assessments: Iterable[Assessment],
        ids: Sequence[str] | npt.ArrayLike,
        *,
        missing: MissingPolicy = "raise",
    ) -> Features:
        """The answers in :class:`~sparkus.model.Assessment` records as a feature matrix.

        Rows follow `ids`; a person with no assessment of a source has all that source's items
        missing. If someone has several assessments from the same source, the latest one
        (by ``taken_at``) counts; two latest ones taken at the same time with different
        answers are refused, so the result never depends on the order of `assessments`.

        Raises
        ------
        SchemaError
            For assessments naming people not in `ids`, items the instrument does not
            declare, a scale that differs from the item's, answers outside it, missing or
            repeated ids, two assessments of one person and source taken at the same time with
            different answers, and missing answers under ``"raise"`` (each with its path).
        """
        _policy_iv(missing)
        id_array = _id_column(ids, "ids")
        if id_array.shape[0] == 0:
            raise SchemaError([Problem(("ids",), "no participants given")])
        if isinstance(assessments, str | bytes | Mapping) or not isinstance(assessments, Iterable):
            msg = f"expected an iterable of Assessment records, got {describe(assessments)}"
            raise SchemaError([Problem(("assessments",), msg)])
        row_of = {v: i for i, v in enumerate(id_array.tolist())}
        index = {(item.source, item.name): j for j, item in enumerate(self.items)}
        X = np.full((id_array.shape[0], len(self.items)), np.nan)
        latest: dict[tuple[int, AssessmentSource], tuple[int, Assessment]] = {}
        clash: dict[tuple[int, AssessmentSource], int] = {}
        problems: list[Problem] = []
        given: Iterable[object] = assessments  # checked at run time
        for k, a in enumerate(given):
            if not isinstance(a, Assessment):
                problems.append(Problem(("assessments", k), "expected an Assessment"))
                continue
            if a.participant_id not in row_of:
                msg = f"{shown(a.participant_id)} is not among the given ids"
                problems.append(Problem(("assessments", k, "participant_id"), msg))
                continue
            if a.source.is_rater_group:
                msg = (
                    f"{shown(a.source.value)} is a rater group, read only in aggregate "
                    "(sparkus.metrics.rater_change); the instrument reads self and manager"
                )
                problems.append(Problem(("assessments", k, "source"), msg))
                continue
            for name in a.scores:
                key = (a.source, name)
                if key not in index:
                    known = sorted(i.name for i in self.items if i.source is a.source)
                    msg = f"unknown {a.source.value} item; the instrument has: {', '.join(known)}"
                    problems.append(Problem(("assessments", k, "scores", name), msg))
                elif self.items[index[key]].scale != a.scale:
                    msg = f"scale {a.scale} differs from the item's {self.items[index[key]].scale}"
                    problems.append(Problem(("assessments", k, "scale"), msg))
            slot = (row_of[a.participant_id], a.source)
            if slot not in latest or a.taken_at > latest[slot][1].taken_at:
                latest[slot] = (k, a)
                clash.pop(slot, None)
            elif a.taken_at == latest[slot][1].taken_at and a.scores != latest[slot][1].scores:
                clash.setdefault(slot, k)
        for slot, k in clash.items():  # the latest time of a slot holds two sets of answers
            msg = (
                f"taken at the same time as assessments[{latest[slot][0]}] of the same person "
                "and source, with other answers: neither is the latest; drop one"
            )
            problems.append(Problem(("assessments", k, "taken_at"), msg))
        if problems:
            raise SchemaError(problems)
        for (row, _), (_, a) in latest.items():
            for name, score in a.scores.items():
                X[row, index[(a.source, name)]] = score
        return self._finish(X, id_array, missing)

    def _finish(
        self, X: npt.NDArray[np.float64], ids: npt.NDArray[np.str_], policy: MissingPolicy
    ) -> Features:
        """Check scales and apply the missing-data policy."""
        absent = np.isnan(X)
        problems = scale_problems(self, X, ("participants",), by_column=True)
        if policy == "raise" and absent.any():
            rows, cols = np.nonzero(absent)
            problems += [
                Problem(("participants", int(r), self.items[c].column),
                        "answer is missing (choose missing='impute_mean' or 'review' to go on)")
                for r, c in zip(rows[:_ROWS_SHOWN], cols[:_ROWS_SHOWN], strict=True)
            ]  # fmt: skip
            if rows.size > _ROWS_SHOWN:
                msg = f"... and {rows.size - _ROWS_SHOWN:,} more missing answers"
                problems.append(Problem(("participants",), msg))
        if problems:
            raise SchemaError(problems)
        imputed: dict[str, float] = {}
        if policy == "impute_mean" and absent.any():
            for j in np.flatnonzero(absent.any(axis=0)).tolist():
                answered = X[~absent[:, j], j]
                if answered.size == 0:
                    msg = "nobody answered this item, so there is no mean to impute"
                    raise SchemaError([Problem((self.items[j].column,), msg)])
                top = float(np.abs(answered).max()) or 1.0
                imputed[self.items[j].column] = top * float(np.mean(answered / top))
                X[absent[:, j], j] = imputed[self.items[j].column]
        X.flags.writeable = False
        absent.flags.writeable = False
        return Features(X, ids, self.columns, absent, policy, imputed)


def scale_problems(
    instrument: Instrument,
    X: npt.NDArray[np.float64],
    path: tuple[str | int, ...],
    *,
    by_column: bool = False,
) -> list[Problem]:
    """One problem per answer outside its item's scale (NaN counts as missing, not as outside).

    Each problem is at ``(*path, row)``, or ``(*path, row, column)`` with `by_column`, and names
    the item; past 20 rows an item's problems end with a count of the rest.
    """
    problems: list[Problem] = []
    with np.errstate(invalid="ignore"):
        for j, item in enumerate(instrument.items):
            low, high = item.scale
            col = X[:, j]
            bad = np.flatnonzero((col < low) | (col > high) | np.isinf(col))
            for r in bad[:_ROWS_SHOWN].tolist():
                where = (*path, r, item.column) if by_column else (*path, r)
                msg = (
                    f"{shown(float(col[r]))} is outside the scale of item {item.column}, "
                    f"{low:g} to {high:g}"
                )
                problems.append(Problem(where, msg))
            if bad.size > _ROWS_SHOWN:
                msg = f"... and {bad.size - _ROWS_SHOWN:,} more answers outside the scale of {item.column}"
                problems.append(Problem(path, msg))
    return problems


def population_features(
    instrument: Instrument, population: Population, missing: MissingPolicy
) -> Features:
    """The answers in `population` as a feature matrix, `missing` already checked.

    What :meth:`~sparkus.triage.Instrument.features` does with a population past its door;
    :func:`~sparkus.triage.triage` reads its population through it after checking its own
    arguments.
    """
    text = [c for c in instrument.columns
            if c in population and population.schema[c].kind in ("category", "tuple")]  # fmt: skip
    if text:  # stored as codes into sorted text ('10' before '2'): never read them as answers
        problems = [
            Problem((c,), f"holds text ({_show_categories(population.schema[c].categories)}), "
                          "not numbers; give the answers as numbers (from_frame reads words "
                          "with labels={column: {'Agree': 4, ...}})")
            for c in text
        ]  # fmt: skip
        raise SchemaError(problems)
    get = {c: population[c] for c in instrument.columns if c in population}
    return _read_columns(instrument, population.ids, get, population.columns, missing)


def _show_categories(categories: Sequence[object], limit: int = 5) -> str:
    """The first few categories of a text column, repr'd: ``'1', '2', '3', ...``."""
    shown = ", ".join(repr(c) for c in categories[:limit])
    return shown + (", ..." if len(categories) > limit else "")


def _read_columns(
    instrument: Instrument,
    ids: npt.NDArray[np.str_],
    get: Mapping[str, Any],
    available: Sequence[str],
    missing: MissingPolicy,
) -> Features:
    """The item columns of `get`, one row per id, checked and under the missing policy."""
    absent = [c for c in instrument.columns if c not in get]
    if absent:
        msg = f"the population has no column for items {absent}; it has: {', '.join(available)}"
        raise SchemaError([Problem(("items",), msg)])
    if ids.shape[0] == 0:
        raise SchemaError([Problem(("data",), "the population is empty")])
    X = np.empty((ids.shape[0], len(instrument.items)), dtype=np.float64)
    problems: list[Problem] = []
    for j, item in enumerate(instrument.items):
        try:
            column = real_array(get[item.column], item.column)
        except SchemaError as err:
            problems += err.problems
            continue
        if column.shape != ids.shape:
            msg = (
                f"expected one answer per id ({ids.shape[0]}), got an array of shape {column.shape}"
            )
            problems.append(Problem((item.column,), msg))
            continue
        X[:, j] = column
    if problems:
        raise SchemaError(problems)
    return instrument._finish(X, ids, missing)


def _id_column(value: object, name: str) -> npt.NDArray[np.str_]:
    """Participant ids as strings: str or int ids, one per row, none missing or repeated."""
    array = as_array(value, name)
    if array.ndim != 1:
        raise SchemaError(
            [Problem((name,), f"expected a 1-D column of ids, got shape {array.shape}")]
        )
    values = array.tolist()
    bad = [
        k for k, v in enumerate(values)
        if isinstance(v, bool) or not isinstance(v, str | int) or (isinstance(v, str) and not v.strip())
        or not writable(v)  # an int too long to write out as text
    ]  # fmt: skip
    if bad:
        problems = [
            Problem((name, k), f"expected a str or int id, got {describe(values[k])}")
            for k in bad[:_ROWS_SHOWN]
        ]
        if len(bad) > _ROWS_SHOWN:
            problems.append(Problem((name,), f"... and {len(bad) - _ROWS_SHOWN:,} more bad ids"))
        raise SchemaError(problems)
    ids = np.array([str(v) for v in values], dtype=str) if values else np.zeros(0, dtype=str)
    unique, first, counts = np.unique(ids, return_index=True, return_counts=True)
    if (counts > 1).any():
        twice = np.sort(first[counts > 1])
        shown = ", ".join(repr(str(ids[k])) for k in twice[:8])
        raise SchemaError([Problem((name,), f"repeats the ids {shown}; give each person one row")])
    del unique
    return ids


def policy_problems(missing: object) -> list[Problem]:
    """The problem with a missing-data policy that is not one of the three (empty if valid)."""
    if isinstance(missing, str) and missing in _POLICIES:
        return []
    msg = f"`missing` must be one of {', '.join(_POLICIES)}, got {shown(missing)}"
    return [Problem(("missing",), msg)]


def _policy_iv(missing: object) -> None:
    problems = policy_problems(missing)
    if problems:
        raise SchemaError(problems)


def default_instrument() -> Instrument:
    """The default readiness instrument: six self-assessment and three manager items, 1-5.

    The items cover the readiness factors of the coaching literature: felt need and commitment
    to change (``motivation``), openness to feedback, self-awareness, accepting responsibility
    (not taking it is a classic red flag for coachability), practical capacity (time), prior
    development experience, and the manager's view of openness, support and motivation.

    The rubric weights are a judgement, not a published result: commitment to change weighs
    most (2), openness and responsibility next (1.5), prior experience least (0.5), the rest 1.
    Replace them with your own, or fit a model (:class:`LogisticReadinessModel`,
    :class:`OrdinalReadinessModel`) where you have outcomes.

    Examples
    --------
    >>> from sparkus.triage import default_instrument
    >>> [item.column for item in default_instrument().items][:3]
    ['self_motivation', 'self_openness', 'self_awareness']

    .. versionadded:: 0.1
    """
    s, m = AssessmentSource.SELF, AssessmentSource.MANAGER
    return Instrument((
        Item("motivation", s, weight=2.0),
        Item("openness", s, weight=1.5),
        Item("awareness", s, weight=1.0),
        Item("responsibility", s, weight=1.5),
        Item("time_capacity", s, weight=1.0),
        Item("prior_development", s, weight=0.5),
        Item("openness", m, weight=1.0),
        Item("support", m, weight=1.0),
        Item("motivation", m, weight=1.0),
    ))  # fmt: skip
