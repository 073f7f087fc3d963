"""The window's actives and the daily series, against their definition person by person."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus.metrics._tracking.figures import active_in_window


def _by_definition(
    days_of: list[set[int]], window: int, as_of_day: int, days: int
) -> tuple[np.ndarray, np.ndarray]:
    """Active in the window ending d: an active day a with d - window < a <= d."""
    now = np.array([any(as_of_day - window < a <= as_of_day for a in s) for s in days_of])
    series = np.array(
        [sum(any(d - window < a <= d for a in s) for s in days_of) for d in range(days)]
    )
    return now.astype(bool), series.astype(np.int64)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 3),  # words per person
    st.lists(st.lists(st.integers(0, 191), max_size=12), min_size=0, max_size=9),
    st.integers(1, 30),
    st.integers(-5, 220),
    st.integers(1, 230),
)
def test_active_in_window_follows_its_definition(words, people, window, as_of_day, days):
    width = 64 * words
    days_of = [{a for a in p if a < width} for p in people]
    active = np.zeros((len(people), words), dtype=np.uint64)
    for i, s in enumerate(days_of):
        for a in s:
            active[i, a // 64] |= np.uint64(1) << np.uint64(a % 64)
    before = active.copy()
    now, series = active_in_window(active, window, as_of_day, days)
    want_now, want_series = _by_definition(days_of, window, as_of_day, days)
    np.testing.assert_array_equal(now, want_now)
    np.testing.assert_array_equal(series, want_series)
    assert series.dtype == np.int64
    np.testing.assert_array_equal(active, before)  # the state is not touched
