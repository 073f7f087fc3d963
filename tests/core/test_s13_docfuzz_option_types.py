"""A text option given an array is a SchemaError, not numpy's "truth value is ambiguous".

Found by fuzzing each public door from its docstring example (helper H20): these doors compared
an option with a literal (``draws == "exact"``, ``kind not in FIGURE_KINDS``, ``support == key``,
a snapshot's ``schema != SCHEMA``, a missing-value policy ``not in _POLICIES``) before checking
that it is text, so a numpy array of other than one element raised numpy's bare
ValueError. Each door now checks the option's type first.
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import Cost, design_rollout, randomization_test, render_html
from sparkus.model import Population
from sparkus.privacy import Cell, Figure
from sparkus.triage import BenefitModel

_RNG = np.random.default_rng(0)
_PEOPLE = {"team": np.repeat(np.arange(12), 5), "site": np.repeat(["a", "b"], 30)}
_DESIGN = design_rollout(_PEOPLE, waves=3, strata="site", cluster="team", rng=1)
_Y = _RNG.normal(size=60)
_X = _RNG.normal(size=(400, 2))
_T = _RNG.random(400) < 0.5
_OUTCOME = _X[:, 0] + _T * (1.0 + 2.0 * _X[:, 1]) + _RNG.normal(size=400)


_EXPORT = {"employee_id": [101, 102, 103], "Job Level": ["manager", "manager", "executive"],
           "Q1": [4.0, None, 5.0]}  # fmt: skip
_COLUMNS = {"id": "employee_id", "level": "Job Level", "self_clarity": "Q1"}


def _benefit_model() -> BenefitModel:
    return BenefitModel(rng=1).fit(_X, _T, _OUTCOME)


DOORS = {
    "Cost(category=)": lambda v: Cost("administration", 5000.0, v),
    "randomization_test(draws=)": lambda v: randomization_test(_DESIGN, _Y, draws=v, rng=4),
    "randomization_test(statistic=)": lambda v: randomization_test(
        _DESIGN, _Y, statistic=v, draws=99, rng=4
    ),
    "Figure(kind=)": lambda v: Figure("active", [Cell("all", [0, 1, 2, 3, 4, 5], 4)], kind=v),
    "BenefitModel.predict(support=)": lambda v: _benefit_model().predict([[0.0, 0.5]], support=v),
    "BenefitModel.predict_interval(support=)": lambda v: _benefit_model().predict_interval(
        [[0.0, 0.5]], support=v
    ),
    "render_html(schema=)": lambda v: render_html({"schema": v}),
    "Population.from_frame(missing=)": lambda v: Population.from_frame(
        _EXPORT, columns=_COLUMNS, missing={"self_clarity": v}
    ),
}


@pytest.mark.parametrize("value", [np.array([]), np.array(["count", "sum"])], ids=["empty", "two"])
@pytest.mark.parametrize("door", sorted(DOORS))
def test_an_array_for_a_text_option_is_a_schema_error(door: str, value: object) -> None:
    """An array where a door expects one text option is refused with a SchemaError."""
    with pytest.raises(SchemaError):
        DOORS[door](value)
