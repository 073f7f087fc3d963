"""scikit-learn stays optional: the fitted models never import it, and work where it is absent."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_models_fit_and_predict_where_sklearn_cannot_be_imported():
    """With scikit-learn blocked, the models fit, predict, score and clone-by-params as before."""
    code = """
        import sys
        sys.modules["sklearn"] = None  # any `import sklearn` now raises ImportError
        import numpy as np
        import pandas as pd
        from sparkus.triage import LogisticReadinessModel, OrdinalReadinessModel

        rng = np.random.default_rng(0)
        X = pd.DataFrame(rng.normal(size=(200, 2)), columns=["a", "b"])
        y = np.digitize(X.to_numpy() @ [1.0, -0.5] + rng.logistic(size=200), [-1.0, 0.0, 1.5])
        for model in (LogisticReadinessModel(C=0.5), OrdinalReadinessModel()):
            fitted = model.fit(X, y)
            copy = type(model)(**model.get_params())
            assert fitted is model and copy.get_params() == model.get_params()
            assert list(model.feature_names_in_) == ["a", "b"]
            assert 0.0 <= model.score(X, y) <= 1.0
            assert model.predict_proba(X).shape == (200, 4)
        try:
            model.__sklearn_tags__()
        except ImportError:
            print("tags need sklearn")
        print(sorted(m for m in sys.modules if m.startswith("sklearn")))
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.split("\n")[:2] == ["tags need sklearn", "['sklearn']"]
