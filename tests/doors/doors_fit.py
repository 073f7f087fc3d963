"""Door table of sparkus.triage, sparkus.matching and sparkus.testing.

Each public name lists bad inputs: wrong types, wrong shapes and lengths, NaN and infinities,
values out of range, empty input, unknown options, pandas inputs whose indexes disagree, and
sizes beyond a documented limit. The small world the calls need (a synthetic organisation of
60 people, its triage, a candidate matrix, fitted models) is built once, on first use.
"""

from __future__ import annotations

import functools
import math
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from sparkus import EstimationError, InfeasibleError, NotFittedError, SchemaError

from .table import Door, NotADoor, case

NAN, INF = math.nan, math.inf
MAX = float(np.finfo(np.float64).max)


@functools.cache
def w() -> Any:
    """The world every call reuses (built once): an organisation, its triage, a few results."""
    from sparkus.datasets import synthetic_org
    from sparkus.matching import (
        assign,
        candidate_matrix,
        compare_scenarios,
        form_peer_circles,
        plan_support,
        recommend_support,
        team_cohorts,
    )
    from sparkus.triage import (
        LogisticReadinessModel,
        OrdinalReadinessModel,
        RubricClassifier,
        default_instrument,
        triage,
    )

    org = synthetic_org(60, seed=1)
    features = default_instrument().features(org.population)
    stage = np.minimum(org.truth.stage, 3)
    triaged = triage(org.population, program=org.program)
    candidates = candidate_matrix(org.population, org.providers, k=5)
    plan = plan_support(org.population, triaged, org.program, org.providers)
    return SimpleNamespace(
        org=org,
        pop=org.population,
        program=org.program,
        providers=org.providers,
        features=features,
        X=features.X,
        stage=stage,
        triaged=triaged,
        rubric=RubricClassifier(),
        logistic=LogisticReadinessModel().fit(features.X, stage),
        ordinal=OrdinalReadinessModel().fit(features.X, stage),
        candidates=candidates,
        assignment=assign(candidates),
        plan=plan,
        recommendation=recommend_support(org.population, triaged, org.program),
        comparison=compare_scenarios(org.population, triaged, org.program, org.providers),
        circles=form_peer_circles(org.population, size=(4, 6), rng=0),
        cohorts=team_cohorts(org.population),
    )


def _sparse(X: np.ndarray) -> Any:
    """`X` as a scipy sparse CSR matrix."""
    from scipy import sparse

    return sparse.csr_array(X)


def _x(**changes: Any) -> np.ndarray:
    """The world's answers with some cells changed: ``{(row, col): value}`` as keywords."""
    X = w().X.copy()
    for key, value in changes.items():
        row, col = (int(v) for v in key[1:].split("_"))
        X[row, col] = value
    return X


def T() -> Any:
    import sparkus.triage as module

    return module


def M() -> Any:
    import sparkus.matching as module

    return module


def Tg() -> Any:
    import sparkus.testing as module

    return module


# -- triage --------------------------------------------------------------------------------------

