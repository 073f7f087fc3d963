"""The candidate matrix and what it tells a person: explanations of a pair, and shortlists.

:class:`CandidateMatrix` is what :func:`~sparkus.matching.candidate_matrix` returns and what
:func:`~sparkus.matching.assign` takes: each participant's best allowed providers with the
compatibility of each pair. It explains any pair (:meth:`CandidateMatrix.explain`, a
:class:`PairExplanation`: each scorer's score, weight and contribution) and proposes
shortlists for a person to choose from (:meth:`CandidateMatrix.shortlist`, a
:class:`Shortlist`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._checks import FloatArray
from sparkus._errors import Problem, SchemaError, shown
from sparkus._ids import near_ids
from sparkus._results import Result, Table, format_number
from sparkus.matching._pairing.protocols import checked_scores, plugin_raised, read_only
from sparkus.model import FrozenMapping, SupportType

if TYPE_CHECKING:
    from scipy.sparse import csr_array

    from sparkus.matching._pairing.protocols import PairScore
else:
    csr_array = Any

__all__ = ["CandidateMatrix", "PairExplanation", "Shortlist"]

IntArray = NDArray[np.int64]
Status: TypeAlias = Literal["candidate", "not a candidate", "forbidden"]


def _scored(name: str, score: PairScore, row: NDArray[np.intp], col: NDArray[np.intp]) -> float:
    """A scorer's score of one pair: plugin code that raises, or breaks the contract, is named."""
    try:
        values = score(row, col)
    except Exception as exc:  # plugin code: named, chained, never a bare exception
        raise plugin_raised("scorer", name, ("scorers", name), exc) from exc
    return float(checked_scores(name, values, (1, 1))[0, 0])


@attrs.frozen(repr=False)
class PairExplanation(Result):
    """Why a participant-provider pair scores what it scores: each scorer's part.

    .. versionadded:: 0.1

    Attributes
    ----------
    participant_id, provider_id : str
        The pair.
    status : {"candidate", "not a candidate", "forbidden"}
        Whether the pair is among the participant's candidates, allowed but outranked, or
        forbidden by a scorer.
    score : float
        The combined compatibility, the sum of `contributions`; ``-inf`` when forbidden.
    rank : int or None
        The pair's position among the participant's candidates, 1 for the best.
    forbidden_by : tuple of str
        The scorers that forbid the pair (empty unless forbidden).
    scorers : tuple of str
        The scorers, in the order of the model.
    scores : tuple of float
        Each scorer's own score of the pair, in ``[0, 1]`` (``-inf``: forbidden).
    weights : tuple of float
        Each scorer's normalised weight (they sum to 1).
    contributions : tuple of float
        ``weight * score`` of each scorer (``-inf`` for a scorer that forbids the pair).

    Examples
    --------
    :meth:`CandidateMatrix.explain` returns one, for any pair of the matrix:

    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import candidate_matrix
    >>> org = synthetic_org(n=300, seed=3)
    >>> cm = candidate_matrix(org.population, org.providers, k=2, support_type="mentoring",
    ...                       program=org.program)
    >>> why = cm.explain("E000001", "M00003")
    >>> why
    PairExplanation('E000001' with 'M00003': score=0.5917, candidate, rank=2)
    >>> print(why.summary())
    E000001 with M00003
    scorer                score  weight  contribution
    -------------------  ------  ------  ------------
    goal_fit                  1    0.35          0.35
    shared_language           0    0.25             0
    seniority_gap        0.6667    0.25        0.1667
    time_zone_overlap       0.5    0.15         0.075
    same_reporting_line       1       0             0
    combined                                   0.5917
    candidate number 2 of 'E000001'

    A pair inside the participant's own management chain is forbidden:

    >>> cm.explain("E000003", "M00001").forbidden_by
    ('same_reporting_line',)
    """

    participant_id: str
    provider_id: str
    status: Status
    score: float
    rank: int | None
    forbidden_by: tuple[str, ...]
    scorers: tuple[str, ...]
    scores: tuple[float, ...]
    weights: tuple[float, ...]
    contributions: tuple[float, ...]

    def _headline(self) -> str:
        where = f", rank={self.rank}" if self.rank is not None else ""
        return (
            f"{self.participant_id!r} with {self.provider_id!r}: score={self.score:.4g}, "
            f"{self.status}{where}"
        )

    def _tables(self) -> list[Table]:
        rows = tuple(
            (name, format_number(s), format_number(w), format_number(c))
            for name, s, w, c in zip(
                self.scorers, self.scores, self.weights, self.contributions, strict=True
            )
        )
        rows += (("combined", "", "", format_number(self.score)),)
        if self.status == "forbidden":
            note = f"forbidden by {', '.join(self.forbidden_by)}"
        elif self.status == "candidate":
            note = f"candidate number {self.rank} of {self.participant_id!r}"
        else:
            note = "allowed, but outranked by the participant's candidates"
        title = f"{self.participant_id} with {self.provider_id}"
        return [Table(title, ("scorer", "score", "weight", "contribution"), rows, note)]


