"""A stable matching's summary counts places as the caller gave them.

Capacities above the number of proposers are held internally as that number; the summary had
read those, so a reviewer with room left was counted full and the places offered were
understated ("2 of 2" for a capacity of 5, "0 of 0" with no proposers).
"""

from __future__ import annotations

import pytest

from sparkus.matching import deferred_acceptance


def rows(result):
    """The summary's rows as a mapping of quantity to value."""
    return {line[:37].strip(): line[37:].strip() for line in result.summary().splitlines()}


@pytest.mark.parametrize(
    ("capacity", "places"),
    [(5, "2 of 5"), (10**5000, "2 of more than 1,000,000,000,000,000")],
    ids=["five", "5000-digits"],
)
def test_summary_counts_the_capacities_given(capacity, places):
    """Two proposers at a reviewer of capacity 5 (or no limit): not full, 2 of 5 places used."""
    result = deferred_acceptance({"a": ["x"], "b": ["x"]}, {"x": ["a", "b"]}, {"x": capacity})
    assert rows(result)["reviewers full"] == "0"
    assert rows(result)["places used"] == places


def test_summary_without_proposers_keeps_the_places():
    """No proposers yet: the reviewer of capacity 1 is not full and offers 1 place."""
    result = deferred_acceptance({}, {"x": []}, {"x": 1})
    assert (rows(result)["reviewers full"], rows(result)["places used"]) == ("0", "0 of 1")