TRIAGE = [
    NotADoor("sparkus.triage.FOUR_FIFTHS", "a constant (0.8), the four-fifths threshold"),
    NotADoor("sparkus.triage.MissingPolicy", "a type alias (Literal) for the missing policies"),
    NotADoor(
        "sparkus.triage.ProbabilisticClassifier",
        "a Protocol: what cross_validate and triage ask of a model; checked at their doors",
    ),
    NotADoor("sparkus.triage.AuditResult", "a result built by audit; takes no caller input"),
    NotADoor("sparkus.triage.ClassMetrics", "a result built by precision_recall_f1"),
    NotADoor("sparkus.triage.ClassificationReport", "a result built by evaluate"),
    NotADoor("sparkus.triage.CrossValidationResult", "a result built by cross_validate"),
    NotADoor("sparkus.triage.Explanation", "a result built by RubricClassifier.explain"),
    NotADoor("sparkus.triage.TriageResult", "a result built by triage"),
    Door(
        "sparkus.triage.ReadinessLevel",
        (
            case("unknown level", lambda: T().ReadinessLevel("boss"), SchemaError, "boss"),
            case("None", lambda: T().ReadinessLevel(None), SchemaError, "ReadinessLevel"),
            case("a rank is not a value", lambda: T().ReadinessLevel(2), SchemaError, "int 2"),
        ),
    ),
    Door(
        "sparkus.triage.Item",
        (
            case("empty name", lambda: T().Item("", "self"), SchemaError, "name"),
            case("bad source", lambda: T().Item("a", "boss"), SchemaError, "source"),
            case(
                "reversed scale",
                lambda: T().Item("a", _self(), scale=(5.0, 1.0)),
                SchemaError,
                "scale",
            ),
            case(
                "infinite scale",
                lambda: T().Item("a", _self(), scale=(1.0, INF)),
                SchemaError,
                "scale",
            ),
            case("NaN weight", lambda: T().Item("a", _self(), weight=NAN), SchemaError, "weight"),
            case(
                "negative weight",
                lambda: T().Item("a", _self(), weight=-1.0),
                SchemaError,
                "weight",
            ),
            case("reverse as 1", lambda: T().Item("a", _self(), reverse=1), SchemaError, "reverse"),
        ),
    ),
    Door(
        "sparkus.triage.Instrument",
        (
            case("no items", lambda: T().Instrument(()), SchemaError, "items"),
            case("not items", lambda: T().Instrument(("a",)), SchemaError, "items"),
            case(
                "repeated column",
                lambda: T().Instrument((T().Item("a", _self()), T().Item("a", _self()))),
                SchemaError,
                "items[1]",
            ),
        ),
    ),
    Door(
        "sparkus.triage.Instrument.features",
        (
            case(
                "answer outside the scale",
                lambda: (
                    T()
                    .default_instrument()
                    .features(
                        {"id": ["a", "b"], **{c: [3, 99] for c in T().default_instrument().columns}}
                    )
                ),
                SchemaError,
                "participants[1]",
                "outside the scale",
            ),
            case(
                "infinite answer",
                lambda: (
                    T()
                    .default_instrument()
                    .features({"id": ["a"], **{c: [INF] for c in T().default_instrument().columns}})
                ),
                SchemaError,
                "participants[0]",
            ),
            case(
                "unknown missing policy",
                lambda: T().default_instrument().features(w().pop, missing="drop"),
                SchemaError,
                "missing",
            ),
            case(
                "missing policy not a str",
                lambda: T().default_instrument().features(w().pop, missing=["raise"]),
                SchemaError,
                "missing",
            ),
            case(
                "not a table",
                lambda: T().default_instrument().features([1, 2]),
                SchemaError,
                "data",
            ),
            case(
                "no id column",
                lambda: T().default_instrument().features({"x": [1]}),
                SchemaError,
                "id",
            ),
            case(
                "repeated ids",
                lambda: (
                    T()
                    .default_instrument()
                    .features(
                        {"id": ["a", "a"], **{c: [3, 3] for c in T().default_instrument().columns}}
                    )
                ),
                SchemaError,
                "repeats",
                "'a'",
            ),
            case(
                "float ids",
                lambda: (
                    T()
                    .default_instrument()
                    .features({"id": [1.5], **{c: [3] for c in T().default_instrument().columns}})
                ),
                SchemaError,
                "data['id'][0]",
            ),
            case(
                "scalar column",
                lambda: (
                    T()
                    .default_instrument()
                    .features({"id": ["a"], **dict.fromkeys(T().default_instrument().columns, 3)})
                ),
                SchemaError,
                "self_motivation",
            ),
            case(
                "text answers",
                lambda: (
                    T()
                    .default_instrument()
                    .features({"id": ["a"], **{c: ["x"] for c in T().default_instrument().columns}})
                ),
                SchemaError,
                "self_motivation",
            ),
            case(
                "misaligned pandas columns",
                lambda: (
                    T()
                    .default_instrument()
                    .features(
                        {
                            "id": pd.Series(["a", "b"], index=[0, 1]),
                            **{
                                c: pd.Series([3, 3], index=[5, 6])
                                for c in T().default_instrument().columns
                            },
                        }
                    )
                ),
                SchemaError,
                "index",
            ),
            case(
                "empty",
                lambda: (
                    T()
                    .default_instrument()
                    .features({"id": [], **{c: [] for c in T().default_instrument().columns}})
                ),
                SchemaError,
                "data",
            ),
        ),
    ),
    Door(
        "sparkus.triage.Instrument.features_from_assessments",
        (
            case(
                "not an iterable",
                lambda: T().default_instrument().features_from_assessments(5, ["a"]),
                SchemaError,
                "assessments",
            ),
            case(
                "not assessments",
                lambda: T().default_instrument().features_from_assessments(["x"], ["a"]),
                SchemaError,
                "assessments[0]",
            ),
            case(
                "no ids",
                lambda: T().default_instrument().features_from_assessments([], []),
                SchemaError,
                "ids",
            ),
            case(
                "None id",
                lambda: T().default_instrument().features_from_assessments([], ["a", None]),
                SchemaError,
                "ids[1]",
            ),
            case(
                "unknown policy",
                lambda: T().default_instrument().features_from_assessments([], ["a"], missing="x"),
                SchemaError,
                "missing",
            ),
        ),
    ),
    NotADoor("sparkus.triage.default_instrument", "takes no input: returns the default items"),
    Door(
        "sparkus.triage.Features",
        (
            case(
                "explain on a hand-made matrix outside the scale",
                lambda: w().rubric.explain(
                    T().Features(
                        _x(r0_0=99.0),
                        w().features.ids,
                        w().features.columns,
                        w().features.missing,
                        "raise",
                        {},
                    ),
                    0,
                ),
                SchemaError,
                "features.X[0]",
                "self_motivation",
            ),
        ),
    ),
    Door(
        "sparkus.triage.DosagePolicy",
        (
            case(
                "negative sessions",
                lambda: T().DosagePolicy(sessions=dict.fromkeys(T().ReadinessLevel, -1)),
                SchemaError,
                "sessions",
            ),
            case(
                "share above one",
                lambda: T().DosagePolicy(reflection_share=dict.fromkeys(T().ReadinessLevel, 1.5)),
                SchemaError,
                "reflection_share",
            ),
            case("level missing", lambda: T().DosagePolicy(sessions={}), SchemaError, "sessions"),
            case(
                "float full sessions",
                lambda: T().DosagePolicy(full_sessions=6.5),
                SchemaError,
                "full_sessions",
            ),
        ),
    ),
    Door(
        "sparkus.triage.DosagePolicy.dose",
        (
            case(
                "rank out of range",
                lambda: T().DosagePolicy().dose([7], [0]),
                SchemaError,
                "readiness",
            ),
            case(
                "negative level", lambda: T().DosagePolicy().dose([0], [-9]), SchemaError, "level"
            ),
            case(
                "lengths differ", lambda: T().DosagePolicy().dose([0, 1], [0]), SchemaError, "level"
            ),
            case(
                "NaN readiness",
                lambda: T().DosagePolicy().dose([NAN], [0]),
                SchemaError,
                "readiness",
            ),
            case(
                "text levels",
                lambda: T().DosagePolicy().dose(["ready"], [0]),
                SchemaError,
                "readiness",
            ),
            case(
                "goals not goals",
                lambda: T().DosagePolicy().dose([0], [0], goals=["x"]),
                SchemaError,
                "goals",
            ),
        ),
    ),
    Door(
        "sparkus.triage.RubricClassifier.predict",
        (
            case(
                "thresholds as text",
                lambda: T().RubricClassifier(thresholds="low").predict(w().X),
                SchemaError,
                "thresholds",
            ),
            case(
                "answer of 99 on a 1-5 item",
                lambda: w().rubric.predict(_x(r3_0=99.0)),
                SchemaError,
                "X[3]",
                "self_motivation",
                "1 to 5",
            ),
            case(
                "answer of -1e308",
                lambda: w().rubric.predict(_x(r1_8=-1e308)),
                SchemaError,
                "X[1]",
                "manager_motivation",
            ),
            case("NaN answer", lambda: w().rubric.predict(_x(r2_2=NAN)), SchemaError, "X[2][2]"),
            case("wrong item count", lambda: w().rubric.predict(np.ones((2, 3))), SchemaError, "X"),
            case("1-D", lambda: w().rubric.predict(np.ones(9)), SchemaError, "X"),
            case("empty", lambda: w().rubric.predict(np.ones((0, 9))), SchemaError, "X"),
            case("text", lambda: w().rubric.predict([["a"] * 9]), SchemaError, "X"),
            case(
                "frame lacking items",
                lambda: w().rubric.predict(
                    pd.DataFrame({"self_motivation": [3.0], "other": [3.0]})
                ),
                SchemaError,
                "X",
                "lacks",
            ),
            case(
                "bad thresholds",
                lambda: T().RubricClassifier(thresholds=(0.5, 0.0, 0.1)).predict(w().X),
                SchemaError,
                "thresholds",
            ),
            case(
                "NaN review band",
                lambda: T().RubricClassifier(review_band=NAN).predict(w().X),
                SchemaError,
                "review_band",
            ),
            case(
                "not an instrument",
                lambda: T().RubricClassifier("x").predict(w().X),
                SchemaError,
                "instrument",
            ),
        ),
    ),
    Door(
        "sparkus.triage.RubricClassifier.predict_codes",
        (
            case(
                "answer of 0 on a 1-5 item",
                lambda: w().rubric.predict_codes(_x(r0_4=0.0)),
                SchemaError,
                "X[0]",
                "self_time_capacity",
            ),
        ),
    ),
    Door(
        "sparkus.triage.RubricClassifier.score",
        (case("infinite answer", lambda: w().rubric.score(_x(r0_4=INF)), SchemaError, "X[0][4]"),),
    ),
    Door(
        "sparkus.triage.RubricClassifier.needs_review",
        (
            case(
                "answer of 6",
                lambda: w().rubric.needs_review(_x(r5_1=6.0)),
                SchemaError,
                "X[5]",
                "self_openness",
            ),
        ),
    ),
    Door(
        "sparkus.triage.RubricClassifier.explain",
        (
            case(
                "row -1 does not wrap",
                lambda: w().rubric.explain(w().features, -1),
                SchemaError,
                "person",
                "-1",
            ),
            case(
                "row past the end",
                lambda: w().rubric.explain(w().features, 60),
                SchemaError,
                "person",
                "60",
            ),
            case("float row", lambda: w().rubric.explain(w().features, 1.0), SchemaError, "person"),
            case("bool row", lambda: w().rubric.explain(w().features, True), SchemaError, "person"),
            case(
                "unknown id",
                lambda: w().rubric.explain(w().features, "nobody"),
                SchemaError,
                "person",
                "nobody",
            ),
            case("not features", lambda: w().rubric.explain(w().X, 0), SchemaError, "features"),
        ),
    ),
    Door(
        "sparkus.triage.LogisticReadinessModel.fit",
        (
            case(
                "NaN feature",
                lambda: T().LogisticReadinessModel().fit(_x(r0_0=NAN), w().stage),
                SchemaError,
                "X[0][0]",
            ),
            case(
                "labels of another length",
                lambda: T().LogisticReadinessModel().fit(w().X, w().stage[:10]),
                SchemaError,
                "y",
            ),
            case(
                "one class",
                lambda: T().LogisticReadinessModel().fit(w().X, np.zeros(60)),
                EstimationError,
                "single class",
            ),
            case(
                "negative weight",
                lambda: (
                    T().LogisticReadinessModel().fit(w().X, w().stage, sample_weight=-np.ones(60))
                ),
                SchemaError,
                "sample_weight",
            ),
            case(
                "NaN C",
                lambda: T().LogisticReadinessModel(C=NAN).fit(w().X, w().stage),
                SchemaError,
                "C",
            ),
            case(
                "huge max_iter",
                lambda: T().LogisticReadinessModel(max_iter=10**12).fit(w().X, w().stage),
                SchemaError,
                "max_iter",
            ),
            case(
                "float max_iter",
                lambda: T().LogisticReadinessModel(max_iter=10.5).fit(w().X, w().stage),
                SchemaError,
                "max_iter",
            ),
            case(
                "zero tol",
                lambda: T().LogisticReadinessModel(tol=0).fit(w().X, w().stage),
                SchemaError,
                "tol",
            ),
            case(
                "fit_intercept as 1",
                lambda: T().LogisticReadinessModel(fit_intercept=1).fit(w().X, w().stage),
                SchemaError,
                "fit_intercept",
            ),
            case(
                "misaligned pandas y",
                lambda: (
                    T()
                    .LogisticReadinessModel()
                    .fit(pd.DataFrame(w().X), pd.Series(w().stage, index=range(100, 160)))
                ),
                SchemaError,
                "index",
            ),
            case(
                "misaligned weights",
                lambda: (
                    T()
                    .LogisticReadinessModel()
                    .fit(
                        pd.DataFrame(w().X),
                        pd.Series(w().stage),
                        sample_weight=pd.Series(np.ones(60), index=range(1, 61)),
                    )
                ),
                SchemaError,
                "sample_weight",
            ),
            case(
                "unknown hyper-parameter",
                lambda: T().LogisticReadinessModel().set_params(penalty="l1"),
                SchemaError,
                "penalty",
            ),
            # scikit-learn's checks look for its words in these (issue 14)
            case(
                "continuous y",
                lambda: T().LogisticReadinessModel().fit(w().X, w().X[:, 0] + 0.5),
                SchemaError,
                "y",
                "continuous",
            ),
            case(
                "y None",
                lambda: T().LogisticReadinessModel().fit(w().X, None),
                SchemaError,
                "y",
                "requires y to be passed",
            ),
            case(
                "sparse X",
                lambda: T().LogisticReadinessModel().fit(_sparse(w().X), w().stage),
                SchemaError,
                "X",
                "sparse",
            ),
            case(
                "complex X",
                lambda: T().LogisticReadinessModel().fit(w().X + 1j, w().stage),
                SchemaError,
                "X",
                "Complex data not supported",
            ),
            case(
                "mixed column names",
                lambda: (
                    T()
                    .LogisticReadinessModel()
                    .fit(
                        pd.DataFrame(w().X).set_axis(["a", *range(1, w().X.shape[1])], axis=1),
                        w().stage,
                    )
                ),
                SchemaError,
                "X",
                "all are text",
            ),
            case(
                "one sample",
                lambda: T().LogisticReadinessModel().fit(w().X[:1], w().stage[:1]),
                EstimationError,
                "1 sample",
            ),
        ),
    ),
    Door(
        "sparkus.triage.LogisticReadinessModel.predict_proba",
        (
            case(
                "before fit",
                lambda: T().LogisticReadinessModel().predict_proba(w().X),
                NotFittedError,
                "fit",
            ),
            case(
                "other feature count",
                lambda: w().logistic.predict_proba(w().X[:, :3]),
                SchemaError,
                "X",
            ),
            case(
                "infinite feature",
                lambda: w().logistic.predict_proba(_x(r1_1=INF)),
                SchemaError,
                "X[1][1]",
            ),
        ),
    ),
    Door(
        "sparkus.triage.LogisticReadinessModel.predict",
        (
            case(
                "before fit",
                lambda: T().LogisticReadinessModel().predict(w().X),
                NotFittedError,
                "fit",
            ),
        ),
    ),
    Door(
        "sparkus.triage.LogisticReadinessModel.score",
        (
            case(
                "labels of another length",
                lambda: w().logistic.score(w().X, w().stage[:3]),
                SchemaError,
                "y",
            ),
            case(
                "misaligned pandas y",
                lambda: w().logistic.score(
                    pd.DataFrame(w().X), pd.Series(w().stage, index=range(7, 67))
                ),
                SchemaError,
                "index",
            ),
        ),
    ),
    Door(
        "sparkus.triage.LogisticReadinessModel.decision_function",
        (
            case(
                "before fit",
                lambda: T().LogisticReadinessModel().decision_function(w().X),
                NotFittedError,
                "fit",
            ),
        ),
    ),
    Door(
        "sparkus.triage.OrdinalReadinessModel.fit",
        (
            case(
                "text levels without an order",
                lambda: (
                    T()
                    .OrdinalReadinessModel()
                    .fit(w().X, np.array(["low", "mid", "high", "top"])[w().stage])
                ),
                SchemaError,
                "y",
                "order",
            ),
            case(
                "label outside the order",
                lambda: (
                    T()
                    .OrdinalReadinessModel(order=["low", "mid"])
                    .fit(w().X, np.array(["low", "mid", "high", "top"])[w().stage])
                ),
                SchemaError,
                "y[",
                "order",
            ),
            case(
                "order of one level",
                lambda: T().OrdinalReadinessModel(order=["a"]).fit(w().X, w().stage),
                SchemaError,
                "order",
            ),
            case(
                "order as a str",
                lambda: T().OrdinalReadinessModel(order="abc").fit(w().X, w().stage),
                SchemaError,
                "order",
            ),
            case(
                "one level spelled twice",
                lambda: (
                    T()
                    .OrdinalReadinessModel()
                    .fit(w().X[:4], ["ready", "Ready", "emerging", "resistant"])
                ),
                SchemaError,
                "y",
                "'ready'",
            ),
            case(
                "empty middle level",
                lambda: (
                    T().OrdinalReadinessModel().fit(w().X, np.where(w().stage == 1, 0, w().stage))
                ),
                EstimationError,
                "1",
            ),
            case(
                "NaN label",
                lambda: (
                    T().OrdinalReadinessModel().fit(w().X, np.where(w().stage == 1, NAN, w().stage))
                ),
                SchemaError,
                "y",
            ),
            case(
                "mixed label kinds",
                lambda: (
                    T()
                    .OrdinalReadinessModel()
                    .fit(w().X[:4], np.array([1, "a", 2, "b"], dtype=object))
                ),
                SchemaError,
                "y",
            ),
            case(
                "huge max_iter",
                lambda: T().OrdinalReadinessModel(max_iter=10**15).fit(w().X, w().stage),
                SchemaError,
                "max_iter",
            ),
            case(
                "misaligned pandas y",
                lambda: (
                    T()
                    .OrdinalReadinessModel()
                    .fit(pd.DataFrame(w().X), pd.Series(w().stage, index=range(5, 65)))
                ),
                SchemaError,
                "index",
            ),
        ),
    ),
    Door(
        "sparkus.triage.OrdinalReadinessModel.predict_proba",
        (
            case(
                "before fit",
                lambda: T().OrdinalReadinessModel().predict_proba(w().X),
                NotFittedError,
                "fit",
            ),
            case(
                "NaN feature",
                lambda: w().ordinal.predict_proba(_x(r4_4=NAN)),
                SchemaError,
                "X[4][4]",
            ),
        ),
    ),
    Door(
        "sparkus.triage.OrdinalReadinessModel.predict",
        (
            case(
                "other feature count", lambda: w().ordinal.predict(w().X[:, :2]), SchemaError, "X"
            ),
            case(
                "1-D X",
                lambda: w().ordinal.predict(w().X[:, 0]),
                SchemaError,
                "X",
                "Reshape your data",
            ),
        ),
    ),
    Door(
        "sparkus.triage.triage",
        (
            case("not a population", lambda: T().triage([1, 2]), SchemaError, "population"),
            case("unknown model", lambda: T().triage(w().pop, "rubric"), SchemaError, "model"),
            case(
                "NaN review threshold",
                lambda: T().triage(w().pop, review_threshold=NAN),
                SchemaError,
                "review_threshold",
            ),
            case(
                "unknown missing policy",
                lambda: T().triage(w().pop, missing="skip"),
                SchemaError,
                "missing",
            ),
            case(
                "features out of scale",
                lambda: T().triage(
                    w().pop,
                    features=T().Features(
                        _x(r7_3=99.0),
                        w().features.ids,
                        w().features.columns,
                        w().features.missing,
                        "raise",
                        {},
                    ),
                ),
                SchemaError,
                "features.X[7]",
                "self_responsibility",
            ),
            case(
                "model of other classes",
                lambda: T().triage(w().pop, _Fixed(["boss", "ready"])),
                SchemaError,
                "classes_",
                "boss",
            ),
            case(
                "model with probabilities of another shape",
                lambda: T().triage(w().pop, _Fixed([0, 1, 2, 3], width=2)),
                SchemaError,
                "model.predict_proba",
            ),
            case("not a policy", lambda: T().triage(w().pop, policy={}), SchemaError, "policy"),
            case("not a program", lambda: T().triage(w().pop, program="p"), SchemaError, "program"),
        ),
    ),
    Door(
        "sparkus.triage.audit",
        (
            case(
                "selected of 2",
                lambda: T().audit([1, 0, 2], ["a", "b", "a"]),
                SchemaError,
                "selected",
                "row 2",
            ),
            case(
                "selected of -1",
                lambda: T().audit([1, -1, 0], ["a", "b", "a"]),
                SchemaError,
                "selected",
                "row 1",
            ),
            case(
                "missing selected",
                lambda: T().audit([True, None], ["a", "b"]),
                SchemaError,
                "selected",
                "row 1",
            ),
            case(
                "text selected",
                lambda: T().audit(["yes", "no"], ["a", "b"]),
                SchemaError,
                "selected",
            ),
            case("lengths differ", lambda: T().audit([True], ["a", "b"]), SchemaError, "selected"),
            case(
                "float groups", lambda: T().audit([True, False], [1.5, 2.5]), SchemaError, "groups"
            ),
            case(
                "missing group",
                lambda: T().audit([True, False], ["a", None]),
                SchemaError,
                "row 1",
            ),
            case("empty", lambda: T().audit([], []), SchemaError, "groups"),
            case(
                "misaligned pandas",
                lambda: T().audit(
                    pd.Series([True, False], index=[0, 1]), pd.Series(["a", "b"], index=[1, 2])
                ),
                SchemaError,
                "index",
                "groups",
            ),
            case(
                "labels of 3",
                lambda: T().audit([True, False], ["a", "b"], labels=[0, 3]),
                SchemaError,
                "labels",
            ),
            case(
                "min_group_size 0",
                lambda: T().audit([True], ["a"], min_group_size=0),
                SchemaError,
                "min_group_size",
            ),
            case(
                "min_group_size NaN",
                lambda: T().audit([True], ["a"], min_group_size=NAN),
                SchemaError,
                "min_group_size",
            ),
            case(
                "total_known as text",
                lambda: T().audit([True], ["a"], total_known="yes"),
                SchemaError,
                "total_known",
            ),
            case(
                "total_known as 1",
                lambda: T().audit([True], ["a"], total_known=1),
                SchemaError,
                "total_known",
            ),
        ),
    ),
    Door(
        "sparkus.triage.confusion_matrix",
        (
            case(
                "lengths differ", lambda: T().confusion_matrix([0, 1], [0]), SchemaError, "y_pred"
            ),
            case("empty", lambda: T().confusion_matrix([], []), SchemaError, "y_true"),
            case(
                "NaN label",
                lambda: T().confusion_matrix([0, NAN], [0, 1]),
                SchemaError,
                "y_true[1]",
            ),
            case(
                "label outside labels",
                lambda: T().confusion_matrix([0, 5], [0, 1], labels=[0, 1]),
                SchemaError,
                "y_true[1]",
            ),
            case(
                "labels as a str",
                lambda: T().confusion_matrix([0], [0], labels="ab"),
                SchemaError,
                "labels",
            ),
            case(
                "misaligned pandas",
                lambda: T().confusion_matrix(
                    pd.Series([0, 1], index=[0, 1]), pd.Series([0, 1], index=[2, 3])
                ),
                SchemaError,
                "index",
                "y_pred",
            ),
            case(
                "2-D labels",
                lambda: T().confusion_matrix([[0, 1]], [[0, 1]]),
                SchemaError,
                "y_true",
            ),
        ),
    ),
    Door(
        "sparkus.triage.precision_recall_f1",
        (
            case(
                "unhashable labels",
                lambda: T().precision_recall_f1(pd.Series([[0], [1]]), [0, 1]),
                SchemaError,
                "y_true",
            ),
            case(
                "misaligned pandas",
                lambda: T().precision_recall_f1(
                    pd.Series(["a", "b"], index=["x", "y"]), pd.Series(["a", "b"], index=["y", "z"])
                ),
                SchemaError,
                "index",
            ),
        ),
    ),
    Door(
        "sparkus.triage.brier_score",
        (
            case(
                "probabilities above one",
                lambda: T().brier_score([0, 1], [[1.5, -0.5], [0.5, 0.5]], classes=[0, 1]),
                SchemaError,
                "proba[0]",
            ),
            case(
                "NaN probability",
                lambda: T().brier_score([0, 1], [[NAN, 1.0], [0.5, 0.5]], classes=[0, 1]),
                SchemaError,
                "proba[0]",
            ),
            case(
                "rows not summing to one",
                lambda: T().brier_score([0, 1], [[0.2, 0.2], [0.5, 0.5]], classes=[0, 1]),
                SchemaError,
                "proba[0]",
            ),
            case(
                "one class",
                lambda: T().brier_score([0], [[1.0]], classes=[0]),
                SchemaError,
                "classes",
            ),
            case(
                "label not a class",
                lambda: T().brier_score([0, 7], [[1.0, 0.0], [0.5, 0.5]], classes=[0, 1]),
                SchemaError,
                "y_true[1]",
            ),
            case(
                "rows differ",
                lambda: T().brier_score([0], [[1.0, 0.0], [0.5, 0.5]], classes=[0, 1]),
                SchemaError,
                "proba",
            ),
            case(
                "text probabilities",
                lambda: T().brier_score([0], [["a", "b"]], classes=[0, 1]),
                SchemaError,
                "proba",
            ),
            case(
                "misaligned pandas",
                lambda: T().brier_score(
                    pd.Series([0, 1], index=[0, 1]),
                    pd.DataFrame([[1.0, 0.0], [0.0, 1.0]], index=[1, 2]),
                    classes=[0, 1],
                ),
                SchemaError,
                "index",
                "proba",
            ),
        ),
    ),
    Door(
        "sparkus.triage.expected_calibration_error",
        (
            case(
                "zero bins",
                lambda: T().expected_calibration_error([0], [[1.0, 0.0]], classes=[0, 1], n_bins=0),
                SchemaError,
                "n_bins",
            ),
            case(
                "a billion bins",
                lambda: T().expected_calibration_error(
                    [0], [[1.0, 0.0]], classes=[0, 1], n_bins=10**9
                ),
                SchemaError,
                "n_bins",
            ),
            case(
                "float bins",
                lambda: T().expected_calibration_error(
                    [0], [[1.0, 0.0]], classes=[0, 1], n_bins=2.5
                ),
                SchemaError,
                "n_bins",
            ),
        ),
    ),
    Door(
        "sparkus.triage.roc_auc_ovr",
        (
            case(
                "average as an array",
                lambda: T().roc_auc_ovr(
                    [0, 1], [[1.0, 0.0], [0.0, 1.0]], classes=[0, 1], average=np.ones(2)
                ),
                SchemaError,
                "average",
            ),
            case(
                "unknown average",
                lambda: T().roc_auc_ovr(
                    [0, 1], [[1.0, 0.0], [0.0, 1.0]], classes=[0, 1], average="micro"
                ),
                SchemaError,
                "average",
            ),
            case(
                "class absent from y_true",
                lambda: T().roc_auc_ovr([0, 0], [[1.0, 0.0], [0.5, 0.5]], classes=[0, 1]),
                EstimationError,
                "1",
            ),
        ),
    ),
    Door(
        "sparkus.triage.evaluate",
        (
            case(
                "infinite probability",
                lambda: T().evaluate([0, 1], [[INF, 0.0], [0.0, 1.0]], classes=[0, 1]),
                SchemaError,
                "proba[0]",
            ),
            case(
                "classes repeated",
                lambda: T().evaluate([0, 1], [[1.0, 0.0], [0.0, 1.0]], classes=[0, 0]),
                SchemaError,
                "classes",
            ),
            case(
                "misaligned pandas",
                lambda: T().evaluate(
                    pd.Series([0, 1], index=["a", "b"]),
                    pd.DataFrame([[1.0, 0.0], [0.0, 1.0]], index=["b", "c"]),
                    classes=[0, 1],
                ),
                SchemaError,
                "index",
            ),
        ),
    ),
    Door(
        "sparkus.triage.cross_validate",
        (
            case(
                "not a model",
                lambda: T().cross_validate("m", w().X, w().stage),
                SchemaError,
                "model",
            ),
            case(
                "k of 1",
                lambda: T().cross_validate(T().LogisticReadinessModel(), w().X, w().stage, k=1),
                SchemaError,
                "k",
            ),
            case(
                "k above the smallest class",
                lambda: T().cross_validate(T().LogisticReadinessModel(), w().X, w().stage, k=10**9),
                SchemaError,
                "k",
            ),
            case(
                "bad rng",
                lambda: T().cross_validate(T().LogisticReadinessModel(), w().X, w().stage, rng="x"),
                SchemaError,
                "rng",
            ),
            case(
                "lengths differ",
                lambda: T().cross_validate(T().LogisticReadinessModel(), w().X, w().stage[:5]),
                SchemaError,
                "X",
            ),
            case(
                "misaligned pandas",
                lambda: T().cross_validate(
                    T().LogisticReadinessModel(),
                    pd.DataFrame(w().X),
                    pd.Series(w().stage, index=range(1, 61)),
                ),
                SchemaError,
                "index",
            ),
            case(
                "one class",
                lambda: T().cross_validate(T().LogisticReadinessModel(), w().X, np.zeros(60)),
                SchemaError,
                "y",
            ),
        ),
    ),
]


