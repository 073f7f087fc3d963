"""``sparkus demo``: the whole pipeline on the synthetic organisation, end to end.

``build_report`` runs the seven steps and gathers what each found into a JSON-ready report;
``_demo_text.py`` renders it for a terminal.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import numpy as np

from sparkus._errors import InfeasibleError, SparkusWarning
from sparkus.cli._demo_loop import evidence_loop
from sparkus.cli._progress import Progress
from sparkus.datasets import SyntheticOrg, simulate_events, synthetic_org
from sparkus.matching import (
    Assignment,
    SupportPlan,
    assign,
    candidate_matrix,
    compare_scenarios,
    form_peer_circles,
)
from sparkus.metrics import (
    Benefit,
    Cost,
    Dashboard,
    Estimate,
    ROIResult,
    Tracker,
    aipw,
    ancova,
    ols,
    overlap,
    robustness_value,
    roi,
    welch_ttest,
    write_html,
)
from sparkus.model import Level, SupportType, schedule_journeys
from sparkus.triage import AuditResult, ReadinessLevel, TriageResult, audit, triage

Report = dict[str, Any]

STEPS = 7
"""The number of progress steps of :func:`build_report`."""


def build_report(
    *, n: int, seed: int, progress: Progress | None = None, html: str | None = None
) -> Report:
    """The demo's findings as JSON-ready data (the text report renders this).

    With `html`, the dashboard of the simulated program is also written there as a
    self-contained HTML report.
    """
    progress = progress if progress is not None else Progress(STEPS, enabled=False)
    with progress.step("synthetic organisation"):
        org = synthetic_org(n, seed=seed)
    with progress.step("readiness triage"):
        triaged = triage(org.population, program=org.program)
        triage_report, audits = _triage(org, triaged)
    with progress.step("support planning"):
        planning, plan = _planning(org, triaged)
    with progress.step("matching"):
        matching, assignments = _matching(org, plan)
    with progress.step("impact and ROI"):
        impact, returns = _impact(org)
    with progress.step("journeys and tracking"):
        dashboard = _tracking(org, triaged, plan, impact, returns)
    with progress.step("evidence loop"):
        loop = evidence_loop(org, triaged)
    if html is not None:
        write_html(dashboard, html, plan=plan, triage=triaged, matching=assignments or None,
                   audit=audits)  # fmt: skip
    return {
        "organisation": _organisation(org),
        "providers": _providers(org),
        "program": _program(org),
        "readiness_instrument": _instrument(org),
        "triage": triage_report,
        "planning": planning,
        "matching": matching,
        "impact": impact,
        "tracking": _tracking_report(dashboard, html),
        "evidence_loop": loop,
        "ground_truth": _truth(org),
    }


def _organisation(org: SyntheticOrg) -> Report:
    pop = org.population
    level_counts = np.bincount(pop["level"], minlength=len(Level))
    managers = pop["manager_id"]
    spans = np.bincount(managers[managers >= 0], minlength=len(pop))
    sites, site_counts = np.unique(pop.decode("site").astype(str), return_counts=True)
    return {
        "n": len(pop),
        "seed": org.seed,
        "levels": [
            {"level": lv.value, "headcount": int(c), "share": float(c / len(pop))}
            for lv, c in zip(Level, level_counts, strict=True)
        ],
        "departments": len(pop.schema["department"].categories),
        "teams": len(pop.schema["team"].categories),
        "median_span_of_control": float(np.median(spans[spans > 0])),
        "sites": [
            {"site": str(s), "headcount": int(c)} for s, c in zip(sites, site_counts, strict=True)
        ],
    }


def _providers(org: SyntheticOrg) -> list[Report]:
    rows = []
    for support in SupportType:
        pool = [p for p in org.providers if p.support_type is support]
        if pool:
            rows.append({
                "support_type": support.value,
                "providers": len(pool),
                "capacity": sum(p.capacity for p in pool),
                "median_fee": float(np.median([p.cost_per_session for p in pool])),
            })  # fmt: skip
    return rows


def _program(org: SyntheticOrg) -> Report:
    program, journey = org.program, org.program.journey
    return {
        "name": program.name,
        "season": program.season.value,
        "season_meaning": program.season.meaning,
        "goals": [g.value for g in program.goals],
        "budget": program.budget,
        "currency": program.currency,
        "min_group_size": program.min_group_size,
        "journey": {
            "name": journey.name,
            "steps": len(journey.steps),
            "duration_days": journey.duration_days,
            "sessions": {
                s.value: len(journey.steps_for(s)) - len(journey.steps_for(None))
                for s in journey.support_types
            },
        },
    }


def _instrument(org: SyntheticOrg) -> list[Report]:
    pop = org.population
    return [
        {"item": name, "mean": float(pop[name].mean()), "sd": float(pop[name].std(ddof=1))}
        for name in pop.attributes
        if pop.schema[name].scale is not None
    ]


def _triage(org: SyntheticOrg, result: TriageResult) -> tuple[Report, dict[str, AuditResult]]:
    """The rubric's triage, its saving, and a fairness audit by department and by level."""
    pop, program = org.population, org.program
    selected = result.sessions > 0  # selected for human sessions
    # Would benefit: the synthetic truth's stage of change is preparation or later.
    benefit = org.truth.stage >= 2
    # The triage above publishes how many were selected (its counts by readiness level), so
    # each audit is told the total is known: it then names any hidden group that total exposes.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparkusWarning)  # said in each audit's own fields
        audits = {
            by: audit(selected, pop.decode(by).astype(str), labels=benefit,
                      min_group_size=program.min_group_size, total_known=True)
            for by in ("department", "level")
        }  # fmt: skip
    truth_level = np.minimum(org.truth.stage, len(ReadinessLevel) - 1)
    return {
        "method": result.method,
        "counts": result.counts,
        "review_queue": int(result.review.sum()),
        "sessions_needed": result.sessions_needed,
        "sessions_full": result.sessions_full,
        "session_saving": result.session_saving,
        "cost": result.cost,
        "cost_full": result.cost_full,
        "cost_saving": result.cost_saving,
        "currency": result.currency,
        "agreement_with_truth": float(np.mean(result.level == truth_level)),
        "audits": {by: found.to_dict() for by, found in audits.items()},
    }, audits


