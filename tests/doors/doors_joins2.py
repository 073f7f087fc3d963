"""Door table of the joins between the policy, the journey and the plan (issue 14).

The policy's fit to a program's season and goals (``SupportPolicy.fit_weights`` and its
``fit_weight`` field), and the recommender's refusal of a policy that covers nothing the
program's journey delivers. The other doors of these names live in ``doors_fit.py``.
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
]
