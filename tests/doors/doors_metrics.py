"""The doors of sparkus.metrics (the estimators; live tracking has its own file).

Each case is one bad input and the typed error it must raise, with the parameter, field or row
its message must name. The data are small and deterministic, so the table runs in seconds.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from sparkus import EstimationError, NotFittedError, SchemaError, SparkusWarning
from sparkus.metrics import (
    Benefit,
    ConfidenceInterval,
    Cost,
    Estimate,
    PropensityModel,
    RobustnessValue,
    adjust_pvalues,
    aipw,
    ancova,
    balance_plot,
    bootstrap,
    cohens_d,
    compare_proportions,
    convert_effect_size,
    did,
    e_value,
    fixed_effect,
    forest_plot,
    glass_delta,
    hedges_g,
    icc,
    ipw,
    mde,
    ols,
    overlap,
    paired_dz,
    paired_ttest,
    power,
    random_effects,
    robustness_value,
    roi,
    sample_size,
    subgroup_effects,
    welch_ttest,
)

from .table import Door, NotADoor, case

_rng = np.random.default_rng(5)
N = 40
Y = _rng.normal(0.0, 1.0, N)
X1 = _rng.normal(0.0, 1.0, N)
X2 = _rng.normal(0.0, 1.0, N)
T = np.arange(N) % 3 == 0
POST = np.arange(N) % 2 == 1
PRE = _rng.normal(0.0, 1.0, N)
GROUPS = np.where(np.arange(N) < 20, "Sales", "Finance")
CL = np.arange(N) // 2
X = {"x1": X1, "x2": X2}
NAN_ROW = np.where(np.arange(N) == 7, np.nan, Y)
TEXT = np.array(["a"] * N)
DATES = pd.date_range("2024-01-01", periods=N).to_numpy()
NULLABLE = pd.Series([1] * (N - 1) + [None], dtype="Int64")
BIG = np.r_[1.7e308, -1.7e308, np.ones(N - 2)]
A = np.array([5.1, 6.0, 6.3, 7.2, 5.9, 6.6])
B = np.array([4.2, 5.0, 4.4, 5.1, 4.8, 5.5])


def _series(values, shift=0):
    return pd.Series(np.asarray(values), index=np.arange(len(values)) + shift)


def _misaligned(call):
    """`call(first, second)` with two pandas Series whose indexes share no label."""
    return lambda: call(_series(Y), _series(X1, shift=1000))


FIT = ols(Y, {"d": T.astype(float), "x": X1}, cov="nonrobust")
HC1 = ols(Y, X)
MODEL = PropensityModel().fit(X, T)
with warnings.catch_warnings():  # the diagnostics of these small data warn of imbalance
    warnings.simplefilter("ignore", SparkusWarning)
    MODEL_DIAGNOSTICS = overlap(T, X)
G = hedges_g(A, B)
WELCH = welch_ttest(A, B)
BOOT = bootstrap((A,), np.mean, n_resamples=99, rng=1)
META = random_effects([0.3, 0.5, 0.2], [0.01, 0.02, 0.015])
BENEFIT = Benefit(
    name="engagement", improvement=2.0, se=0.5, value=100.0, count=10, isolation=1.0, confidence=1.0
)
_FIELDS = {
    "estimate": 1.0,
    "se": 0.1,
    "ci": ConfidenceInterval(0.8, 1.2),
    "level": 0.95,
    "pvalue": 0.01,
    "n": 10,
    "method": "by hand",
}
_RESULT = "a result class: built by its estimator from values already checked at that door"

DOORS = [
    # -- results and records -------------------------------------------------------------------
    Door(
        "sparkus.metrics.Estimate",
        (
            case(
                "interval not a ConfidenceInterval",
                lambda: Estimate(**{**_FIELDS, "ci": (0.8, 1.2)}),
                SchemaError,
                "ci",
            ),
            case(
                "low above high",
                lambda: Estimate(**{**_FIELDS, "ci": ConfidenceInterval(2, 1)}),
                SchemaError,
                "ci",
            ),
            case(
                "NaN estimate",
                lambda: Estimate(**{**_FIELDS, "estimate": float("nan")}),
                SchemaError,
                "estimate",
            ),
            case("negative se", lambda: Estimate(**{**_FIELDS, "se": -1.0}), SchemaError, "se"),
            case(
                "p-value above 1",
                lambda: Estimate(**{**_FIELDS, "pvalue": 2.0}),
                SchemaError,
                "pvalue",
            ),
            case("n of 0", lambda: Estimate(**{**_FIELDS, "n": 0}), SchemaError, "n"),
            case(
                "unknown measure",
                lambda: Estimate(**{**_FIELDS, "measure": "odds"}),
                SchemaError,
                "measure",
                "'SMD'",
            ),
            case("level of 95", lambda: Estimate(**{**_FIELDS, "level": 95}), SchemaError, "level"),
        ),
    ),
    Door(
        "sparkus.metrics.Estimate.confidence_interval",
        (
            case("level 1", lambda: WELCH.confidence_interval(1.0), SchemaError, "level"),
            case("level as text", lambda: WELCH.confidence_interval("0.9"), SchemaError, "level"),
            case(
                "made by hand",
                lambda: Estimate(**_FIELDS).confidence_interval(0.9),
                EstimationError,
                "by hand",
            ),
        ),
    ),
    NotADoor(
        "sparkus.metrics.ConfidenceInterval",
        "a named pair (low, high) that estimators return; like a tuple it holds what it "
        "is given, and every door that reads an interval (Estimate, e_value) checks it",
    ),
    Door(
        "sparkus.metrics.OLSResult.term",
        (
            case("unknown term", lambda: FIT.term("z"), SchemaError, "name", "'d'"),
            case("term as a number", lambda: FIT.term(1), SchemaError, "name"),
        ),
    ),
    Door(
        "sparkus.metrics.OLSResult.confidence_interval",
        (
            case("level 0", lambda: FIT.confidence_interval(0.0), SchemaError, "level"),
            case("level NaN", lambda: FIT.confidence_interval(float("nan")), SchemaError, "level"),
        ),
    ),
    Door(
        "sparkus.metrics.BootstrapResult.confidence_interval",
        (
            case("level 1.5", lambda: BOOT.confidence_interval(1.5), SchemaError, "level"),
            case("level None", lambda: BOOT.confidence_interval(None), SchemaError, "level"),
        ),
    ),
    Door(
        "sparkus.metrics.RobustnessValue.from_statistic",
        (
            case(
                "NaN statistic",
                lambda: RobustnessValue.from_statistic(float("nan"), 100),
                SchemaError,
                "statistic",
            ),
            case("df of 1", lambda: RobustnessValue.from_statistic(2.0, 1), SchemaError, "df"),
            case(
                "df as a float",
                lambda: RobustnessValue.from_statistic(2.0, 100.0),
                SchemaError,
                "df",
            ),
            case(
                "q of 0", lambda: RobustnessValue.from_statistic(2.0, 100, q=0.0), SchemaError, "q"
            ),
            case(
                "alpha of 1",
                lambda: RobustnessValue.from_statistic(2.0, 100, alpha=1.0),
                SchemaError,
                "alpha",
            ),
            case(
                "term not text",
                lambda: RobustnessValue.from_statistic(2.0, 100, term=3),
                SchemaError,
                "term",
            ),
        ),
    ),
    NotADoor("sparkus.metrics.EValue", f"{_RESULT} (e_value)"),
    NotADoor("sparkus.metrics.MetaAnalysis", f"{_RESULT} (fixed_effect, random_effects)"),
    NotADoor("sparkus.metrics.OverlapDiagnostics", f"{_RESULT} (overlap, ipw, aipw)"),
    NotADoor("sparkus.metrics.ROIResult", f"{_RESULT} (roi)"),
    NotADoor("sparkus.metrics.SubgroupEffects", f"{_RESULT} (subgroup_effects)"),
    Door(
        "sparkus.metrics.Benefit",
        (
            case(
                "NaN improvement",
                lambda: Benefit(
                    name="b", improvement=float("nan"), value=1.0, isolation=1.0, confidence=1.0
                ),
                SchemaError,
                "improvement",
            ),
            case(
                "isolation of 60",
                lambda: Benefit(name="b", improvement=1.0, value=1.0, isolation=60, confidence=1.0),
                SchemaError,
                "isolation",
            ),
            case(
                "negative value",
                lambda: Benefit(
                    name="b", improvement=1.0, value=-1.0, isolation=1.0, confidence=1.0
                ),
                SchemaError,
                "value",
            ),
            case(
                "value range not a pair",
                lambda: Benefit(
                    name="b",
                    improvement=1.0,
                    value=1.0,
                    isolation=1.0,
                    confidence=1.0,
                    value_range=(1.0,),
                ),
                SchemaError,
                "value_range",
            ),
            case(
                "se without improvement",
                lambda: Benefit(
                    name="b", improvement=None, value=1.0, isolation=1.0, confidence=1.0, se=1.0
                ),
                SchemaError,
                "se",
            ),
            case(
                "gross value beyond a double",
                lambda: Benefit(
                    name="b", improvement=1e200, value=1e200, isolation=1.0, confidence=1.0
                ),
                SchemaError,
                "improvement",
                "1.8e308",
            ),
            case(
                "name not text",
                lambda: Benefit(name=3, improvement=1.0, value=1.0, isolation=1.0, confidence=1.0),
                SchemaError,
                "name",
            ),
        ),
    ),
    Door(
        "sparkus.metrics.Benefit.from_estimate",
        (
            case(
                "a number, not an Estimate",
                lambda: Benefit.from_estimate("b", 3.0, value=1.0),
                SchemaError,
                "estimate",
            ),
            case(
                "negative value",
                lambda: Benefit.from_estimate("b", WELCH, value=-5.0),
                SchemaError,
                "value",
            ),
        ),
    ),
    Door(
        "sparkus.metrics.Cost",
        (
            case("negative amount", lambda: Cost("fees", -1.0), SchemaError, "amount"),
            case("amount as text", lambda: Cost("fees", "100"), SchemaError, "amount"),
            case("infinite amount", lambda: Cost("fees", float("inf")), SchemaError, "amount"),
            case(
                "unknown category",
                lambda: Cost("fees", 1.0, "misc"),
                SchemaError,
                "category",
                "'delivery'",
            ),
        ),
    ),
    Door(
        "sparkus.metrics.Cost.participant_time",
        (
            case(
                "negative hours",
                lambda: Cost.participant_time(people=3, hours=-1.0, hourly_cost=50.0),
                SchemaError,
                "hours",
            ),
            case(
                "people as text",
                lambda: Cost.participant_time(people="3", hours=1.0, hourly_cost=50.0),
                SchemaError,
                "people",
            ),
            case(
                "product beyond a double",
                lambda: Cost.participant_time(people=1e200, hours=1e200, hourly_cost=1.0),
                SchemaError,
                "people",
                "1.8e308",
            ),
        ),
    ),
    # -- effect sizes and comparisons ---------------------------------------------------------
    *[
        Door(
            f"sparkus.metrics.{fn.__name__}",
            (
                case("NaN row", lambda fn=fn: fn(NAN_ROW, X1), EstimationError, "`x`", "row 7"),
                case("text", lambda fn=fn: fn(TEXT, X1), SchemaError, "x"),
                case("dates", lambda fn=fn: fn(X1, DATES), SchemaError, "y"),
                case("2-D", lambda fn=fn: fn(np.ones((N, 2)), X1), SchemaError, "x", "1-D"),
                case(
                    "one value", lambda fn=fn: fn(X1, [1.0]), EstimationError, "`y`", "at least 2"
                ),
                case(
                    "nullable with NA",
                    lambda fn=fn: fn(NULLABLE, X1),
                    EstimationError,
                    "`x`",
                    "row 39",
                ),
                case(
                    "unknown ci_method",
                    lambda fn=fn: fn(X1, X2, ci_method="exact"),
                    SchemaError,
                    "ci_method",
                ),
                case("level 0", lambda fn=fn: fn(X1, X2, level=0.0), SchemaError, "level"),
                case(
                    "both constant",
                    lambda fn=fn: fn([1.0, 1.0], [2.0, 2.0]),
                    EstimationError,
                    "constant",
                ),
                case(
                    "spread under 1e-308 of the difference",
                    lambda fn=fn: fn([1.0, 1.0, 1.0], [0.0, 0.0, 5e-324]),
                    EstimationError,
                    "range of double precision",
                ),
            ),
        )
        for fn in (cohens_d, hedges_g, glass_delta)
    ],
    Door(
        "sparkus.metrics.welch_ttest",
        (
            case("NaN row", lambda: welch_ttest(X1, NAN_ROW), EstimationError, "`y`", "row 7"),
            case("empty", lambda: welch_ttest([], X1), EstimationError, "`x`"),
            case("text", lambda: welch_ttest(X1, TEXT), SchemaError, "y"),
            case("level above 1", lambda: welch_ttest(X1, X2, level=1.5), SchemaError, "level"),
            case(
                "difference beyond a double",
                lambda: welch_ttest([1.7e308, -1.7e308, 1e308], [-1.7e308, 1e308, 0.0]),
                EstimationError,
                "1.8e308",
            ),
            case("mapping", lambda: welch_ttest({"a": 1.0}, X1), SchemaError, "x"),
        ),
    ),
    Door(
        "sparkus.metrics.paired_ttest",
        (
            case(
                "lengths differ",
                lambda: paired_ttest(X1, X2[:-1]),
                EstimationError,
                "`pre`",
                "`post`",
            ),
            case("NaN row", lambda: paired_ttest(X1, NAN_ROW), EstimationError, "`post`", "row 7"),
            case("one pair", lambda: paired_ttest([1.0], [2.0]), EstimationError, "`pre`"),
            case(
                "interval beyond a double",
                lambda: paired_ttest([0.0, 1.7e308, 1.7e308], [0.0, 0.0, 0.0]),
                EstimationError,
                "1.8e308",
            ),
            case("misaligned pandas", _misaligned(paired_ttest), SchemaError, "post", "pre"),
            case("level as text", lambda: paired_ttest(X1, X2, level="high"), SchemaError, "level"),
        ),
    ),
    Door(
        "sparkus.metrics.paired_dz",
        (
            case("lengths differ", lambda: paired_dz(X1, X2[:5]), EstimationError, "`pre`"),
            case(
                "same change",
                lambda: paired_dz([1.0, 2.0], [2.0, 3.0]),
                EstimationError,
                "same amount",
            ),
            case("misaligned pandas", _misaligned(paired_dz), SchemaError, "post", "pre"),
            case("2-D", lambda: paired_dz(np.ones((N, 2)), X1), SchemaError, "pre"),
            case(
                "unknown ci_method",
                lambda: paired_dz(X1, X2, ci_method="bca"),
                SchemaError,
                "ci_method",
            ),
        ),
    ),
    Door(
        "sparkus.metrics.compare_proportions",
        (
            case(
                "value 2", lambda: compare_proportions([0, 2, 1], [1, 0]), SchemaError, "x", "row 1"
            ),
            case("empty", lambda: compare_proportions([], [1, 0]), EstimationError, "`x`"),
            case(
                "NaN",
                lambda: compare_proportions([0, np.nan], [1, 0]),
                EstimationError,
                "`x`",
                "row 1",
            ),
            case("text", lambda: compare_proportions(["yes", "no"], [1, 0]), SchemaError, "x"),
            case(
                "level 0",
                lambda: compare_proportions([0, 1], [1, 0], level=0),
                SchemaError,
                "level",
            ),
        ),
    ),
    Door(
        "sparkus.metrics.convert_effect_size",
        (
            case(
                "unknown scale",
                lambda: convert_effect_size(0.5, source="g", target="r"),
                SchemaError,
                "source",
                "'d'",
            ),
            case(
                "r of 1",
                lambda: convert_effect_size(1.0, source="r", target="d"),
                SchemaError,
                "value",
            ),
            case(
                "one group size",
                lambda: convert_effect_size(0.5, source="d", target="r", n1=10),
                SchemaError,
                "n2",
            ),
            case(
                "NaN",
                lambda: convert_effect_size(float("nan"), source="d", target="r"),
                SchemaError,
                "value",
            ),
            case(
                "log odds ratio beyond a double",
                lambda: convert_effect_size(1.7e308, source="d", target="log_odds_ratio"),
                SchemaError,
                "value",
                "at most",
            ),
            case(
                "sizes summing to 2",
                lambda: convert_effect_size(0.5, source="d", target="r", n1=1, n2=1),
                SchemaError,
                "n2",
            ),
        ),
    ),
    # -- regression ---------------------------------------------------------------------------
    Door(
        "sparkus.metrics.ols",
        (
            case(
                "misaligned pandas",
                lambda: ols(_series(Y), pd.DataFrame({"x": X1}, index=np.arange(N) + 1000)),
                SchemaError,
                "X",
                "y",
            ),
            case("NaN row", lambda: ols(NAN_ROW, X), EstimationError, "`y`", "row 7"),
            case("lengths differ", lambda: ols(Y, X1[:-1]), EstimationError, "`y`", "`X`"),
            case("text column", lambda: ols(Y, {"x": TEXT}), SchemaError, "X['x']"),
            case("singular", lambda: ols(Y, {"a": X1, "b": 2 * X1}), EstimationError, "`b`", "`a`"),
            case("unknown cov", lambda: ols(Y, X, cov="HC9"), SchemaError, "cov", "'HC1'"),
            case("intercept as 1", lambda: ols(Y, X, intercept=1), SchemaError, "intercept"),
            case("CR1 without clusters", lambda: ols(Y, X, cov="CR1"), SchemaError, "clusters"),
            case(
                "one cluster", lambda: ols(Y, X, clusters=np.zeros(N)), EstimationError, "clusters"
            ),
            case("nullable with NA", lambda: ols(NULLABLE, X1), EstimationError, "`y`", "row 39"),
            case(
                "coefficient beyond a double",
                lambda: ols(Y, {"x": X1 * 1e-300}),
                EstimationError,
                "`x`",
                "range",
            ),
            case(
                "names of wrong count",
                lambda: ols(Y, np.column_stack([X1, X2]), names=["a"]),
                SchemaError,
                "names",
            ),
        ),
    ),
    Door(
        "sparkus.metrics.ancova",
        (
            case("treated of 2", lambda: ancova(Y, PRE, np.where(T, 2, 0)), SchemaError, "treated"),
            case("no control", lambda: ancova(Y, PRE, np.ones(N)), EstimationError, "treated"),
            case("NaN pre", lambda: ancova(Y, NAN_ROW, T), EstimationError, "`pre`", "row 7"),
            case(
                "misaligned pandas",
                lambda: ancova(_series(Y), _series(PRE, 1000), _series(T)),
                SchemaError,
                "pre",
                "post",
            ),
            case(
                "reserved covariate name",
                lambda: ancova(Y, PRE, T, covariates={"pre": X1}),
                SchemaError,
                "covariates",
            ),
            case("level 1", lambda: ancova(Y, PRE, T, level=1.0), SchemaError, "level"),
        ),
    ),
    Door(
        "sparkus.metrics.did",
        (
            case("post as text", lambda: did(Y, T, TEXT), SchemaError, "post"),
            case("empty cell", lambda: did(Y, T, T), EstimationError, "2x2"),
            case("lengths differ", lambda: did(Y, T[:-1], POST), EstimationError, "`treated`"),
            case(
                "misaligned pandas",
                lambda: did(_series(Y), _series(T), _series(POST, 1000)),
                SchemaError,
                "post",
                "y",
            ),
            case("unknown cov", lambda: did(Y, T, POST, cov="robust"), SchemaError, "cov"),
        ),
    ),
    # -- weighting ----------------------------------------------------------------------------
    *[
        Door(
            f"sparkus.metrics.{fn.__name__}",
            (
                case("no outcome", lambda fn=fn: fn(None, T, X), SchemaError, "y"),
                case(
                    "treated of 2",
                    lambda fn=fn: fn(Y, np.where(T, 2, 0), X),
                    SchemaError,
                    "treated",
                ),
                case(
                    "unknown estimand",
                    lambda fn=fn: fn(Y, T, X, estimand="ATC"),
                    SchemaError,
                    "estimand",
                    "'ATE'",
                ),
                case("trim of 0.6", lambda fn=fn: fn(Y, T, X, trim=0.6), SchemaError, "trim"),
                case(
                    "NaN covariate",
                    lambda fn=fn: fn(Y, T, {"x": NAN_ROW}),
                    EstimationError,
                    "`X`",
                    "row 7",
                ),
                case(
                    "separation",
                    lambda fn=fn: fn(Y, T, {"x": T.astype(float)}),
                    EstimationError,
                    "separation",
                ),
                case(
                    "misaligned pandas",
                    lambda fn=fn: fn(_series(Y), _series(T, 1000), X),
                    SchemaError,
                    "treated",
                    "y",
                ),
                case("level 0", lambda fn=fn: fn(Y, T, X, level=0.0), SchemaError, "level"),
            ),
        )
        for fn in (ipw, aipw)
    ],
    Door(
        "sparkus.metrics.overlap",
        (
            case("treated as text", lambda: overlap(TEXT, X), SchemaError, "treated"),
            case("one group", lambda: overlap(np.ones(N), X), EstimationError, "treated"),
            case("lengths differ", lambda: overlap(T[:-1], X), EstimationError, "`treated`", "`X`"),
            case(
                "misaligned pandas",
                lambda: overlap(_series(T), pd.DataFrame(X, index=np.arange(N) + 1000)),
                SchemaError,
                "X",
                "treated",
            ),
            case("trim as text", lambda: overlap(T, X, trim="0.1"), SchemaError, "trim"),
        ),
    ),
    Door(
        "sparkus.metrics.PropensityModel.fit",
        (
            case("tol of 0", lambda: PropensityModel(tol=0.0).fit(X, T), SchemaError, "tol"),
            case(
                "max_iter beyond 10,000",
                lambda: PropensityModel(max_iter=10**9).fit(X, T),
                SchemaError,
                "max_iter",
                "10,000",
            ),
            case(
                "treated of 2",
                lambda: PropensityModel().fit(X, np.where(T, 2, 0)),
                SchemaError,
                "treated",
            ),
            case(
                "misaligned pandas",
                lambda: PropensityModel().fit(pd.DataFrame(X), _series(T, 1000)),
                SchemaError,
                "treated",
                "X",
            ),
            case("dates", lambda: PropensityModel().fit({"x": DATES}, T), SchemaError, "X['x']"),
        ),
    ),
    Door(
        "sparkus.metrics.PropensityModel.predict_proba",
        (
            case("before fit", lambda: PropensityModel().predict_proba(X), NotFittedError, "fit"),
            case(
                "other columns",
                lambda: MODEL.predict_proba({"a": X1, "b": X2}),
                SchemaError,
                "X",
                "x1",
            ),
            case("one column too few", lambda: MODEL.predict_proba(X1), SchemaError, "X"),
            case(
                "NaN row",
                lambda: MODEL.predict_proba({"x1": NAN_ROW, "x2": X2}),
                EstimationError,
                "row 7",
            ),
        ),
    ),
    # -- subgroups and multiple testing ---------------------------------------------------------
    Door(
        "sparkus.metrics.subgroup_effects",
        (
            case(
                "missing group",
                lambda: subgroup_effects(Y, T, np.where(CL == 3, None, GROUPS)),
                SchemaError,
                "groups",
                "rows 6 and 7",
            ),
            case("float groups", lambda: subgroup_effects(Y, T, X1), SchemaError, "groups"),
            case(
                "ancova without pre",
                lambda: subgroup_effects(Y, T, GROUPS, method="ancova"),
                SchemaError,
                "pre",
            ),
            case(
                "unknown p_adjust",
                lambda: subgroup_effects(Y, T, GROUPS, p_adjust="sidak"),
                SchemaError,
                "p_adjust",
                "'holm'",
            ),
            case(
                "min_group_size 0",
                lambda: subgroup_effects(Y, T, GROUPS, min_group_size=0),
                SchemaError,
                "min_group_size",
            ),
            case(
                "misaligned pandas",
                lambda: subgroup_effects(_series(Y), _series(T), _series(GROUPS, 1000)),
                SchemaError,
                "groups",
                "y",
            ),
            case(
                "lengths differ",
                lambda: subgroup_effects(Y, T, GROUPS[:-1]),
                EstimationError,
                "`groups`",
            ),
        ),
    ),
    Door(
        "sparkus.metrics.adjust_pvalues",
        (
            case("p of 1.5", lambda: adjust_pvalues([0.01, 1.5]), EstimationError, "`p`", "row 1"),
            case("NaN", lambda: adjust_pvalues([np.nan, 0.2]), EstimationError, "`p`", "row 0"),
            case(
                "unknown method",
                lambda: adjust_pvalues([0.1], method="sidak"),
                SchemaError,
                "method",
                "'holm'",
            ),
            case("2-D", lambda: adjust_pvalues([[0.1, 0.2]]), SchemaError, "p"),
            case("text", lambda: adjust_pvalues(["0.1"]), SchemaError, "p"),
        ),
    ),
    # -- sensitivity ------------------------------------------------------------------------
    Door(
        "sparkus.metrics.e_value",
        (
            case("SMD Estimate read as a ratio", lambda: e_value(G), SchemaError, "measure", "SMD"),
            case("SMD Estimate as RR", lambda: e_value(G, measure="RR"), SchemaError, "measure"),
            case(
                "difference Estimate",
                lambda: e_value(WELCH, measure="SMD"),
                SchemaError,
                "estimate",
                "outcome's own scale",
            ),
            case("negative ratio", lambda: e_value(-1.0), SchemaError, "estimate"),
            case(
                "interval without the estimate", lambda: e_value(2.0, (2.5, 3.0)), SchemaError, "ci"
            ),
            case("unknown measure", lambda: e_value(2.0, measure="RD"), SchemaError, "measure"),
            case(
                "E-value beyond a double", lambda: e_value(1e308), SchemaError, "estimate", "range"
            ),
            case(
                "d beyond 779",
                lambda: e_value(800.0, measure="SMD"),
                SchemaError,
                "estimate",
                "at most",
            ),
            case("interval as text", lambda: e_value(2.0, "1,3"), SchemaError, "ci"),
        ),
    ),
    Door(
        "sparkus.metrics.robustness_value",
        (
            case("not an OLSResult", lambda: robustness_value(WELCH, "d"), SchemaError, "result"),
            case(
                "robust covariance",
                lambda: robustness_value(HC1, "x1"),
                SchemaError,
                "result",
                "nonrobust",
            ),
            case("unknown term", lambda: robustness_value(FIT, "z"), SchemaError, "term", "'d'"),
            case("q of -1", lambda: robustness_value(FIT, "d", q=-1.0), SchemaError, "q"),
            case(
                "alpha NaN",
                lambda: robustness_value(FIT, "d", alpha=float("nan")),
                SchemaError,
                "alpha",
            ),
        ),
    ),
    # -- design -------------------------------------------------------------------------------
    Door(
        "sparkus.metrics.power",
        (
            case("NaN effect", lambda: power(float("nan"), 50), SchemaError, "effect"),
            case("n of 1", lambda: power(0.5, 1), EstimationError, "`n`"),
            case("n as text", lambda: power(0.5, "50"), SchemaError, "n"),
            case("alpha below 1e-12", lambda: power(0.5, 50, alpha=1e-300), SchemaError, "alpha"),
            case(
                "unknown design",
                lambda: power(0.5, 50, design="crossover"),
                SchemaError,
                "design",
                "'two-group'",
            ),
            case(
                "clustered without icc",
                lambda: power(0.5, 50, design="clustered", cluster_size=5),
                SchemaError,
                "icc",
            ),
            case(
                "icc above 1",
                lambda: power(0.5, 50, design="clustered", cluster_size=5, icc=2.0),
                SchemaError,
                "icc",
            ),
            case("ratio of 1e-300", lambda: power(0.5, 50, ratio=1e-300), SchemaError, "ratio"),
            case(
                "cluster_size beyond 1e12",
                lambda: power(0.5, 50, design="clustered", cluster_size=1e300, icc=0.1),
                SchemaError,
                "cluster_size",
            ),
            case(
                "too few clusters",
                lambda: power(0.5, 10, design="clustered", cluster_size=8, icc=0.1),
                EstimationError,
                "`n`",
                "cluster_size",
            ),
        ),
    ),
    Door(
        "sparkus.metrics.sample_size",
        (
            case("effect 0", lambda: sample_size(0.0), SchemaError, "effect"),
            case("power of 1", lambda: sample_size(0.5, power=1.0), SchemaError, "power"),
            case("power below alpha", lambda: sample_size(0.5, power=0.01), SchemaError, "power"),
            case("tiny effect", lambda: sample_size(1e-300), EstimationError, "1e+12"),
            case("ratio as text", lambda: sample_size(0.5, ratio="1"), SchemaError, "ratio"),
        ),
    ),
    Door(
        "sparkus.metrics.mde",
        (
            case("n of 0", lambda: mde(0), SchemaError, "n"),
            case("n infinite", lambda: mde(float("inf")), SchemaError, "n"),
            case("power of 0.999999999", lambda: mde(100, power=0.999999999), SchemaError, "power"),
            case(
                "pre-post with a ratio",
                lambda: mde(100, design="pre-post", ratio=2.0),
                SchemaError,
                "ratio",
            ),
            case("cluster options for two groups", lambda: mde(100, icc=0.1), SchemaError, "icc"),
        ),
    ),
    Door(
        "sparkus.metrics.icc",
        (
            case("one cluster", lambda: icc(Y, np.zeros(N)), EstimationError, "clusters"),
            case("singleton clusters", lambda: icc(Y, np.arange(N)), EstimationError, "cluster"),
            case("NaN outcome", lambda: icc(NAN_ROW, CL), EstimationError, "`y`", "row 7"),
            case(
                "missing cluster label",
                lambda: icc(Y, np.where(CL == 0, None, CL)),
                SchemaError,
                "clusters: is missing",
                "rows 0 and 1",
            ),
            case(
                "misaligned pandas",
                lambda: icc(_series(Y), _series(CL, 1000)),
                SchemaError,
                "clusters",
                "y",
            ),
            case("2-D clusters", lambda: icc(Y, np.ones((N, 2))), SchemaError, "clusters"),
        ),
    ),
    # -- bootstrap ----------------------------------------------------------------------------
    Door(
        "sparkus.metrics.bootstrap",
        (
            case("single array", lambda: bootstrap(A, np.mean), SchemaError, "data", "(x,)"),
            case(
                "statistic not callable", lambda: bootstrap((A,), "mean"), SchemaError, "statistic"
            ),
            case(
                "statistic that raises",
                lambda: bootstrap((A,), lambda x: 1 / 0, n_resamples=9),
                SchemaError,
                "statistic",
                "ZeroDivisionError",
            ),
            case(
                "statistic returning text",
                lambda: bootstrap((A,), lambda x: "a", n_resamples=9),
                SchemaError,
                "statistic",
            ),
            case(
                "n_resamples of 1e9",
                lambda: bootstrap((A,), np.mean, n_resamples=1e9),
                SchemaError,
                "n_resamples",
            ),
            case(
                "n_resamples of 10**9",
                lambda: bootstrap((A,), np.mean, n_resamples=10**9),
                SchemaError,
                "n_resamples",
                "10,000,000",
            ),
            case(
                "batch beyond the limit",
                lambda: bootstrap((A,), np.mean, batch=10**9),
                SchemaError,
                "batch",
            ),
            case(
                "jackknife_groups beyond the limit",
                lambda: bootstrap((A,), np.mean, jackknife_groups=10**9),
                SchemaError,
                "jackknife_groups",
                "100,000",
            ),
            case(
                "NaN row",
                lambda: bootstrap((NAN_ROW,), np.mean),
                EstimationError,
                "`data[0]`",
                "row 7",
            ),
            case(
                "paired lengths differ",
                lambda: bootstrap((A, B[:-1]), np.mean, paired=True),
                EstimationError,
                "`data[1]`",
            ),
            case(
                "misaligned paired pandas",
                lambda: bootstrap((_series(Y), _series(X1, 1000)), np.mean, paired=True),
                SchemaError,
                "data[1]",
                "data[0]",
            ),
            case(
                "unknown method",
                lambda: bootstrap((A,), np.mean, method="studentized"),
                SchemaError,
                "method",
                "'bca'",
            ),
            case("bad rng", lambda: bootstrap((A,), np.mean, rng="seed"), SchemaError, "rng"),
            case(
                "paired as text",
                lambda: bootstrap((A,), np.mean, paired="yes"),
                SchemaError,
                "paired",
            ),
        ),
    ),
    # -- meta-analysis and plots -------------------------------------------------------------
    *[
        Door(
            f"sparkus.metrics.{fn.__name__}",
            (
                case(
                    "negative variance",
                    lambda fn=fn: fn([0.1, 0.2], [0.01, -0.02]),
                    EstimationError,
                    "`variances`",
                    "row 1",
                ),
                case("one study", lambda fn=fn: fn([0.1], [0.01]), EstimationError, "two studies"),
                case(
                    "lengths differ",
                    lambda fn=fn: fn([0.1, 0.2, 0.3], [0.01, 0.02]),
                    EstimationError,
                    "`effects`",
                    "`variances`",
                ),
                case(
                    "labels of wrong count",
                    lambda fn=fn: fn([0.1, 0.2], [0.01, 0.02], labels=["a"]),
                    SchemaError,
                    "labels",
                ),
                case(
                    "NaN effect",
                    lambda fn=fn: fn([np.nan, 0.2], [0.01, 0.02]),
                    EstimationError,
                    "`effects`",
                    "row 0",
                ),
                case(
                    "misaligned pandas",
                    lambda fn=fn: fn(_series([0.1, 0.2]), _series([0.01, 0.02], 10)),
                    SchemaError,
                    "variances",
                    "effects",
                ),
                case(
                    "statistic beyond a double",
                    lambda fn=fn: fn([1e308, 1e308], [1e-300, 1e-300]),
                    EstimationError,
                    "1.8e308",
                ),
                case(
                    "level 2",
                    lambda fn=fn: fn([0.1, 0.2], [0.01, 0.02], level=2),
                    SchemaError,
                    "level",
                ),
            ),
        )
        for fn in (fixed_effect, random_effects)
    ],
    Door(
        "sparkus.metrics.forest_plot",
        (
            case("not a result", lambda: forest_plot([1, 2]), SchemaError, "result_or_estimates"),
            case(
                "a number among estimates",
                lambda: forest_plot({"a": 3}),
                SchemaError,
                "result_or_estimates.a",
            ),
            case("null as text", lambda: forest_plot(META, null="zero"), SchemaError, "null"),
            case(
                "prediction as 1",
                lambda: forest_plot(META, prediction=1),
                SchemaError,
                "prediction",
            ),
            case("empty mapping", lambda: forest_plot({}), SchemaError, "result_or_estimates"),
        ),
    ),
    Door(
        "sparkus.metrics.balance_plot",
        (
            case("no diagnostics", lambda: balance_plot(3), SchemaError, "diagnostics"),
            case(
                "threshold 0",
                lambda: balance_plot(MODEL_DIAGNOSTICS, threshold=0.0),
                SchemaError,
                "threshold",
            ),
            case(
                "absolute as text",
                lambda: balance_plot(MODEL_DIAGNOSTICS, absolute="yes"),
                SchemaError,
                "absolute",
            ),
        ),
    ),
    # -- return on investment -----------------------------------------------------------------
    Door(
        "sparkus.metrics.roi",
        (
            case("no benefits", lambda: roi([], [Cost("fees", 1.0)]), SchemaError, "benefits"),
            case("costs of 0", lambda: roi(BENEFIT, [Cost("fees", 0.0)]), SchemaError, "costs"),
            case("a number among costs", lambda: roi(BENEFIT, [3.0]), SchemaError, "costs[0]"),
            case(
                "cost as text in a mapping",
                lambda: roi(BENEFIT, {"fees": "5"}),
                SchemaError,
                "costs.fees.amount",
            ),
            case(
                "n_draws of 1e10",
                lambda: roi(BENEFIT, {"fees": 5.0}, n_draws=1e10),
                SchemaError,
                "n_draws",
            ),
            case(
                "n_draws of 10**10",
                lambda: roi(BENEFIT, {"fees": 5.0}, n_draws=10**10),
                SchemaError,
                "n_draws",
                "10,000,000",
            ),
            case(
                "costs beyond a double",
                lambda: roi(BENEFIT, [Cost("a", 1.7e308), Cost("b", 1.7e308)]),
                SchemaError,
                "costs",
                "1.8e308",
            ),
            case("bad rng", lambda: roi(BENEFIT, {"fees": 5.0}, rng=-1), SchemaError, "rng"),
            case(
                "currency as a number",
                lambda: roi(BENEFIT, {"fees": 5.0}, currency=978),
                SchemaError,
                "currency",
            ),
            case("level 0", lambda: roi(BENEFIT, {"fees": 5.0}, level=0.0), SchemaError, "level"),
        ),
    ),
]
