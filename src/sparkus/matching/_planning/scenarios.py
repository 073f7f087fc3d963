"""The usual answers beside the triaged plan, all valued with the same priors (or effects).

:func:`compare_scenarios` puts "executives only", "everyone gets a coach", the triaged plan and
any plan of the user's side by side, which is where a claim such as "saves up to 75% of the
coaching budget without sacrificing impact" is tested on the user's own numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import as_array, describe, is_missing
from sparkus._errors import Problem, SchemaError, shown
from sparkus._fields import not_one_of, read_member, text
from sparkus._frames import Framed, FrameSpec
from sparkus._results import Result, Table, format_number
from sparkus.matching._planning.engine import (
    CONFIDENCE_LEVEL,
    PlanOptions,
    build_setup,
    check_confidence_level,
    sessions_of,
    solve_setup,
)
from sparkus.matching._planning.inputs import people_problems, providers_problems, same_people
from sparkus.matching._planning.policy import SupportPolicy
from sparkus.matching._planning.priors import EffectPriors
from sparkus.matching._planning.rows import by_ids
from sparkus.matching._planning.support_plan import (
    SupportPlan,
)
from sparkus.matching._planning.valuing import (
    BY_BENEFIT,
    BY_READINESS,
    benefit_plan,
    check_benefit,
    fixed_plan,
    revalued,
)
from sparkus.model import Goal, Level, Population, Program, Provider, Season, SupportType
from sparkus.triage import TriageResult

__all__ = ["ScenarioComparison", "compare_scenarios"]

IntArray = npt.NDArray[np.int64]

EXECUTIVES_ONLY: Final = "executives only"
EVERYONE: Final = "everyone gets a coach"
TRIAGED: Final = "triaged"
_LEVELS: Final = tuple(Level)
_SELF: Final = SupportType.SELF_GUIDED_REFLECTION
_MAX_ROW_PROBLEMS: Final = 20


@attrs.frozen(repr=False)
class ScenarioComparison(Framed, Result):
    """Plans side by side: cost, reach by level, expected effect, cost per unit of effect.

    Every scenario is valued with the same priors. The first two are the usual answers:
    ``"executives only"`` (every executive gets full coaching) and ``"everyone gets a
    coach"`` (everyone gets full coaching, the triage's ``full_sessions``), neither held to
    the budget or to capacity (the table says whether they fit); ``"triaged"`` is the
    five-step approach (:func:`plan_support`); then the user's plans. With per-person
    `effects`, every scenario is valued with them instead, the triaged plan is named ``"by
    readiness"`` and ``"by predicted benefit"`` follows it (see :func:`compare_scenarios`).

    .. versionadded:: 0.1

    Attributes
    ----------
    names : tuple of str
        Scenario names, in table order.
    plans : tuple of SupportPlan
        The plan of each scenario.
    budget : float
        The program's budget.
    currency : str
        The program's currency.
    confidence_level : float
        The level of the effect intervals.
    season : Season
        The program's season: with its goals, it weighs the triaged plan's choice through
        the policy's fit weights (:meth:`SupportPolicy.fit_weights
        <sparkus.matching.SupportPolicy.fit_weights>`), shown under the table.
    goals : tuple of Goal
        The program's goals.
    reference : str
        The scenario savings are measured against: ``"everyone gets a coach"``.

    Notes
    -----
    ``to_frame(backend="pandas")`` gives one row per scenario, indexed by ``scenario``, with
    a column for each entry of :attr:`metrics`: ``cost``, ``share_of_budget``, ``supported``,
    ``expected_effect``, ``effect_low``, ``effect_high``, ``cost_per_effect``,
    ``fits_budget``, ``fits_capacity``, ``cost_vs_reference``, ``effect_vs_reference`` and
    ``reach_<level>`` for each :class:`~sparkus.model.Level`; ``backend="polars"`` gives
    ``scenario`` as the first column.

    Examples
    --------
    :func:`compare_scenarios` returns one:

    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import compare_scenarios
    >>> from sparkus.triage import triage
    >>> org = synthetic_org(n=500, seed=1)
    >>> result = triage(org.population, program=org.program)
    >>> table = compare_scenarios(org.population, result, org.program, org.providers)
    >>> table
    ScenarioComparison(n=500, scenarios=3, triaged: cost 6.4% and effect 23.4% of
    'everyone gets a coach')
    >>> for name, m in table.metrics.items():
    ...     print(f"{name:<21}  cost {m['cost']:>9,.0f}  fits budget: {m['fits_budget']}")
    executives only        cost    29,560  fits budget: True
    everyone gets a coach  cost 1,165,000  fits budget: False
    triaged                cost    74,890  fits budget: True
    >>> table.plan("triaged").supported
    434
    >>> table.to_frame()["supported"].tolist()
    [2, 500, 434]
    """

    names: tuple[str, ...]
    plans: tuple[SupportPlan, ...]
    budget: float
    currency: str
    confidence_level: float
    season: Season
    goals: tuple[Goal, ...]
    reference: str = EVERYONE

    @property
    def n(self) -> int:
        """Number of people."""
        return self.plans[0].n

    def plan(self, name: str) -> SupportPlan:
        """The plan of scenario `name`."""
        given: object = name  # checked at run time for callers without a type checker
        if not isinstance(given, str) or given not in self.names:
            msg = f"no scenario {shown(name)}; the scenarios are: {', '.join(self.names)}"
            raise SchemaError([Problem(("name",), msg)])
        return self.plans[self.names.index(name)]

    @property
    def metrics(self) -> dict[str, dict[str, float | bool]]:
        """Per scenario: cost, reach, expected effect, interval, cost per effect, fits, ratios.

        ``cost_vs_reference`` and ``effect_vs_reference`` are the scenario's cost and expected
        effect as shares of the reference scenario's ("everyone gets a coach"). Ratios with
        nothing to divide by follow fixed conventions: ``cost_per_effect`` is ``inf`` when the
        expected effect is not positive, ``share_of_budget`` ``inf`` for a budget of 0; the
        two ``*_vs_reference`` ratios are NaN (undefined, 0/0) when the reference's cost or
        effect is 0, and ``reach_<level>`` NaN for a level with nobody in it (the printed
        tables show these as ``-``).
        """
        ref = self.plan(self.reference)
        out: dict[str, dict[str, float | bool]] = {}
        for name, p in zip(self.names, self.plans, strict=True):
            low, high = p.confidence_interval
            by_level = p.totals("level")
            row: dict[str, float | bool] = {
                "cost": p.total_cost,
                "share_of_budget": p.total_cost / self.budget if self.budget else math.inf,
                "supported": p.supported,
                "expected_effect": p.expected_effect,
                "effect_low": low,
                "effect_high": high,
                "cost_per_effect": p.cost_per_effect,
                "fits_budget": p.total_cost <= self.budget * (1 + 1e-12),
                "fits_capacity": all(c.met for c in p.constraints if c.kind == "capacity"),
                "cost_vs_reference": p.total_cost / ref.total_cost if ref.total_cost else math.nan,
                "effect_vs_reference": (
                    p.expected_effect / ref.expected_effect if ref.expected_effect else math.nan
                ),
            }
            for level, t in by_level.items():
                row[f"reach_{level}"] = t["supported"] / t["people"] if t["people"] else math.nan
            out[name] = row
        return out

    def _frame(self) -> FrameSpec:
        rows = list(self.metrics.values())
        columns = {key: np.array([row[key] for row in rows]) for key in rows[0]}
        return {"scenario": np.array(self.names), **columns}, ("scenario",)

    @property
    def _triaged(self) -> str:
        return BY_READINESS if BY_READINESS in self.names else TRIAGED

    def _headline(self) -> str:
        m = self.metrics.get(self._triaged)
        if m is None:
            return f"n={self.n}, scenarios={len(self.names)}"
        return (
            f"n={self.n}, scenarios={len(self.names)}, {self._triaged}: cost "
            f"{_share(m['cost_vs_reference'])} and effect {_share(m['effect_vs_reference'])} of "
            f"{shown(self.reference)}"
        )

    def _tables(self) -> list[Table]:
        metrics = self.metrics
        priced = self.plans[0].effect_source == "priors"  # else valued with per-person effects
        cur = self.currency
        level = f"{self.confidence_level:.0%}"
        main = Table(
            "Scenarios",
            (
                "scenario",
                "supported",
                f"cost ({cur})",
                "share of budget",
                "expected effect",
                f"{level} interval",
                f"cost per unit of effect ({cur})",
                "fits budget",
                "fits capacity",
            ),
            tuple(
                (
                    name,
                    format_number(int(m["supported"])),
                    f"{m['cost']:,.0f}",
                    f"{m['share_of_budget']:.1%}",
                    f"{m['expected_effect']:,.1f}",
                    f"{m['effect_low']:,.1f} to {m['effect_high']:,.1f}" if priced else "-",
                    f"{m['cost_per_effect']:,.0f}",
                    format_number(bool(m["fits_budget"])),
                    format_number(bool(m["fits_capacity"])),
                )
                for name, m in metrics.items()
            ),
            note=(
                "expected effect: people times standard deviations of improvement, from the "
                "priors; the interval reflects uncertainty about each support type's average "
                "effect; costs include the fixed cost"
                if priced
                else "expected effect: the sum of each person's given effect of the support "
                "they get (in the units of `effects`; no interval); costs include the fixed cost"
            ),
        )
        reach = Table(
            "Reach by level (share supported)",
            ("scenario", *(lv.value for lv in _LEVELS)),
            tuple(
                (name, *(_share(m[f"reach_{lv.value}"]) for lv in _LEVELS))
                for name, m in metrics.items()
            ),
        )
        mix = Table(
            "Support mix (people per support type)",
            ("scenario", *(s.value for s in SupportType), "none"),
            tuple(
                (name, *(format_number(int(np.sum(p.support == s))) for s in SupportType),
                 format_number(sum(s is None for s in p.support.tolist())))
                for name, p in zip(self.names, self.plans, strict=True)
            ),
            note=self._fit_note(),
        )  # fmt: skip
        triaged = metrics.get(self._triaged)
        verdict = ""
        if triaged is not None:
            saving = 1 - float(triaged["cost_vs_reference"])
            kept = float(triaged["effect_vs_reference"])
            holds = "holds" if saving > 0 and kept >= 1 else "does not hold"
            verdict = (
                f"; here the triaged plan saves {_share(saving)} of the cost and keeps "
                f"{_share(kept)} of the expected effect, so the claim {holds} under these "
                + ("priors" if priced else "per-person effects")
                if math.isfinite(saving) and math.isfinite(kept)
                else f"; here {shown(self.reference)} costs nothing or has no expected effect, so "
                "there is nothing to save or keep: the claim cannot be tested"
            )
        against = Table(
            f"Against {shown(self.reference)}",
            ("scenario", "cost", "saving", "expected effect kept"),
            tuple(
                (
                    name,
                    _share(m["cost_vs_reference"]),
                    _share(1 - float(m["cost_vs_reference"])),
                    _share(m["effect_vs_reference"]),
                )
                for name, m in metrics.items()
            ),
            note=(
                "'saves up to 75% of the coaching budget without sacrificing impact' holds for "
                f"a scenario only if it saves money and keeps at least 100% of the effect{verdict}"
            ),
        )
        return [main, reach, mix, against]

    def _fit_note(self) -> str:
        goals = ", ".join(g.value for g in self.goals)
        context = f"season {self.season.value} ({self.season.meaning}); goals: {goals}"
        weighted = [(n, p) for n, p in zip(self.names, self.plans, strict=True) if p.fit_weights]
        if not weighted:
            return f"{context}; no scenario was optimised with the policy's fit weights"
        parts = []
        for name, p in weighted:
            weights = ", ".join(f"{s.value} {w:g}" for s, w in p.fit_weights.items())
            parts.append(f"{shown(name)} weighs each support type's effect by its fit: {weights}")
        return (
            f"{context}; " + "; ".join(parts) + " (the policy's judgement of fit to the season "
            "and goals, not a measured effect: see SupportPolicy.fit_weights)"
        )


def _share(value: float | bool) -> str:
    """A ratio as a percentage; ``-`` where it is undefined (NaN: nothing to divide by)."""
    return "-" if math.isnan(value) else f"{value:.1%}"


def _user_assignment(
    name: str,
    value: object,
    population: Population,
    triage: TriageResult,
    priors: EffectPriors,
) -> tuple[npt.NDArray[np.object_], IntArray, list[Problem]]:
    """A user's plan as support per person and sessions per person, with any problems."""
    n = len(population)
    path: tuple[str | int, ...] = ("plans", name)
    if isinstance(value, SupportPlan):
        if not np.array_equal(value.ids, population.ids):
            msg = "must be a plan of this population: its ids, in the same order"
            return np.empty(0, object), np.empty(0, np.int64), [Problem(path, msg)]
        return value.support.copy(), value.sessions.copy(), []
    expected = f"expected a SupportPlan or one SupportType or None per person ({n})"
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"{expected}, got {describe(value)}"
        return np.empty(0, object), np.empty(0, np.int64), [Problem(path, msg)]
    try:  # a pandas Series is read by its index, the population's ids; then one array intake
        cells = as_array(
            by_ids(value, population, f"plans[{shown(name)}]"), f"plans[{shown(name)}]"
        )
    except SchemaError as err:
        refused = [Problem(path, p.message) for p in err.problems]
        return np.empty(0, object), np.empty(0, np.int64), refused
    if cells.shape != (n,):
        msg = f"{expected}, got an array of shape {cells.shape}"
        return np.empty(0, object), np.empty(0, np.int64), [Problem(path, msg)]
    # None, NaN and pandas' NA alike: a Series of a plan holds NaN where it holds no support
    items = [None if is_missing(s) else read_member(s, SupportType) or s
             for s in cells.tolist()]  # fmt: skip
    problems: list[Problem] = []
    bad = [i for i, s in enumerate(items) if s is not None and not isinstance(s, SupportType)]
    problems += [
        Problem((*path, i), not_one_of(items[i], SupportType)) for i in bad[:_MAX_ROW_PROBLEMS]
    ]
    if problems:
        return np.empty(0, object), np.empty(0, np.int64), problems
    support = np.empty(n, dtype=object)
    support[:] = items
    dose = np.asarray(triage.sessions, dtype=np.int64)
    sessions = np.zeros(n, dtype=np.int64)
    for s in SupportType:
        m = support == s
        if not m.any():
            continue
        if s not in priors.priors:
            problems.append(Problem(path, f"uses {shown(s.value)}, which has no prior"))
            continue
        sessions[m] = sessions_of(priors, s, dose[m])
    return support, sessions, problems


def _compare_scenarios_iv(
    population: object,
    triage: object,
    program: object,
    providers: object,
    triaged: object,
    plans: object,
    priors: object,
    confidence_level: object,
) -> tuple[Population, TriageResult, Program, tuple[Provider, ...], EffectPriors]:
    if triaged is not None and not isinstance(triaged, SupportPlan):
        got = type(triaged).__name__
        msg = f"expected a SupportPlan (from plan_support) or None, got {got}"
        raise SchemaError([Problem(("triaged",), msg)])
    if priors is None:
        priors = triaged.priors if isinstance(triaged, SupportPlan) else EffectPriors()
    problems = people_problems(population, triage, program) + providers_problems(providers)
    if not isinstance(priors, EffectPriors):
        got = type(priors).__name__
        problems.append(Problem(("priors",), f"expected EffectPriors or None, got {got}"))
    check_confidence_level(confidence_level, problems)
    if not problems:
        problems += same_people(cast(Population, population), cast(TriageResult, triage))
    if isinstance(triaged, SupportPlan) and not problems:  # compared once each input is valid
        if isinstance(population, Population) and not np.array_equal(triaged.ids, population.ids):
            msg = "must be a plan of this population: its ids, in the same order"
            problems.append(Problem(("triaged",), msg))
        if isinstance(program, Program) and triaged.currency != program.currency:
            msg = (f"costs {shown(triaged.currency)}, but the program is in {shown(program.currency)}; "
                   "plan it with this program")  # fmt: skip
            problems.append(Problem(("triaged", "currency"), msg))
        if triaged.priors != priors:
            msg = "was made with other priors; pass the priors it was made with, or none"
            problems.append(Problem(("priors",), msg))
        if triaged.confidence_level != confidence_level:
            msg = (f"the triaged plan's intervals are at {triaged.confidence_level:g}; pass "
                   "the same `confidence_level`")  # fmt: skip
            problems.append(Problem(("confidence_level",), msg))
    if plans is not None:
        if not isinstance(plans, Mapping):
            msg = f"expected a mapping of scenario name to plan, got {describe(plans)}"
            problems.append(Problem(("plans",), msg))
        else:
            for key in plans:
                if text(key):  # on one line and unpadded, as the tables show it
                    msg = ("a scenario name must be a non-empty string on one line, without "
                           f"white space at either end, got {describe(key)}")  # fmt: skip
                    problems.append(Problem(("plans",), msg))
                elif key in (EXECUTIVES_ONLY, EVERYONE, TRIAGED, BY_READINESS, BY_BENEFIT):
                    msg = f"{shown(key)} is a built-in scenario; give your plan another name"
                    problems.append(Problem(("plans", key), msg))
    if problems:
        raise SchemaError(problems)
    prog = cast(Program, program)
    if SupportType.COACHING not in prog.cost_model.session_cost:
        msg = "the scenarios give coaching: the program's cost model needs a coaching fee"
        raise SchemaError([Problem(("program", "cost_model", "session_cost", "coaching"), msg)])
    priors = cast(EffectPriors, priors)
    if SupportType.COACHING not in priors.priors:
        msg = "the scenarios give coaching: the priors need a prior for coaching"
        raise SchemaError([Problem(("priors", "priors", "coaching"), msg)])
    return (
        cast(Population, population),
        cast(TriageResult, triage),
        prog,
        tuple(cast(Iterable[Provider], providers)),
        priors,
    )


def compare_scenarios(
    population: Population,
    triage: TriageResult,
    program: Program,
    providers: Sequence[Provider],
    *,
    triaged: SupportPlan | None = None,
    plans: Mapping[str, SupportPlan | Sequence[SupportType | None]] | None = None,
    priors: EffectPriors | None = None,
    confidence_level: float = CONFIDENCE_LEVEL,
    effects: Mapping[SupportType | str, npt.ArrayLike] | None = None,
) -> ScenarioComparison:
    """Put the usual answers, the triaged plan and the user's plans side by side.

    The scenarios, all valued with the same priors (a person's expected effect from a support
    type is the prior's effect times their readiness modifier):

    * ``"executives only"``: every executive gets coaching with the triage's ``full_sessions``;
    * ``"everyone gets a coach"``: everyone gets the same;
    * ``"triaged"``: the five-step approach, `triaged` or :func:`plan_support` with its
      defaults (the resistant excluded, the policy's readiness rules, the program's budget);
    * each of `plans`: a :class:`SupportPlan`, or one :class:`~sparkus.model.SupportType` (or None) per
      person, given human sessions as :func:`plan_support` does.

    The first two are not held to the budget or to capacity; the table says whether each
    scenario fits them. Measured against "everyone gets a coach", the table says how much each
    scenario saves and how much of the expected effect it keeps: the honest test of "saves up
    to 75% of the coaching budget without sacrificing impact" on the user's own numbers.

    Parameters
    ----------
    population, triage, program, providers
        As for :func:`plan_support`.
    triaged : SupportPlan, optional
        The triaged plan, if made already (with other options than the defaults), in the
        program's currency.
    plans : mapping of str to SupportPlan or sequence, optional
        The user's own scenarios, by name (on one line, without white space at either end,
        and none of the built-in scenarios' names): a plan, or one support type (or None,
        NaN or pandas' NA: no support) per person in the population's row order (a list or
        a one-dimensional array), or a pandas Series whose index holds the population's ids
        (put in its order; refused, never paired by position, when it holds other labels).
    priors : EffectPriors, optional
        The priors every scenario is valued with: `triaged`'s if given, else the defaults.
    confidence_level : float
        Level of the effect intervals, strictly between 0 and 1.
    effects : mapping of SupportType (or its value) to array of float, optional
        Per-person expected effects, as for :func:`plan_support`. Every scenario is then
        valued with them (a person's effect is their entry for the support they get, in the
        units of `effects`, with no interval), ``"triaged"`` is named ``"by readiness"``
        and ``"by predicted benefit"`` (:func:`plan_support` with `effects`, the same
        budget) follows it. They must cover coaching and every type the plans may give.

    Returns
    -------
    ScenarioComparison

    Raises
    ------
    SchemaError
        For invalid arguments, a user plan that is not one support type or None per person,
        or a `triaged` plan made with other priors or in another currency.
    InfeasibleError
        If the default triaged plan has no feasible plan (see :func:`plan_support`).

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import compare_scenarios
    >>> from sparkus.triage import triage
    >>> org = synthetic_org(2_000, seed=3)
    >>> result = triage(org.population, program=org.program)
    >>> table = compare_scenarios(org.population, result, org.program, org.providers)
    >>> table.names
    ('executives only', 'everyone gets a coach', 'triaged')
    >>> bool(table.metrics["triaged"]["fits_budget"])
    True

    .. versionadded:: 0.1
    """
    pop, tri, prog, provs, prs = _compare_scenarios_iv(
        population, triage, program, providers, triaged, plans, priors, confidence_level
    )
    level = float(confidence_level)
    n = len(pop)
    full = np.full(n, tri.full_sessions, dtype=np.int64)
    coaching = np.full(n, SupportType.COACHING, dtype=object)
    execs = coaching.copy()
    execs[pop["level"] != Level.EXECUTIVE.rank] = None
    names = [EXECUTIVES_ONLY, EVERYONE, TRIAGED]
    out = [
        fixed_plan(
            pop, tri, prog, provs, prs, execs, full, level, "fixed assignment: executives only"
        ),
        fixed_plan(
            pop,
            tri,
            prog,
            provs,
            prs,
            coaching,
            full,
            level,
            "fixed assignment: everyone gets a coach",
        ),
    ]
    if triaged is None:  # plan_support with its defaults, on arguments checked already
        options = PlanOptions(priors=prs, confidence_level=level)
        setup = build_setup(pop, tri, prog, provs, budget=None, priors=prs,
                            policy=SupportPolicy(), options=options)  # fmt: skip
        triaged = solve_setup(setup)
    out.append(triaged)
    problems: list[Problem] = []
    for name, value in (plans or {}).items():
        support, sessions, found = _user_assignment(name, value, pop, tri, prs)
        priced = prog.cost_model.session_cost
        for s in sorted({x for x in support.tolist() if x is not None} - set(priced),
                        key=lambda x: x.value):  # fmt: skip
            msg = f"uses {shown(s.value)}, which the program's cost model does not price"
            found.append(Problem(("plans", name), msg))
        problems += found
        if not found:
            names.append(str(name))  # a plain str, whatever str subclass was given
            out.append(fixed_plan(pop, tri, prog, provs, prs, support, sessions, level,
                                   f"fixed assignment: {name}"))  # fmt: skip
    if problems:
        raise SchemaError(problems)
    if effects is not None:  # every scenario in the effects' units; the benefit plan beside
        needed = {SupportType.COACHING, *(s for p in out for s in p.supports)}
        matrix, kinds = check_benefit(effects, pop, tuple(needed))
        names.insert(3, BY_BENEFIT)
        names[2] = BY_READINESS
        best = benefit_plan(pop, tri, prog, provs, priors=prs, budget=out[2].budget,
                            supports=out[2].supports, effects=effects,
                            confidence_level=level)  # fmt: skip
        out = [revalued(p, matrix, kinds) for p in out]
        out.insert(3, best)
    return ScenarioComparison(
        names=tuple(names),
        plans=tuple(out),
        budget=prog.budget,
        currency=prog.currency,
        confidence_level=level,
        season=prog.season,
        goals=prog.goals,
    )
