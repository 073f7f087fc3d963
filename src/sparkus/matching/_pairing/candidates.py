"""The sparse candidate matrix: weighted compatibility, the top-k providers of each participant.

:func:`candidate_matrix` combines scorers with declared weights into one compatibility score per
pair, keeps each participant's `k` best allowed providers, and returns a
:class:`~sparkus.matching.CandidateMatrix` (``candidate_results.py``) that the assignment takes
as it is and that explains any pair and proposes shortlists for a person to choose from.

The scores are computed block by block: a few hundred participants against every provider at a
time, so memory stays bounded (about 16 MB per array of a block) however many participants there
are, and only the kept candidates accumulate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeAlias, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._checks import FloatArray, describe, is_finite_real
from sparkus._errors import Problem, SchemaError, key_text, shown
from sparkus.matching._pairing.candidate_results import CandidateMatrix
from sparkus.matching._pairing.members import Members, members_iv
from sparkus.matching._pairing.protocols import (
    checked_scores,
    describe_plugin,
    describe_value,
    kind_of,
    plugin_lacks,
    plugin_raised,
    read_name,
    read_only,
)
from sparkus.matching._pairing.registry import find_plugin
from sparkus.matching._pairing.scorers import (
    GoalFit,
    SameReportingLine,
    SeniorityGap,
    SharedLanguage,
    StatedPreferences,
    TimeZoneOverlap,
)
from sparkus.matching._planning.inputs import providers_problems
from sparkus.model import FrozenMapping, Population, Program, Provider, SupportType

if TYPE_CHECKING:
    from scipy.sparse import csr_array

    from sparkus.matching._pairing.protocols import PairScore, Scorer
    from sparkus.matching._pairing.scorers import Tabulated
else:
    csr_array = Any

__all__ = ["DEFAULT_WEIGHTS", "candidate_matrix"]

IntArray = NDArray[np.int64]
ScorerSpec: TypeAlias = "Mapping[str, float] | Sequence[tuple[Scorer | str, float]]"

DEFAULT_WEIGHTS: Final = FrozenMapping({
    "goal_fit": 0.35,
    "shared_language": 0.25,
    "seniority_gap": 0.25,
    "time_zone_overlap": 0.15,
    "same_reporting_line": 0.0,
})  # fmt: skip
"""The default compatibility model: scorer name to weight (``same_reporting_line`` forbids only).

