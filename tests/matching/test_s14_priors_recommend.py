"""SupportRecommendation: a frame of its rows, and reasons with the numbers the ranking used."""

from __future__ import annotations

import attrs
import numpy as np
import pytest

from sparkus.datasets import synthetic_org
from sparkus.matching import SupportPolicy, recommend_support
from sparkus.model import Level, SupportType
from sparkus.triage import triage


@pytest.mark.parametrize("backend", ["pandas", "polars"])
def test_recommendation_to_frame_holds_its_columns(backend: str) -> None:
    """The frame's scores, first choices, levels and readiness are the result's, by id."""
    org = synthetic_org(80, seed=4)
    rec = recommend_support(org.population, triage(org.population), org.program)
    frame = rec.to_frame(backend=backend)
    if backend == "pandas":
        ids = frame.index.to_numpy()
        column = {name: frame[name].to_numpy() for name in frame.columns}
    else:
        ids = frame["id"].to_numpy()
        column = {name: frame[name].to_numpy() for name in frame.columns}
    assert list(ids) == list(rec.ids)
    for k, support in enumerate(rec.support_types):
        np.testing.assert_array_equal(column[f"score_{support.value}"], rec.scores[:, k])
    assert list(column["first"]) == [None if s is None else s.value for s in rec.top]
    levels = org.population.decode("level")
    assert list(column["level"]) == list(levels)
    ranks = ["resistant", "emerging", "ready", "highly_ready"]
    assert list(column["readiness"]) == [None if r < 0 else ranks[r] for r in rec.readiness]


def test_reasons_show_the_scores_the_ranking_used() -> None:
    """Each reason's score is the number in `scores`: never rounded into a tie (1e+06 twice)."""
    org = synthetic_org(80, seed=4)
    tri = triage(org.population)
    base = SupportPolicy()
    rules = dict(base.rules)
    for support, extra in ((SupportType.COACHING, 1e6 + 0.5), (SupportType.MENTORING, 1e6 / 3)):
        levels = {**rules[support].levels, Level.INDIVIDUAL_CONTRIBUTOR: extra}
        rules[support] = attrs.evolve(rules[support], levels=levels)
    rec = recommend_support(org.population, tri, org.program, policy=SupportPolicy(rules=rules))
    ready = np.flatnonzero((rec.readiness >= 2) & (rec.level == Level.INDIVIDUAL_CONTRIBUTOR.rank))
    assert ready.size
    for i in ready:
        reasons = rec.reasons(str(rec.ids[i]))
        for k, support in enumerate(rec.support_types):
            assert float(reasons[support][0].removeprefix("score ")) == rec.scores[i, k]
        shown = reasons[SupportType.MENTORING][3]
        assert float(shown.rsplit(": ", 1)[1]) == 1e6 / 3
