"""The report's sections on the set-up (issue 14): budget and plan, triage, matching, fairness.

Real results of a small synthetic organisation for the sections' content, and hand-made ones
(the sections read only a few figures, described by Protocols) for the privacy rule, where the
counts must be chosen.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import assign, candidate_matrix, plan_support
from sparkus.metrics import render_html
from sparkus.metrics._tracking.sections import withhold
from sparkus.model import SupportType
from sparkus.triage import audit, triage
from tests.metrics.tracking._dashboard_fixture import dashboard_snapshot


def _section(page: str, name: str) -> str:
    """The words of one section of the page, tags removed."""
    found = re.search(rf'<section id="{name}".*?</section>', page, re.DOTALL)
    assert found is not None, f"no section {name!r}"
    cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " | ", found.group(0)))
    return re.sub(r"\s*(\|\s*)+", " | ", cells)


@pytest.fixture(scope="module")
def steps() -> dict[str, Any]:
    """Triage, plan, assignments and audits of a synthetic organisation of 400 people."""
    org = synthetic_org(400, seed=3)
    triaged = triage(org.population, program=org.program)
    plan = plan_support(org.population, triaged, org.program, org.providers)
    members = plan.ids[plan.support == SupportType.MENTORING]
    candidates = candidate_matrix(org.population, org.providers,
                                  support_type=SupportType.MENTORING, program=org.program,
                                  members=members)  # fmt: skip
    selected = triaged.sessions > 0
    audits = {
        by: audit(selected, org.population.decode(by).astype(str), min_group_size=5)
        for by in ("department", "level")
    }
    return {"plan": plan, "triage": triaged, "matching": {"mentoring": assign(candidates)},
            "audit": audits}  # fmt: skip


def test_sections_appear_in_order_only_when_given(steps):
    """Each input adds its section; without them the page is the dashboard alone."""
    ids = re.findall(r'<section id="([a-z]+)"', render_html(dashboard_snapshot(), **steps))
    assert ids == ["totals", "triage", "plan", "matching", "engagement", "funnel", "groups",
                   "impact", "roi", "fairness", "suppressed"]  # fmt: skip
    alone = re.findall(r'<section id="([a-z]+)"', render_html(dashboard_snapshot()))
    assert not {"triage", "plan", "matching", "fairness"} & set(alone)
    only = re.findall(r'<section id="([a-z]+)"', render_html(dashboard_snapshot(),
                                                              plan=steps["plan"]))  # fmt: skip
    assert "plan" in only
    assert "triage" not in only


def test_plan_section_shows_budget_cost_reach_and_effect(steps):
    """The plan's budget, cost, reach and expected effect are the plan's own figures."""
    plan = steps["plan"]
    words = _section(render_html(dashboard_snapshot(), plan=plan), "plan")
    assert f"Budget {plan.budget:,.0f} {plan.currency}" in words
    assert f"the plan costs {plan.total_cost:,.0f} {plan.currency}" in words
    assert f"supports {plan.supported:,} of {plan.n:,} people" in words
    totals = plan.totals("support")
    big = [s for s, t in totals.items() if t["people"] >= 5 * 2]
    for support in big:
        label = support.replace("self_guided", "self-guided").replace("_", " ")
        assert f"| {label} | {int(totals[support]['people']):,} |" in words


def test_triage_section_counts_people_by_readiness(steps):
    """People by readiness level and the review queue come from the triage."""
    result = steps["triage"]
    words = _section(render_html(dashboard_snapshot(), triage=result), "triage")
    counts = result.counts
    assert f"| highly ready | {counts['highly_ready']:,} |" in words
    assert f"| emerging | {counts['emerging']:,} |" in words
    assert f"{int(result.review.sum()):,} sent to a person for review" in words


def test_matching_section_shows_placements(steps):
    """Participants, placed and places per support type come from the assignment."""
    a = steps["matching"]["mentoring"]
    words = _section(render_html(dashboard_snapshot(), matching=steps["matching"]), "matching")
    assert f"| mentoring | {a.n:,} | {a.n_assigned:,} | {int(a.capacity.sum()):,} |" in words


def test_fairness_section_shows_each_grouping(steps):
    """Every audit's published groups, with their selection rates and flags."""
    words = _section(render_html(dashboard_snapshot(), audit=steps["audit"]), "fairness")
    assert "By department" in words
    assert "By level" in words
    level = steps["audit"]["level"]
    for group, rate in level.selection_rates.items():
        assert f"| {group.replace('_', ' ')} | {level.counts[group]:,} | {100 * rate:.1f}% |" in (
            words
        )
    assert "four fifths" in words


# -- the privacy rule, on hand-made results -----------------------------------------------------


class _Plan:
    """A plan with chosen counts: 3 people get coaching, 40 mentoring, 200 reflection."""

    budget, total_cost, currency = 100_000.0, 90_000.0, "EUR"
    expected_effect, confidence_interval, confidence_level = 30.0, (10.0, 50.0), 0.95
    n, supported = 300, 243
    _totals: ClassVar[dict[str, dict[str, float]]] = {
        "coaching": {"people": 3, "cost": 11_000.0, "effect": 1.2},
        "mentoring": {"people": 40, "cost": 9_000.0, "effect": 8.0},
        "self_guided_reflection": {"people": 200, "cost": 70_000.0, "effect": 20.8},
        "none": {"people": 57, "cost": 0.0, "effect": 0.0},
    }

    def totals(self, by: str = "support") -> dict[str, dict[str, float]]:
        return self._totals


class _Assignment:
    """Coaching's assignment: 3 people, all placed."""

    n, n_assigned, unassigned = 3, 3, {}
    capacity = np.array([4, 4])
    mean_compatibility = 0.7


def test_a_small_support_type_is_withheld_with_a_complement():
    """3 coached: count, cost and effect withheld; the next smallest's cost and effect too."""
    page = render_html(dashboard_snapshot(), plan=_Plan(), matching={"coaching": _Assignment()})
    words = _section(page, "plan")
    assert "| coaching | suppressed | suppressed | suppressed |" in words
    # the headline's supported count, cost and effect would give coaching's back: mentoring goes
    assert "| mentoring | suppressed | suppressed | suppressed |" in words
    assert "11,000" not in words
    assert "1.20" not in words
    assert "fewer than 5 people" in words
    # the matching section withholds what the plan withheld
    matching = _section(page, "matching")
    assert "| coaching | suppressed | suppressed | suppressed |" in matching
    assert "0.70" not in matching


@given(st.lists(st.integers(0, 40), min_size=1, max_size=8), st.integers(2, 10))
def test_no_withheld_count_stands_alone_beside_a_known_total(counts, minimum):
    """Withheld: every count of 1 to minimum - 1, and never exactly one positive count."""
    hidden = withhold(counts, minimum)
    assert {i for i, c in enumerate(counts) if 0 < c < minimum} <= hidden
    positive = [i for i, c in enumerate(counts) if c > 0]
    assert len(hidden) != 1 or len(positive) == 1
    assert all(counts[i] > 0 for i in hidden)


def test_bad_inputs_are_named():
    """A wrong kind of input is a SchemaError naming it, every problem at once."""
    with pytest.raises(SchemaError) as caught:
        render_html(dashboard_snapshot(), plan=1, triage="t", matching={"coaching": 2},  # type: ignore[arg-type]
                    audit=[])  # type: ignore[arg-type]  # fmt: skip
    text = str(caught.value)
    for name in ("plan:", "triage:", "matching.coaching:", "audit:"):
        assert name in text