def _coaching() -> Any:
    from sparkus.model import SupportType

    return SupportType.COACHING


def _self() -> Any:
    from sparkus.model import AssessmentSource

    return AssessmentSource.SELF


class _Fixed:
    """A 'fitted model' with given classes and fixed probabilities (`width` columns)."""

    def __init__(self, classes: list[Any], width: int | None = None) -> None:
        self.classes_ = np.asarray(classes)
        self.width = len(classes) if width is None else width

    def predict_proba(self, X: Any) -> np.ndarray:
        return np.full((len(X), self.width), 1.0 / self.width)


# -- matching: assignment ------------------------------------------------------------------------

COST = np.array([[1.0, 2.0], [3.0, 1.0], [2.0, 2.0]])

ASSIGNMENT = [
    NotADoor("sparkus.matching.AssignmentResult", "a result built by solve_assignment"),
    NotADoor("sparkus.matching.Move", "a record of one change, built by rematch"),
    NotADoor("sparkus.matching.Rematch", "a result built by rematch"),
    NotADoor(
        "sparkus.matching.Matcher",
        "a Protocol for matcher plugins; check_plugin and register check it",
    ),
    NotADoor(
        "sparkus.matching.Scorer",
        "a Protocol for scorer plugins; check_plugin and register check it",
    ),
    NotADoor("sparkus.matching.PairScore", "a type alias: what Scorer.prepare returns"),
    Door(
        "sparkus.matching.solve_assignment",
        (
            case(
                "capacity of 1e308",
                lambda: M().solve_assignment(COST, [1e308, 1]),
                SchemaError,
                "capacity",
                "2**40",
            ),
            case("-inf cost", lambda: M().solve_assignment([[1.0, -INF]], 1), SchemaError, "cost"),
            case("text costs", lambda: M().solve_assignment([["a"]], 1), SchemaError, "cost"),
            case("1-D costs", lambda: M().solve_assignment([1.0, 2.0], 1), SchemaError, "cost"),
            case(
                "ragged costs",
                lambda: M().solve_assignment([[1.0], [1.0, 2.0]], 1),
                SchemaError,
                "cost",
            ),
            case(
                "total beyond the floats",
                lambda: M().solve_assignment([[-MAX, NAN], [NAN, -MAX]], 1),
                SchemaError,
                "cost",
                "float range",
            ),
            case(
                "negative capacity",
                lambda: M().solve_assignment(COST, [1, -1]),
                SchemaError,
                "capacity",
            ),
            case(
                "fractional capacity",
                lambda: M().solve_assignment(COST, [1.5, 1]),
                SchemaError,
                "capacity",
            ),
            case(
                "capacity of another length",
                lambda: M().solve_assignment(COST, [1, 1, 1]),
                SchemaError,
                "capacity",
            ),
            case(
                "NaN capacity",
                lambda: M().solve_assignment(COST, [NAN, 1]),
                SchemaError,
                "capacity",
            ),
            case(
                "huge capacity",
                lambda: M().solve_assignment(COST, [10**30, 1]),
                SchemaError,
                "capacity",
            ),
            case(
                "forbidden outside the matrix",
                lambda: M().solve_assignment(COST, 1, forbidden=[(9, 0)]),
                SchemaError,
                "forbidden",
            ),
            case(
                "forbidden mask of another shape",
                lambda: M().solve_assignment(COST, 1, forbidden=np.ones((2, 2), bool)),
                SchemaError,
                "forbidden",
            ),
            case(
                "forbidden as text",
                lambda: M().solve_assignment(COST, 1, forbidden="x"),
                SchemaError,
                "forbidden",
            ),
        ),
    ),
    Door(
        "sparkus.matching.assign",
        (
            case(
                "no capacity with a cost matrix", lambda: M().assign(COST), SchemaError, "capacity"
            ),
            case(
                "unknown matcher",
                lambda: M().assign(COST, 1, matcher="magic"),
                SchemaError,
                "matcher",
                "exact",
            ),
            case("not a matcher", lambda: M().assign(COST, 1, matcher=5), SchemaError, "matcher"),
            case(
                "fixed twice",
                lambda: M().assign(COST, 2, fixed=[(0, 0), (0, 1)]),
                SchemaError,
                "fixed[1]",
            ),
            case(
                "fixed over capacity",
                lambda: M().assign(COST, 1, fixed=[(0, 0), (1, 0)]),
                InfeasibleError,
                "fixed",
                "0",
            ),
            case(
                "fixed unknown row",
                lambda: M().assign(COST, 1, fixed={7: 0}),
                SchemaError,
                "fixed[0]",
            ),
            case(
                "negative max_load",
                lambda: M().assign(COST, 1, max_load=-1),
                SchemaError,
                "max_load",
            ),
            case(
                "max_load share of 2.5",
                lambda: M().assign(COST, 1, max_load=2.5),
                SchemaError,
                "max_load",
            ),
            case(
                "NaN load penalty",
                lambda: M().assign(COST, 1, load_penalty=NAN),
                SchemaError,
                "load_penalty",
            ),
            case(
                "load penalty overflowing the floats",
                lambda: M().assign(COST, 2, load_penalty=1e308),
                SchemaError,
                "load_penalty",
                "at most",
            ),
            case(
                "load penalty tiers beyond memory",
                lambda: M().assign(np.zeros((3000, 20)), 10**9, load_penalty=0.1),
                SchemaError,
                "load_penalty",
                "20,000,000",
            ),
            case("bad rng", lambda: M().assign(COST, 1, rng=-1), SchemaError, "rng"),
            case(
                "unknown participant id",
                lambda: M().assign(w().candidates, fixed={"x": "y"}),
                SchemaError,
                "fixed[0]",
                "'x'",
            ),
            case("-inf cost", lambda: M().assign([[-INF]], 1), SchemaError, "cost"),
        ),
    ),
    Door(
        "sparkus.matching.rematch",
        (
            case(
                "capacity below the kept load",
                lambda: M().rematch(M().assign(COST, 2), COST, capacity=[0, 0]),
                InfeasibleError,
                "`capacity`",
                "too many",
            ),
            case("not an assignment", lambda: M().rematch("a", COST), SchemaError, "previous"),
            case(
                "other shape",
                lambda: M().rematch(M().assign(COST, 2), np.ones((4, 2))),
                SchemaError,
                "candidates",
            ),
            case(
                "leaving unknown column",
                lambda: M().rematch(M().assign(COST, 2), COST, leaving=[9]),
                SchemaError,
                "leaving[0]",
            ),
            case(
                "released as a str",
                lambda: M().rematch(M().assign(COST, 2), COST, released="0"),
                SchemaError,
                "released",
            ),
            case(
                "kept pair now forbidden",
                lambda: M().rematch(M().assign(COST, 2), COST, forbidden=np.ones((3, 2), bool)),
                SchemaError,
                "previous",
                "forbidden",
            ),
            case(
                "unknown matcher",
                lambda: M().rematch(M().assign(COST, 2), COST, matcher="x"),
                SchemaError,
                "matcher",
            ),
        ),
    ),
    Door(
        "sparkus.matching.Assignment.participant_label",
        (
            case(
                "row out of range",
                lambda: w().assignment.participant_label(10**6),
                SchemaError,
                "row",
            ),
            case("negative row", lambda: w().assignment.participant_label(-1), SchemaError, "row"),
        ),
    ),
    Door(
        "sparkus.matching.Assignment.provider_label",
        (
            case(
                "column out of range", lambda: w().assignment.provider_label(99), SchemaError, "col"
            ),
        ),
    ),
    Door(
        "sparkus.matching.deferred_acceptance",
        (
            case(
                "capacity of 2.0 (a float)",
                lambda: M().deferred_acceptance({"a": ["x"]}, {"x": ["a"]}, {"x": 2.0}),
                SchemaError,
                "capacity.x",
            ),
            case(
                "unknown reviewer",
                lambda: M().deferred_acceptance({"a": ["x"]}, {"y": ["a"]}, {"y": 1}),
                SchemaError,
                "x",
            ),
            case(
                "negative capacity",
                lambda: M().deferred_acceptance({"a": ["x"]}, {"x": ["a"]}, {"x": -1}),
                SchemaError,
                "capacity",
            ),
            case(
                "capacity NaN",
                lambda: M().deferred_acceptance({"a": ["x"]}, {"x": ["a"]}, {"x": NAN}),
                SchemaError,
                "capacity",
            ),
            case(
                "preferences not a mapping",
                lambda: M().deferred_acceptance(["a"], {"x": ["a"]}, {"x": 1}),
                SchemaError,
                "proposer_prefs",
            ),
            case(
                "listed twice",
                lambda: M().deferred_acceptance({"a": ["x", "x"]}, {"x": ["a"]}, {"x": 1}),
                SchemaError,
                "proposer_prefs",
            ),
            case(
                "preference list as a str",
                lambda: M().deferred_acceptance({"a": "x"}, {"x": ["a"]}, {"x": 1}),
                SchemaError,
                "proposer_prefs",
            ),
        ),
    ),
    Door(
        "sparkus.matching.blocking_pairs",
        (
            case(
                "matching of an unknown proposer",
                lambda: M().blocking_pairs({"zz": "x"}, {"a": ["x"]}, {"x": ["a"]}, {"x": 1}),
                SchemaError,
                "zz",
            ),
            case(
                "matching to an unknown reviewer",
                lambda: M().blocking_pairs({"a": "q"}, {"a": ["x"]}, {"x": ["a"]}, {"x": 1}),
                SchemaError,
                "matching",
                "'q'",
            ),
        ),
    ),
    Door(
        "sparkus.matching.is_stable",
        (
            case(
                "matching not a mapping",
                lambda: M().is_stable(["a"], {"a": ["x"]}, {"x": ["a"]}, {"x": 1}),
                SchemaError,
                "matching",
            ),
        ),
    ),
    Door(
        "sparkus.matching.StableMatching",
        (
            case(
                "blocking pairs of a result keep their door",
                lambda: M().blocking_pairs({"a": "q"}, {"a": ["x"]}, {"x": ["a"]}, {"x": 1}),
                SchemaError,
                "q",
            ),
        ),
    ),
]


