"""Answers held as text are refused, never read through their category codes.

A population stores a text column as codes into its sorted categories. An item whose answers
arrived as text (``"0"`` to ``"10"``, or words) used to be read through those codes: on a
0-10 scale ``"10"`` became 2 and ``"2"`` became 3, and triage went on with wrong answers.
"""

from __future__ import annotations

import pytest

import sparkus
from sparkus.model import AssessmentSource, Population
from sparkus.triage import Instrument, Item, RubricClassifier, triage


def _population(answers):
    n = len(answers)
    return Population.from_columns({
        "id": [f"p{i}" for i in range(n)],
        "level": ["manager"] * n,
        "department": ["Sales"] * n,
        "tenure_years": [1.0] * n,
        "self_nps": answers,
    })  # fmt: skip


def _instrument():
    return Instrument((Item("nps", AssessmentSource.SELF, scale=(0.0, 10.0)),))


def test_text_answers_are_refused_by_triage():
    """'0' to '10' as text: a problem naming the column, not answers read from codes."""
    people = _population([str(v) for v in range(11)])
    with pytest.raises(sparkus.SchemaError) as caught:
        triage(people, RubricClassifier(_instrument()))
    (problem,) = caught.value.problems
    assert problem.path == ("self_nps",)
    assert problem.message.startswith("holds text ('0', '1', '10', '2', '3', ...), not numbers")


def test_text_answers_are_refused_by_features():
    """`Instrument.features` refuses them the same way."""
    people = _population(["Agree", "Disagree", "Agree"])
    with pytest.raises(sparkus.SchemaError, match="self_nps: holds text"):
        _instrument().features(people)


def test_numeric_answers_are_read_as_before():
    """The same answers as numbers are read as given."""
    people = _population(list(range(11)))
    assert _instrument().features(people).X[:, 0].tolist() == [float(v) for v in range(11)]
