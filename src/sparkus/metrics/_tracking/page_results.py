"""The report's results: the impact estimate, the return on investment and what each rests on.

The raw change by group is put beside the impact estimate (the comparison, adjusted for prior
scores when the method is ANCOVA), so that nobody reads a pre-to-post change as the program's
effect; the ROI is shown with the assumptions it rests on.
"""

from __future__ import annotations

from sparkus.metrics._tracking.charts import Ids, IntervalRow, interval_svg, tick_text
from sparkus.metrics._tracking.display import (
    ANCOVA_NOTE,
    DASH,
    ci_text,
    count_text,
    is_ancova,
    level_text,
    number_text,
    pvalue_text,
)
from sparkus.metrics._tracking.html_parts import E, html_table, open_section
from sparkus.metrics._tracking.schema import Dashboard

__all__ = ["beside_progress", "impact_html", "roi_html"]


def beside_progress(snap: Dashboard) -> str:
    """The sentence that puts the raw change beside the comparison, or says there is none."""
    impact = snap.impact
    if impact is None or impact.estimate is None:
        return (
            '<p class="note">This snapshot has no comparison with people outside the program, '
            "so it cannot say how much of the change the program caused.</p>"
        )
    adjusted = " and adjusted for prior scores" if is_ancova(impact.method) else ""
    return (
        f'<p class="compare">Beside it, the program\'s estimated effect, compared with people '
        f"outside the program{adjusted}: {E(number_text(impact.estimate))} "
        f"({E(level_text(impact.level))}confidence interval {E(ci_text(impact.ci))}); see "
        "Impact estimate below.</p>"
    )


def impact_html(snap: Dashboard, ids: Ids) -> str:
    head = open_section("impact", "Impact estimate")
    impact = snap.impact
    if impact is None:
        return head + '<p class="note">This snapshot has no impact estimate.</p></section>'
    level = level_text(impact.level)
    ancova = is_ancova(impact.method)
    adjusted = ", adjusted for prior scores" if ancova else ""
    p = ""
    if impact.pvalue is not None:
        p = f", p {'= ' if impact.pvalue >= 0.001 else ''}{pvalue_text(impact.pvalue)}"
    sentence = (
        f"{impact.method}: estimated effect {number_text(impact.estimate)}{adjusted} "
        f"({level}confidence interval {ci_text(impact.ci)}), n = {count_text(impact.n)}{p}."
    )
    rows = [
        (
            impact.method,
            number_text(impact.estimate),
            ci_text(impact.ci),
            count_text(impact.n),
            "not available" if impact.pvalue is None else pvalue_text(impact.pvalue),
        )
    ]
    table = html_table(
        "Impact estimate", ("Method", "Estimate", f"{level}CI", "n", "p-value"), rows
    )
    chart = ""
    if impact.estimate is not None:
        desc = (
            f"Dot-and-interval chart of the program's estimated effect, {number_text(impact.estimate)}"
            f", with its {level}confidence interval {ci_text(impact.ci)}; the dashed line marks no "
            "effect."
        )
        chart = interval_svg(
            [IntervalRow(impact.method, impact.estimate, impact.ci)],
            ids,
            title="Impact estimate",
            desc=desc,
            axis="Estimated effect on the outcome",
            reference="no effect",
        )
    note = (
        ANCOVA_NOTE
        if ancova
        else (
            "The estimated effect compares the people in the program with people who were not; "
            "the interval shows how far the true effect may lie from the estimate."
        )
    )
    return (
        head
        + f'<p class="headline">{E(sentence)}</p>'
        + f'<div class="figure">{chart}{table}</div>'
        + f'<p class="note">{E(note)}</p></section>'
    )


def roi_html(snap: Dashboard, ids: Ids) -> str:
    roi = snap.roi
    if roi is None:
        return ""
    level = level_text(roi.level)

    def pct(value: float | None) -> str:
        return DASH if value is None else f"{number_text(value)}%"

    bcr = DASH if roi.bcr is None else f"{roi.bcr:.2f} : 1"
    sentence = (
        f"Return on investment {pct(roi.roi_percent)} ({level}interval {ci_text(roi.ci, pct)}); "
        f"benefit-cost ratio {bcr}; money in {roi.currency}."
    )
    rows = [(f"ROI ({roi.currency})", pct(roi.roi_percent), ci_text(roi.ci, pct), bcr)]
    table = html_table(
        "Return on investment", ("Figure", "ROI", f"{level}interval", "Benefit-cost ratio"), rows
    )
    chart = ""
    if roi.roi_percent is not None:
        desc = (
            f"Dot-and-interval chart of the return on investment, {pct(roi.roi_percent)}, with "
            f"its {level}interval {ci_text(roi.ci, pct)}; the dashed line marks break-even (0%)."
        )
        chart = interval_svg(
            [IntervalRow("ROI", roi.roi_percent, roi.ci)],
            ids,
            title="Return on investment",
            desc=desc,
            axis="ROI (%)",
            reference="break-even",
            fmt=lambda v: f"{tick_text(v)}%",
        )
    if roi.assumptions:
        items = "".join(f"<li>{E(a)}</li>" for a in roi.assumptions)
        assumptions = f'<h3>What this ROI assumes</h3><ul class="assumptions">{items}</ul>'
    else:
        assumptions = (
            '<p class="note">This snapshot does not state the assumptions behind this ROI '
            "(what a unit of improvement is worth, how much of it the program caused, which "
            "costs count): ask for them before quoting it.</p>"
        )
    return (
        open_section("roi", "Return on investment") + f'<p class="headline">{E(sentence)}</p>'
        f'<div class="figure">{chart}{table}</div>{assumptions}</section>'
    )
