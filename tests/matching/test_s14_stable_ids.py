"""Stable matching reads an id the same way wherever it appears, and refuses ids that read alike.

Keys of `capacity` and of a matching given to `is_stable` / `blocking_pairs` had been looked
up by Python equality only, so ``True`` and ``1.0`` silently stood for the reviewer ``1``; ids
that differ only in their Unicode form, or that hold a NUL character, had been accepted as
distinct people, where a population refuses them; a 0-dimensional array as a preference list,
and an integer of 5,000 digits as an id or a negative capacity, had raised a bare TypeError or
ValueError.
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.matching import blocking_pairs, deferred_acceptance, is_stable

COMPOSED, DECOMPOSED = "caf\u00e9", "cafe\u0301"


@pytest.mark.parametrize(
    ("proposers", "reviewers", "capacity", "where"),
    [
        ({COMPOSED: [1], DECOMPOSED: [1]}, {1: [COMPOSED]}, {1: 2}, ("proposer_prefs", DECOMPOSED)),
        ({"a": [COMPOSED]}, {COMPOSED: ["a"], DECOMPOSED: []}, {COMPOSED: 1, DECOMPOSED: 1},
         ("reviewer_prefs", DECOMPOSED)),
        ({"a\x00": ["x"], "a": ["x"]}, {"x": ["a"]}, {"x": 1}, ("proposer_prefs", "a\x00")),
        ({"a": [1]}, {1: ["a"]}, {True: 1}, ("capacity", "True")),
        ({"a": [1]}, {1: ["a"]}, {1.0: 1}, ("capacity", "1.0")),
        ({"a": ["x"]}, {"x": ["a"]}, {"x": 1, np.int64(5): 1}, ("capacity", 5)),
        ({"a": np.array("x")}, {"x": ["a"]}, {"x": 1}, ("proposer_prefs", "a")),
        ({"a": np.array([["x"]])}, {"x": ["a"]}, {"x": 1}, ("proposer_prefs", "a")),
        ({10**5000: ["x"]}, {"x": []}, {"x": 1}, ("proposer_prefs", "<integer beyond 64 bits>")),
        ({"a": ["x"]}, {"x": ["a"]}, {"x": -(10**5000)}, ("capacity", "x")),
    ],
)  # fmt: skip
def test_ids_that_read_alike_or_are_not_ids_are_refused(proposers, reviewers, capacity, where):
    """Ids alike in another Unicode form, NUL, bool, float or 5,000-digit keys: SchemaError."""
    with pytest.raises(SchemaError) as info:
        deferred_acceptance(proposers, reviewers, capacity)
    assert where in [p.path for p in info.value.problems]


@pytest.mark.parametrize("check", [is_stable, blocking_pairs])
@pytest.mark.parametrize(
    ("matching", "where"), [({1: True}, ("matching", 1)), ({1.0: 1}, ("matching", "1.0"))]
)
def test_a_matching_of_bools_or_floats_is_refused(check, matching, where):
    """A matching naming reviewer 1 as True, or proposer 1 as 1.0, had been read as 1."""
    with pytest.raises(SchemaError) as info:
        check(matching, {1: [1]}, {1: [1]}, {1: 1})
    assert [p.path for p in info.value.problems] == [where]


def test_an_unknown_id_written_another_way_names_the_known_one():
    """An id that is a known one in another form ("1" for 1, another accent) says which."""
    with pytest.raises(SchemaError) as info:
        deferred_acceptance({"a": [DECOMPOSED, 1]}, {COMPOSED: ["a"], "1": ["a"]},
                            {COMPOSED: 1, "1": 1})  # fmt: skip
    first, second = (p.message for p in info.value.problems)
    assert first.endswith(f"; {COMPOSED!r} is, written another way ('cafe\\u0301' and "
                          "'caf\\xe9'): write both alike")  # fmt: skip
    assert second.endswith("; '1' is, written another way (1 and '1'): write both alike")
