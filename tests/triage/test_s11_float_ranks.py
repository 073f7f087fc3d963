"""A model fitted on ranks stored as floats triages like one fitted on integer ranks.

``LogisticReadinessModel`` takes whole-number float labels (``2.0``) as classes, so its
``classes_`` are floats; ``triage`` used to refuse them ("class 0.0 is not ... a rank 0-3").
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.triage import LogisticReadinessModel, default_instrument, triage


@pytest.mark.parametrize("kind", ["float64", "float32"])
def test_whole_float_ranks_read_as_ranks(kind):
    """Float classes 0.0 ... 3.0 give the same triage as integer classes 0 ... 3; 2.5 is no
    rank and is refused."""
    org = synthetic_org(120, seed=2)
    X = default_instrument().features(org.population).X
    ranks = triage(org.population).level.astype(np.int64)
    by_int = triage(org.population, LogisticReadinessModel().fit(X, ranks))
    model = LogisticReadinessModel().fit(X, ranks.astype(kind))
    by_float = triage(org.population, model)
    assert by_float.level.tolist() == by_int.level.tolist()
    np.testing.assert_allclose(by_float.probabilities, by_int.probabilities, rtol=0, atol=1e-12)
    model.classes_ = model.classes_ + 0.5
    with pytest.raises(SchemaError, match=r"class 0\.5 is not a readiness level"):
        triage(org.population, model)
