"""Did the program work, for whom, and was it worth it: effect sizes, tests, regression, design.

Every estimator returns an :class:`Estimate` (or, for :func:`ols`, an :class:`OLSResult`) with
the estimate, its standard error, confidence interval, test and sample size, and agrees with an
established tool (scipy, statsmodels, pingouin) to many decimals. scipy is imported on first use.
"""

from sparkus.metrics._compare import compare_proportions, paired_ttest, welch_ttest
from sparkus.metrics._design import icc, mde, power, sample_size
from sparkus.metrics._effect_sizes import (
    cohens_d,
    convert_effect_size,
    glass_delta,
    hedges_g,
    paired_dz,
)
from sparkus.metrics._estimate import ConfidenceInterval, Estimate
from sparkus.metrics._multiple import adjust_pvalues
from sparkus.metrics._regression import OLSResult, ancova, did, ols

__all__ = [
    "ConfidenceInterval",
    "Estimate",
    "OLSResult",
    "adjust_pvalues",
    "ancova",
    "cohens_d",
    "compare_proportions",
    "convert_effect_size",
    "did",
    "glass_delta",
    "hedges_g",
    "icc",
    "mde",
    "ols",
    "paired_dz",
    "paired_ttest",
    "power",
    "sample_size",
    "welch_ttest",
]
