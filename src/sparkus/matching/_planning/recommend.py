"""The support recommender: ranks support types for each person from the policy table.

:func:`recommend_support` adds up the :class:`~sparkus.matching.SupportPolicy` scores for each
person and says why, for the support types the program's journey delivers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._errors import Problem, SchemaError, shown
from sparkus._frames import Framed, FrameSpec, decoded
from sparkus._results import Result, Table, format_number
from sparkus.matching._planning.inputs import people_problems, same_people
from sparkus.matching._planning.policy import SupportPolicy, SupportRule
from sparkus.model import FrozenMapping, Goal, Level, Population, Program, Season, SupportType
from sparkus.triage import ReadinessLevel, TriageResult

__all__ = ["SupportPolicy", "SupportRecommendation", "SupportRule", "recommend_support"]

_READINESS: Final = tuple(ReadinessLevel)
_LEVELS: Final = tuple(Level)


@attrs.frozen(repr=False)
class SupportRecommendation(Framed, Result):
    """Support types ranked for each person, with the reasons.

    Per-person arrays follow the population's rows; columns follow :attr:`support_types`.

    .. versionadded:: 0.1

    Attributes
    ----------
    ids : ndarray of str
        Participant ids.
    support_types : tuple of SupportType
        The support types the policy has rules for and the program's journey delivers (has
        steps for), in :class:`~sparkus.model.SupportType` order.
    scores : ndarray of shape (n, k)
        Each person's score for each support type; NaN where it is ruled out.
    ranking : ndarray of shape (n, k) of int8
        Column indices into `support_types`, best first; ``-1`` after the last suitable one.
    level : ndarray of int8
        Organisational level ranks (:attr:`Level.rank <sparkus.model.Level.rank>`).
    readiness : ndarray of int8
        Readiness ranks from triage (-1: not assessed).
    goals : tuple of Goal
        The program's goals.
    season : Season
        The program's season.
    profile_reasons : mapping
        ``"<level>/<readiness>"`` to, for each support type, its reasons: every person of a
        level and readiness gets the same ones. Use :meth:`reasons` for a person.

    Notes
    -----
    ``to_frame(backend="pandas")`` gives one row per person, indexed by ``id``, with the
    columns ``level``, ``readiness`` (None: not assessed), ``first`` (the best support type's
    value, None where every type is ruled out) and ``score_<support type>`` for each of
    :attr:`support_types` (NaN where it is ruled out); ``backend="polars"`` gives ``id`` as
    the first column.

    Examples
    --------
    :func:`recommend_support` returns one:

    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import recommend_support
    >>> from sparkus.triage import triage
    >>> org = synthetic_org(n=500, seed=1)
    >>> rec = recommend_support(org.population, triage(org.population), org.program)
    >>> rec
    SupportRecommendation(n=500, most often first='self_guided_reflection' (293))
    >>> [support.value for support in rec.top[2:5]]
    ['self_guided_reflection', 'coaching', 'coaching']
    >>> [rec.support_types[k].value for k in rec.ranking[3]]
    ['coaching', 'mentoring', 'peer_support', 'self_guided_reflection']
    >>> print(rec.summary())
    Recommended support, by readiness
    first choice            resistant  emerging  ready  highly_ready  not assessed  all
    ----------------------  ---------  --------  -----  ------------  ------------  ---
    coaching                        0         0    152            55             0  207
    mentoring                       0         0      0             0             0    0
    peer_support                    0         0      0             0             0    0
    self_guided_reflection         66       227      0             0             0  293
    none (ruled out)                0         0      0             0             0    0
    program goals: leadership_development, transformation_readiness; season: spring (new vision
    or strategy); not in the journey: team_coaching (never ranked); reasons per person:
    .reasons(person_id)
    """

    ids: npt.NDArray[np.str_]
    support_types: tuple[SupportType, ...]
    scores: npt.NDArray[np.float64]
    ranking: npt.NDArray[np.int8]
    level: npt.NDArray[np.int8]
    readiness: npt.NDArray[np.int8]
    goals: tuple[Goal, ...]
    season: Season
    profile_reasons: Mapping[str, Mapping[str, tuple[str, ...]]]
    not_offered: tuple[SupportType, ...] = ()

    @property
    def n(self) -> int:
        """Number of people."""
        return int(self.ids.shape[0])

    @property
    def top(self) -> npt.NDArray[np.object_]:
        """Each person's best support type, or None where every type is ruled out."""
        table = np.empty(len(self.support_types) + 1, dtype=object)
        table[:-1] = list(self.support_types)
        table[-1] = None
        out: npt.NDArray[np.object_] = table[self.ranking[:, 0]]
        return out

    def _frame(self) -> FrameSpec:
        columns: dict[str, object] = {
            "id": self.ids,
            "level": decoded(self.level, [lv.value for lv in _LEVELS]),
            "readiness": decoded(self.readiness, [r.value for r in _READINESS]),
            "first": self.top,
        }
        for k, support in enumerate(self.support_types):
            columns[f"score_{support.value}"] = self.scores[:, k]
        return columns, ("id",)

    def _row(self, person_id: str) -> int:
        given: object = person_id  # checked at run time
        found = np.flatnonzero(self.ids == given) if isinstance(given, str) else np.zeros(0, int)
        if not found.size:
            msg = f"`person_id` {shown(person_id)} is not one of the recommendation's ids"
            raise SchemaError([Problem(("person_id",), msg)])
        return int(found[0])

    def reasons(self, person_id: str) -> dict[SupportType, tuple[str, ...]]:
        """The support types for `person_id`, best first, each with its reasons.

        Ruled-out support types come last, with the reason they are ruled out.
        """
        i = self._row(person_id)
        key = _profile_key(int(self.level[i]), int(self.readiness[i]))
        table = self.profile_reasons[key]
        order = [int(k) for k in self.ranking[i] if k >= 0]
        order += [k for k in range(len(self.support_types)) if k not in order]
        return {self.support_types[k]: table[self.support_types[k].value] for k in order}

    def _counts(self) -> dict[str, list[int]]:
        top = self.ranking[:, 0].astype(np.int64)
        out: dict[str, list[int]] = {}
        for k, s in [*enumerate(self.support_types), (-1, None)]:
            chosen = top == k
            label = "none (ruled out)" if s is None else s.value
            out[label] = [
                int(np.sum(chosen & (self.readiness == r))) for r in range(-1, len(_READINESS))
            ]
        return out

    def _headline(self) -> str:
        if not self.n:  # no first choice is most often made by nobody
            return "n=0"
        counts = {label: sum(row) for label, row in self._counts().items()}
        best = max(counts, key=lambda label: counts[label])
        return f"n={self.n}, most often first={shown(best)} ({counts[best]:,})"

    def _tables(self) -> list[Table]:
        headers = ("first choice", *(r.value for r in _READINESS), "not assessed", "all")
        rows = tuple(
            (label, *(format_number(c) for c in row[1:]), format_number(row[0]),
             format_number(sum(row)))
            for label, row in self._counts().items()
        )  # fmt: skip
        goals = ", ".join(g.value for g in self.goals)
        lacking = ", ".join(s.value for s in self.not_offered)
        missing = f"; not in the journey: {lacking} (never ranked)" if lacking else ""
        return [
            Table(
                "Recommended support, by readiness",
                headers,
                rows,
                note=f"program goals: {goals}; season: {self.season.value} "
                f"({self.season.meaning}){missing}; reasons per person: .reasons(person_id)",
            )
        ]


