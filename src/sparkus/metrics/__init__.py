"""Did the program work, for whom, and was it worth it; and how is it going right now.

Estimators (effect sizes, tests, regression, ANCOVA, difference-in-differences, IPW and AIPW,
bootstrap, meta-analysis, subgroups, staggered rollouts by :func:`staggered_did`, the value of
a targeting policy) return an :class:`Estimate` or a result class with the estimate, its
standard error, confidence interval, test and sample size, and agree with an established tool
(scipy, statsmodels, pingouin) to many decimals. :func:`e_value` and
:func:`robustness_value` say how strong hidden confounding would have to be;
:func:`rater_change` follows 360 feedback by rater group under rater anonymity and
:func:`gas_tscore` turns goal attainment scaling into an outcome; :func:`qini` says how well a
score targeted those who gained; :func:`power`, :func:`sample_size` and :func:`mde` size a
study; :func:`design_rollout` randomises a rollout to waves, :func:`randomization_test` tests it by
drawing it again and :func:`rollout_power` gives a stepped-wedge rollout's power; :func:`roi` prices the result by the Phillips
method. :class:`Tracker` follows a program's events into a mergeable state and a privacy-safe
:class:`Dashboard`, which :func:`render_html` turns into a self-contained report and
:func:`dashboard_schema` describes as JSON Schema. scipy and
matplotlib are imported on first use.
"""

from sparkus.metrics._bootstrap import BootstrapResult, bootstrap
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
from sparkus.metrics._gas import gas_tscore
from sparkus.metrics._meta import MetaAnalysis, fixed_effect, random_effects
from sparkus.metrics._multiple import adjust_pvalues
from sparkus.metrics._ols_result import OLSResult
from sparkus.metrics._overlap import OverlapDiagnostics, overlap
from sparkus.metrics._plots import balance_plot, forest_plot
from sparkus.metrics._policy import policy_difference, policy_value
from sparkus.metrics._propensity import PropensityModel
from sparkus.metrics._randomization import RandomizationTest, randomization_test
from sparkus.metrics._raters import RaterChange, rater_change
from sparkus.metrics._regression import ancova, did, ols
from sparkus.metrics._robustness import RobustnessValue, robustness_value
from sparkus.metrics._roi import ROIResult, roi
from sparkus.metrics._roi_items import Benefit, Cost
from sparkus.metrics._rollout import RolloutDesign, design_rollout
from sparkus.metrics._sensitivity import EValue, e_value
from sparkus.metrics._staggered import DiDAggregation, StaggeredDiD, staggered_did
from sparkus.metrics._stepped_wedge import rollout_power
from sparkus.metrics._subgroups import SubgroupEffects, subgroup_effects
from sparkus.metrics._tracking.json_schema import dashboard_schema
from sparkus.metrics._tracking.page import render_html, write_html
from sparkus.metrics._tracking.plots import plot_engagement, plot_funnel, plot_progress
from sparkus.metrics._tracking.schema import Dashboard
from sparkus.metrics._tracking.tracker import Tracker
from sparkus.metrics._uplift import QiniResult, qini
from sparkus.metrics._weighting import aipw, ipw

__all__ = [
    "Benefit",
    "BootstrapResult",
    "ConfidenceInterval",
    "Cost",
    "Dashboard",
    "DiDAggregation",
    "EValue",
    "Estimate",
    "MetaAnalysis",
    "OLSResult",
    "OverlapDiagnostics",
    "PropensityModel",
    "QiniResult",
    "ROIResult",
    "RandomizationTest",
    "RaterChange",
    "RobustnessValue",
    "RolloutDesign",
    "StaggeredDiD",
    "SubgroupEffects",
    "Tracker",
    "adjust_pvalues",
    "aipw",
    "ancova",
    "balance_plot",
    "bootstrap",
    "cohens_d",
    "compare_proportions",
    "convert_effect_size",
    "dashboard_schema",
    "design_rollout",
    "did",
    "e_value",
    "fixed_effect",
    "forest_plot",
    "gas_tscore",
    "glass_delta",
    "hedges_g",
    "icc",
    "ipw",
    "mde",
    "ols",
    "overlap",
    "paired_dz",
    "paired_ttest",
    "plot_engagement",
    "plot_funnel",
    "plot_progress",
    "policy_difference",
    "policy_value",
    "power",
    "qini",
    "random_effects",
    "randomization_test",
    "rater_change",
    "render_html",
    "robustness_value",
    "roi",
    "rollout_power",
    "sample_size",
    "staggered_did",
    "subgroup_effects",
    "welch_ttest",
    "write_html",
]
