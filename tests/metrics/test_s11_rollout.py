"""A rollout designed from a pandas table names its people by the table's index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.metrics import design_rollout, randomization_test


def _people() -> pd.DataFrame:
    """Twelve teams of five at two sites, in a shuffled order: the index is not row numbers."""
    people = pd.DataFrame({"team": np.repeat(np.arange(12), 5), "site": np.repeat(["a", "b"], 30)})
    return people.sample(frac=1, random_state=3)


def test_outcomes_indexed_like_the_people_go_with_those_people() -> None:
    """A Series of outcomes indexed like the table is paired by label, never by position."""
    people = _people()
    design = design_rollout(people, waves=3, strata="site", cluster="team", rng=1)
    # the k-th row of the design is the k-th row of the table, whatever its label
    wave = pd.Series(design.wave, index=people.index)
    y = pd.Series(np.random.default_rng(0).normal(size=60), index=people.index) + 5.0 * (wave == 1)
    by_label = randomization_test(design, y, draws=99, rng=2)
    in_order = randomization_test(design, y.to_numpy(), draws=99, rng=2)
    assert by_label.statistic == in_order.statistic
    assert design.to_frame().index.tolist() == [str(i) for i in people.index]


def test_an_index_that_repeats_a_label_is_refused() -> None:
    """An index that names two rows alike names no one: it is refused, naming the label."""
    people = _people()
    people.index = [7] * len(people)
    with pytest.raises(SchemaError, match=r"repeats the label '7' \(rows 0 and 1\)"):
        design_rollout(people, waves=3)