def _profile_key(level: int, readiness: int) -> str:
    r = "not_assessed" if readiness < 0 else _READINESS[readiness].value
    return f"{_LEVELS[level].value}/{r}"


def _profile_scores(
    policy: SupportPolicy, program: Program
) -> tuple[tuple[SupportType, ...], npt.NDArray[np.float64]]:
    """Support types, and scores of shape (levels, readiness + not assessed, k); NaN: ruled out.

    The readiness axis is indexed by rank + 1, so index 0 is "not assessed".
    """
    offered = program.journey.support_types
    supports = tuple(s for s in SupportType if s in policy.rules and s in offered)
    scores = np.full((len(_LEVELS), len(_READINESS) + 1, len(supports)), np.nan)
    for k, s in enumerate(supports):
        rule = policy.rules[s]
        goal = float(np.mean([rule.goals[g] for g in program.goals]))
        base = goal + rule.seasons[program.season]
        for lv in _LEVELS:
            for r in _READINESS:
                if r.rank >= rule.min_readiness.rank:
                    scores[lv.rank, r.rank + 1, k] = base + rule.levels[lv] + rule.readiness[r]
    return supports, scores


def _reasons(
    policy: SupportPolicy, program: Program, support: SupportType, level: Level, readiness: int
) -> tuple[str, ...]:
    rule = policy.rules[support]
    if readiness < 0:
        return ("ruled out: not assessed; a person decides (the triage review queue)",)
    r = _READINESS[readiness]
    if r.rank < rule.min_readiness.rank:
        minimum = rule.min_readiness.value
        why = (
            f"ruled out: readiness {shown(r.value)} is below the policy's minimum {shown(minimum)}"
        )
        return (f"{why} for {support.value}",)
    goals = [rule.goals[g] for g in program.goals]
    parts = ", ".join(f"{g.value} {_exact(v)}" for g, v in zip(program.goals, goals, strict=True))
    season = program.season
    mean = float(np.mean(goals))
    total = mean + rule.seasons[season] + rule.levels[level] + rule.readiness[r]
    return (
        f"score {_exact(total)}",
        f"goals: {parts} (mean {_exact(mean)})",
        f"season {season.value} ({season.meaning}): {_exact(rule.seasons[season])}",
        f"level {level.value}: {_exact(rule.levels[level])}",
        f"readiness {r.value}: {_exact(rule.readiness[r])}",
        rule.rationale,
    )


