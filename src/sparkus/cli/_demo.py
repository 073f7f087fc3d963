"""``sparkus demo``: the pipeline, as far as it exists, on the synthetic organisation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sparkus.cli._progress import Progress
from sparkus.datasets import SyntheticOrg, synthetic_org
from sparkus.matching import compare_scenarios
from sparkus.model import Level, SupportType
from sparkus.triage import ReadinessLevel, TriageResult, audit, triage

Report = dict[str, Any]

STEPS = 3
"""The number of progress steps of :func:`build_report`."""


def build_report(*, n: int, seed: int, progress: Progress | None = None) -> Report:
    """The demo's findings as JSON-ready data (the text report renders this)."""
    progress = progress if progress is not None else Progress(STEPS, enabled=False)
    with progress.step("synthetic organisation"):
        org = synthetic_org(n, seed=seed)
    with progress.step("readiness triage"):
        triaged = triage(org.population, program=org.program)
        triage_report = _triage(org, triaged)
    with progress.step("support planning"):
        planning = _planning(org, triaged)
    return {
        "organisation": _organisation(org),
        "providers": _providers(org),
        "program": _program(org),
        "readiness_instrument": _instrument(org),
        "triage": triage_report,
        "planning": planning,
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


def _triage(org: SyntheticOrg, result: TriageResult) -> Report:
    """The rubric's triage, its saving, and a fairness audit by department and by level."""
    pop, program = org.population, org.program
    selected = result.sessions > 0  # selected for human sessions
    # Would benefit: the synthetic truth's stage of change is preparation or later.
    benefit = org.truth.stage >= 2
    audits = {
        by: audit(selected, pop.decode(by).astype(str), labels=benefit,
                  min_group_size=program.min_group_size).to_dict()
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
        "audits": audits,
    }


def _planning(org: SyntheticOrg, triaged: TriageResult) -> Report:
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


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(cell)) for cell in col) for col in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return indent + "  ".join(parts).rstrip()

    rule = indent + "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def render_report(report: Report) -> str:
    """The report as text for a terminal."""
    org, program, truth = report["organisation"], report["program"], report["ground_truth"]
    minimum = program["min_group_size"]
    out = [
        f"sparkus demo: a synthetic organisation of {org['n']:,} people (seed {org['seed']})",
        "",
        "Organisation",
        _table(
            ["level", "headcount", "share"],
            [
                [r["level"].replace("_", " "), f"{r['headcount']:,}", f"{r['share']:.1%}"]
                for r in org["levels"]
            ],
        ),
        (
            f"  {org['departments']} departments, {org['teams']:,} teams, "
            f"{len(org['sites'])} sites; median span of control {org['median_span_of_control']:g}"
        ),
        "",
        "Providers",
        _table(
            ["support", "providers", "capacity", "median fee"],
            [
                [
                    r["support_type"].replace("_", " "),
                    f"{r['providers']:,}",
                    f"{r['capacity']:,}",
                    f"{r['median_fee']:,.0f}",
                ]
                for r in report["providers"]
            ],
        ),
        "",
        f"Program: {program['name']!r}",
        f"  season: {program['season']} ({program['season_meaning']})",
        f"  goals: {', '.join(g.replace('_', ' ') for g in program['goals'])}",
        f"  budget: {program['currency']} {program['budget']:,.0f}",
        f"  journey: {program['journey']['steps']} steps over "
        f"{program['journey']['duration_days']} days; sessions offered: "
        + ", ".join(
            f"{k.replace('_', ' ')} {v}" for k, v in program["journey"]["sessions"].items()
        ),
        "",
        "Readiness instrument (scale 1-5)",
        _table(
            ["item", "mean", "sd"],
            [
                [r["item"], f"{r['mean']:.2f}", f"{r['sd']:.2f}"]
                for r in report["readiness_instrument"]
            ],
        ),
        "",
        *_render_triage(report["triage"], minimum),
        "",
        *_render_planning(report["planning"]),
        "",
        "Ground truth (known only because the organisation is synthetic)",
        "  stages of change: "
        + ", ".join(f"{s['stage']} {s['share']:.1%}" for s in truth["stages"]),
        "",
        "  The earlier program: growth of the development index, supported minus unsupported",
        _table(
            ["support", "n", "naive difference", "true effect"],
            [
                [
                    r["support_type"].replace("_", " "),
                    f"{r['n']:,}" if r["n"] is not None else f"<{minimum}",
                    f"{r['naive_difference']:+.2f}"
                    if r["naive_difference"] is not None
                    else "suppressed",
                    f"{r['true_effect']:+.2f}",
                ]
                for r in truth["effects"]
            ],
            indent="    ",
        ),
        *_bias_note(truth["effects"]),
    ]
    return "\n".join(out)


