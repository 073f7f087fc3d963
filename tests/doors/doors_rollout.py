"""Door table of issue 15's rollout part: learning priors, rollout designs and their power."""

from __future__ import annotations

import math
from typing import Any

from sparkus import SchemaError

from .table import Door, case

NAN, INF = math.nan, math.inf


def M() -> Any:
    import sparkus.matching

    return sparkus.matching


def _coaching() -> Any:
    from sparkus.model import SupportType

    return SupportType.COACHING


DOORS = [
    Door(
        "sparkus.matching.EffectPriors.update",
        (
            case(
                "estimates as a list",
                lambda: M().EffectPriors().update([(0.1, 0.1)]),
                SchemaError,
                "estimates",
            ),
            case(
                "key not a support type",
                lambda: M().EffectPriors().update({"coaching": (0.1, 0.1)}),
                SchemaError,
                "estimates",
                "coaching",
            ),
            case(
                "estimate a bare number",
                lambda: M().EffectPriors().update({_coaching(): 0.3}),
                SchemaError,
                "estimates.coaching",
            ),
            case(
                "NaN effect",
                lambda: M().EffectPriors().update({_coaching(): (NAN, 0.1)}),
                SchemaError,
                "estimates.coaching.effect",
            ),
            case(
                "negative se",
                lambda: M().EffectPriors().update({_coaching(): (0.1, -0.1)}),
                SchemaError,
                "estimates.coaching.se",
            ),
            case(
                "infinite tau",
                lambda: M().EffectPriors().update({_coaching(): (0.1, 0.1)}, tau=INF),
                SchemaError,
                "tau",
            ),
            case(
                "empty source",
                lambda: M().EffectPriors().update({_coaching(): (0.1, 0.1)}, source=""),
                SchemaError,
                "source",
            ),
        ),
    ),
]
