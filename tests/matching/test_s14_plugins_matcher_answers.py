"""A matcher's answer is checked as it was given, against the problem as it was handed over."""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.matching import assign


class Answers:
    """A matcher whose `match` is `answer(cost, capacity)`."""

    name = "answers"

    def __init__(self, answer):
        self.answer = answer

    def match(self, cost, capacity, *, rng):
        return self.answer(cost, capacity)


def _unsigned_wrap(cost, capacity):
    return np.array([0, 1, 2**64 - 1], dtype=np.uint64)


def _allows_itself(cost, capacity):
    # puts arrays that allow every pair in place of the ones it was given, then uses (2, 1)
    cost.indices = np.array([0, 1, 0, 1, 0, 1], dtype=cost.indices.dtype)
    cost.indptr = np.array([0, 2, 4, 6], dtype=cost.indptr.dtype)
    cost.data = np.zeros(6)
    return np.array([0, 1, 1], dtype=np.intp)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (_unsigned_wrap, r"provider columns outside \[-1, 2\) for participants \[2\]"),
        (_allows_itself, r"it changed its input"),
        (lambda c, k: np.ma.array([0, 1, 0], mask=[0, 0, 1]), r"`match` returned masked"),
    ],
)
def test_a_matcher_cannot_pass_a_wrong_answer(answer, expected):
    """uint64 2**64-1 had read as -1; replaced cost arrays were trusted; masked cells placed."""
    cost = np.array([[0.1, 0.5], [0.2, 0.7], [0.1, np.nan]])
    with pytest.raises(SchemaError, match=r"matcher: the matcher 'answers' broke its contract: "
                       + expected):  # fmt: skip
        assign(cost, capacity=2, matcher=Answers(answer))


class Unprintable:
    """A matcher object lacking `match` whose repr raises."""

    name = "unprintable"

    def __repr__(self):
        raise RuntimeError("no repr")


def test_a_matcher_whose_repr_raises_is_still_refused_by_name():
    """The refusal of a matcher object lacking `match` had raised its repr's RuntimeError."""
    with pytest.raises(SchemaError, match=r"matcher: .*a Unprintable \(whose repr raised\) lacks"):
        assign(np.array([[0.1]]), capacity=1, matcher=Unprintable())