@attrs.frozen(repr=False)
class Shortlist(Result):
    """The best providers for one participant, with their explanations, for a person to choose.

    .. versionadded:: 0.1

    Attributes
    ----------
    participant_id : str
        Whose shortlist it is.
    provider_ids : tuple of str
        The providers, best first (fewer than asked if the participant has fewer candidates).
    explanations : tuple of PairExplanation
        One per provider, in the same order.

    Examples
    --------
    :meth:`CandidateMatrix.shortlist` returns one:

    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import candidate_matrix
    >>> org = synthetic_org(n=300, seed=3)
    >>> cm = candidate_matrix(org.population, org.providers, k=2, support_type="mentoring",
    ...                       program=org.program)
    >>> shortlist = cm.shortlist("E000001", k=2)
    >>> shortlist
    Shortlist('E000001': 2 providers, best='M00002' (0.6479))
    >>> shortlist.provider_ids, [round(s, 4) for s in shortlist.scores]
    (('M00002', 'M00003'), [0.6479, 0.5917])
    >>> shortlist.explanations[1].rank
    2
    """

    participant_id: str
    provider_ids: tuple[str, ...]
    explanations: tuple[PairExplanation, ...]

    @property
    def scores(self) -> tuple[float, ...]:
        """The combined score of each listed provider, best first."""
        return tuple(e.score for e in self.explanations)

    def _headline(self) -> str:
        best = (
            f", best={self.provider_ids[0]!r} ({self.scores[0]:.4g})" if self.provider_ids else ""
        )
        return f"{self.participant_id!r}: {len(self.provider_ids)} providers{best}"

    def _tables(self) -> list[Table]:
        names = self.explanations[0].scorers if self.explanations else ()
        rows = tuple(
            (str(e.rank), e.provider_id, format_number(e.score),
             *(format_number(c) for c in e.contributions))
            for e in self.explanations
        )  # fmt: skip
        note = (
            "contributions are weight x score; they sum to the score"
            if rows
            else "no allowed provider: widen the pool or relax a forbidding scorer"
        )
        title = f"Shortlist for {self.participant_id}"
        return [Table(title, ("rank", "provider", "score", *names), rows, note)]