Goal fit counts most because agreement on goals is part of the working alliance, which
correlates r = 0.41 with coaching outcomes (Graßmann et al. 2019); language and seniority
follow mentor-protégé similarity (rho = 0.38-0.59 with positive protégé perceptions, Eby et al.
2013); time-zone overlap is practical. The numbers themselves are a judgement, not estimates:
declare your own."""

_MAX_WEIGHT: Final = 1e12
"""The largest scorer weight (the limit docs/errors.md states for planning and scorer weights)."""

_BLOCK_PAIRS: Final = 1 << 21
"""Pairs scored per block by default (a block's float array is 16 MB)."""

_TABLES: Final = (GoalFit, SharedLanguage, TimeZoneOverlap, SeniorityGap)
"""Built-in scorers with a table form (a ``_tabulate`` method returning a ``Tabulated``)."""

_TRUSTED: Final = (*_TABLES, SameReportingLine, StatedPreferences)
"""Built-in scorers, whose output is not re-checked block by block (by exact type, not a subclass)."""

_MAX_FUSED: Final = 1 << 23
"""Largest fused table (participant categories x provider categories) built in one piece."""


# -- input validation ----------------------------------------------------------------------------


@attrs.frozen(eq=False)
class _Setup:
    rows: IntArray
    columns: IntArray
    scorers: tuple[Scorer, ...]
    names: tuple[str, ...]  # each scorer's name, read once: the name it was looked up by
    weights: tuple[float, ...]
    k: int
    support_type: SupportType | None
    block: int


def _lookup(name: str) -> object:
    """The scorer registered under `name` (built-in, registered or installed)."""
    try:
        return find_plugin("scorer", name)
    except SchemaError as error:
        raise SchemaError([Problem(("scorers", name), p.message) for p in error.problems]) from None


def _scorer_lacks(found: object, name: str | None) -> str:
    """What `found` lacks to be a scorer (as :func:`~sparkus.matching.check_plugin` says), or "".

    A `name` stands in for its own ``name`` (the name it was looked up by); None checks its own.
    """
    if kind_of(found) != "scorer":
        return "is not a scorer: it lacks a `prepare` method (see sparkus.matching.Scorer)"
    lacks = plugin_lacks(found, "scorer", name)
    return "lacks " + "; ".join(lacks) if lacks else ""


def _own_name(found: object, path: tuple[str | int, ...], problems: list[Problem]) -> str | None:
    """A scorer object's own name, once it is checked to be a scorer (else a problem, None)."""
    lacks = _scorer_lacks(found, None)
    if lacks:
        problems.append(Problem(path, f"{describe_plugin(found)} {lacks}"))
        return None
    return cast(str, read_name(found)[0])


def _is_weight(value: object) -> bool:
    return is_finite_real(value) and 0 <= float(cast(float, value)) <= _MAX_WEIGHT


def _scorers_iv(
    scorers: object, program: Program | None, problems: list[Problem]
) -> tuple[tuple[Scorer, ...], tuple[str, ...], tuple[float, ...]]:
    given: object = DEFAULT_WEIGHTS if scorers is None else scorers
    pairs: list[tuple[object, object, str | int]] = []
    if isinstance(given, Mapping):
        pairs = [(name, w, key_text(name)) for name, w in given.items()]
    elif isinstance(given, Sequence) and not isinstance(given, str):
        for i, item in enumerate(given):
            if not (isinstance(item, tuple) and len(item) == 2):
                msg = f"expected a (scorer, weight) pair, got {describe(item)}"
                problems.append(Problem(("scorers", i), msg))
                continue
            pairs.append((item[0], item[1], i))
    else:
        msg = (
            "expected a mapping of scorer name to weight, or a sequence of (scorer, weight) "
            f"pairs, got {describe(given)}"
        )
        problems.append(Problem(("scorers",), msg))
        return (), (), ()
    out: list[Scorer] = []
    names: list[str] = []
    weights: list[float] = []
    for spec, weight, where in pairs:
        path = ("scorers", where)
        try:
            found = _lookup(spec) if isinstance(spec, str) else spec
        except SchemaError as error:
            problems.extend(error.problems)
            continue
        # a registered scorer goes by the name it was looked up by, an object by its own
        name = spec if isinstance(spec, str) else _own_name(found, path, problems)
        if name is None:
            continue
        if not _is_weight(weight):
            msg = (f"the weight of {shown(name)} must be a finite number from 0 to 1e12 (only the "
                   f"weights' ratios matter), got {describe(weight)}")  # fmt: skip
            problems.append(Problem(path, msg))
            continue
        hook, _ = read_name(found, "for_program")
        if program is not None and callable(hook):
            try:
                found = hook(program)
            except Exception as exc:  # plugin code: named, chained, never a bare exception
                raise plugin_raised("scorer", name, ("scorers", name), exc) from exc
            lacks = _scorer_lacks(found, name)
            if lacks:
                msg = (f"the scorer {shown(name)} returned from `for_program` "
                       f"{describe_value(found)}, which {lacks}")  # fmt: skip
                problems.append(Problem(("scorers", name), msg))
                continue
        out.append(cast("Scorer", found))
        names.append(name)
        weights.append(float(cast(float, weight)))
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        msg = f"each scorer may appear once; repeated: {', '.join(map(repr, repeated))}"
        problems.append(Problem(("scorers",), msg))
    if not problems and not out:
        problems.append(Problem(("scorers",), "expected at least one scorer"))
    elif not problems and sum(weights) <= 0:
        msg = "at least one weight must be positive (weight 0 only forbids pairs)"
        problems.append(Problem(("scorers",), msg))
    return tuple(out), tuple(names), tuple(weights)


def _candidate_matrix_iv(
    participants: object,
    providers: object,
    scorers: object,
    k: object,
    members: object,
    support_type: object,
    program: object,
    block_size: object,
) -> tuple[Population, tuple[Provider, ...], _Setup]:
    problems: list[Problem] = []
    if not isinstance(participants, Population):
        msg = f"expected a Population, got {describe(participants)}"
        raise SchemaError([Problem(("participants",), msg)])
    if isinstance(providers, str | Mapping) or not isinstance(providers, Iterable):
        raise SchemaError(
            [Problem(("providers",), f"expected a sequence of Provider, got {describe(providers)}")]
        )
    listed = tuple(providers)
    problems += providers_problems(listed)
    if program is not None and not isinstance(program, Program):
        problems.append(
            Problem(("program",), f"expected a Program or None, got {describe(program)}")
        )
        program = None
    kind: SupportType | None = None
    if support_type is not None:
        try:
            kind = SupportType(support_type)
        except ValueError:
            allowed = ", ".join(s.value for s in SupportType)
            msg = f"`support_type` must be one of {allowed} (or None), got {shown(support_type)}"
            problems.append(Problem(("support_type",), msg))
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        problems.append(Problem(("k",), f"`k` must be a positive integer, got {describe(k)}"))
    if block_size is not None and (
        isinstance(block_size, bool)
        or not isinstance(block_size, int | np.integer)
        or block_size < 1
    ):
        msg = f"`block_size` must be a positive integer or None, got {describe(block_size)}"
        problems.append(Problem(("block_size",), msg))
    rows = members_iv(participants, members, problems).astype(np.int64)
    found, names, weights = _scorers_iv(scorers, program, problems)
    if problems:
        raise SchemaError(problems)
    columns = np.array(
        [j for j, p in enumerate(listed) if kind is None or p.support_type is kind], dtype=np.int64
    )
    total = sum(weights)
    given_block: Any = block_size
    block = int(given_block) if block_size is not None else _BLOCK_PAIRS // max(columns.size, 1)
    given_k: Any = k
    setup = _Setup(
        rows, columns, found, names, tuple(w / total for w in weights), int(given_k), kind,
        max(block, 1),
    )  # fmt: skip
    return participants, cast(tuple[Provider, ...], listed), setup


# -- the computation -----------------------------------------------------------------------------


def _prepared(
    scorer: Scorer, name: str, population: Population, listed: Sequence[Provider]
) -> PairScore:
    """A plugin scorer's ``prepare``, called: any exception is a SchemaError naming it."""
    try:
        score: object = scorer.prepare(population, listed)
    except Exception as exc:  # plugin code: named, chained, never a bare exception
        raise plugin_raised("scorer", name, ("scorers", name), exc) from exc
    if not callable(score):
        msg = (f"the scorer {shown(name)} returned {describe_value(score)} from `prepare`; it must "
               "return a function score(rows, cols) of the pairs' scores")  # fmt: skip
        raise SchemaError([Problem(("scorers", name), msg)])
    return cast("PairScore", score)


def _top_k(total: FloatArray, k: int) -> tuple[NDArray[np.intp], NDArray[np.intp], FloatArray]:
    """Rows, columns and scores of each row's `k` best allowed entries (ties: lower column)."""
    m = total.shape[1]
    kk = min(k, m)
    if kk < m:
        threshold = np.partition(total, m - kk, axis=1)[:, m - kk]
        above = total > threshold[:, None]
        tied = total == threshold[:, None]
        room = kk - above.sum(axis=1)
        crowded = np.flatnonzero(tied.sum(axis=1) > room)
        if crowded.size:  # keep the first `room` tied columns only
            counter = np.int16 if m < np.iinfo(np.int16).max else np.int64
            cut = np.cumsum(tied[crowded], axis=1, dtype=counter) <= room[crowded, None]
            tied[crowded] &= cut
        keep = above | tied
        keep &= total > -np.inf
    else:
        keep = total > -np.inf
    rows, cols = np.nonzero(keep)
    return rows, cols, total[rows, cols]


@attrs.frozen(eq=False)
class _Fused:
    """Table scorers summed into one table over joint categories of the scored rows/columns."""

    table: FloatArray
    row_code: NDArray[np.intp]  # per scored row (position in setup.rows)
    column_code: NDArray[np.intp]  # per column (position in setup.columns)


def _add(total: FloatArray, values: FloatArray, weight: float) -> None:
    """``total += weight * values``; a weight of 0 only carries the forbidden (-inf) pairs."""
    if weight > 0:
        total += weight * values
    else:
        total[values == -np.inf] = -np.inf


def _fuse(tables: Sequence[Tabulated], weights: Sequence[float], setup: _Setup) -> list[_Fused]:
    """One table for all table scorers, over the joint categories that occur (or one each)."""
    if not tables:
        return []
    rows = np.stack([t.row_code[setup.rows] for t in tables], axis=1)
    cols = np.stack([t.column_code[setup.columns] for t in tables], axis=1)
    joint_rows, row_code = np.unique(rows, axis=0, return_inverse=True)
    joint_cols, column_code = np.unique(cols, axis=0, return_inverse=True)
    if joint_rows.shape[0] * joint_cols.shape[0] <= _MAX_FUSED:
        fused = np.zeros((joint_rows.shape[0], joint_cols.shape[0]))
        for i, (t, w) in enumerate(zip(tables, weights, strict=True)):
            _add(fused, t.table[joint_rows[:, i][:, None], joint_cols[:, i][None, :]], w)
        return [_Fused(fused, row_code.reshape(-1), column_code.reshape(-1))]
    out = []
    for i, (t, w) in enumerate(zip(tables, weights, strict=True)):
        own = np.zeros(t.table.shape)
        _add(own, t.table, w)
        out.append(_Fused(own, rows[:, i], cols[:, i]))
    return out


def _block_scores(
    fused: Sequence[_Fused],
    others: Sequence[tuple[str, bool, PairScore, float]],
    setup: _Setup,
    start: int,
    stop: int,
) -> FloatArray:
    """Combined scores of the scored rows ``start:stop`` against every column.

    Each of `others` is a scorer's name, whether it is a built-in (whose scores are not checked
    again), its pair scorer and its weight. The pairs are read-only: every scorer of the block
    scores the same arrays, so one plugin that wrote into them would change the others' scores.
    """
    rows = setup.rows[start:stop]
    shape = (rows.shape[0], setup.columns.shape[0])
    if fused:
        first = fused[0]
        total = first.table[first.row_code[start:stop, None], first.column_code[None, :]]
        for more in fused[1:]:
            total += more.table[more.row_code[start:stop, None], more.column_code[None, :]]
    else:
        total = np.zeros(shape, dtype=np.float64)
    r = read_only(rows.astype(np.intp)[:, None])
    c = read_only(setup.columns.astype(np.intp)[None, :])
    for name, trusted, f, w in others:
        try:
            values = f(r, c)
        except Exception as exc:  # plugin code: named, chained, never a bare exception
            raise plugin_raised("scorer", name, ("scorers", name), exc) from exc
        if trusted:
            s = np.broadcast_to(np.asarray(values, dtype=np.float64), shape)
        else:
            s = checked_scores(name, values, shape)
        _add(total, s, w)
    np.minimum(total, 1.0, out=total)
    return total


def candidate_matrix(
    participants: Population,
    providers: Sequence[Provider],
    *,
    scorers: ScorerSpec | None = None,
    k: int = 50,
    members: Members = None,
    support_type: SupportType | str | None = None,
    program: Program | None = None,
    block_size: int | None = None,
) -> CandidateMatrix:
    """Score participant-provider compatibility and keep each participant's top-k providers.

    .. versionadded:: 0.1

    Each scorer scores every pair in ``[0, 1]`` (or forbids it with ``-inf``); the combined
    score of a pair is the weighted sum ``sum(w_i * s_i)`` with the weights normalised to sum
    to 1, so it also lies in ``[0, 1]``. A pair any scorer forbids is never a candidate, even
    when that scorer's weight is 0 (a weight of 0 makes a scorer a pure constraint). For each
    participant the `k` allowed providers of highest score are kept; ties go to the provider
    listed first, so the result is the same on every run and for every `block_size`.

    Parameters
    ----------
    participants : Population
        The whole organisation (the reporting-line check needs the whole manager tree).
    providers : sequence of Provider
        Every provider; see `support_type` to keep one kind.
    scorers : mapping of str to float, or sequence of (Scorer or str, float), optional
        The compatibility model: scorer names with their weights (built-in or registered
        scorers, e.g. ``{"goal_fit": 2, "shared_language": 1}``), or pairs of a scorer
        object (such as ``StatedPreferences(prefs)`` or a plugin) or name, and its weight.
        Weights are non-negative and at least one is positive. Default
        :data:`DEFAULT_WEIGHTS`.
    k : int
        Most candidates kept per participant; default 50.
    members : sequence of str or int, or boolean array, optional
        The participants to score (ids, row indices, or a mask over the population's rows),
        e.g. those a support plan gives coaching; default everyone. Rows follow the
        population's order for a mask and the given order for ids and indices. A pandas
        boolean Series is read by its index, which must hold the population's ids.
    support_type : SupportType or str, optional
        Keep only providers of this kind (e.g. ``"coaching"``) as columns.
    program : Program, optional
        Passed to scorers that use it (a scorer with a ``for_program(program)`` method, such
        as :class:`GoalFit`, which falls back on the program's goals).
    block_size : int, optional
        Participants scored at a time; default about two million pairs per block.

    Returns
    -------
    CandidateMatrix

    Raises
    ------
    SchemaError
        For anything malformed: ids unknown or repeated, a bad weight, an unknown scorer name,
        a plugin scorer returning NaN or scores outside ``[0, 1]``, naming each.

    Notes
    -----
    Memory is bounded by the block (a few arrays of ``block_size x n_providers`` floats)
    plus the kept candidates; no dense participant x provider matrix is ever formed.

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import candidate_matrix
    >>> org = synthetic_org(n=1_000, seed=3)
    >>> cm = candidate_matrix(org.population, org.providers, k=3, support_type="coaching",
    ...                       program=org.program)
    >>> cm
    CandidateMatrix(n=1000, providers=4, k=3, candidates=3000)
    >>> best = cm.shortlist("E000001", k=2)
    >>> best.provider_ids, [round(s, 4) for s in best.scores]
    (('C00002', 'C00004'), [0.9167, 0.749])
    >>> e = cm.explain("E000001", "C00002")
    >>> dict(zip(e.scorers, [round(c, 4) for c in e.contributions]))  # doctest: +NORMALIZE_WHITESPACE
    {'goal_fit': 0.35, 'shared_language': 0.25, 'seniority_gap': 0.1667,
     'time_zone_overlap': 0.15, 'same_reporting_line': 0.0}
    """
    population, listed, setup = _candidate_matrix_iv(
        participants, providers, scorers, k, members, support_type, program, block_size
    )
    from scipy.sparse import csr_array

    # built-ins by their exact type: a plugin's subclass keeps its own `prepare`, checked
    tabulated = {
        i: cast(Any, s)._tabulate(population, listed)
        for i, s in enumerate(setup.scorers)
        if type(s) in _TABLES
    }
    prepared = tuple(
        tabulated[i].score if i in tabulated else _prepared(s, name, population, listed)
        for i, (s, name) in enumerate(zip(setup.scorers, setup.names, strict=True))
    )
    order = (*tabulated, *(i for i in range(len(prepared)) if i not in tabulated))
    fused = _fuse(list(tabulated.values()), [setup.weights[i] for i in tabulated], setup)
    others = [
        (setup.names[i], type(setup.scorers[i]) in _TRUSTED, prepared[i], setup.weights[i])
        for i in range(len(prepared))
        if i not in tabulated
    ]
    n, m = setup.rows.shape[0], setup.columns.shape[0]
    counts = np.zeros(n, dtype=np.int64)
    cols_parts: list[NDArray[np.intp]] = []
    data_parts: list[FloatArray] = []
    if m:
        for start in range(0, n, setup.block):
            stop = min(start + setup.block, n)
            total = _block_scores(fused, others, setup, start, stop)
            r, c, values = _top_k(total, setup.k)
            counts[start:stop] = np.bincount(r, minlength=stop - start)
            cols_parts.append(c)
            data_parts.append(values)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    indices = np.concatenate(cols_parts).astype(np.int32) if cols_parts else np.zeros(0, np.int32)
    data = np.concatenate(data_parts) if data_parts else np.zeros(0)
    if indptr[-1] < np.iinfo(np.int32).max:
        indptr = indptr.astype(np.int32)
    scores = csr_array((data, indices, indptr), shape=(n, m))
    participant_ids = tuple(population.ids[setup.rows].tolist())
    provider_ids = tuple(listed[j].id for j in setup.columns.tolist())
    return CandidateMatrix(
        participant_ids=participant_ids,
        provider_ids=provider_ids,
        scores=scores,
        capacity=np.array([listed[j].capacity for j in setup.columns.tolist()], dtype=np.int64),
        weights=FrozenMapping(dict(zip(setup.names, setup.weights, strict=True))),
        k=setup.k,
        support_type=setup.support_type,
        rows=setup.rows,
        columns=setup.columns,
        prepared=prepared,
        order=order,
        row_of={v: i for i, v in enumerate(participant_ids)},
        column_of={v: j for j, v in enumerate(provider_ids)},
    )
