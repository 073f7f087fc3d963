"""RaterChange.estimate reads a source as its enum and refuses people it does not know."""

from __future__ import annotations

import datetime as dt

import pytest

from sparkus import SchemaError
from sparkus.metrics import RaterChange, rater_change
from sparkus.model import Assessment
from sparkus.model import AssessmentSource as S

T0, T1 = (dt.datetime(2026, m, 1, tzinfo=dt.UTC) for m in (3, 9))


def _result() -> RaterChange:
    pre = [Assessment(p, S.SELF, {"x": 3}, T0) for p in ("a", "b", "c")]
    post = [Assessment(p, S.SELF, {"x": v}, T1) for p, v in zip("abc", (4, 5, 3), strict=True)]
    return rater_change(pre, post)


def test_group_as_assessment_source() -> None:
    """`AssessmentSource.SELF` is the group "self", as the records spell it."""
    result = _result()
    by_enum, by_name = result.estimate(S.SELF), result.estimate("self")
    assert (by_enum.estimate, by_enum.se, by_enum.method) == (
        by_name.estimate, by_name.se, by_name.method
    )  # fmt: skip


@pytest.mark.parametrize("participants", [["a", "B"], {1, 2}, ("a", "b", "zz")])
def test_unknown_participants_are_refused(participants: object) -> None:
    """An id no assessment names (a typo, a number) is refused, not silently left out."""
    with pytest.raises(SchemaError, match="not among the participants") as info:
        _result().estimate("self", participants=participants)  # type: ignore[arg-type]
    assert info.value.problems[0].path == ("participants",)


def test_known_participants_still_restrict() -> None:
    """Known ids restrict the estimate as before."""
    assert _result().estimate("self", participants=["a", "b"]).estimate == pytest.approx(1.5)