# -- matching: candidates, scorers, plugins, groups ----------------------------------------------

CANDIDATES = [
    NotADoor("sparkus.matching.DEFAULT_WEIGHTS", "a constant: the default scorer weights"),
    NotADoor("sparkus.matching.PairExplanation", "a result built by CandidateMatrix.explain"),
    NotADoor("sparkus.matching.Shortlist", "a result built by CandidateMatrix.shortlist"),
    NotADoor("sparkus.matching.PeerCircles", "a result built by form_peer_circles"),
    NotADoor("sparkus.matching.TeamCohorts", "a result built by team_cohorts"),
    Door(
        "sparkus.matching.candidate_matrix",
        (
            case(
                "k of 0",
                lambda: M().candidate_matrix(w().pop, w().providers, k=0),
                SchemaError,
                "k",
            ),
            case(
                "k of 2.5",
                lambda: M().candidate_matrix(w().pop, w().providers, k=2.5),
                SchemaError,
                "k",
            ),
            case(
                "not a population",
                lambda: M().candidate_matrix([1], w().providers),
                SchemaError,
                "participants",
            ),
            case(
                "providers of None",
                lambda: M().candidate_matrix(w().pop, None),
                SchemaError,
                "providers",
            ),
            case(
                "providers not providers",
                lambda: M().candidate_matrix(w().pop, ["x"]),
                SchemaError,
                "providers",
            ),
            case(
                "unknown scorer",
                lambda: M().candidate_matrix(w().pop, w().providers, scorers={"magic": 1.0}),
                SchemaError,
                "scorers",
                "magic",
            ),
            case(
                "NaN weight",
                lambda: M().candidate_matrix(w().pop, w().providers, scorers={"goal_fit": NAN}),
                SchemaError,
                "scorers",
            ),
            case(
                "weight past the floats",
                lambda: M().candidate_matrix(w().pop, w().providers, scorers={"goal_fit": 10**400}),
                SchemaError,
                "scorers.goal_fit",
                "finite",
            ),
            case(
                "unknown support type",
                lambda: M().candidate_matrix(w().pop, w().providers, support_type="hypnosis"),
                SchemaError,
                "support_type",
            ),
            case(
                "unknown member",
                lambda: M().candidate_matrix(w().pop, w().providers, members=["nobody"]),
                SchemaError,
                "members[0]",
            ),
            case(
                "member row out of range",
                lambda: M().candidate_matrix(w().pop, w().providers, members=[-1]),
                SchemaError,
                "members[0]",
            ),
            case(
                "block size of 0",
                lambda: M().candidate_matrix(w().pop, w().providers, block_size=0),
                SchemaError,
                "block_size",
            ),
        ),
    ),
    Door(
        "sparkus.matching.CandidateMatrix.explain",
        (
            case(
                "unknown participant",
                lambda: w().candidates.explain("x", "C00001"),
                SchemaError,
                "participant_id",
                "'x'",
            ),
            case(
                "unknown provider",
                lambda: w().candidates.explain("E000001", "x"),
                SchemaError,
                "provider_id",
            ),
        ),
    ),
    Door(
        "sparkus.matching.CandidateMatrix.shortlist",
        (
            case("k of 0", lambda: w().candidates.shortlist("E000001", k=0), SchemaError, "k"),
            case("k of -1", lambda: w().candidates.shortlist("E000001", k=-1), SchemaError, "k"),
            case(
                "unknown participant",
                lambda: w().candidates.shortlist("x"),
                SchemaError,
                "participant_id",
            ),
        ),
    ),
    Door(
        "sparkus.matching.GoalFit",
        (
            case("unknown of 2", lambda: M().GoalFit(unknown=2.0), SchemaError, "unknown"),
            case("NaN unknown", lambda: M().GoalFit(unknown=NAN), SchemaError, "unknown"),
        ),
    ),
    Door(
        "sparkus.matching.GoalFit.for_program",
        (case("not a program", lambda: M().GoalFit().for_program("p"), SchemaError, "program"),),
    ),
    Door(
        "sparkus.matching.SharedLanguage",
        (
            case("required as 1", lambda: M().SharedLanguage(required=1), SchemaError, "required"),
            case("unknown of -1", lambda: M().SharedLanguage(unknown=-1.0), SchemaError, "unknown"),
        ),
    ),
    Door(
        "sparkus.matching.TimeZoneOverlap",
        (
            case(
                "end before start",
                lambda: M().TimeZoneOverlap(start=17.0, end=9.0),
                SchemaError,
                "end",
            ),
            case("infinite start", lambda: M().TimeZoneOverlap(start=-INF), SchemaError, "start"),
        ),
    ),
    Door(
        "sparkus.matching.SeniorityGap",
        (
            case("NaN width", lambda: M().SeniorityGap(width=NAN), SchemaError, "width"),
            case("zero width", lambda: M().SeniorityGap(width=0.0), SchemaError, "width"),
            case(
                "preferred of 1.5",
                lambda: M().SeniorityGap(preferred=1.5),
                SchemaError,
                "preferred",
            ),
        ),
    ),
    Door(
        "sparkus.matching.StatedPreferences",
        (
            case(
                "not a mapping",
                lambda: M().StatedPreferences(preferences=5),
                SchemaError,
                "preferences",
            ),
            case(
                "unstated of 9",
                lambda: M().StatedPreferences(unstated=9.0),
                SchemaError,
                "unstated",
            ),
        ),
    ),
    Door(
        "sparkus.matching.SameReportingLine.prepare",
        (
            case(
                "not a population",
                lambda: M().SameReportingLine().prepare("p", w().providers),
                SchemaError,
                "participants",
            ),
        ),
    ),
    Door(
        "sparkus.matching.check_plugin",
        (
            case(
                "object lacking match",
                lambda: M().check_plugin(object(), "matcher"),
                SchemaError,
                "match",
            ),
            case("unknown kind", lambda: M().check_plugin(object(), "solver"), SchemaError, "kind"),
        ),
    ),
    Door(
        "sparkus.matching.register",
        (
            case(
                "object lacking the protocol", lambda: M().register(object()), SchemaError, "plugin"
            ),
            case(
                "name taken", lambda: M().register(M().get_matcher("exact")), SchemaError, "exact"
            ),
            case(
                "empty name",
                lambda: M().register(M().get_matcher("exact"), name=""),
                SchemaError,
                "name",
            ),
            case(
                "replace as 1",
                lambda: M().register(M().get_matcher("exact"), replace=1),
                SchemaError,
                "replace",
            ),
        ),
    ),
    Door(
        "sparkus.matching.get_matcher",
        (
            case("unknown name", lambda: M().get_matcher("magic"), SchemaError, "magic", "exact"),
            case("not a str", lambda: M().get_matcher(5), SchemaError, "name"),
        ),
    ),
    Door(
        "sparkus.matching.get_scorer",
        (
            case("unknown name", lambda: M().get_scorer("magic"), SchemaError, "magic"),
            case("None", lambda: M().get_scorer(None), SchemaError, "name"),
        ),
    ),
    NotADoor("sparkus.matching.available_matchers", "takes no input: lists the matchers"),
    NotADoor("sparkus.matching.available_scorers", "takes no input: lists the scorers"),
    Door(
        "sparkus.matching.CircleAims",
        (
            case("negative aim", lambda: M().CircleAims(level=-1.0), SchemaError, "level"),
            case("NaN aim", lambda: M().CircleAims(departments=NAN), SchemaError, "departments"),
            case(
                "zero workday",
                lambda: M().CircleAims(workday_hours=0.0),
                SchemaError,
                "workday_hours",
            ),
        ),
    ),
    Door(
        "sparkus.matching.form_peer_circles",
        (
            case(
                "size below 2",
                lambda: M().form_peer_circles(w().pop, size=(1, 3)),
                SchemaError,
                "size",
            ),
            case(
                "fractional size",
                lambda: M().form_peer_circles(w().pop, size=(4, 4.5)),
                SchemaError,
                "size",
            ),
            case(
                "size reversed",
                lambda: M().form_peer_circles(w().pop, size=(6, 4)),
                SchemaError,
                "size",
            ),
            case(
                "too few members",
                lambda: M().form_peer_circles(w().pop, members=[0, 1, 2], size=(4, 6)),
                InfeasibleError,
                "3",
            ),
            case(
                "max_rounds of -1",
                lambda: M().form_peer_circles(w().pop, max_rounds=-1),
                SchemaError,
                "max_rounds",
            ),
            case(
                "unknown aim",
                lambda: M().form_peer_circles(w().pop, aims={"height": 1.0}),
                SchemaError,
                "aims",
            ),
            case("bad rng", lambda: M().form_peer_circles(w().pop, rng=1.5), SchemaError, "rng"),
            case(
                "members repeated",
                lambda: M().form_peer_circles(w().pop, members=[0, 0, 1, 2]),
                SchemaError,
                "members",
            ),
            case(
                "not a population", lambda: M().form_peer_circles("p"), SchemaError, "participants"
            ),
        ),
    ),
    Door(
        "sparkus.matching.PeerCircles.circle_of",
        (
            case("unknown member", lambda: w().circles.circle_of("nobody"), SchemaError, "member"),
            case("not a str", lambda: w().circles.circle_of(3), SchemaError, "member"),
        ),
    ),
    Door(
        "sparkus.matching.team_cohorts",
        (
            case(
                "size below 2", lambda: M().team_cohorts(w().pop, size=(1, 3)), SchemaError, "size"
            ),
            case(
                "size as text",
                lambda: M().team_cohorts(w().pop, size=(4, "x")),
                SchemaError,
                "size",
            ),
            case(
                "unknown member",
                lambda: M().team_cohorts(w().pop, members=["x"]),
                SchemaError,
                "members[0]",
            ),
            case("not a population", lambda: M().team_cohorts({}), SchemaError, "participants"),
        ),
    ),
]


