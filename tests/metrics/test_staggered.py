"""staggered_did against R's ``did`` (published mpdta output) and the ``csdid`` port, live."""

from __future__ import annotations

import math
import os
import warnings
from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import EstimationError, SchemaError
from sparkus.metrics import DiDAggregation, StaggeredDiD, staggered_did

# R did 2.x, att_gt(yname="lemp", tname="year", idname="countyreal", gname="first.treat",
# xformla=~1, est_method="dr", bstrap=FALSE, cband=FALSE) and aggte(..., bstrap=FALSE) on mpdta,
# as written by csdid's csdid/test_csdid/r_ref/generate_reference.R into ref_attgt.csv and
# ref_aggte.csv (github.com/d2cml-ai/csdid, commit ca91c1f). Columns: group, t, att, se.
R_ATTGT = {
    "never": [
        (2004, 2004, -0.0105032462209624, 0.0232510363681664),
        (2004, 2005, -0.0704231581031467, 0.0309847667572767),
        (2004, 2006, -0.137258738889403, 0.0364356642876865),
        (2004, 2007, -0.100811363085404, 0.0343592258346732),
        (2006, 2004, 0.00652011242423301, 0.0233268051418047),
        (2006, 2005, -0.00275081875051882, 0.0195585610358817),
        (2006, 2006, -0.00459460695286304, 0.0177551966592763),
        (2006, 2007, -0.0412244715462175, 0.0202291807041068),
        (2007, 2004, 0.0305066555832928, 0.01503356028013),
        (2007, 2005, -0.00272589288611625, 0.0163958328955344),
        (2007, 2006, -0.0310871193896889, 0.0178775113133435),
        (2007, 2007, -0.0260544107191966, 0.0166554353492522),
    ],
    "not_yet": [
        (2004, 2004, -0.0193723636759221, 0.0223101128836806),
        (2004, 2005, -0.0783190990620607, 0.0303902285433973),
        (2004, 2006, -0.136274346328678, 0.03540338496891),
        (2004, 2007, -0.100811363085404, 0.0343592258346732),
        (2006, 2004, -0.00256255094261098, 0.0225302351453388),
        (2006, 2005, -0.00193924609578875, 0.019042158605819),
        (2006, 2006, 0.00466087631997615, 0.0163355842468236),
        (2006, 2007, -0.0412244715462175, 0.0202291807041068),
        (2007, 2004, 0.0297593647610311, 0.0145335416386514),
        (2007, 2005, -0.0024106128000969, 0.0160312963755178),
        (2007, 2006, -0.0310871193896889, 0.0178775113133435),
        (2007, 2007, -0.0260544107191966, 0.0166554353492522),
    ],
}
# (overall att, overall se, [(label, att, se), ...]) per aggregation; same provenance.
R_AGGTE = {
    "never": {
        "simple": (-0.0399512751551763, 0.0120340127701854, []),
        "group": (
            -0.0310182822287484,
            0.0124460593209979,
            [
                (2004, -0.0797491265747291, 0.0263677994350273),
                (2006, -0.0229095392495403, 0.0167033302551619),
                (2007, -0.0260544107191966, 0.0166554353492522),
            ],
        ),
        "dynamic": (
            -0.0772398214573151,
            0.0199649890618494,
            [
                (-3, 0.0305066555832928, 0.01503356028013),
                (-2, -0.000563084626385429, 0.01329164473655),
                (-1, -0.0244587449711696, 0.0142364022105193),
                (0, -0.0199318167892593, 0.0118263640580582),
                (1, -0.0509573670651939, 0.016893476268678),
                (2, -0.137258738889403, 0.0364356642876865),
                (3, -0.100811363085404, 0.0343592258346733),
            ],
        ),
        "calendar": (
            -0.0417004321312822,
            0.01597185188456,
            [
                (2004, -0.0105032462209624, 0.0232510363681664),
                (2005, -0.0704231581031467, 0.0309847667572767),
                (2006, -0.0488159842650431, 0.0201258612605003),
                (2007, -0.0370593399359766, 0.0137470791411185),
            ],
        ),
    },
    "not_yet": {
        "simple": (-0.0397636256230437, 0.0120524247873419, []),
        "group": (
            -0.030462228112565,
            0.0125751201316818,
            [
                (2004, -0.0836942930380162, 0.0257015997680069),
                (2006, -0.0182817976131207, 0.0159222358245001),
                (2007, -0.0260544107191966, 0.0166554353492522),
            ],
        ),
        "dynamic": (
            -0.0773993139705847,
            0.0195601769463944,
            [
                (-3, 0.0297593647610311, 0.0145335416386514),
                (-2, -0.00244615388606511, 0.0131203504342708),
                (-1, -0.0242689034145076, 0.0144636816758019),
                (0, -0.0189221990834249, 0.0120445686892691),
                (1, -0.0535893473848319, 0.016946385539125),
                (2, -0.136274346328678, 0.03540338496891),
                (3, -0.100811363085404, 0.0343592258346733),
            ],
        ),
        "calendar": (
            -0.0442670834758837,
            0.0155709044211449,
            [
                (2004, -0.0193723636759221, 0.0223101128836806),
                (2005, -0.0783190990620607, 0.0303902285433972),
                (2006, -0.0423175312295752, 0.0190562576431668),
                (2007, -0.0370593399359766, 0.0137470791411185),
            ],
        ),
    },
}


