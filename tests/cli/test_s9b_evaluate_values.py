"""``sparkus evaluate --treated support=coaching`` on an export that spells values two ways.

Rows spelled ``Coaching`` or ``None`` were left out as neither treated nor control, and the
estimate made on half of each group, with only a count of rows left out to show for it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

_SUPPORTS = ("coaching", "Coaching", "none", "None ", "self_guided_reflection")


def _outcomes(path: Path, supports=_SUPPORTS) -> Path:
    rng = np.random.default_rng(1)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["id", "support", "outcome_pre", "outcome_post"])
        for i in range(60):
            support = supports[i % len(supports)]
            pre = rng.normal(3, 1)
            post = pre + 0.5 * (support.casefold() == "coaching") + rng.normal(0, 0.5)
            writer.writerow([f"E{i}", support, f"{pre:.2f}", f"{post:.2f}"])
    return path


def _evaluate(run, path: Path):
    return run("evaluate", str(path), "--outcome", "outcome_post", "--pre", "outcome_pre",
               "--treated", "support=coaching", "--control", "support=none")  # fmt: skip


def test_a_value_spelled_otherwise_is_refused_not_left_out(run, tmp_path):
    """'Coaching' beside 'coaching' is a data problem (exit 3) naming both and the rows."""
    done = _evaluate(run, _outcomes(tmp_path / "outcomes.csv"))
    assert done.status == 3
    assert (
        "outcomes.csv, column support: 'Coaching' (12 rows) differs from 'coaching' "
        "(--treated support=coaching) only in case, spaces or separators"
    ) in done.err, done.err


def test_the_control_value_spelled_otherwise_is_refused_too(run, tmp_path):
    """'None' (a cell with a space after it) beside 'none' is refused for --control."""
    supports = ("coaching", "none", "None ", "self_guided_reflection")
    done = _evaluate(run, _outcomes(tmp_path / "outcomes.csv", supports))
    assert done.status == 3
    assert "'None' (15 rows) differs from 'none' (--control support=none)" in done.err


def test_the_rows_left_out_are_counted_by_value(run, tmp_path):
    """Rows neither treated nor control are counted with the value that left them out."""
    supports = ("coaching", "none", "self_guided_reflection", "")
    done = _evaluate(run, _outcomes(tmp_path / "outcomes.csv", supports))
    assert done.status == 0, done.err
    assert (
        "30 rows are neither treated nor control and were left out: "
        "support=self_guided_reflection (15), support=(empty) (15)"
    ) in done.err