def _planning(org: SyntheticOrg, triaged: TriageResult) -> tuple[Report, SupportPlan]:
    """The three usual answers side by side, and the optimised plan in detail."""
    comparison = compare_scenarios(org.population, triaged, org.program, org.providers)
    scenarios = []
    for name, plan in zip(comparison.names, comparison.plans, strict=True):
        scenarios.append({
            "scenario": name,
            "supported": plan.supported,
            "cost": plan.total_cost,
            "expected_effect": plan.expected_effect,
            "interval": list(plan.confidence_interval),
            "cost_per_effect": plan.total_cost / plan.expected_effect if plan.expected_effect else None,
            "fits_budget": plan.total_cost <= plan.budget,
        })  # fmt: skip
    plan = comparison.plans[comparison.names.index("triaged")]
    return {
        "budget": comparison.budget,
        "currency": comparison.currency,
        "reference": comparison.reference,
        "scenarios": scenarios,
        "plan": {
            "by_support": plan.totals("support"),
            "gap": plan.gap,
            "bound": plan.bound,
            "objective": plan.objective,
            "budget_shadow_price": plan.budget_shadow_price,
            "binding": list(plan.binding),
            "method": plan.method,
        },
    }, plan


def _matching(org: SyntheticOrg, plan: SupportPlan) -> tuple[Report, dict[str, Assignment]]:
    """Who works with whom: coaches and mentors assigned exactly, peer circles formed."""
    pop, program = org.population, org.program
    pairs = []
    assignments: dict[str, Assignment] = {}
    for support in (SupportType.COACHING, SupportType.MENTORING):
        members = plan.ids[plan.support == support]
        if members.size == 0:
            continue
        candidates = candidate_matrix(
            pop, org.providers, support_type=support, program=program, members=members
        )
        exact = assign(candidates)
        assignments[support.value] = exact
        greedy = assign(candidates, matcher="greedy")
        reasons: dict[str, int] = {}
        for reason in exact.unassigned.values():
            reasons[reason] = reasons.get(reason, 0) + 1
        pairs.append({
            "support_type": support.value,
            "participants": int(members.size),
            "providers": len(candidates.provider_ids),
            "places": int(candidates.capacity.sum()),
            "assigned": exact.n_assigned,
            "unassigned": reasons,
            # the mean over nobody placed is undefined: null, not NaN
            "mean_compatibility": exact.mean_compatibility if exact.n_assigned else None,
            "greedy_mean_compatibility": greedy.mean_compatibility if greedy.n_assigned else None,
            "load_gini": exact.load_gini,
            "max_utilisation": exact.max_utilisation,
        })  # fmt: skip
    members = plan.ids[plan.support == SupportType.PEER_SUPPORT]
    circles: Report | None = None
    try:
        formed = form_peer_circles(pop, members, size=(4, 6), rng=org.seed)
    except InfeasibleError as error:  # e.g. 7 people cannot make circles of 4 to 6
        circles = {"participants": int(members.size), "infeasible": str(error)}
    else:
        circles = {
            "participants": int(members.size),
            "circles": len(formed.circles),
            "sizes": sorted({len(c) for c in formed.circles}),
            "objective": formed.objective,
            "random": formed.random_objective,
            "bound": formed.bound,
        }
    return {"assignments": pairs, "peer_circles": circles}, assignments


