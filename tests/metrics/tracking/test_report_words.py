"""The report in plain words (issue 14): labels, the raw change beside the effect, p, ROI.

What a reader of the HTML report would misread: snake_case labels, a pre-to-post change read as
the program's effect, "p" and a dash where no p-value exists, an ROI without what it assumes.
"""

from __future__ import annotations

import re

import pytest

from sparkus.metrics import Benefit, Cost, Estimate, render_html, roi
from sparkus.metrics._estimate import ConfidenceInterval
from tests.metrics.tracking._dashboard_fixture import dashboard_snapshot

DASH = "\N{EN DASH}"


def _text(page: str) -> str:
    """The page's words without tags, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def snapshot():
    return dashboard_snapshot()


def _with_support_types(snapshot):
    row = dict(snapshot["groups"]["department"][0])
    snapshot["groups"]["support_type"] = [
        {**row, "group": "self_guided_reflection"},
        {**row, "group": "peer_support"},
    ]
    snapshot["groups"]["department"][0] = {**row, "group": "R_and_D"}
    return snapshot


def test_sparkus_values_become_words_and_other_names_stay(snapshot):
    """Support types and levels read as words; a department's own spelling is kept."""
    page = render_html(_with_support_types(snapshot))
    words = _text(page)
    assert "self-guided reflection" in words
    assert "peer support" in words
    assert "individual contributor" in words
    assert "self_guided_reflection" not in page
    assert "peer_support" not in page
    assert "individual_contributor" not in page
    assert "R_and_D" in page  # the organisation's own name, as given


def test_progress_is_called_the_raw_change_and_sits_beside_the_adjusted_effect(snapshot):
    """The pre-to-post change says it is not the program's effect, with the comparison beside."""
    words = _text(render_html(snapshot))
    groups = words[words.index("Progress by group") : words.index("By department")]
    assert "raw change" in groups
    assert "not the program's effect" in groups
    assert (
        "the program's estimated effect, compared with people outside the program and adjusted "
        "for prior scores: 3.90 (95% confidence interval 2.10 to 5.70)" in groups
    )
    assert "Raw change (95% CI)" in words


def test_progress_without_a_comparison_says_so(snapshot):
    """With no impact estimate, the raw change says the snapshot cannot give the effect."""
    snapshot["impact"] = None
    words = _text(render_html(snapshot))
    assert "no comparison with people outside the program" in words
    assert "adjusted for prior scores" not in words


def test_ancova_is_said_in_plain_words_with_a_note(snapshot):
    """An ANCOVA estimate reads 'adjusted for prior scores', and a note explains ANCOVA."""
    words = _text(render_html(snapshot))
    impact = words[words.index("Impact estimate") :]
    assert "estimated effect 3.90, adjusted for prior scores" in impact
    assert "ANCOVA (analysis of covariance) compares the people in the program" in impact
    assert "head start" in impact


def test_a_missing_pvalue_is_left_out_not_shown_as_a_dash(snapshot):
    """No p-value: the sentence has no 'p', the table says 'not available', never a dash after p."""
    snapshot["impact"]["pvalue"] = None
    page = render_html(snapshot)
    words = _text(page)
    assert f"p {DASH}" not in page
    assert "n = 4,000." in words
    assert "not available" in words


def test_roi_shows_the_assumptions_it_rests_on():
    """An ROIResult given to the report brings its value per unit, shares and costs."""
    estimate = Estimate(estimate=2.0, se=0.5, ci=ConfidenceInterval(1.0, 3.0), n=200,
                        level=0.95, pvalue=0.001, method="ANCOVA")  # fmt: skip
    benefit = Benefit.from_estimate("engagement", estimate, value=1_000.0, count=40,
                                    confidence=0.5, unit="points")  # fmt: skip
    result = roi(benefit, [Cost("fees", 20_000.0, note="40 people x 500")], rng=1,
                 currency="EUR")  # fmt: skip
    snapshot = {**dashboard_snapshot(), "roi": result}
    words = _text(render_html(snapshot))
    roi_part = words[words.index("Return on investment") :]
    assert "What this ROI assumes" in roi_part
    assert "first year only" in roi_part
    assert "for 40 people, valued at EUR 1,000 a year per point of improvement" in roi_part
    assert "50% of that claimed" in roi_part
    assert "Cost, fees: EUR 20,000 (40 people x 500)." in roi_part


def test_roi_without_assumptions_says_to_ask_for_them(snapshot):
    """A snapshot's ROI given without assumptions is shown with a note that they are missing."""
    words = _text(render_html(snapshot))
    assert "does not state the assumptions behind this ROI" in words


def test_roi_assumptions_are_read_from_the_document_and_checked(snapshot):
    """The document's `roi.assumptions` is a list of strings; anything else is refused."""
    from sparkus import SchemaError

    snapshot["roi"]["assumptions"] = ["one point is worth EUR 1,000 <a year>"]
    assert "one point is worth EUR 1,000 &lt;a year&gt;" in render_html(snapshot)
    snapshot["roi"]["assumptions"] = [1]
    with pytest.raises(SchemaError, match=r"roi\.assumptions: expected a list of strings"):
        render_html(snapshot)