def _bias_note(effects: Sequence[dict[str, Any]]) -> list[str]:
    shown = [r for r in effects if r["naive_difference"] is not None]
    over = sum(r["naive_difference"] > r["true_effect"] for r in shown)
    return [
        f"  The naive difference overstates {over} of the {len(shown)} effects shown: people were",
        "  selected on readiness and seniority, which also drive growth. Adjusted estimators",
        "  (sparkus.metrics, to come) must recover the true effects.",
    ]


def _render_triage(t: Report, minimum: int) -> list[str]:
    counts = t["counts"]
    n = sum(counts.values())
    out = [
        f"Readiness triage ({t['method']}: transparent weighted items against thresholds)",
        _table(
            ["level", "people", "share"],
            [[k.replace("_", " "), f"{v:,}", f"{v / n:.1%}"] for k, v in counts.items() if v],
        ),
        f"  review queue: {t['review_queue']:,} people whose score sits near a threshold",
        (
            f"  human sessions: {t['sessions_needed']:,} against {t['sessions_full']:,} if "
            f"everyone got full coaching (saving {t['session_saving']:.1%})"
        ),
    ]
    if t["cost"] is not None:
        out.append(
            f"  cost: {t['currency']} {t['cost']:,.0f} against {t['cost_full']:,.0f} "
            f"(saving {t['cost_saving']:.1%}; what the saving costs in impact is for sparkus.metrics)"
        )
    out.append(
        f"  agreement with the synthetic truth's stage of change: {t['agreement_with_truth']:.1%}"
    )
    for by, result in t["audits"].items():
        out += ["", f"  Fairness audit by {by}: selection for human sessions (four-fifths rule)"]
        rows = [
            [
                str(g).replace("_", " "),
                f"{result['counts'][g]:,}",
                f"{result['selection_rates'][g]:.1%}",
                f"{result['impact_ratios'][g]:.2f}",
                "FLAG" if result["flagged"][g] else "",
                "-"
                if result["tpr"] is None or result["tpr"][g] is None
                else f"{result['tpr'][g]:.1%}",
            ]
            for g in result["counts"]
        ]
        out.append(
            _table(["group", "people", "selected", "impact ratio", "< 4/5", "TPR"], rows, "    ")
        )
        if result["suppressed"]:
            hidden = ", ".join(str(g) for g in result["suppressed"])
            out.append(f"    suppressed (groups under {minimum}, and complements): {hidden}")
    return out


def _render_planning(p: Report) -> list[str]:
    currency = p["currency"]
    rows = [
        [
            s["scenario"],
            f"{s['supported']:,}",
            f"{s['cost']:,.0f}",
            f"{s['expected_effect']:,.1f}",
            f"{s['interval'][0]:,.1f} to {s['interval'][1]:,.1f}",
            "-" if s["cost_per_effect"] is None else f"{s['cost_per_effect']:,.0f}",
            "yes" if s["fits_budget"] else "no",
        ]
        for s in p["scenarios"]
    ]
    everyone = next(s for s in p["scenarios"] if s["scenario"] == p["reference"])
    triaged = next(s for s in p["scenarios"] if s["scenario"] == "triaged")
    plan = p["plan"]
    support_rows = [
        [k.replace("_", " "), f"{v['people']:,}", f"{v['cost']:,.0f}", f"{v['effect']:,.1f}"]
        for k, v in plan["by_support"].items()
    ]
    return [
        (
            "Support planning: the usual answers beside the optimised plan "
            f"(budget {currency} {p['budget']:,.0f})"
        ),
        _table(
            [
                "scenario",
                "supported",
                f"cost ({currency})",
                "expected effect",
                "95% interval",
                "cost per unit",
                "fits budget",
            ],
            rows,
        ),
        "  expected effect: people x standard deviations of improvement, from the published priors",
        (
            f"  the triaged plan costs {triaged['cost'] / everyone['cost']:.1%} of "
            f"'{p['reference']}' and keeps {triaged['expected_effect'] / everyone['expected_effect']:.1%} "
            "of its expected effect: 'up to 75% saved without losing impact' does not hold here"
            if triaged["expected_effect"] < everyone["expected_effect"]
            else "  the triaged plan keeps all the expected effect of the reference"
        ),
        "",
        (
            f"  The triaged plan (gap to the proven bound {plan['gap']:.3%}; binding: "
            f"{', '.join(plan['binding']) or 'none'})"
        ),
        _table(
            ["support", "people", f"cost ({currency})", "expected effect"], support_rows, "    "
        ),
    ]
