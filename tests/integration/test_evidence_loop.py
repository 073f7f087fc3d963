"""The evidence loop against the synthetic organisation's truth (issue 15).

The policy learned on season one (a :class:`~sparkus.triage.BenefitModel` on the earlier
program) plans season two by predicted benefit; each plan is valued by the sum over people of
the *true* gain of the support it gives them (``org.truth.individual_effects``), the same
budget and providers for all, provider fit ignored (``fit_weight=0``), so the oracle plan (on
the true gains) is the best any targeting can reach.

The stated share: measured on this code (2026-12) at n = 6,000, the predicted-benefit plan
captured 0.961, 0.954 and 0.958 of the oracle's true gain for seeds 0, 1 and 2 (0.920 to 0.961
over seeds 0-4), the readiness plan 0.79 to 0.80; the test asks for at least 0.90. At n = 4,000
the share falls to 0.83-0.98 (a smaller season one teaches less), so the claim is stated at
n = 6,000.
"""

from __future__ import annotations

import warnings

import pytest

from sparkus._errors import SparkusWarning
from sparkus.cli._demo_loop import evidence_loop
from sparkus.datasets import synthetic_org
from sparkus.triage import triage

SHARE = 0.90
"""The stated share of the oracle's true gain the predicted-benefit plan captures."""


def _loop(n: int, seed: int) -> dict:
    org = synthetic_org(n, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SparkusWarning)  # the loop captures its own warnings
        return evidence_loop(org, triage(org.population, program=org.program))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_predicted_benefit_captures_most_of_the_oracle_and_beats_readiness(seed):
    """Planned by predicted benefit: >= 90% of the oracle's true gain, more than by readiness."""
    two = _loop(6_000, seed)["season_two"]
    readiness, predicted, oracle = two["plans"]
    assert oracle["share_of_oracle"] == 1.0
    assert predicted["share_of_oracle"] >= SHARE
    assert predicted["true_gain"] > readiness["true_gain"]
    assert two["more_points"] == pytest.approx(predicted["true_gain"] - readiness["true_gain"])
    for plan in two["plans"]:  # the same budget for all three
        assert plan["cost"] <= two["budget"]


def test_the_oracle_is_the_best_plan():
    """No plan's true gain exceeds the oracle's (it is planned on the true gains themselves)."""
    two = _loop(2_000, 3)["season_two"]
    assert max(p["share_of_oracle"] for p in two["plans"]) == pytest.approx(1.0, abs=2e-3)


def test_the_same_seed_reproduces_the_loop_exactly():
    """The loop's report is a function of the organisation's size and seed."""
    assert _loop(1_500, 4) == _loop(1_500, 4)


def test_the_simulated_rollout_recovers_the_true_att():
    """Staggered DiD on waves simulated from the truth: within 3 standard errors of the true ATT.

    At n = 5,000, seed 0 (the demo's): 1.546 (se 0.189) against 1.534; a randomised rollout
    with a real effect of about 0.15 SD is detected (randomisation p-value 0.002).
    """
    simulated = _loop(5_000, 0)["rollout"]["simulated"]
    assert abs(simulated["att"] - simulated["true_att"]) < 3 * simulated["att_se"]
    assert simulated["randomization_p"] < 0.05