def _mpdta() -> pd.DataFrame:
    """mpdta (R ``did``'s data; csdid ships it as csdid/data/mpdta.csv). Not committed here:
    set SPARKUS_MPDTA to the CSV's path to run the R comparison."""
    path = os.environ.get("SPARKUS_MPDTA")
    if not path or not Path(path).is_file():
        pytest.skip("SPARKUS_MPDTA is not set to the mpdta CSV")
    return pd.read_csv(path)


def _aggregation(result: StaggeredDiD, kind: str) -> DiDAggregation:
    return {"group": result.by_group, "dynamic": result.by_event, "calendar": result.by_period}[
        kind
    ]


@pytest.mark.parametrize("control", ["never", "not_yet"])
def test_matches_r_did_on_mpdta(control: str) -> None:
    """Every ATT(g,t), aggregation and analytic SE equals R's did on mpdta to 1e-9."""
    d = _mpdta()
    res = staggered_did(d.lemp, d.countyreal, d.year, d["first.treat"], control=control)  # type: ignore[arg-type]
    ref = np.array(R_ATTGT[control])
    np.testing.assert_array_equal(res.group, ref[:, 0])
    np.testing.assert_array_equal(res.period, ref[:, 1])
    np.testing.assert_allclose(res.att, ref[:, 2], rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.se, ref[:, 3], rtol=0, atol=1e-9)
    overall, overall_se, _ = R_AGGTE[control]["simple"]
    assert res.simple == pytest.approx(overall, abs=1e-9)
    assert res.simple_se == pytest.approx(overall_se, abs=1e-9)
    for kind in ("group", "dynamic", "calendar"):
        overall, overall_se, rows = R_AGGTE[control][kind]
        agg = _aggregation(res, kind)
        table = np.array(rows)
        np.testing.assert_array_equal(agg.labels, table[:, 0])
        np.testing.assert_allclose(agg.att, table[:, 1], rtol=0, atol=1e-9)
        np.testing.assert_allclose(agg.se, table[:, 2], rtol=0, atol=1e-9)
        assert agg.overall == pytest.approx(overall, abs=1e-9)
        assert agg.overall_se == pytest.approx(overall_se, abs=1e-9)


def _panel(seed: int, n: int = 300, periods: int = 6) -> pd.DataFrame:
    """A staggered rollout: starts in periods 3..periods or never, effects growing with time."""
    rng = np.random.default_rng(seed)
    first = rng.choice([0, 3, 4, periods], size=n)
    unit = np.repeat(np.arange(n), periods)
    time = np.tile(np.arange(1, periods + 1), n)
    g = np.repeat(first, periods)
    effect = np.where((g > 0) & (time >= g), 1.0 + 0.5 * (time - g), 0.0)
    y = np.repeat(rng.normal(size=n), periods) + 0.2 * time + effect + rng.normal(size=n * periods)
    return pd.DataFrame({"y": y, "unit": unit, "time": time, "g": g})


@pytest.mark.parametrize(
    ("control", "csdid_control"), [("never", "nevertreated"), ("not_yet", "notyettreated")]
)
def test_matches_csdid_live(control: str, csdid_control: str) -> None:
    """Cells, SEs and the four aggregations equal csdid (R did's port) on a simulated panel."""
    att_gt = pytest.importorskip("csdid.att_gt")
    d = _panel(11)
    res = staggered_did(d.y, d.unit, d.time, d.g, control=control)  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = att_gt.ATTgt(
            yname="y",
            gname="g",
            idname="unit",
            tname="time",
            xformla="y~1",
            data=d,
            control_group=[csdid_control],
        ).fit(est_method="dr", bstrap=False)
        ref = out.results
        np.testing.assert_array_equal(res.group, np.asarray(ref["group"], dtype=float))
        np.testing.assert_array_equal(res.period, np.asarray(ref["year"], dtype=float))
        np.testing.assert_allclose(res.att, np.asarray(ref["att"]), rtol=0, atol=1e-9)
        np.testing.assert_allclose(res.se, np.asarray(ref["se"]), rtol=0, atol=1e-9)
        out.aggte(typec="simple", bstrap=False)
        assert res.simple == pytest.approx(float(out.atte["overall_att"]), abs=1e-9)
        assert res.simple_se == pytest.approx(float(out.atte["overall_se"]), abs=1e-9)
        for kind in ("group", "dynamic", "calendar"):
            out.aggte(typec=kind, bstrap=False)
            agg = _aggregation(res, kind)
            np.testing.assert_array_equal(agg.labels, np.asarray(out.atte["egt"], dtype=float))
            np.testing.assert_allclose(
                agg.att, np.asarray(out.atte["att_egt"], dtype=float), atol=1e-9
            )
            np.testing.assert_allclose(
                agg.se, np.asarray(out.atte["se_egt"], dtype=float), atol=1e-9
            )
            assert agg.overall == pytest.approx(float(out.atte["overall_att"]), abs=1e-9)
            assert agg.overall_se == pytest.approx(float(out.atte["overall_se"]), abs=1e-9)


