"""BenefitModel's inputs: fold labels read by index, nullable flags, plug-in outputs checked."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from sparkus import EstimationError, SchemaError
from sparkus.triage import BenefitModel

pd = pytest.importorskip("pandas")


def _frame(n: int = 60, seed: int = 0):
    rng = np.random.default_rng(seed)
    index = np.arange(n) * 10
    X = pd.DataFrame(rng.normal(size=(n, 2)), columns=["a", "b"], index=index)
    t = pd.Series(np.arange(n) % 2 == 0, index=index)
    y = pd.Series(X["a"] + t * (1.0 + 2.0 * X["b"]) + rng.normal(size=n), index=index)
    fold = pd.Series(np.arange(n) // 2 % 3, index=index)
    return X, t, y, fold


def test_fold_series_is_read_by_its_index():
    """A fold Series in another row order than X gives the same fit as one in X's order."""
    X, t, y, fold = _frame()
    order = np.random.default_rng(1).permutation(len(X))
    same = BenefitModel().fit(X, t, y, fold=fold)
    shuffled = BenefitModel().fit(X, t.iloc[order], y.iloc[order], fold=fold.iloc[order])
    np.testing.assert_allclose(shuffled.coef_["treated"], same.coef_["treated"], rtol=1e-12)
    np.testing.assert_array_equal(shuffled.fold_, same.fold_)


def test_fold_series_with_other_labels_is_refused():
    """A fold Series whose index holds other labels than X's is refused, naming `fold`."""
    X, t, y, fold = _frame()
    with pytest.raises(SchemaError, match=r"fold: its index does not match the index of `X`"):
        BenefitModel().fit(X, t, y, fold=fold.reset_index(drop=True))


@pytest.mark.parametrize("dtype", ["float64", "Int64", "object"])
def test_missing_fold_label_is_named(dtype: str):
    """A missing fold label is refused naming its row, not read as a fold called nan."""
    X, t, y, fold = _frame()
    given = fold.astype(dtype)
    given.iloc[2] = None
    with pytest.raises(SchemaError, match=r"fold: is missing in the row labelled 20; give every"):
        BenefitModel().fit(X, t, y, fold=given)


@pytest.mark.parametrize("dtype", ["boolean", "Int64", "Float64"])
def test_nullable_flags_with_a_missing_value_name_the_row(dtype: str):
    """A nullable 0/1 column with <NA> names its row, instead of calling every row no support."""
    X, t, y, _ = _frame()
    given = t.astype(dtype) if dtype == "boolean" else t.astype(int).astype(dtype)
    given.iloc[3] = pd.NA
    with pytest.raises(EstimationError, match=r"`treated` is missing .* in row 3;"):
        BenefitModel(rng=0).fit(X, given, y)


def test_nullable_flags_without_missing_values_fit_as_booleans():
    """An object column of True/False fits exactly as the bool column does."""
    X, t, y, _ = _frame()
    plain = BenefitModel(rng=0).fit(X, t, y)
    boxed = BenefitModel(rng=0).fit(X, t.astype(object), y)
    np.testing.assert_array_equal(boxed.coef_["treated"], plain.coef_["treated"])


class _Constant:
    """A plug-in that returns whatever it was made with, whatever the rows."""

    def __init__(self, value: object = 0.5, classes: object = (0, 1)) -> None:
        self.value = value
        self.classes = classes

    def fit(self, X: object, y: object) -> _Constant:
        self.classes_ = np.asarray(self.classes)
        return self

    def predict(self, X: np.ndarray) -> object:
        return np.full(len(X), self.value)

    def predict_proba(self, X: np.ndarray) -> object:
        value = np.asarray(self.value, dtype=float)
        return np.broadcast_to(value, (len(X), *value.shape)).copy()


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        (
            _Constant([0.5]),
            r"propensity: `predict_proba` returned shape \(\d+, 1\) .*classes_ \[0, 1\]",
        ),
        (
            _Constant([0.5, 0.5], classes=("0", "1")),
            r"propensity: has classes_ \['0', '1'\], without",
        ),
        (_Constant([-0.5, 1.5]), r"propensity: `predict_proba` returned 1.5 for \d+ of the"),
        (_Constant([np.nan, np.nan]), r"propensity: `predict_proba` returned nan for \d+ of"),
    ],
)
def test_plugin_propensity_outputs_are_checked(plugin: _Constant, message: str):
    """A propensity plug-in's wrong shape, classes, range or NaN is a SchemaError naming it."""
    X, t, y, _ = _frame()
    with pytest.raises(SchemaError, match=message):
        BenefitModel(propensity=plugin, rng=0).fit(X, t, y)


def test_plugin_outcome_nan_is_named_not_blamed_on_y():
    """NaN from an outcome plug-in names `outcome`, not `y` as too large."""
    X, t, y, _ = _frame()
    with pytest.raises(SchemaError, match=r"outcome: `predict` returned nan for \d+ of the"):
        BenefitModel(outcome=_Constant(np.nan), rng=0).fit(X, t, y)


def test_plugin_final_nan_is_refused_at_predict():
    """A final-stage plug-in that predicts NaN is refused instead of passing NaN on."""
    X, t, y, _ = _frame()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = BenefitModel(final=_Constant(np.nan), rng=0).fit(X, t, y)
    with pytest.raises(SchemaError, match=r"final: `predict` returned nan for 3 of the 3 rows"):
        model.predict(X.iloc[:3])


def test_plugin_propensity_with_boolean_classes_is_read():
    """classes_ of False/True (as a bool-fitted classifier has) picks the True column."""
    X, t, y, _ = _frame()
    model = BenefitModel(propensity=_Constant([0.4, 0.6], classes=(False, True)), rng=0)
    model.fit(X, t, y)
    assert np.nanmax(model.propensities_["treated"]) == 0.6


def test_missing_support_label_is_named_as_missing():
    """A missing label in a text column is 'missing', not 'missing type', and names its row."""
    X, t, y, _ = _frame()
    labels = pd.Series(np.where(t, "coaching", "none"), index=X.index, dtype=object)
    labels.iloc[3] = None
    with pytest.raises(SchemaError, match=r"treated: None in row 3 is missing \(give every row"):
        BenefitModel(rng=0).fit(X, labels, y)


def test_fold_written_two_ways_is_refused():
    """Fold labels 'A' and 'a ' are one fold written two ways: refused, naming `fold`."""
    X, t, y, _ = _frame()
    fold = pd.Series(["A", "a ", "B"] * 20, index=X.index)
    with pytest.raises(SchemaError, match=r"fold: holds labels that differ only in case"):
        BenefitModel().fit(X, t, y, fold=fold)