# -- matching: planning --------------------------------------------------------------------------


def _plan(**options: Any) -> Any:
    return M().plan_support(w().pop, w().triaged, w().program, w().providers, **options)


PLANNING = [
    NotADoor("sparkus.matching.SupportPlan", "a result built by plan_support"),
    NotADoor("sparkus.matching.BudgetFrontier", "a result built by budget_frontier"),
    NotADoor("sparkus.matching.PlanConstraint", "one constraint of a SupportPlan, built by it"),
    Door(
        "sparkus.matching.ScenarioComparison.plan",
        (
            case("unknown scenario", lambda: w().comparison.plan("magic"), SchemaError, "magic"),
            case("not a str", lambda: w().comparison.plan(3), SchemaError, "name"),
        ),
    ),
    Door(
        "sparkus.matching.SupportRecommendation.reasons",
        (
            case(
                "id as a list",
                lambda: w().recommendation.reasons([None, None]),
                SchemaError,
                "person_id",
            ),
            case(
                "unknown person",
                lambda: w().recommendation.reasons("nobody"),
                SchemaError,
                "nobody",
            ),
        ),
    ),
    Door(
        "sparkus.matching.SupportPlan.totals",
        (
            case("unknown grouping", lambda: w().plan.totals("height"), SchemaError, "by"),
            case("grouping as an array", lambda: w().plan.totals(np.ones(2)), SchemaError, "by"),
        ),
    ),
    Door(
        "sparkus.matching.plan_support",
        (
            case(
                "supports as a matrix",
                lambda: _plan(supports=np.ones((2, 2))),
                SchemaError,
                "supports[0]",
            ),
            case("negative budget", lambda: _plan(budget=-1.0), SchemaError, "budget"),
            case("NaN budget", lambda: _plan(budget=NAN), SchemaError, "budget"),
            case("infinite budget", lambda: _plan(budget=INF), SchemaError, "budget"),
            case(
                "budget below the fixed cost", lambda: _plan(budget=1.0), InfeasibleError, "budget"
            ),
            case("weights of another length", lambda: _plan(weights=[1.0]), SchemaError, "weights"),
            case("NaN weight", lambda: _plan(weights=[NAN] * 60), SchemaError, "weights[0]"),
            case(
                "weights indexed by row numbers, not ids",
                lambda: _plan(weights=__import__("pandas").Series(np.ones(60))),
                SchemaError,
                "weights",
                "index",
            ),
            case(
                "effects whose sum is past the floats",
                lambda: _plan(effects={s: np.full(60, 1e307) for s in w().plan.supports}),
                SchemaError,
                "effects",
                "float range",
            ),
            case(
                "access of 2",
                lambda: _plan(access={"coaching": [2] * 60}),
                SchemaError,
                "access.coaching",
            ),
            case(
                "unknown pool",
                lambda: _plan(access={"hypnosis": [True] * 60}),
                SchemaError,
                "access.hypnosis",
            ),
            case(
                "reach above one", lambda: _plan(min_reach={"Sales": 1.5}), SchemaError, "min_reach"
            ),
            case("negative gap", lambda: _plan(mip_rel_gap=-0.1), SchemaError, "mip_rel_gap"),
            case("time limit of 0", lambda: _plan(time_limit=0), SchemaError, "time_limit"),
            case(
                "confidence of 1",
                lambda: _plan(confidence_level=1.0),
                SchemaError,
                "confidence_level",
            ),
            case(
                "exclude_resistant as 'yes'",
                lambda: _plan(exclude_resistant="yes"),
                SchemaError,
                "exclude_resistant",
            ),
            case(
                "not a triage",
                lambda: M().plan_support(w().pop, "t", w().program, w().providers),
                SchemaError,
                "triage",
            ),
        ),
    ),
    Door(
        "sparkus.matching.budget_frontier",
        (
            case(
                "points of 0",
                lambda: M().budget_frontier(
                    w().pop, w().triaged, w().program, w().providers, points=0
                ),
                SchemaError,
                "points",
            ),
            case(
                "points of 1e9",
                lambda: M().budget_frontier(
                    w().pop, w().triaged, w().program, w().providers, points=10**9
                ),
                SchemaError,
                "points",
            ),
            case(
                "NaN budget",
                lambda: M().budget_frontier(
                    w().pop, w().triaged, w().program, w().providers, budgets=[NAN]
                ),
                SchemaError,
                "budgets",
            ),
            case(
                "budgets not numbers",
                lambda: M().budget_frontier(
                    w().pop, w().triaged, w().program, w().providers, budgets="100"
                ),
                SchemaError,
                "budgets",
            ),
            case(
                "budgets as a mapping (its keys would be read)",
                lambda: M().budget_frontier(
                    w().pop, w().triaged, w().program, w().providers, budgets={1e5: "low"}
                ),
                SchemaError,
                "budgets",
                "sequence",
            ),
        ),
    ),
    Door(
        "sparkus.matching.compare_scenarios",
        (
            case(
                "unknown support in a scenario",
                lambda: M().compare_scenarios(
                    w().pop, w().triaged, w().program, w().providers, plans={"x": ["hypnosis"]}
                ),
                SchemaError,
                "plans",
            ),
            case(
                "scenario of another length",
                lambda: M().compare_scenarios(
                    w().pop, w().triaged, w().program, w().providers, plans={"x": [None]}
                ),
                SchemaError,
                "plans",
            ),
            case(
                "confidence of 2",
                lambda: M().compare_scenarios(
                    w().pop, w().triaged, w().program, w().providers, confidence_level=2.0
                ),
                SchemaError,
                "confidence_level",
            ),
        ),
    ),
    Door(
        "sparkus.matching.recommend_support",
        (
            case(
                "not a population",
                lambda: M().recommend_support("p", w().triaged, w().program),
                SchemaError,
                "population",
            ),
            case(
                "not a policy",
                lambda: M().recommend_support(w().pop, w().triaged, w().program, policy={}),
                SchemaError,
                "policy",
            ),
        ),
    ),
    Door(
        "sparkus.matching.SupportPolicy",
        (
            case(
                "rules not rules",
                lambda: M().SupportPolicy(rules={"coaching": 1}),
                SchemaError,
                "rules",
            ),
        ),
    ),
    Door(
        "sparkus.matching.SupportRule",
        (
            case(
                "unknown readiness",
                lambda: M().SupportRule("boss", (), (), (), (), "r"),
                SchemaError,
                "min_readiness",
            ),
        ),
    ),
    Door(
        "sparkus.matching.EffectPrior",
        (
            case("NaN effect", lambda: M().EffectPrior(NAN, 0.1, 6, "x"), SchemaError, "effect"),
            case("negative se", lambda: M().EffectPrior(0.2, -0.1, 6, "x"), SchemaError, "se"),
            case("infinite se", lambda: M().EffectPrior(0.2, INF, 6, "x"), SchemaError, "se"),
            case(
                "fractional sessions",
                lambda: M().EffectPrior(0.2, 0.1, 6.5, "x"),
                SchemaError,
                "sessions",
            ),
        ),
    ),
    Door(
        "sparkus.matching.EffectPriors",
        (
            case(
                "priors not priors",
                lambda: M().EffectPriors(priors={"coaching": 0.4}),
                SchemaError,
                "priors",
            ),
        ),
    ),
    Door(
        "sparkus.matching.EffectPriors.with_estimate",
        (
            case(
                "support as a list",
                lambda: M().EffectPriors().with_estimate([], 0.1, 0.1, source="x"),
                SchemaError,
                "support",
            ),
            case(
                "NaN effect",
                lambda: M().EffectPriors().with_estimate(_coaching(), NAN, 0.1, source="x"),
                SchemaError,
                "effect",
            ),
            case(
                "negative se",
                lambda: M().EffectPriors().with_estimate(_coaching(), 0.2, -0.1, source="x"),
                SchemaError,
                "se",
            ),
            case(
                "unknown support",
                lambda: M().EffectPriors().with_estimate("hypnosis", 0.1, 0.1, source="x"),
                SchemaError,
                "support",
            ),
            case(
                "fractional sessions",
                lambda: (
                    M()
                    .EffectPriors()
                    .with_estimate(_coaching(), 0.1, 0.1, source="x", sessions=2.5)
                ),
                SchemaError,
                "sessions",
            ),
        ),
    ),
]