def test_recovers_a_known_effect_without_noise() -> None:
    """Parallel trends and unit effects without noise: each cell is the true effect exactly."""
    n, periods = 40, 5
    first = np.array([0, 3, 5, 0] * (n // 4))
    unit = np.repeat(np.arange(n), periods)
    time = np.tile(np.arange(1, periods + 1), n)
    g = np.repeat(first, periods)
    truth = np.where((g > 0) & (time >= g), 2.0 + (time - g), 0.0)
    # units drift apart in pairs that cancel in each group's mean: exact cells, SEs above 0
    wobble = np.repeat((-1.0) ** (np.arange(n) // 4), periods) * 1e-3 * time
    y = 0.3 * unit + 1.5 * time + truth + wobble
    res = staggered_did(y, unit, time, g)
    expected = np.where(res.period >= res.group, 2.0 + res.period - res.group, 0.0)
    np.testing.assert_allclose(res.att, expected, atol=1e-12)
    np.testing.assert_allclose(
        res.by_event.att,
        np.where(res.by_event.labels >= 0, 2.0 + res.by_event.labels, 0.0),
        atol=1e-12,
    )


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_row_order_does_not_matter(seed: int) -> None:
    """Shuffling the long-format rows gives the same cells and aggregations."""
    d = _panel(3, n=60, periods=4)
    shuffled = d.sample(frac=1.0, random_state=np.random.default_rng(seed).integers(2**31))
    a = staggered_did(d.y, d.unit, d.time, d.g, control="not_yet")
    b = staggered_did(shuffled.y, shuffled.unit, shuffled.time, shuffled.g, control="not_yet")
    np.testing.assert_allclose(a.att, b.att, atol=1e-12)
    np.testing.assert_allclose(a.se, b.se, atol=1e-12)
    assert a.by_event.overall_se == pytest.approx(b.by_event.overall_se, abs=1e-12)


def test_result_is_frozen_and_reports() -> None:
    """A frozen result; summary shows every table; to_dict is JSON-ready; inputs untouched."""
    d = _panel(5, n=80, periods=4)
    y = d.y.to_numpy().copy()
    res = staggered_did(y, d.unit, d.time, d.g)
    np.testing.assert_array_equal(y, d.y.to_numpy())
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        res.simple = 0.0  # type: ignore[misc]
    text = res.summary()
    for title in ("Group-time effects", "By group", "By event time", "By calendar period"):
        assert title in text
    out = res.to_dict()
    assert out["control"] == "never"
    assert out["by_event"]["kind"] == "dynamic"
    assert len(out["att"]) == res.att.shape[0]
    assert "simple=" in repr(res)


def test_bad_inputs() -> None:
    """Twice-observed units, out-of-panel starts, NaN covariates and empty comparison groups."""
    d = _panel(7, n=40, periods=4)
    twice = pd.concat([d, d.iloc[:1]], ignore_index=True)
    with pytest.raises(SchemaError, match="observed 2 times"):
        staggered_did(twice.y, twice.unit, twice.time, twice.g)
    with pytest.raises(SchemaError, match="outside the panel"):
        staggered_did(d.y, d.unit, d.time, d.g.where(d.unit != 0, 9))
    with pytest.raises(SchemaError, match="covariates"):
        staggered_did(d.y, d.unit, d.time, d.g, covariates=d.y.where(d.unit != 2))
    all_treated = d.g.where(d.g != 0, 4)
    with pytest.raises(EstimationError, match=r"\(g=3, t=2\)"):
        staggered_did(d.y, d.unit, d.time, all_treated)


@pytest.mark.parametrize("k", [-664, 531])
def test_staggered_did_is_exactly_equivariant_to_a_power_of_two(k):
    """y times 2**k (about 1e-200 and 1e160) gives the effects and their SEs times 2**k, to
    the bit: the SEs squared the influence functions, so 1e-200 gave a SE of 0 silently and
    1e160 an overflow."""
    import warnings

    rng = np.random.default_rng(7)
    n, periods = 60, 4
    first = np.repeat([0, 2, 3], 20)
    unit, time = np.repeat(np.arange(n), periods), np.tile(np.arange(1, periods + 1), n)
    start = np.repeat(first, periods)
    y = rng.normal(size=n * periods) + (time >= start) * (start > 0) + time * 0.5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        base = staggered_did(y, unit, time, start)
        scaled = staggered_did(np.ldexp(y, k), unit, time, start)
    assert scaled.simple == math.ldexp(base.simple, k)
    assert scaled.simple_se == math.ldexp(base.simple_se, k)
