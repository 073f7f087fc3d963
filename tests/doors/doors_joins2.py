"""Door table of the joins between the policy, the journey, the plan and the providers (issue 14).

The policy's fit to a program's season and goals (``SupportPolicy.fit_weights`` and its
``fit_weight`` field); the recommender's refusal of a policy that covers nothing the program's
journey delivers; the provider of each journey (``schedule_journeys(provider=...)``,
``Journey.provider_id``, ``JourneySchedule.provider_labels``, ``SupportPlan.enrolled``). The
other doors of these names live in ``doors_fit.py`` and ``doors_data.py``.
"""

from __future__ import annotations

import functools
from typing import Any

from sparkus import SchemaError

from .table import Door, case


@functools.cache
def _org() -> Any:
    from sparkus.datasets import synthetic_org

    return synthetic_org(60, seed=1)


def _policy(**kwargs: Any) -> Any:
    from sparkus.matching import SupportPolicy

    return SupportPolicy(**kwargs)


def _recommend_team_coaching_only() -> Any:
    from sparkus.matching import SupportPolicy, recommend_support
    from sparkus.model import SupportType
    from sparkus.triage import triage

    org = _org()
    team = SupportType.TEAM_COACHING
    policy = SupportPolicy({team: SupportPolicy().rules[team]})
    return recommend_support(org.population, triage(org.population), org.program, policy=policy)


def _schedule(provider: Any, ids: Any = ("a", "b"), support: Any = ("coaching", None)) -> Any:
    import datetime as dt

    from sparkus.model import schedule_journeys

    return schedule_journeys(_org().program.journey, list(ids), list(support),
                             start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC), provider=provider)  # fmt: skip


def _journey_with_provider_and_no_support() -> Any:
    import datetime as dt

    from sparkus.model import Journey, Step, StepKind

    return Journey("e1", dt.datetime(2027, 1, 4, tzinfo=dt.UTC),
                   (Step("kickoff", StepKind.KICKOFF_WEBINAR, 0),), provider_id="c1")  # fmt: skip


@functools.cache
def _plan() -> Any:
    from sparkus.matching import plan_support
    from sparkus.triage import triage

    org = _org()
    return plan_support(org.population, triage(org.population, program=org.program),
                        org.program, org.providers)  # fmt: skip


def _enrolled(assignments: Any) -> Any:
    return _plan().enrolled(assignments)


def _cost_matrix_assignment() -> Any:
    import numpy as np

    from sparkus.matching import assign

    return assign(np.array([[0.1]]), capacity=1)


DOORS = [
    Door(
        "sparkus.matching.SupportPolicy.fit_weights",
        (
            case(
                "a season instead of a program",
                lambda: _policy().fit_weights("winter"),
                SchemaError,
                "program",
            ),
            case("fit_weight above 1", lambda: _policy(fit_weight=1.5), SchemaError, "fit_weight"),
            case(
                "fit_weight negative", lambda: _policy(fit_weight=-0.1), SchemaError, "fit_weight"
            ),
            case(
                "fit_weight not a number",
                lambda: _policy(fit_weight="high"),
                SchemaError,
                "fit_weight",
            ),
        ),
    ),
    Door(
        "sparkus.matching.recommend_support.journey",
        (
            case(
                "a policy covering nothing the journey delivers",
                _recommend_team_coaching_only,
                SchemaError,
                "program.journey",
                "team_coaching",
            ),
        ),
    ),
    Door(
        "sparkus.model.schedule_journeys.provider",
        (
            case(
                "a provider for someone without support",
                lambda: _schedule(["c1", "c2"]),
                SchemaError,
                "provider[1]",
                "support is None",
            ),
            case(
                "a mapping naming someone not scheduled",
                lambda: _schedule({"zed": "c1"}),
                SchemaError,
                "provider.zed",
                "not one of the scheduled ids",
            ),
            case(
                "a provider id with spaces around it",
                lambda: _schedule([" c1", None]),
                SchemaError,
                "provider[0]",
            ),
            case(
                "a number as provider id", lambda: _schedule([7, None]), SchemaError, "provider[0]"
            ),
            case(
                "one provider for two ids",
                lambda: _schedule(["c1"]),
                SchemaError,
                "provider",
                "one per id",
            ),
        ),
    ),
    Door(
        "sparkus.model.Journey.provider_id",
        (
            case(
                "a provider on a journey without support",
                _journey_with_provider_and_no_support,
                SchemaError,
                "provider_id",
            ),
        ),
    ),
    Door(
        "sparkus.model.JourneySchedule.provider_labels",
        (
            case(
                "an empty label",
                lambda: _schedule(["c1", None]).provider_labels(""),
                SchemaError,
                "none",
            ),
            case(
                "a provider's id as label",
                lambda: _schedule(["c1", None]).provider_labels("c1"),
                SchemaError,
                "none",
                "provider's id",
            ),
        ),
    ),
    Door(
        "sparkus.matching.SupportPlan.enrolled",
        (
            case("a string", lambda: _enrolled("coaching"), SchemaError, "assignments"),
            case(
                "a list holding a non-assignment",
                lambda: _enrolled([1]),
                SchemaError,
                "assignments[0]",
            ),
            case(
                "an assignment on a cost matrix",
                lambda: _enrolled(_cost_matrix_assignment()),
                SchemaError,
                "assignments[0]",
                "candidate_matrix",
            ),
        ),
    ),
]