# -- testing -------------------------------------------------------------------------------------

TESTING = [
    NotADoor(
        "sparkus.testing.MatcherCheckError",
        "the AssertionError check_matcher raises; built by it, not by callers",
    ),
    Door(
        "sparkus.testing.check_matcher",
        (
            case("unknown matcher", lambda: Tg().check_matcher("magic"), SchemaError, "matcher"),
            case(
                "zero examples",
                lambda: Tg().check_matcher("exact", n_examples=0),
                SchemaError,
                "n_examples",
            ),
            case(
                "a billion examples",
                lambda: Tg().check_matcher("exact", n_examples=10**9),
                SchemaError,
                "n_examples",
            ),
            case(
                "negative seed", lambda: Tg().check_matcher("exact", seed=-1), SchemaError, "seed"
            ),
        ),
    ),
    Door(
        "sparkus.testing.assignment_instances",
        (
            case(
                "negative size",
                lambda: Tg().assignment_instances(max_participants=-1),
                SchemaError,
                "max_participants",
            ),
            case(
                "huge size",
                lambda: Tg().assignment_instances(max_providers=10**9),
                SchemaError,
                "max_providers",
            ),
            case(
                "min above max",
                lambda: Tg().assignment_instances(min_participants=5, max_participants=2),
                SchemaError,
                "min_participants",
            ),
            case(
                "integer_costs as 1",
                lambda: Tg().assignment_instances(integer_costs=1),
                SchemaError,
                "integer_costs",
            ),
        ),
    ),
    Door(
        "sparkus.testing.AssignmentInstance.from_dense",
        (
            case(
                "-inf cost",
                lambda: Tg().AssignmentInstance.from_dense([[-INF]], [1]),
                SchemaError,
                "cost",
            ),
            case(
                "negative capacity",
                lambda: Tg().AssignmentInstance.from_dense([[1.0]], [-1]),
                SchemaError,
                "capacity",
            ),
        ),
    ),
    Door(
        "sparkus.testing.AssignmentInstance",
        (
            case(
                "built directly from lists",
                lambda: Tg().AssignmentInstance([[1.0]], 3),
                SchemaError,
                "cost",
                "capacity",
            ),
        ),
    ),
]

DOORS = [*TRIAGE, *ASSIGNMENT, *CANDIDATES, *PLANNING, *TESTING]
