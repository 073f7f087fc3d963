"""``sparkus demo``'s evidence loop: learn who benefits from season one, plan season two by it.

:func:`evidence_loop` runs the loop on the demo's synthetic organisation and returns a JSON-ready
section of the report; ``_demo_text.py`` renders it. Every figure is checked against the
simulation's truth (``org.truth.individual_effects``), which a real organisation never has.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from sparkus._errors import SparkusError, SparkusWarning
from sparkus.datasets import SyntheticOrg
from sparkus.matching import EffectPriors, SupportPlan, SupportPolicy, plan_support
from sparkus.metrics import design_rollout, randomization_test, rollout_power, staggered_did
from sparkus.model import SupportType
from sparkus.triage import BenefitModel, TriageResult

Report = dict[str, Any]

FEATURES = (
    "readiness",
    "readiness squared",
    "seniority",
    "seniority x readiness",
    "log1p tenure",
    "individual contributor",
)
"""The observed traits the benefit model learns from (see :func:`features`)."""

WAVES = 3
"""The number of randomised waves of season two's rollout."""

ICC = 0.05
"""The stated intra-team correlation of the outcome for the rollout's power."""

TREND, NOISE = 1.0, 5.0
"""The simulated waves' common trend per period and measurement noise, in outcome points."""

MIN_TREATED = 40
"""The fewest people a support must have had in season one for the loop to learn from it."""


def features(org: SyntheticOrg) -> np.ndarray[Any, np.dtype[np.float64]]:
    """A small basis of observed traits, one row per person, in the order of :data:`FEATURES`.

    The readiness index is the standardised mean of the instrument's items; seniority is
    ``(3 - level) / 3`` (0 for individual contributors). A linear final stage can only find the
    shape the basis carries, hence the square and the interaction; this is not the truth's
    formula verbatim (the truth uses the latent readiness the items measure with error).
    """
    pop = org.population
    items = np.column_stack([np.asarray(pop[name], np.float64) for name in org.truth.item_loadings])
    mean = items.mean(axis=1)
    readiness = (mean - mean.mean()) / mean.std() if mean.std() > 0 else mean * 0.0
    level = np.asarray(pop["level"], np.float64)
    seniority = (3.0 - level) / 3.0
    tenure = np.asarray(pop["tenure_years"], np.float64)
    return np.column_stack([
        readiness, readiness**2, seniority, seniority * readiness, np.log1p(tenure),
        (level == 3).astype(np.float64),
    ])  # fmt: skip


def true_gain(org: SyntheticOrg, plan: SupportPlan) -> float:
    """The sum over people of the true gain (outcome points) of the support the plan gives them."""
    total = 0.0
    for kind, gains in org.truth.individual_effects.items():
        total += float(np.asarray(gains)[plan.support == kind].sum())
    return total


def evidence_loop(org: SyntheticOrg, triaged: TriageResult) -> Report:
    """Season one evaluated, priors updated, season two planned three ways and rolled out.

    A step that cannot run on this organisation (too few people in a support for the model's
    folds, or fewer than :data:`MIN_TREATED` people in a support) ends the loop with its
    reason in ``"skipped"``.
    """
    support = org.population.decode("support").astype(str)
    kinds, counts = np.unique(support[support != "none"], return_counts=True)
    few = [f"{k} ({c})" for k, c in zip(kinds, counts, strict=True) if c < MIN_TREATED]
    if few:
        return {
            "skipped": f"too few people had a support in season one to learn who benefits "
            f"(fewer than {MIN_TREATED}): {', '.join(few)}"
        }
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            report = _loop(org, triaged)
    except SparkusError as error:
        return {"skipped": str(error)}
    # a numerical warning (an ill-conditioned fit, say) is reported as text, not raised
    report["notes"] = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    return report


def _loop(org: SyntheticOrg, triaged: TriageResult) -> Report:
    pop, truth = org.population, org.truth
    sd = truth.outcome_sd
    X = features(org)
    support = pop.decode("support").astype(str)
    gain = np.asarray(pop["outcome_post"], np.float64) - np.asarray(pop["outcome_pre"], np.float64)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SparkusWarning)
        model = BenefitModel(rng=org.seed).fit(X, support, gain)
    concerns = [str(w.message) for w in caught if issubclass(w.category, SparkusWarning)]
    evaluation = []
    estimates: dict[SupportType, tuple[float, float]] = {}
    for label in model.supports_:
        kind = SupportType(label)
        ate = model.ate(kind)
        low, high = model.ate_interval(support=kind)
        se = (high - low) / (2 * 1.959963984540054)
        estimates[kind] = (ate / sd, se / sd)
        evaluation.append({
            "support_type": kind.value,
            "treated": int(np.sum(support == kind.value)),
            "ate": ate,
            "ci": [low, high],
            "true_ate": truth.effects[kind],
            "covers": bool(low <= truth.effects[kind] <= high),
        })  # fmt: skip
    published = EffectPriors()
    planned = {k: v for k, v in estimates.items() if k in published.priors}
    updated = published.update(planned)
    priors = [
        {
            "support_type": kind.value,
            "prior": published.priors[kind].effect,
            "prior_se": published.priors[kind].se,
            "estimate": planned[kind][0],
            "estimate_se": planned[kind][1],
            "updated": updated.priors[kind].effect,
            "updated_se": updated.priors[kind].se,
            "source": updated.priors[kind].source,
        }
        for kind in planned
    ]
    predicted: dict[SupportType | str, Any] = {
        SupportType(k): v / sd for k, v in model.effects(X).items()
    }
    oracle: dict[SupportType | str, Any] = {
        k: np.asarray(v, np.float64) / sd for k, v in truth.individual_effects.items()
    }
    policy = SupportPolicy(fit_weight=0.0)
    plans = {
        "by readiness": _plan(org, triaged, updated, policy, None),
        "by predicted benefit": _plan(org, triaged, updated, policy, predicted),
        "oracle": _plan(org, triaged, updated, policy, oracle),
    }
    best = true_gain(org, plans["oracle"])
    by_readiness = true_gain(org, plans["by readiness"])
    by_benefit = true_gain(org, plans["by predicted benefit"])
    season_two = []
    for name, plan in plans.items():
        value = true_gain(org, plan)
        season_two.append({
            "plan": name,
            "true_gain": value,
            "share_of_oracle": value / best if best > 0 else None,
            "cost": plan.total_cost,
            "supported": plan.supported,
            "by_support": {k: int(v["people"]) for k, v in plan.totals("support").items()},
        })  # fmt: skip
    return {
        "features": list(FEATURES),
        "season_one": {
            "people": len(pop),
            "supported": int(np.sum(support != "none")),
            "evaluation": evaluation,
            "overlap_concerns": concerns,
            "outcome_sd": sd,
        },
        "priors": priors,
        "season_two": {
            "budget": plans["oracle"].budget,
            "currency": org.program.currency,
            "plans": season_two,
            "more_points": by_benefit - by_readiness,
            "more_percent": 100 * (by_benefit / by_readiness - 1) if by_readiness > 0 else None,
        },
        "rollout": _rollout(org, plans["by predicted benefit"], predicted),
    }


