"""sparkus: evidence-based coaching programs at scale.

The subpackages are imported on first use, so ``import sparkus`` stays light:

- :mod:`sparkus.model`: the vocabulary (records, enums, the columnar population, JSON).
- :mod:`sparkus.datasets`: a seeded synthetic organisation with known ground truth.
- :mod:`sparkus.triage`: readiness levels, explanations, dosage and a fairness audit.
- :mod:`sparkus.matching`: support planning, scoring, assignment, stable matching and groups.
- :mod:`sparkus.metrics`: impact estimators, study design, ROI, and the live tracker.
- :mod:`sparkus.privacy`: the disclosure verifier and the differentially private release mode.
- :mod:`sparkus.testing`: hypothesis strategies and the conformance check for matcher plugins.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sparkus._errors import (
    EstimationError,
    InfeasibleError,
    NotFittedError,
    Problem,
    SchemaError,
    SparkusError,
    SparkusWarning,
)

if TYPE_CHECKING:
    from sparkus import datasets, matching, metrics, model, privacy, testing, triage

__all__ = [
    "EstimationError",
    "InfeasibleError",
    "NotFittedError",
    "Problem",
    "SchemaError",
    "SparkusError",
    "SparkusWarning",
    "__version__",
    "datasets",
    "matching",
    "metrics",
    "model",
    "privacy",
    "testing",
    "triage",
]

_SUBPACKAGES = frozenset(
    {"datasets", "matching", "metrics", "model", "privacy", "testing", "triage"}
)


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"sparkus.{name}")
    if name == "__version__":
        from importlib.metadata import version

        return version("sparkus")
    msg = f"module 'sparkus' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBPACKAGES | {"__version__"})
