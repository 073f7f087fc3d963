"""Reading assessment records does not depend on their order.

``Instrument.features_from_assessments`` keeps each person's latest assessment per source. Two
taken at the same instant with different answers used to be settled by whichever came first in
the input, so shuffling the records changed a person's answers; such a pair is now refused.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.model import Assessment, AssessmentSource
from sparkus.triage import default_instrument

_INSTRUMENT = default_instrument()
_IDS = ["E1", "E2", "E3"]
_START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@st.composite
def _records(draw):
    """Assessments of three people by self and manager, at few distinct times (ties likely)."""
    out = []
    for _ in range(draw(st.integers(1, 8))):
        source = draw(st.sampled_from([AssessmentSource.SELF, AssessmentSource.MANAGER]))
        names = [i.name for i in _INSTRUMENT.items if i.source is source]
        out.append(
            Assessment(
                participant_id=draw(st.sampled_from(_IDS)),
                source=source,
                scores={n: float(draw(st.integers(1, 5))) for n in names},
                taken_at=_START + dt.timedelta(days=draw(st.integers(0, 2))),
            )
        )
    return out


def _read(records):
    try:
        return _INSTRUMENT.features_from_assessments(records, _IDS, missing="review").X
    except SchemaError:
        return "refused"


@given(_records(), st.randoms(use_true_random=False))
def test_shuffling_the_records_changes_nothing(records, random):
    """The same records in any order give the same answers per person, or are refused alike."""
    shuffled = list(records)
    random.shuffle(shuffled)
    first, again = _read(records), _read(shuffled)
    if isinstance(first, str) or isinstance(again, str):
        assert first == again
    else:
        np.testing.assert_array_equal(first, again)


def test_two_latest_answers_at_one_time_are_refused_unless_superseded():
    """Two assessments of one person and source at the same time with other answers are a
    SchemaError naming the pair; a later one of that person and source settles it."""
    names = [i.name for i in _INSTRUMENT.items if i.source is AssessmentSource.SELF]

    def taken(day, score):
        return Assessment(participant_id="E1", source=AssessmentSource.SELF,
                          scores=dict.fromkeys(names, score),
                          taken_at=_START + dt.timedelta(days=day))  # fmt: skip

    with pytest.raises(SchemaError, match=r"assessments\[1\]\.taken_at: taken at the same time"):
        _INSTRUMENT.features_from_assessments(
            [taken(0, 2.0), taken(0, 5.0)], ["E1"], missing="review"
        )
    features = _INSTRUMENT.features_from_assessments(
        [taken(0, 2.0), taken(1, 3.0), taken(0, 5.0)], ["E1"], missing="review"
    )
    assert features.X[0, : len(names)].tolist() == [3.0] * len(names)
