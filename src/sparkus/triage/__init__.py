"""Readiness triage: who benefits, how much support they need, and whether it is fair.

The transparent :class:`RubricClassifier` is the default; fitted models follow scikit-learn's
conventions. :func:`triage` turns answers into a level, a review flag and a dose per person.
"""

from sparkus.triage._dosage import DosagePolicy
from sparkus.triage._instrument import Features, Instrument, Item, MissingPolicy, default_instrument
from sparkus.triage._levels import ReadinessLevel
from sparkus.triage._rubric import Explanation, RubricClassifier
from sparkus.triage._triage import ProbabilisticModel, TriageResult, triage

__all__ = [
    "DosagePolicy",
    "Explanation",
    "Features",
    "Instrument",
    "Item",
    "MissingPolicy",
    "ProbabilisticModel",
    "ReadinessLevel",
    "RubricClassifier",
    "TriageResult",
    "default_instrument",
    "triage",
]