def _estimate(e: Estimate) -> Report:
    return {"estimate": e.estimate, "ci": [e.ci.low, e.ci.high], "se": e.se, "n": e.n,
            "pvalue": e.pvalue}  # fmt: skip


def _impact(org: SyntheticOrg) -> tuple[Report, ROIResult | None]:
    """The earlier program's effects, estimated three ways against the known truth, and ROI."""
    pop, truth = org.population, org.truth
    support = pop.decode("support").astype(str)
    items = np.column_stack([pop[name] for name in truth.item_loadings])
    readiness = (items.mean(axis=1) - items.mean()) / items.mean(axis=1).std()
    seniority = (3 - pop["level"]) / 3
    post, pre = pop["outcome_post"], pop["outcome_pre"]
    rows = []
    estimates: dict[SupportType, Estimate] = {}
    for kind in (SupportType.COACHING, SupportType.MENTORING):
        keep = np.isin(support, [kind.value, "none"])
        treated = support[keep] == kind.value
        if min(int(treated.sum()), int((~treated).sum())) < max(org.program.min_group_size, 20):
            continue
        growth = (post - pre)[keep]
        covariates = {"readiness_index": readiness[keep], "seniority": seniority[keep]}
        naive = welch_ttest(growth[treated], growth[~treated])
        adjusted = ancova(post[keep], pre[keep], treated, covariates=covariates)
        estimates[kind] = adjusted
        classical = ols(post[keep], {"treated": treated, "pre": pre[keep], **covariates},
                        cov="nonrobust")  # fmt: skip
        robustness = robustness_value(classical, "treated")
        design = {"pre": pre[keep], **covariates}
        # Overlap is judged before any outcome is looked at: where it is poor, the estimand is
        # the effect among people with propensities in [0.1, 0.9] (Crump et al. 2009).
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SparkusWarning)
            overlap(treated, design)
        concerns = [str(w.message) for w in caught if issubclass(w.category, SparkusWarning)]
        # The effect on those who got the support (ATT): the program evaluation question, and
        # it needs only the controls' propensities below 1, so it is not trimmed.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SparkusWarning)  # already reported above
            weighted = aipw(post[keep], treated, design, estimand="ATT")
        # Effects differ between people: each estimate has its own true target. ANCOVA's one
        # coefficient is the treated's gains weighted by the support indicator's residual on
        # the covariates (Frisch-Waugh-Lovell; growth without support is linear in them here).
        gains = truth.individual_effects[kind][keep]
        d = treated.astype(np.float64)
        design_matrix = np.column_stack([np.ones(d.size), pre[keep], *covariates.values()])
        residual = d - design_matrix @ np.linalg.lstsq(design_matrix, d, rcond=None)[0]
        rows.append({
            "support_type": kind.value,
            "treated": int(treated.sum()),
            "control": int((~treated).sum()),
            "true_effect": truth.effects[kind],
            "true_att": float(gains[treated].mean()),
            "ancova_target": float((residual * d * gains).sum() / (residual * d).sum()),
            "naive": _estimate(naive),
            "ancova": _estimate(adjusted),
            "aipw": _estimate(weighted),
            "aipw_trim": None,
            "robustness_value": robustness.rv_q,
            "robustness_value_alpha": robustness.rv_qa,
            "overlap_concerns": concerns,
        })  # fmt: skip
    figures, returns = _roi(org, estimates)
    return {"effects": rows, "outcome_sd": truth.outcome_sd, "roi": figures}, returns


VALUE_PER_POINT = 1_000.0
"""The demo's stated assumption: one point of the development index (0.1 SD) is worth this much
a year per person, between half and double; see the ROI section of the docs."""


