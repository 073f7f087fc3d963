"""The ``sparkus demo`` report as text for a terminal: one section per step of the program.

``render_report`` reads only the JSON-ready report that ``build_report`` (in ``_demo.py``) returns,
what ``sparkus demo --json`` prints, so the text and the JSON can never disagree.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

Report = dict[str, Any]


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
        *_render_matching(report["matching"]),
        "",
        *_render_impact(report["impact"]),
        "",
        *_render_tracking(report["tracking"]),
        "",
        *_render_loop(report["evidence_loop"]),
        "",
        "Ground truth (known only because the organisation is synthetic)",
        "  stages of change: "
        + ", ".join(f"{s['stage']} {s['share']:.1%}" for s in truth["stages"]),
        "",
        "  The earlier program: growth of the development index, supported minus unsupported",
        _table(
            ["support", "n", "naive difference", "true effect on them", "true average"],
            [
                [
                    r["support_type"].replace("_", " "),
                    f"{r['n']:,}" if r["n"] is not None else f"<{minimum}",
                    f"{r['naive_difference']:+.2f}"
                    if r["naive_difference"] is not None
                    else "suppressed",
                    f"{r['true_att']:+.2f}" if r["true_att"] is not None else "suppressed",
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
    over = sum(r["naive_difference"] > r["true_att"] for r in shown)
    return [
        f"  The naive difference overstates {over} of the {len(shown)} effects shown: people were",
        "  selected on readiness and seniority, which also drive growth. Effects differ between",
        "  people: the true effect on those who got a support (ATT) is not the organisation's",
        "  average (ATE); the adjusted estimators above are checked against what each targets.",
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
            f"(saving {t['cost_saving']:.1%}; what it costs in impact: see the planning below)"
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
                "undefined"
                if result["impact_ratios"][g] is None
                else f"{result['impact_ratios'][g]:.2f}",
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
            out.append(
                f"    not audited (fewer than {minimum} people; totals withheld for them): {hidden}"
            )
        lines = [text for text in result["limits"] if "not audited" not in text]  # said above
        lines += [f"not protected: {g}: {why}" for g, why in result["exposed"].items()]
        for line in lines:
            out += textwrap.wrap(
                line,
                width=96,
                initial_indent="    ",
                subsequent_indent="      ",
            )
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


def _maybe(value: float | None, spec: str) -> str:
    """A number formatted, or a dash where it is undefined (None)."""
    return "-" if value is None else format(value, spec)


def _render_matching(m: Report) -> list[str]:
    rows = [
        [
            a["support_type"],
            f"{a['participants']:,}",
            f"{a['places']:,}",
            f"{a['assigned']:,}",
            _maybe(a["mean_compatibility"], ".3f"),
            _maybe(a["greedy_mean_compatibility"], ".3f"),
            f"{a['load_gini']:.2f}",
        ]
        for a in m["assignments"]
    ]
    out = [
        "Matching: the plan's coaching and mentoring participants assigned to providers",
        _table(
            ["support", "people", "places", "assigned", "compatibility", "greedy", "load Gini"],
            rows,
        ),
        "  compatibility: mean weighted score (0 to 1) of goal fit, language, time zones and",
        "  seniority, no one matched inside their own reporting line; exact = optimal assignment,",
        "  greedy = best pair first, the usual spreadsheet answer",
    ]
    for a in m["assignments"]:
        for reason, count in a["unassigned"].items():
            out.append(f"  {a['support_type']}: {count:,} unassigned ({reason})")
    c = m["peer_circles"]
    if "infeasible" in c:
        out.append(f"  peer circles: {c['participants']:,} people: {c['infeasible']}")
    else:
        out.append(
            f"  peer circles: {c['participants']:,} people in {c['circles']:,} circles of "
            f"{min(c['sizes'])} to {max(c['sizes'])} people; fit {c['objective']:.3f} against "
            f"{c['random']:.3f} for random circles (bound {c['bound']:.3f})"
        )
    return out


def _render_impact(m: Report) -> list[str]:
    rows = []
    for r in m["effects"]:
        for method, label in (("naive", "naive"), ("ancova", "ANCOVA"), ("aipw", "AIPW")):
            e = r[method]
            low, high = e["ci"]
            target = r["ancova_target"] if method == "ancova" else r["true_att"]
            covers = low <= target <= high
            rows.append([
                r["support_type"] if method == "naive" else "",
                label,
                f"{e['estimate']:+.2f}",
                f"{low:+.2f} to {high:+.2f}",
                f"{target:+.2f}",
                "yes" if covers else "NO",
            ])  # fmt: skip
    out = [
        (
            "Impact of the earlier program: development index points (SD "
            f"{m['outcome_sd']:g}), each support against none"
        ),
        _table(["support", "method", "estimate", "95% CI", "truth", "covers truth"], rows),
        "  naive: the raw difference in growth, with no adjustment;",
        "  ANCOVA: adjusted for prior scores, readiness and seniority (regression of the score",
        "  after on the score before; HC1 standard errors);",
        "  AIPW: doubly robust, logistic propensity and a linear outcome model per arm, for",
        "  the effect on those who got the support (ATT);",
        "  truth: the true ATT for naive and AIPW; for ANCOVA the weighted mean of the treated's",
        "  true gains its one coefficient estimates (weights: the support indicator's residual",
        "  on the covariates). The organisation-wide averages (ATE) are under Ground truth.",
    ]
    for r in m["effects"]:
        for concern in r["overlap_concerns"]:
            out.append(f"  overlap ({r['support_type']}): {concern}")
        if r["aipw_trim"] is not None:
            out.append(
                f"  so AIPW for {r['support_type']} keeps propensities in "
                f"[{r['aipw_trim']:g}, {1 - r['aipw_trim']:g}] (Crump et al. 2009)"
            )
    out.append("  sensitivity to an unmeasured confounder (Cinelli & Hazlett 2020):")
    for r in m["effects"]:
        out.append(
            f"    {r['support_type']}: it would have to explain {r['robustness_value']:.1%} of the "
            f"residual variance of both {r['support_type']} and the outcome to erase the ANCOVA "
            f"effect, {r['robustness_value_alpha']:.1%} to make it not significant"
        )
    r = m["roi"]
    if r is not None:
        cur = r["currency"]
        payback = "never" if r["payback_months"] is None else f"{r['payback_months']:.1f} months"
        out += [
            "",
            f"  Return on the coaching ({r['coached']:,} people), Phillips method, first year only",
            (
                f"    benefits {cur} {r['benefit']:,.0f}: the ANCOVA effect x {cur} "
                f"{r['value_per_point']:,.0f} per point a year (an assumption), half claimed"
            ),
            f"    costs {cur} {r['cost']:,.0f}: fees and participants' time",
            (
                f"    ROI {r['roi_percent']:.0f}% ({r['level']:.0%} interval {r['roi_ci'][0]:.0f}% to "
                f"{r['roi_ci'][1]:.0f}%), benefit-cost ratio {r['bcr']:.2f}, payback {payback},"
            ),
            f"    chance of breaking even {r['break_even_probability']:.0%}",
        ]
    return out


def _render_tracking(t: Report) -> list[str]:
    totals = t["totals"]

    def share(value: float | None) -> str:
        return "suppressed" if value is None else f"{value:.1%}"

    def number(value: float | None, spec: str) -> str:
        return "suppressed" if value is None else format(value, spec)

    out = [
        f"Tracking: simulated events of the program, as HR sees them on {t['as_of'][:10]}",
        (
            f"  participants {number(totals['participants'], ',')}, active in the last two weeks "
            f"{number(totals['active'], ',')} ({share(totals['participation_rate'])}); steps "
            f"completed {share(totals['completion_rate'])}; overdue steps "
            f"{number(totals['overdue_steps'], ',')}"
        ),
        (
            f"  session ratings: mean {number(totals['mean_rating'], '.2f')} of 10, "
            f"NPS {number(totals['nps'], '+.0f')}"
        ),
    ]
    core = [f for f in t["funnel"] if f["due"] and f["step"] in _FUNNEL_SHOWN]
    if core:
        out.append(
            "  funnel: "
            + ", ".join(
                f"{f['step']} "
                + ("suppressed" if f["completed"] is None else f"{f['completed'] / f['due']:.0%}")
                for f in core
            )
        )
    days = [s for s in t["suppressed"] if s["grouping"] == "engagement"]
    if days:  # the series' days: withheld for a reason of their own, not a small group
        out.append(
            "  engagement by day, withheld: "
            + "; ".join(f"{s['group']} ({s['reason']})" for s in days[:3])
            + (f" and {len(days) - 3} more" if len(days) > 3 else "")
        )
    groups = [s for s in t["suppressed"] if s["grouping"] != "engagement"]
    if groups:
        cells = [
            f"{s['grouping']} {s['group']}" + (f" ({s['figure']})" if s.get("figure") else "")
            for s in groups
        ]
        more = len(cells) - 6
        out.append(
            f"  suppressed (small groups and linked cells): {', '.join(cells[:6])}"
            + (f" and {more} more" if more > 0 else "")
        )
    if t["html"]:
        out.append(f"  dashboard written to {t['html']} (self-contained, opens offline)")
    return out


_FUNNEL_SHOWN = ("kickoff", "vision", "self-assessment", "manager-feedback", "checkpoint-mid",
                 "checkpoint-final")  # fmt: skip


def _render_loop(loop: Report) -> list[str]:
    """The evidence loop: season one evaluated, priors updated, season two planned by benefit."""
    title = "Evidence loop: learn who benefits from season one, plan season two by it"
    if "skipped" in loop:
        return [title, "  skipped: " + loop["skipped"].replace("\n", " ")]
    one, two, rollout = loop["season_one"], loop["season_two"], loop["rollout"]
    currency = two["currency"]
    evaluation = [
        [
            r["support_type"].replace("_", " "),
            f"{r['treated']:,}",
            f"{r['ate']:+.2f}",
            f"{r['ci'][0]:+.2f} to {r['ci'][1]:+.2f}",
            f"{r['true_ate']:+.2f}",
        ]
        for r in one["evaluation"]
    ]
    priors = [
        [
            r["support_type"].replace("_", " "),
            f"{r['prior']:.2f} ± {r['prior_se']:.2f}",
            f"{r['estimate']:.2f} ± {r['estimate_se']:.2f}",
            f"{r['updated']:.2f} ± {r['updated_se']:.2f}",
        ]
        for r in loop["priors"]
    ]
    plans = [
        [
            p["plan"],
            f"{p['true_gain']:,.0f}",
            _maybe(p["share_of_oracle"], ".1%"),
            f"{p['cost']:,.0f}",
            f"{p['supported']:,}",
        ]
        for p in two["plans"]
    ]
    kinds = list(dict.fromkeys(k for p in two["plans"] for k in p["by_support"]))
    people = [
        [k.replace("_", " "), *(f"{p['by_support'].get(k, 0):,}" for p in two["plans"])]
        for k in kinds
    ]
    more = two["more_percent"]
    out = [
        title,
        (
            f"  Season one: the earlier program ({one['supported']:,} of {one['people']:,} "
            "people supported, triaged by readiness)."
        ),
        textwrap.fill(
            "Who benefits: a doubly robust learner (BenefitModel) of each person's gain from "
            "each support, on observed traits: " + ", ".join(loop["features"]) + ".",
            width=96,
            initial_indent="  ",
            subsequent_indent="  ",
        ),
        "",
        "  Evaluation: each support's average effect (development index points) against the truth",
        _table(["support", "treated", "model ATE", "95% interval", "true ATE"], evaluation, "    "),
    ]
    if one["overlap_concerns"]:
        out.append(f"  Overlap warnings from the model ({len(one['overlap_concerns'])}):")
        out += [
            textwrap.fill(c, width=96, initial_indent="    - ", subsequent_indent="      ")
            for c in one["overlap_concerns"]
        ]
    out += [
        "",
        "  Updated priors (standardised effects, mean ± se): published prior + this organisation",
        _table(["support", "published", "this organisation", "updated"], priors, "    "),
        "  (normal-normal, tau = 0: the published table states no between-program spread, so the",
        "  prior counts at its own precision; a stated tau would weigh this organisation's estimate",
        "  more. Each updated prior keeps the sources of both.)",
        "",
        (
            f"  Season two: the same budget ({currency} {two['budget']:,.0f}) and providers, "
            "three ways, valued by the true gain"
        ),
        _table(
            ["plan", "true gain (points)", "of oracle", f"cost ({currency})", "supported"],
            plans,
            "    ",
        ),
        _table(["people by support", *(p["plan"] for p in two["plans"])], people, "    "),
        "  All three plans ignore provider fit (fit_weight 0), so the oracle, planned on each",
        "  person's true gains, is the best any targeting can do with this budget.",
        (
            f"  The same budget buys {two['more_points']:+,.0f} points ({more:+.1f}%) of true "
            "gain when planned\n  by predicted benefit instead of by readiness."
            if more is not None
            else "  The readiness plan has no true gain to compare with."
        ),
        "",
    ]
    out += [
        textwrap.fill(note, width=96, initial_indent="  note: ", subsequent_indent="    ")
        for note in loop["notes"]
    ]
    if "skipped" in rollout:
        return [*out, "  Rollout: skipped: " + rollout["skipped"]]
    return [
        *out,
        (
            f"  Rollout: the {rollout['participants']:,} season-two participants (by predicted "
            f"benefit) in {rollout['teams']:,} teams,"
        ),
        f"  whole teams randomised to {rollout['waves']} waves, stratified by level",
        "  wave sizes: "
        + ", ".join(f"{s:,}" for s in rollout["wave_sizes"])
        + f"; balance: max |SMD| {_maybe(rollout['max_abs_smd'], '.3f')} (tenure, baseline)",
        (
            f"  stepped-wedge power for the predicted average gain ({rollout['effect']:.2f} SD), "
            f"intra-team correlation {rollout['icc']:g}: {_maybe(rollout['power'], '.1%')}"
        ),
        *_render_simulated(rollout["simulated"]),
    ]


def _render_simulated(sim: Report) -> list[str]:
    """The simulated waves: staggered DiD's simple ATT against the true ATT, and the p-value."""
    low, high = sim["att"] - 1.959964 * sim["att_se"], sim["att"] + 1.959964 * sim["att_se"]
    return [
        (
            f"  Simulated from the truth ({sim['periods']} periods, trend {sim['trend']:g} point "
            f"a period, noise sd {sim['noise']:g};"
        ),
        "  wave 3 starts after the panel and is the comparison):",
        (
            f"    staggered DiD simple ATT {sim['att']:+.2f} points ({low:+.2f} to {high:+.2f}; "
            f"se clustered on {sim['clusters']:,} teams) against the true ATT "
            f"{sim['true_att']:+.2f}"
        ),
        (
            "    randomisation p-value (wave 1 against later waves in period 2): "
            f"{sim['randomization_p']:.3f}"
        ),
    ]
