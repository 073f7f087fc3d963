"""The door table of tables out, second part: ``to_frame(backend=...)`` on circles, cohorts,
subgroup effects, the audit, an estimate and the 360 change.

Each case is one bad input, the error it must raise and the names its message must hold.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import numpy as np

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import form_peer_circles, team_cohorts
from sparkus.metrics import rater_change, subgroup_effects, welch_ttest
from sparkus.model import Assessment, AssessmentSource
from sparkus.triage import audit

from .table import Door, Entry, case


@cache
def _made() -> dict[str, Any]:
    """One small organisation's circles and cohorts and a few results, made when first asked."""
    org = synthetic_org(40, seed=2)
    when = [dt.datetime(2026, m, 1, tzinfo=dt.UTC) for m in (3, 9)]
    scores = {"a": 3, "b": 4, "c": 5}
    waves = [[Assessment(p, AssessmentSource.SELF, {"x": v}, t) for p, v in scores.items()]
             for t in when]  # fmt: skip
    groups = np.repeat(["A", "B"], 10)
    return {
        "circles": form_peer_circles(org.population, size=(4, 6), rng=0),
        "cohorts": team_cohorts(org.population, size=(4, 12)),
        "subgroups": subgroup_effects(np.arange(20.0), np.arange(20) % 2 == 0, groups),
        "audit": audit(np.arange(20) % 3 == 0, groups),
        "estimate": welch_ttest([5.1, 6.0, 6.3, 7.2], [4.2, 5.0, 4.4, 5.1]),
        "raters": rater_change(*waves),
    }


def _frame(what: str, **options: Any) -> object:
    return _made()[what].to_frame(**options)


def _backend_cases(what: str) -> tuple[Any, ...]:
    return (
        case(
            "unknown backend",
            lambda: _frame(what, backend="arrow"),
            SchemaError,
            "backend",
            "'pandas'",
            "'polars'",
        ),
        case("backend not text", lambda: _frame(what, backend=1), SchemaError, "backend"),
    )


DOORS: list[Entry] = [
    Door("sparkus.matching.PeerCircles.to_frame", _backend_cases("circles")),
    Door("sparkus.matching.TeamCohorts.to_frame", _backend_cases("cohorts")),
    Door("sparkus.metrics.SubgroupEffects.to_frame", _backend_cases("subgroups")),
    Door("sparkus.triage.AuditResult.to_frame", _backend_cases("audit")),
    Door("sparkus.metrics.Estimate.to_frame", _backend_cases("estimate")),
    Door("sparkus.metrics.RaterChange.to_frame", _backend_cases("raters")),
]
