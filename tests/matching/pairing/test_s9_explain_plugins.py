"""Explanations re-score a pair with the model's scorers: a plugin failing there is named."""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import candidate_matrix

ORG = synthetic_org(20, seed=1)


def _fail(exc):
    raise exc


class OnePair:
    """A scorer that behaves on blocks of pairs and does `single` on one pair alone."""

    name = "one_pair"

    def __init__(self, single):
        self.single = single

    def prepare(self, participants, providers):
        def score(rows, cols):
            shape = np.broadcast(rows, cols).shape
            return self.single() if np.prod(shape) == 1 else np.full(shape, 0.5)

        return score


@pytest.mark.parametrize(
    ("single", "expected"),
    [
        (lambda: _fail(KeyError("k")), r"the scorer 'one_pair' raised KeyError: 'k'"),
        (lambda: np.array([[np.nan]]), r"scorer 'one_pair' returned NaN"),
        (lambda: np.array([[2.0]]), r"scorer 'one_pair' returned 2.0"),
        (lambda: "high", r"scorer 'one_pair' returned .*scores must be numbers"),
        (
            lambda: np.zeros((2, 3)),
            r"scorer .one_pair. returned shape \(2, 3\) for pairs of shape \(1, 1\)",
        ),
    ],
)
def test_explain_and_shortlist_name_a_failing_scorer(single, expected):
    """A scorer raising or breaking the contract in explain or shortlist is a named SchemaError."""
    cm = candidate_matrix(ORG.population, list(ORG.providers), scorers=[(OnePair(single), 1.0)])
    person, provider = cm.participant_ids[0], cm.provider_ids[0]
    with pytest.raises(SchemaError, match=r"scorers\.one_pair: " + expected) as e:
        cm.explain(person, provider)
    assert len(e.value.problems) == 1
    with pytest.raises(SchemaError, match=r"scorers\.one_pair: " + expected):
        cm.shortlist(person)


def test_explain_scores_a_pair_in_the_shape_of_the_blocks():
    """A scorer written for the 2-D pairs of the block computation also explains a pair."""

    class TwoD:
        name = "two_d"

        def prepare(self, participants, providers):
            def score(rows, cols):
                assert rows.ndim == 2
                assert cols.ndim == 2
                return np.full(np.broadcast(rows, cols).shape, 0.25)

            return score

    cm = candidate_matrix(ORG.population, list(ORG.providers), scorers=[(TwoD(), 1.0)])
    why = cm.explain(cm.participant_ids[0], cm.provider_ids[0])
    assert why.scores == (0.25,)
    assert why.score == 0.25


def test_a_scorer_refusing_its_input_keeps_each_problem_on_its_line():
    """A SchemaError a scorer raises is one problem per line at scorers.<name>, not nested."""
    from sparkus.matching import StatedPreferences

    scorer = StatedPreferences({"E000001": ["ZZZ"], "ghost": ["C00001"]})
    with pytest.raises(SchemaError) as e:
        candidate_matrix(ORG.population, list(ORG.providers), scorers=[(scorer, 1.0)])
    assert [p.path for p in e.value.problems] == [("scorers", "stated_preferences")] * 2
    messages = [p.message for p in e.value.problems]
    assert all("\n" not in m for m in messages)
    assert any(
        m.startswith("the scorer 'stated_preferences' refused its input: ")
        and m.endswith("'ZZZ' is not among the providers")
        for m in messages
    )
    assert any(m.endswith("'ghost' names no participant of the population") for m in messages)
