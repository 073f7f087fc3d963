"""Stable matching ids are what its JSON can hold: Python text or integers, distinct as text.

`StableMatching.to_dict` writes ids as JSON keys. numpy integer ids (the values of an id
column) had stayed numpy integers, which `json.dumps` refuses; ids 1 and "1" had both been
matched, and `to_dict` had kept one of them, silently.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.matching import deferred_acceptance


def test_stable_ids_written_alike_as_text_are_refused():
    """Proposers 1 and "1" had both matched, and `to_dict` had kept one of them, silently."""
    with pytest.raises(SchemaError, match=r"proposer_prefs\.1: 1 and '1' are the same id as text"):
        deferred_acceptance({1: ["a"], "1": ["b"]}, {"a": [1], "b": ["1"]}, {"a": 1, "b": 1})


def test_stable_numpy_ids_give_json_ready_results():
    """numpy integer ids (an id column's values) had made `to_dict` fail in `json.dumps`."""
    proposers = {np.int64(1): [np.int64(10)], np.int64(2): [np.int64(10)]}
    result = deferred_acceptance(proposers, {np.int64(10): [2, 1]}, {10: 1})
    assert json.loads(json.dumps(result.to_dict())) == {
        "matches": {"1": None, "2": 10},
        "assignees": {"10": [2]},
        "n_matched": 1,
        "proposals": 2,
    }
    assert all(type(p) is int for p in result.matches)
