"""Support planning: the support each person gets, to do the most good for the money.

:func:`plan_support` checks its arguments once and hands them to the planning engine
(``engine.py``), which builds the problem as data (an option per support type and provider
pool, its cost from the program's cost model and the dose, its expected effect from the
priors) and solves it as an integer program with HiGHS (``integer_program.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy.typing as npt

from sparkus.matching._planning.engine import (
    CONFIDENCE_LEVEL,
    MIP_REL_GAP,
    TIME_LIMIT,
    PlanOptions,
    PlanSetup,
    PoolKey,
    plan_setup,
    solve_setup,
)
from sparkus.matching._planning.priors import EffectPriors
from sparkus.matching._planning.recommend import SupportPolicy
from sparkus.matching._planning.support_plan import SupportPlan
from sparkus.model import Level, Population, Program, Provider, SupportType
from sparkus.triage import TriageResult

__all__ = ["plan_support"]


def _plan_support_iv(
    population: object,
    triage: object,
    program: object,
    providers: object,
    budget: object,
    options: PlanOptions,
) -> PlanSetup:
    """Validate the inputs of :func:`plan_support` and build the problem."""
    return plan_setup(population, triage, program, providers, budget=budget, options=options)


def plan_support(
    population: Population,
    triage: TriageResult,
    program: Program,
    providers: Sequence[Provider],
    *,
    budget: float | None = None,
    priors: EffectPriors | None = None,
    policy: SupportPolicy | None = None,
    pools: PoolKey | None = None,
    access: Mapping[str, npt.ArrayLike] | None = None,
    min_reach: Mapping[Level | str, float] | None = None,
    exclude_resistant: bool = True,
    weights: npt.ArrayLike | None = None,
    supports: Iterable[SupportType] | None = None,
    mip_rel_gap: float = MIP_REL_GAP,
    time_limit: float = TIME_LIMIT,
    confidence_level: float = CONFIDENCE_LEVEL,
    effects: Mapping[SupportType | str, npt.ArrayLike] | None = None,
) -> SupportPlan:
    """Choose each person's support to maximise the total expected effect under the budget.

    Each person gets at most one option: a support type and the provider pool it draws a place
    from (or nothing). An option's cost is the program's cost model for the person's dose; its
    value is the prior's expected effect, times the person's readiness modifier, times the
    support type's fit to the program's season and goals (:meth:`SupportPolicy.fit_weights`,
    so that the season and the goals shape the plan) and, if given, the person's equity
    weight. The plan maximises the total value subject to

    * the budget (fixed cost included);
    * each pool's capacity: the sum of its providers' capacities (self-guided reflection
      without providers has no limit and costs its platform fee);
    * a minimum reach (share of people supported) per level or department, if given;
    * the exclusion of the resistant, if `exclude_resistant`;
    * what each person's readiness rules out under the policy, and pools a person cannot use
      (a pool serves the levels up to its most senior provider's seniority, and `access`).

    It is solved as an integer program with HiGHS (``scipy.optimize.milp``) after its LP
    relaxation (``scipy.optimize.linprog``): people with identical options are solved as
    one class (exact), the LP bound and the gap are reported, and the marginal value of the
    budget and the binding constraints come from the LP's shadow prices.

    Parameters
    ----------
    population : Population
        The people.
    triage : TriageResult
        Their readiness and dose, from :func:`sparkus.triage.triage` on `population`. Human
        support gives a person their triage dose where it is above zero, else the prior's
        sessions; self-guided reflection always takes the prior's. People in the review queue
        are planned at their proposed level; people not assessed get nothing until a person
        decides.
    program : Program
        Budget, currency and cost model. Support types without a session fee in the cost
        model are not offered.
    providers : sequence of Provider
        Coaches, mentors, peer facilitators and team coaches; their capacities make the pools.
    budget : float, optional
        Total budget, fixed cost included; the program's if omitted. Any finite amount: the
        solver works in units of the dearest option, so fees and budgets anywhere in the
        float range are planned alike (a cost below 1e-9 of the dearest option's counts as
        free, the solver's tolerance).
    priors : EffectPriors, optional
        Expected effect and sessions per support type; :class:`EffectPriors` ``()`` if omitted.
    policy : SupportPolicy, optional
        What each readiness level rules out, and how each support type fits the program's
        season and goals (:meth:`SupportPolicy.fit_weights`; ``SupportPolicy(fit_weight=0)``
        plans on expected effect alone); :class:`SupportPolicy` ``()`` if omitted. Support
        types without a rule are not offered.
    pools : callable or mapping, optional
        How providers form capacity pools: a function of a :class:`~sparkus.model.Provider` returning the
        pool's name, or a mapping of every provider id to a pool name. By default one pool per
        support type, named by its value (``"coaching"``). A pool holds one support type;
        ``"self_guided_reflection"`` names self-guided reflection's own option when it has no
        providers, so no other providers' pool may take that name.
    access : mapping of str to bool array, optional
        For a pool (or ``"self_guided_reflection"`` without providers), who may draw on it: one
        bool (or 0/1) per person. Pools not named are open to everyone. A pandas Series is
        read by its index, which must hold the population's ids (in any order).
    min_reach : mapping of Level or str to float, optional
        Minimum share of people supported (any support) per :class:`~sparkus.model.Level`
        (or its value or name, as exports spell it: ``"Manager"``) or department name; each
        level once (two spellings of one level are refused, not both applied).
    exclude_resistant : bool
        Give the resistant nothing (the method's default).
    weights : array of float, optional
        Equity weight per person, 0 to 1e12: the objective is the weighted effect. A pandas
        Series is read by its index, which must hold the population's ids (in any order).
    supports : iterable of SupportType or str, optional
        The support types to plan with (members, or their values or names as exports spell
        them: ``"Coaching"``, ``"self-guided reflection"``); by default every type the policy
        covers and the program's journey offers (a plan cannot give what the journey has no
        steps for),
        each of which needs a session fee in the cost model (0.0 for a free one): a type
        without one is an error, never silently left out. Naming the types here is how to
        plan without some of them.
    mip_rel_gap : float
        Relative gap to the bound at which the solver may stop (0 for a proven optimum).
    time_limit : float
        Seconds the solver may use; past it, the best plan found stands with a
        :class:`~sparkus.SparkusWarning` giving the gap reached.
    confidence_level : float
        Level of the expected effect's interval, strictly between 0 and 1.
    effects : mapping of SupportType (or its value or name, any spelling) to array of float, optional
        Each person's expected effect of each support type, instead of the priors' (for
        instance the predictions of ``sparkus.triage.BenefitModel`` for the
        population, or any arrays): one finite number per person, in the population's row
        order, or a pandas Series whose index holds the population's ids (put in its order;
        refused, never paired by position, when it holds other labels). Keys are
        :class:`~sparkus.model.SupportType` members or their values (``"coaching"``, as
        exports spell them); every type planned needs effects, others are ignored. A
        person's value for a support type is then ``effects[s][i]`` times the type's fit
        weight (and the equity weight): the priors' effect times the readiness modifier is
        replaced, and the priors give only the sessions. Negative effects are allowed: such a
        person is simply not given that support (unless a minimum reach forces it). The plan's
        effects are then in the units of `effects` (``plan.effect_source`` says
        ``"per-person effects"``), and it has no interval (``(nan, nan)``): the priors'
        interval does not apply to them.

    Returns
    -------
    SupportPlan

    Raises
    ------
    SchemaError
        For invalid arguments (negative budget, unknown support types, a weight that is NaN
        or above 1e12, a policy or priors that do not cover a support type planned, a type
        the journey offers without a fee in the cost model and `supports` not given,
        `effects` of the wrong length, with a NaN or infinite row, an unknown support label,
        or missing a type planned, ...), or
        costs per person (fees times sessions), or everyone's dearest support together,
        beyond the float range.
    InfeasibleError
        If no plan keeps every constraint; the message says which, and by how much (for
        instance the budget that minimum reach needs).

    Warns
    -----
    SparkusWarning
        If the time limit stopped the solver above `mip_rel_gap`.

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.matching import plan_support
    >>> from sparkus.triage import triage
    >>> org = synthetic_org(2_000, seed=3)
    >>> plan = plan_support(org.population, triage(org.population, program=org.program),
    ...                     org.program, org.providers)
    >>> plan.total_cost <= org.program.budget, plan.gap <= 1e-3
    (True, True)
    >>> {k: int(v["people"]) for k, v in plan.totals("support").items()}
    {'coaching': ..., 'mentoring': ..., 'peer_support': ..., 'self_guided_reflection': ..., 'none': ...}

    .. versionadded:: 0.1
    """
    options = PlanOptions(
        priors=priors, policy=policy, pools=pools, access=access, min_reach=min_reach,
        exclude_resistant=exclude_resistant, weights=weights, supports=supports,
        mip_rel_gap=mip_rel_gap, time_limit=time_limit, confidence_level=confidence_level,
        effects=effects,
    )  # fmt: skip
    setup = _plan_support_iv(population, triage, program, providers, budget, options)
    return solve_setup(setup)
