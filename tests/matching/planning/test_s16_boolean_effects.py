"""Booleans given as per-person effects or equity weights are refused, not read as 1.0 and 0.0.

A boolean array where a plan reads standardised effect sizes (or equity weights) is almost
surely a mask given in the wrong argument: it is a SchemaError naming the field, in one problem.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.matching import budget_frontier, plan_support

from .test_plan import make_world

WORLD = make_world([0, 1, 2, 3], [2, 3, 2, 3], [4, 0, 6, 4])
MASK = [True, False, True, False]
OTHERS = {"mentoring": [0.1] * 4, "self_guided_reflection": [0.1] * 4}


def _effects(coaching: object) -> dict[str, object]:
    return {"effects": {"coaching": coaching, **OTHERS}}


@pytest.mark.parametrize("door", [plan_support, budget_frontier])
@pytest.mark.parametrize(
    ("option", "path"),
    [
        pytest.param(_effects(np.array(MASK)), ("effects", "coaching"), id="effects array"),
        pytest.param(_effects(MASK), ("effects", "coaching"), id="effects list"),
        pytest.param(_effects([True, 0.5, 0.1, 0.2]), ("effects", "coaching"),
                     id="effects beside numbers"),
        pytest.param(_effects(pd.Series(MASK, index=WORLD.population.ids, dtype="boolean")),
                     ("effects", "coaching"), id="effects pandas boolean"),
        pytest.param({"weights": np.array(MASK)}, ("weights",), id="weights array"),
    ],
)  # fmt: skip
def test_booleans_as_effects_or_weights_are_refused_naming_the_field(door, option, path):
    """True/False where numbers belong is one SchemaError at the field, saying why."""
    with pytest.raises(SchemaError) as info:
        door(WORLD.population, WORLD.triage, WORLD.program, WORLD.providers,
             priors=WORLD.priors, **option)  # fmt: skip
    (problem,) = info.value.problems
    assert problem.path == path
    assert problem.message.startswith("holds booleans (True/False), which would be read as")
