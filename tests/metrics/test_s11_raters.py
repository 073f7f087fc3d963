"""rater_change against an exact attacker who sees every call: no rater's answers come out.

The attacker knows who rated whom and which items each rater answered (the coverage), and sees
the figures of every call of :func:`rater_change` on the same assessments, one per choice of
`items`. Each figure is linear in the raters' scores, so the linear map is read off exactly by
moving one score at a time; a linear programme (HiGHS) then finds the least and the most each
rater's own answers (one item, or the gap between two of their items) can be, given every
published figure and the scale's bounds.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

from sparkus import SchemaError
from sparkus.metrics import rater_change
from sparkus.model import Assessment
from sparkus.model import AssessmentSource as S

T0, T1 = (dt.datetime(2026, m, 1, tzinfo=dt.UTC) for m in (3, 9))
ITEMS = ("w", "x", "y", "z")

# (rater, wave, item) for each score a rater gave; the coverage is public, the scores secret
Slot = tuple[int, int, str]


def _assessments(coverage: list[set[str]], scores: dict[Slot, float]) -> list[list[Assessment]]:
    return [
        [
            Assessment(
                "e1", S.PEER, {i: scores[r, wave, i] for i in sorted(items)}, when, rater_id=f"p{r}"
            )
            for r, items in enumerate(coverage)
        ]
        for wave, when in enumerate((T0, T1))
    ]


def _figures(coverage: list[set[str]], scores: dict[Slot, float]) -> np.ndarray:
    """Every figure published by the calls with each choice of `items` (and none)."""
    pre, post = _assessments(coverage, scores)
    out: list[float] = []
    for k in range(len(ITEMS) + 1):
        for items in itertools.combinations(ITEMS, k):
            try:
                result = rater_change(pre, post, items=list(items) or None)
            except SchemaError:  # a rater answered none of `items`: nothing is published
                continue
            out += [*result.pre.tolist(), *result.post.tolist()]
    return np.array(out)


def _exposed(coverage: list[set[str]]) -> list[tuple[str, float]]:
    """The single-rater quantities the published figures narrow to less than the scale."""
    rng = np.random.default_rng(0)
    slots: list[Slot] = [(r, w, i) for r, items in enumerate(coverage) for w in (0, 1)
                         for i in sorted(items)]  # fmt: skip
    # scores near the middle of the scale: a mean of three or more then leaves each rater the
    # whole scale, so any narrowing comes from how the figures combine, not from the bounds
    base = {s: float(v) for s, v in zip(slots, rng.uniform(2.9, 3.1, len(slots)), strict=True)}
    published = _figures(coverage, base)
    columns = []
    for s in slots:  # the figures are linear in the scores: one score at a time gives the map
        moved = dict(base)
        moved[s] += 0.5
        columns.append((_figures(coverage, moved) - published) / 0.5)
    a_eq = np.column_stack(columns)
    b_eq = a_eq @ np.array([base[s] for s in slots])
    index = {s: j for j, s in enumerate(slots)}
    exposed = []
    for r, items in enumerate(coverage):
        for w in (0, 1):
            pairs = [(i, None) for i in sorted(items)] + list(
                itertools.combinations(sorted(items), 2)
            )
            for first, second in pairs:
                c = np.zeros(len(slots))
                c[index[r, w, first]] = 1.0
                if second is not None:
                    c[index[r, w, second]] = -1.0
                ends = []
                for sign in (1.0, -1.0):
                    res = linprog(sign * c, A_eq=a_eq, b_eq=b_eq, bounds=(1.0, 5.0), method="highs")
                    assert res.status == 0
                    ends.append(sign * res.fun)
                full = 4.0 if second is None else 8.0
                if ends[1] - ends[0] < full - 1e-6:
                    exposed.append((f"p{r} wave {w}: {first}" + (f" - {second}" if second else ""),
                                    ends[1] - ends[0]))  # fmt: skip
    return exposed


@pytest.mark.parametrize(
    "coverage",
    [
        # p0 skipped x, p1 answered only w and x: with and without `items` they were weighed
        # differently, and the difference gave p0's y minus z exactly
        [{"w", "y", "z"}, {"w", "x"}, {"w", "z"}, {"w", "z"}],
        [{"w", "x", "y", "z"}, {"w", "x"}, {"w", "y"}, {"w", "x", "y", "z"}],
        [{"w", "x"}, {"w", "x", "y"}, {"w", "x", "y"}],
    ],
)
def test_no_call_with_other_items_gives_a_raters_answers_away(coverage: list[set[str]]) -> None:
    """Every call's figures together leave each rater's answers their whole range."""
    assert _exposed(coverage) == []


def test_a_group_is_scored_on_the_items_all_its_raters_answered() -> None:
    """A peer who skipped an item does not move the group onto different items per rater."""
    coverage = [{"w", "y", "z"}, {"w", "x"}, {"w", "z"}, {"w", "z"}]
    scores = {(r, w, i): 1.0 + r + w if i == "w" else 5.0 for r, items in enumerate(coverage)
              for w in (0, 1) for i in items}  # fmt: skip
    pre, post = _assessments(coverage, scores)
    result = rater_change(pre, post)
    # only "w" is answered by all four: the mean of 1, 2, 3, 4 before and 2, 3, 4, 5 after
    assert (result.pre.tolist(), result.post.tolist()) == ([2.5], [3.5])