def _plan(
    org: SyntheticOrg,
    triaged: TriageResult,
    priors: EffectPriors,
    policy: SupportPolicy,
    effects: Mapping[SupportType | str, Any] | None,
) -> SupportPlan:
    return plan_support(org.population, triaged, org.program, org.providers, priors=priors,
                        policy=policy, effects=effects)  # fmt: skip


def _rollout(
    org: SyntheticOrg,
    plan: SupportPlan,
    predicted: Mapping[SupportType | str, Any],
) -> Report:
    """Season two's participants in randomised waves: whole teams, stratified by level."""
    pop = org.population
    who = np.flatnonzero(plan.support != None)  # an object array of supports
    if who.size < 2 * WAVES:
        return {"skipped": f"{who.size} participants are too few for {WAVES} waves"}
    people = {
        "level": pop.decode("level").astype(str)[who],
        "team": pop.decode("team").astype(str)[who],
        "tenure_years": np.asarray(pop["tenure_years"], np.float64)[who],
        "outcome_pre": np.asarray(pop["outcome_pre"], np.float64)[who],
    }
    design = design_rollout(people, waves=WAVES, strata="level", cluster="team", rng=org.seed)
    effect = float(np.mean([predicted[SupportType(plan.support[i])][i] for i in who]))
    teams = len(design.units)
    power = (
        rollout_power(effect, clusters=teams, steps=WAVES, cluster_size=who.size / teams, icc=ICC)
        if teams >= WAVES
        else None
    )
    smd = np.abs(design.smd)
    gains = np.array(_true_gains(org, plan, who))
    return {
        "participants": int(who.size),
        "teams": teams,
        "waves": WAVES,
        "wave_sizes": [int(c) for c in design.counts.sum(axis=0)],
        "max_abs_smd": float(np.nanmax(smd)) if np.isfinite(smd).any() else None,
        "effect": effect,
        "icc": ICC,
        "power": power,
        "simulated": _simulate_waves(org, design, gains, people["outcome_pre"]),
    }


def _true_gains(org: SyntheticOrg, plan: SupportPlan, who: Any) -> list[float]:
    """Each participant's true gain (points) from the support the plan gives them."""
    truth = org.truth.individual_effects
    return [float(truth[SupportType(plan.support[i])][i]) for i in who]


def _simulate_waves(
    org: SyntheticOrg,
    design: Any,
    gains: np.ndarray[Any, np.dtype[np.float64]],
    baseline: np.ndarray[Any, np.dtype[np.float64]],
) -> Report:
    """The waves' outcomes drawn from the truth, and what the rollout's analysis finds.

    Periods 1 to 3: wave 1 starts in period 2, wave 2 in period 3, wave 3 after the panel (the
    comparison). Each person's outcome is their baseline, plus :data:`TREND` per period, plus
    their true gain once their wave started, plus noise of sd :data:`NOISE`; the baseline is
    their season-one baseline (``outcome_pre``). The true ATT is the
    mean true gain over the treated person-periods, the target of the simple aggregation.
    """
    rng = np.random.default_rng([org.seed, 15])
    n = design.wave.size
    first = np.where(design.wave < WAVES, design.wave + 1, 0)
    periods = np.arange(1, WAVES + 1)
    treated = (periods[None, :] >= first[:, None]) & (first[:, None] > 0)
    y = baseline[:, None] + TREND * (periods[None, :] - 1) + gains[:, None] * treated
    y = y + rng.normal(0.0, NOISE, y.shape)
    # whole teams were randomised: the standard errors are clustered on the team
    did = staggered_did(y.ravel(), np.repeat(np.arange(n), WAVES), np.tile(periods, n),
                        np.repeat(first, WAVES), control="never",
                        cluster=np.repeat(design.unit, WAVES))  # fmt: skip
    test = randomization_test(design, y[:, 1], period=1, draws=999, rng=org.seed)
    return {
        "periods": WAVES,
        "trend": TREND,
        "noise": NOISE,
        "att": did.simple,
        "att_se": did.simple_se,
        "clusters": did.n_clusters,
        "true_att": float(np.broadcast_to(gains[:, None], treated.shape)[treated].mean()),
        "randomization_p": test.pvalue,
    }
