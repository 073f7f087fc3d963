"""A value the caller passed is checked for its type before it is compared or tested for truth.

Found by fuzzing the guide's examples (helper H21): these doors compared a caller's value with
another (a plan's priors and interval level, a record's field names) or tested it for truth
(``note or default``) before checking its type, so a numpy array raised numpy's bare
"truth value of an array is ambiguous" ValueError. Each now checks the type first: a wrong
type is a SchemaError, and a key of a dashboard record that is not a field name is not found.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import compare_scenarios, plan_support
from sparkus.metrics import Benefit, ancova
from sparkus.metrics._tracking.schema import Suppressed
from sparkus.triage import triage

_RNG = np.random.default_rng(3)
_PRE = _RNG.normal(size=40)
_TREATED = np.r_[np.ones(20), np.zeros(20)]
_ESTIMATE = ancova(_PRE + 0.5 * _TREATED + _RNG.normal(size=40), _PRE, _TREATED)
_ORG = synthetic_org(200, seed=1)
_TRIAGE = triage(_ORG.population, program=_ORG.program)


def _scenarios(**option: object) -> object:
    plan = plan_support(_ORG.population, _TRIAGE, _ORG.program, _ORG.providers)
    return compare_scenarios(_ORG.population, _TRIAGE, _ORG.program, _ORG.providers,
                             triaged=plan, **option)  # type: ignore[arg-type]  # fmt: skip


DOORS: dict[str, Callable[[object], object]] = {
    "compare_scenarios(priors=)": lambda v: _scenarios(priors=v),
    "compare_scenarios(confidence_level=)": lambda v: _scenarios(confidence_level=v),
    "Benefit.from_estimate(note=)": lambda v: Benefit.from_estimate(
        "engagement",
        _ESTIMATE,
        value=1500.0,
        count=20,
        note=v,  # type: ignore[arg-type]
    ),
}


@pytest.mark.parametrize("door", list(DOORS))
@pytest.mark.parametrize("value", [np.array([]), np.array([1.0, 2.0])], ids=["empty", "two"])
def test_an_array_is_a_schema_error(door: str, value: object) -> None:
    """An array where a plain value belongs is refused with a SchemaError naming the option."""
    option = door.split("(")[1].rstrip("=)")
    with pytest.raises(SchemaError, match=option):
        DOORS[door](value)


@pytest.mark.parametrize("key", [np.array([]), np.array(["group", "reason"])])
def test_a_record_key_that_is_not_a_field_name_is_not_found(key: object) -> None:
    """A dashboard record reads like a mapping: a key that is not a field name is missing."""
    entry = Suppressed(grouping="department", group="Sales", reason="fewer than 5 people")
    assert entry.get(key) is None  # type: ignore[call-overload]
    with pytest.raises(KeyError):
        entry[key]  # type: ignore[index]
    assert entry.get("group") == "Sales"
