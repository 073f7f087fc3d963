"""An empty rate cell, ExactRate(0, 0), is released like any other, never as NaN.

Refusing it would tell that the cell is empty (a refusal depends on the data); its noisy
rate is None when the noisy denominator is 0, and otherwise a rate in [0, 1].
"""

import math
import warnings

import pytest

from sparkus import SparkusWarning
from sparkus.privacy import DifferentialPrivacy, ExactRate, release_private

pytest.importorskip("opendp")


def test_an_empty_rate_is_released_without_nan():
    """ExactRate(0, 0): a None or a rate in [0, 1], over many seeded draws."""
    options = DifferentialPrivacy(epsilon_per_release=1.0, total_epsilon=1000.0)
    assert ExactRate(0, 0).rate is None
    seen = set()
    for seed in range(40):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SparkusWarning)  # a seeded release warns
            release = release_private({"t": {"a": ExactRate(0, 0)}}, options, rng=seed)
        rate = release.value("t", "a")
        assert rate is None or (math.isfinite(rate) and 0.0 <= rate <= 1.0)
        assert "nan" not in repr(release.to_dict()).lower()
        seen.add(rate is None)
    assert seen == {True, False}
