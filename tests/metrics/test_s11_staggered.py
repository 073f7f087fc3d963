"""staggered_did refuses a group-time cell whose standard error is unmeasured.

References: the ``csdid`` port of R's ``did`` (installed in the test environment), run live:
``ATTgt(...).fit(est_method="dr", bstrap=False)`` sets the SE of a cell whose units all
changed alike to NaN (R's ``att_gt``: ``se <= sqrt(.Machine$double.eps) * 10`` is NA). A cell
with one unit on a side: the variance of a difference of means is ``σ²(1/n1 + 1/n0)``, of which
the influence-function SE keeps only ``σ²/n0`` when ``n1 = 1`` (a simulation of 400 panels, one
treated unit among 50 never treated, no effect: rejected 78% of the time at 5%).
"""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from sparkus import EstimationError, SparkusWarning
from sparkus.metrics import staggered_did


def _cells(message):
    return {(float(g), float(t)) for g, t in re.findall(r"\((\d+), (\d+)\)", message)}


def _alike():
    """Groups of 5 units (and 5 never treated); group 3 and the never treated move alike."""
    rng = np.random.default_rng(1)
    unit = np.repeat(np.arange(15), 3)
    time = np.tile([1, 2, 3], 15)
    first = np.repeat(np.repeat([2, 3, 0], 5), 3)
    y = rng.normal(size=45)
    y[15:45] = np.tile([0.0, 1.0, 2.0], 10) + np.repeat(np.arange(10) * 0.5, 3)
    return y, unit, time, first


def _noiseless():
    unit = np.repeat(np.arange(15), 3)
    time = np.tile([1, 2, 3], 15)
    first = np.repeat(np.repeat([2, 3, 0], 5), 3)
    return time * 1.0 + (time >= first) * (first > 0) * 2.0 + unit * 0.1, unit, time, first


@pytest.mark.parametrize("panel", [_alike, _noiseless])
def test_a_cell_with_a_zero_se_is_refused_where_csdid_gives_nan(panel):
    """The cells named in the EstimationError are those whose csdid SE is NaN (or rounding)."""
    from csdid.att_gt import ATTgt

    y, unit, time, first = panel()
    data = pd.DataFrame({"y": y, "unit": unit, "time": time, "g": first})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ATTgt(yname="y", gname="g", idname="unit", tname="time", xformla="y~1",
                    data=data, control_group=["notyettreated"]).fit(est_method="dr", bstrap=False)  # fmt: skip
    ref = out.results
    se = np.asarray(ref["se"], dtype=float)
    unmeasured = np.isnan(se) | (se < 1e-12)  # csdid keeps rounding (2e-16) where R has NA
    groups, years = np.asarray(ref["group"]), np.asarray(ref["year"])
    expected = {(float(g), float(t)) for g, t in zip(groups[unmeasured], years[unmeasured], strict=True)}  # fmt: skip
    assert expected
    with pytest.raises(EstimationError, match="changed alike") as info:
        staggered_did(y, unit, time, first, control="not_yet")
    assert _cells(str(info.value)) == expected


@pytest.mark.parametrize("control", ["never", "not_yet"])
@pytest.mark.parametrize("covariates", [False, True])
def test_a_cell_with_a_single_unit_on_a_side_is_refused(control, covariates):
    """One treated unit among 50 never treated: its cells are refused, the others named not."""
    rng = np.random.default_rng(3)
    first_of_unit = np.r_[2, 3, 3, 3, np.zeros(50)]
    n = first_of_unit.size
    unit = np.repeat(np.arange(n), 3)
    time = np.tile([1, 2, 3], n)
    first = np.repeat(first_of_unit, 3)
    y = rng.normal(size=3 * n)
    x = np.repeat(rng.normal(size=n), 3) if covariates else None
    with (
        pytest.warns(SparkusWarning, match="small groups"),
        pytest.raises(EstimationError, match="single unit") as info,
    ):
        staggered_did(y, unit, time, first, control=control, covariates=x)
    assert _cells(str(info.value)) == {(2.0, 2.0), (2.0, 3.0)}
