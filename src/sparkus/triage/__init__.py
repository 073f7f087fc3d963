"""Readiness triage: who benefits, how much support they need, and whether it is fair.

The transparent :class:`RubricClassifier` is the default; fitted models follow scikit-learn's
conventions. :func:`triage` turns answers into a level, a review flag and a dose per person.
"""

from sparkus.triage._audit import FOUR_FIFTHS, AuditResult, audit
from sparkus.triage._benefit import BenefitModel
from sparkus.triage._cross_validate import (
    CrossValidationResult,
    ProbabilisticClassifier,
    cross_validate,
)
from sparkus.triage._dosage import DosagePolicy
from sparkus.triage._evaluate import (
    brier_score,
    confusion_matrix,
    evaluate,
    expected_calibration_error,
    precision_recall_f1,
    roc_auc_ovr,
)
from sparkus.triage._instrument import Features, Instrument, Item, MissingPolicy, default_instrument
from sparkus.triage._levels import ReadinessLevel
from sparkus.triage._logistic import LogisticReadinessModel
from sparkus.triage._ordinal import OrdinalReadinessModel
from sparkus.triage._rubric import Explanation, RubricClassifier
from sparkus.triage._scores import ClassificationReport, ClassMetrics
from sparkus.triage._triage import TriageResult, triage

__all__ = [
    "FOUR_FIFTHS",
    "AuditResult",
    "BenefitModel",
    "ClassMetrics",
    "ClassificationReport",
    "CrossValidationResult",
    "DosagePolicy",
    "Explanation",
    "Features",
    "Instrument",
    "Item",
    "LogisticReadinessModel",
    "MissingPolicy",
    "OrdinalReadinessModel",
    "ProbabilisticClassifier",
    "ReadinessLevel",
    "RubricClassifier",
    "TriageResult",
    "audit",
    "brier_score",
    "confusion_matrix",
    "cross_validate",
    "default_instrument",
    "evaluate",
    "expected_calibration_error",
    "precision_recall_f1",
    "roc_auc_ovr",
    "triage",
]