def _roi(
    org: SyntheticOrg, estimates: dict[SupportType, Estimate]
) -> tuple[Report | None, ROIResult | None]:
    """The coaching part of the earlier program, by the Phillips method, from its ANCOVA effect."""
    if SupportType.COACHING not in estimates:
        return None, None
    program, cost_model = org.program, org.program.cost_model
    coached = int(np.sum(org.population.decode("support").astype(str) == "coaching"))
    sessions = len(program.journey.steps_for(SupportType.COACHING)) - len(
        program.journey.steps_for(None)
    )
    fee = cost_model.session_cost[SupportType.COACHING]
    benefit = Benefit.from_estimate(
        "development index",
        estimates[SupportType.COACHING],
        value=VALUE_PER_POINT,
        value_range=(VALUE_PER_POINT / 2, VALUE_PER_POINT * 2),
        count=coached,
        confidence=0.5,  # the index is not job performance: half the value is claimed
        unit="points",
    )
    costs = [
        Cost("coaching fees", coached * sessions * fee, "delivery",
             f"{coached} people x {sessions} sessions x {fee:g}"),
        Cost.participant_time(people=coached, hours=sessions * cost_model.session_hours,
                              hourly_cost=cost_model.participant_hourly_cost),
    ]  # fmt: skip
    result = roi(benefit, costs, rng=org.seed, currency=program.currency)
    return {
        "coached": coached,
        "value_per_point": VALUE_PER_POINT,
        "currency": program.currency,
        "benefit": result.benefit,
        "cost": result.cost,
        "bcr": result.bcr,
        "bcr_ci": list(result.bcr_ci),
        "roi_percent": result.roi,
        "roi_ci": list(result.roi_ci),
        "payback_months": result.payback_months,
        "break_even_probability": result.break_even_probability,
        "level": result.level,
    }, result


PROGRAM_START = dt.datetime(2027, 1, 11, tzinfo=dt.UTC)
"""When the demo's program starts: every journey's day 0."""


def _tracking(
    org: SyntheticOrg,
    triaged: TriageResult,
    plan: SupportPlan,
    impact: Report,
    returns: ROIResult | None,
) -> Dashboard:
    """Journeys for everyone the plan supports, simulated events, and the live dashboard."""
    pop, program = org.population, org.program
    enrolled = plan.enrolled()
    supported = np.flatnonzero(plan.support != None)  # the rows of `enrolled`, for the groups
    schedule = schedule_journeys(
        program.journey,
        **enrolled,
        start=PROGRAM_START,
        excess="truncate",
    )
    events = simulate_events(schedule, rng=org.seed, readiness=triaged.level[supported])
    groups = {by: pop.decode(by).astype(str)[supported] for by in ("department", "level")}
    groups["support_type"] = np.array([s.value for s in enrolled["support"]], dtype=object)
    tracker = Tracker(program, schedule, groups=groups)
    tracker.update(events)
    coaching = next((r for r in impact["effects"] if r["support_type"] == "coaching"), None)
    estimate = None
    if coaching is not None:
        e = coaching["ancova"]
        estimate = {"method": "ANCOVA (earlier program, coaching)", "estimate": e["estimate"],
                    "ci": e["ci"], "level": 0.95, "n": e["n"], "pvalue": e["pvalue"]}  # fmt: skip
    # the ROIResult itself, so that the report shows the assumptions it rests on
    return tracker.snapshot(impact=estimate, roi=returns)


def _tracking_report(dashboard: Dashboard, html: str | None) -> Report:
    data = dashboard.to_json_dict()
    return {
        "as_of": data["as_of"],
        "totals": data["totals"],
        "funnel": data["funnel"],
        "suppressed": data["suppressed"],
        "html": html,
    }


def _truth(org: SyntheticOrg) -> Report:
    pop, truth = org.population, org.truth
    minimum = org.program.min_group_size
    growth = pop["outcome_post"] - pop["outcome_pre"]
    received, kinds = pop["support"], pop.schema["support"].categories
    untreated = np.asarray(received == kinds.index("none"), dtype=bool)
    effects = []
    for kind in SupportType:
        group = np.asarray(received == (kinds.index(kind.value) if kind.value in kinds else -1))
        size = int(group.sum())
        shown = size >= minimum and int(untreated.sum()) >= minimum
        naive = float(growth[group].mean() - growth[untreated].mean()) if shown else None
        effects.append({
            "support_type": kind.value,
            "n": size if shown else None,
            "naive_difference": naive,
            "true_effect": truth.effects[kind],
            "true_att": float(truth.individual_effects[kind][group].mean()) if shown else None,
        })  # fmt: skip
    shares = np.bincount(truth.stage, minlength=len(truth.stages)) / len(pop)
    return {
        "stages": [
            {"stage": name, "share": float(share)}
            for name, share in zip(truth.stages, shares, strict=True)
        ],
        "effects": effects,
        "outcome_sd": truth.outcome_sd,
        "selection": truth.selection,
    }
