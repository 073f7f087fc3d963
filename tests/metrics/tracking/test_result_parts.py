"""ROIResult and Estimate into a snapshot and the report, typed or as to_dict() (issue 14)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.datasets import simulate_events
from sparkus.metrics import Benefit, Cost, Tracker, ancova, render_html, roi
from sparkus.model import (
    CostModel,
    Goal,
    Program,
    Season,
    SupportType,
    default_journey,
    schedule_journeys,
)

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
TEMPLATE = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])
PROGRAM = Program("Pilot", (Goal.LEADERSHIP_DEVELOPMENT,), Season.WINTER, 1e5, "EUR",
                  CostModel({SupportType.COACHING: 200.0}), TEMPLATE)  # fmt: skip
IDS = [f"p{i:02d}" for i in range(12)]
SCHEDULE = schedule_journeys(TEMPLATE, IDS, ["coaching"] * 12, [4] * 12, start=START)
TRACKER = Tracker(PROGRAM, SCHEDULE)
TRACKER.update(simulate_events(SCHEDULE, rng=1))
BENEFIT = Benefit(name="exits avoided", improvement=3.0, unit="exits", value=45_000.0,
                  isolation=0.5, confidence=0.7)  # fmt: skip
ROI = roi([BENEFIT], [Cost("fees", 50_000.0, "delivery")], rng=1, currency="EUR")
_rng = np.random.default_rng(0)
_pre, _t = _rng.normal(size=200), np.repeat([0, 1], 100)
IMPACT = ancova(_pre + 0.3 * _t + _rng.normal(size=200), _pre, _t)
# ROIResult: roi -5.5% (benefit 3 x 45,000 x 0.5 x 0.7 = 47,250 against 50,000), bcr 0.945
ROI_TEXT = "-5.5"


@pytest.mark.parametrize("form", ["typed", "to_dict"])
def test_snapshot_takes_roi_and_impact(form):
    """Tracker.snapshot takes ROIResult and Estimate, or their to_dict(), alike."""
    roi_arg, impact_arg = (ROI, IMPACT) if form == "typed" else (ROI.to_dict(), IMPACT.to_dict())
    snap = TRACKER.snapshot(roi=roi_arg, impact=impact_arg)
    assert snap.roi is not None
    assert snap.impact is not None
    assert snap.roi.roi_percent == pytest.approx(-5.5)
    assert snap.roi.bcr == pytest.approx(0.945)
    assert snap.roi.currency == "EUR"
    assert snap.impact.n == 200
    assert snap.impact.estimate == pytest.approx(IMPACT.estimate)


@pytest.mark.parametrize("form", ["typed", "to_dict"])
def test_render_html_takes_roi_and_impact_in_the_snapshot(form):
    """render_html takes a snapshot dict whose roi and impact are results or their to_dict()."""
    document = TRACKER.snapshot().to_json_dict()
    parts = (ROI, IMPACT) if form == "typed" else (ROI.to_dict(), IMPACT.to_dict())
    given = {**document, "roi": parts[0], "impact": parts[1]}
    page = render_html(given)
    assert ROI_TEXT in page
    assert "Return on investment" in page
    assert given["roi"] is parts[0]  # the caller's snapshot is not changed


def test_a_broken_roi_still_names_its_field():
    """A roi mapping of neither form is refused naming the missing field."""
    document = {**TRACKER.snapshot().to_json_dict(), "roi": {"bcr": 1.0}}
    with pytest.raises(SchemaError, match=r"roi\.roi_percent"):
        render_html(document)