def _exact(value: float) -> str:
    """A number of the reasons with every digit the ranking used: ``0.5``, ``1``, ``1e+16``.

    Rounded (``1e+06`` for 1,000,001.5) the reasons of two support types could show one score
    while the ranking tells them apart, and their parts would not add up to the score shown.
    """
    return repr(float(value)).removesuffix(".0")


def _recommend_support_iv(
    population: object, triage: object, program: object, policy: object
) -> None:
    """Validate the inputs of :func:`recommend_support`."""
    problems = people_problems(population, triage, program)
    if not isinstance(policy, SupportPolicy):
        got = type(policy).__name__
        problems.append(Problem(("policy",), f"expected a SupportPolicy or None, got {got}"))
    if problems:
        raise SchemaError(problems)
    problems = same_people(cast(Population, population), cast(TriageResult, triage))
    program = cast(Program, program)
    rules = cast(SupportPolicy, policy).rules
    offered = program.journey.support_types
    if not any(s in offered for s in rules):
        covered = ", ".join(repr(s.value) for s in SupportType if s in rules)
        has = ", ".join(repr(s.value) for s in offered) or "none"
        msg = (f"the journey {shown(program.journey.name)} delivers none of the support types the "
               f"policy covers ({covered}); it has steps for: {has}. Add steps for them, or "
               "rules for what the journey delivers")  # fmt: skip
        problems.append(Problem(("program", "journey"), msg))
    if problems:
        raise SchemaError(problems)


def recommend_support(
    population: Population,
    triage: TriageResult,
    program: Program,
    *,
    policy: SupportPolicy | None = None,
) -> SupportRecommendation:
    """Rank the support types for each person, from the policy table, with the reasons.

    Each person's score for a support type is the policy's fit to the program's goals
    (their mean) and season, plus the fit to the person's level and readiness; support types
    the person's readiness rules out are not ranked. Only the support types the program's
    journey delivers (:attr:`JourneyTemplate.support_types
    <sparkus.model.JourneyTemplate.support_types>`) are ranked: a type without steps in the
    journey could not be received, so it is listed in
    the result's ``not_offered`` instead. The ranking is advice for the person and
    for provider matching; :func:`plan_support` uses the policy for what it rules out and,
    through :meth:`SupportPolicy.fit_weights`, for the fit of each support type to the
    program's season and goals, and chooses by weighted expected effect per cost under the
    budget.

    Parameters
    ----------
    population : Population
        The people.
    triage : TriageResult
        Their readiness, from :func:`sparkus.triage.triage` on the same population.
    program : Program
        Supplies the goals and the season.
    policy : SupportPolicy, optional
        The policy table; :class:`SupportPolicy` ``()`` (the default policy) if omitted.

    Returns
    -------
    SupportRecommendation

    Raises
    ------
    SchemaError
        For arguments of the wrong type, a triage of another population, or a journey
        (``program.journey``) that delivers none of the support types the policy covers.

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import recommend_support
    >>> from sparkus.model import SupportType
    >>> from sparkus.triage import triage
    >>> org = synthetic_org(500, seed=1)
    >>> rec = recommend_support(org.population, triage(org.population), org.program)
    >>> person = rec.ids[rec.readiness == 2][0]  # someone ready
    >>> for support, why in rec.reasons(person).items():
    ...     print(f"{support.value:<23} {why[0]}")
    coaching                score 3.25
    mentoring               score 3.25
    peer_support            score 3.125
    self_guided_reflection  score 2.25
    >>> for line in rec.reasons(person)[SupportType.COACHING][1:5]:
    ...     print(line)
    goals: leadership_development 1, transformation_readiness 1 (mean 1)
    season spring (new vision or strategy): 1
    level individual_contributor: 0.5
    readiness ready: 0.75

    .. versionadded:: 0.1
    """
    policy = SupportPolicy() if policy is None else policy
    _recommend_support_iv(population, triage, program, policy)
    supports, table = _profile_scores(policy, program)
    level = np.asarray(population["level"], dtype=np.int8)
    readiness = np.asarray(triage.level, dtype=np.int8)
    scores = table[level, readiness.astype(np.int64) + 1]
    # Best first; ties keep SupportType order; ruled out (NaN) last, then marked -1.
    order = np.argsort(np.where(np.isnan(scores), np.inf, -scores), axis=1, kind="stable")
    ranked_out = np.take_along_axis(np.isnan(scores), order, axis=1)
    ranking = np.where(ranked_out, -1, order).astype(np.int8)
    reasons: dict[str, FrozenMapping[str, tuple[str, ...]]] = {}
    for lv in _LEVELS:
        for r in range(-1, len(_READINESS)):
            reasons[_profile_key(lv.rank, r)] = FrozenMapping(
                {s.value: _reasons(policy, program, s, lv, r) for s in supports}
            )
    return SupportRecommendation(
        ids=population.ids,
        support_types=supports,
        scores=scores,
        ranking=ranking,
        level=level,
        readiness=readiness,
        goals=program.goals,
        season=program.season,
        profile_reasons=FrozenMapping(reasons),
        not_offered=tuple(s for s in SupportType if s in policy.rules and s not in supports),
    )