@attrs.frozen(repr=False, eq=False)
class CandidateMatrix(Result):
    """Each participant's best allowed providers, with the compatibility of each pair.

    .. versionadded:: 0.1

    Build it with :func:`candidate_matrix`. It is what the assignment takes: `cost` gives the
    allowed pairs and their costs, `capacity` the providers' capacities.

    Attributes
    ----------
    participant_ids : tuple of str
        The rows, in order.
    provider_ids : tuple of str
        The columns, in order (only providers of `support_type` when one was asked).
    scores : scipy.sparse.csr_array
        ``(n_participants, n_providers)`` combined compatibility in ``[0, 1]``; a stored entry
        (zero included) is a candidate, each row holds at most `k`, column indices sorted.
    capacity : ndarray of int64
        The capacity of each provider (column).
    weights : mapping of str to float
        The normalised weight of each scorer, in the order of the model; they sum to 1.
    k : int
        The most candidates kept per participant.
    support_type : SupportType or None
        The support type the providers were restricted to, if any.

    Examples
    --------
    :func:`candidate_matrix` returns one:

    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import candidate_matrix
    >>> org = synthetic_org(n=300, seed=3)
    >>> cm = candidate_matrix(org.population, org.providers, k=2, support_type="mentoring",
    ...                       program=org.program)
    >>> cm
    CandidateMatrix(n=300, providers=3, k=2, candidates=598)
    >>> cm.provider_ids, cm.capacity
    (('M00001', 'M00002', 'M00003'), array([3, 3, 3]))
    >>> cm.n_candidates[:5]
    array([2, 2, 2, 2, 2])
    >>> print(cm.summary())
    Candidate matrix
    quantity                                      value
    ------------------------------------  -------------
    participants                                    300
    providers                             3 (mentoring)
    capacity                                          9
    candidates per participant (at most)              2
    candidates stored                               598
    participants without a candidate                  1
    mean best score                              0.5712
    mean candidate score                         0.4627
    <BLANKLINE>
    Compatibility model
    scorer               weight
    -------------------  ------
    goal_fit               0.35
    shared_language        0.25
    seniority_gap          0.25
    time_zone_overlap      0.15
    same_reporting_line       0
    a scorer of weight 0 only forbids pairs (score -inf)
    """

    participant_ids: tuple[str, ...]
    provider_ids: tuple[str, ...]
    scores: csr_array
    capacity: IntArray
    weights: FrozenMapping[str, float]
    k: int
    support_type: SupportType | None
    _rows: IntArray = attrs.field(alias="rows")  # population row of each participant
    _columns: IntArray = attrs.field(alias="columns")  # index into all providers of each column
    _prepared: tuple[PairScore, ...] = attrs.field(alias="prepared")
    _order: tuple[int, ...] = attrs.field(alias="order")  # the order scores are summed in
    _row_of: dict[str, int] = attrs.field(alias="row_of")
    _column_of: dict[str, int] = attrs.field(alias="column_of")

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_participants, n_providers)``."""
        return len(self.participant_ids), len(self.provider_ids)

    @property
    def n_candidates(self) -> NDArray[np.intp]:
        """How many candidates each participant has."""
        return cast(NDArray[np.intp], np.diff(self.scores.indptr).astype(np.intp))

    def cost(self) -> csr_array:
        """The same stored pairs with cost ``1 - score`` (lower is better; zero stays stored)."""
        from scipy.sparse import csr_array

        s = self.scores
        return csr_array((1.0 - s.data, s.indices.copy(), s.indptr.copy()), shape=s.shape)

    def explain(self, participant_id: str, provider_id: str) -> PairExplanation:
        """Each scorer's score, weight and contribution for one pair.

        Parameters
        ----------
        participant_id, provider_id : str
            A row and a column of this matrix.

        Returns
        -------
        PairExplanation
            With the pair's status: a candidate (and its rank), allowed but not a candidate,
            or forbidden (and by which scorer).

        Raises
        ------
        SchemaError
            If either id is not a row or column of this matrix.
        """
        i, j = self._row(participant_id), self._column(provider_id)
        return self._explain(i, j)

    def shortlist(self, participant_id: str, k: int = 3) -> Shortlist:
        """The `k` best candidates of a participant, best first, each with its explanation.

        A person (the participant, or a match team) chooses from it; the chosen pair can then
        be fixed in the assignment.

        Parameters
        ----------
        participant_id : str
            A row of this matrix.
        k : int
            How many providers, at least 1; fewer come back if the participant has fewer
            candidates.

        Returns
        -------
        Shortlist

        Raises
        ------
        SchemaError
            If the id is unknown or `k` is not a positive integer.
        """
        given: object = k
        if isinstance(given, bool) or not isinstance(given, int | np.integer) or given < 1:
            raise SchemaError([Problem(("k",), f"`k` must be a positive integer, got {shown(k)}")])
        i = self._row(participant_id)
        cols, values = self._candidates(i)
        order = np.lexsort((cols, -values))[: int(k)]
        out = tuple(self._explain(i, int(j)) for j in cols[order].tolist())
        return Shortlist(participant_id, tuple(e.provider_id for e in out), out)

    # -- helpers ---------------------------------------------------------------------------------

    def _candidates(self, i: int) -> tuple[NDArray[np.intp], FloatArray]:
        s = self.scores
        start, end = int(s.indptr[i]), int(s.indptr[i + 1])
        return s.indices[start:end].astype(np.intp), np.asarray(s.data[start:end], np.float64)

    def _row(self, participant_id: object) -> int:
        index = self._row_of
        if not isinstance(participant_id, str) or participant_id not in index:
            msg = f"{shown(participant_id)} is not a participant of this candidate matrix" + (
                f" ({len(self.participant_ids):,} rows; see `participant_ids`)"
            )
            msg += near_ids(self.participant_ids, [participant_id])[0]
            raise SchemaError([Problem(("participant_id",), msg)])
        return index[participant_id]

    def _column(self, provider_id: object) -> int:
        index = self._column_of
        if not isinstance(provider_id, str) or provider_id not in index:
            only = f", which holds {self.support_type.value} only" if self.support_type else ""
            msg = f"{shown(provider_id)} is not a provider of this candidate matrix{only}"
            msg += near_ids(self.provider_ids, [provider_id])[0]
            raise SchemaError([Problem(("provider_id",), msg)])
        return index[provider_id]

    def _explain(self, i: int, j: int) -> PairExplanation:
        # one pair, in the 2-D shape the block computation scores pairs in
        row = read_only(np.array([[self._rows[i]]], dtype=np.intp))
        col = read_only(np.array([[self._columns[j]]], dtype=np.intp))
        weights = tuple(self.weights.values())
        names = tuple(self.weights)
        raw = tuple(
            _scored(name, f, row, col) for name, f in zip(names, self._prepared, strict=True)
        )
        forbidden = tuple(n for n, s in zip(names, raw, strict=True) if s == -math.inf)
        contributions = tuple(
            -math.inf if s == -math.inf else w * s for s, w in zip(raw, weights, strict=True)
        )
        cols, values = self._candidates(i)
        hit = np.flatnonzero(cols == j)
        if forbidden:
            status: Status = "forbidden"
            score, rank = -math.inf, None
        else:
            total = 0.0
            for at in self._order:  # the order and arithmetic of the block computation
                total += contributions[at]
            score = min(total, 1.0)
            if hit.size:
                status = "candidate"
                score = float(values[hit[0]])
                better = (values > score) | ((values == score) & (cols < j))
                rank = int(better.sum()) + 1
            else:
                status, rank = "not a candidate", None
        return PairExplanation(
            str(self.participant_ids[i]), str(self.provider_ids[j]), status, score, rank,
            forbidden, names, raw, weights, contributions,
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """The ids, weights, capacities and candidates (CSR arrays) as JSON-ready data."""
        s = self.scores
        return {
            "participant_ids": list(self.participant_ids),
            "provider_ids": list(self.provider_ids),
            "weights": dict(self.weights),
            "k": self.k,
            "support_type": None if self.support_type is None else self.support_type.value,
            "capacity": self.capacity.tolist(),
            "scores": {
                "indptr": s.indptr.tolist(),
                "indices": s.indices.tolist(),
                "data": s.data.tolist(),
            },
        }

    def _headline(self) -> str:
        n, m = self.shape
        return f"n={n}, providers={m}, k={self.k}, candidates={self.scores.nnz}"

    def _tables(self) -> list[Table]:
        n, m = self.shape
        counts = self.n_candidates
        s = self.scores
        best = np.full(n, np.nan)
        has = counts > 0
        if s.nnz:
            best[has] = np.maximum.reduceat(s.data, s.indptr[:-1][has])
        rows = (
            ("participants", format_number(n)),
            ("providers", format_number(m)
             + (f" ({self.support_type.value})" if self.support_type else "")),
            ("capacity", format_number(int(self.capacity.sum()))),
            ("candidates per participant (at most)", format_number(self.k)),
            ("candidates stored", format_number(int(s.nnz))),
            ("participants without a candidate", format_number(int(np.sum(~has)))),
            ("mean best score", format_number(float(best[has].mean()) if has.any() else None)),
            ("mean candidate score", format_number(float(s.data.mean()) if s.nnz else None)),
        )  # fmt: skip
        summary = Table("Candidate matrix", ("quantity", "value"), rows)
        weights = Table(
            "Compatibility model",
            ("scorer", "weight"),
            tuple((name, format_number(w)) for name, w in self.weights.items()),
            note="a scorer of weight 0 only forbids pairs (score -inf)",
        )
        return [summary, weights]
