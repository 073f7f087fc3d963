"""The ground truth of the synthetic organisation: what generated it, and each person's gains.

Split from ``_synthetic.py``, which draws the organisation: this module holds what an estimator
should recover (the average effects and the documented function of observed traits behind each
person's gain) and the frozen result that carries it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import check_number, describe, is_finite_real
from sparkus._errors import Problem, SchemaError, key_text
from sparkus.model import FrozenMapping, Level, SupportType

__all__ = ["EFFECT_SD", "OUTCOME_SD", "SyntheticTruth", "individual_effects"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# True effect of each support type on the development index, in standard deviations of the
# index. Coaching sits between the workplace meta-analyses (Jones, Woods & Guillaume 2016:
# delta = 0.36; Burt & Talati 2017, RCTs only: 0.42); team coaching, with no meta-analysis, just
# below it; mentoring "favourable but small" (Eby et al. 2008); peer support modest (no workplace
# meta-analysis); self-guided digital reflection smallest (Losch et al. 2016; Terblanche et al.
# 2022). These are the simulation's truths, not estimates.
EFFECT_SD: Final = FrozenMapping({
    SupportType.COACHING: 0.40,
    SupportType.TEAM_COACHING: 0.30,
    SupportType.MENTORING: 0.20,
    SupportType.PEER_SUPPORT: 0.15,
    SupportType.SELF_GUIDED_REFLECTION: 0.10,
})  # fmt: skip
OUTCOME_SD: Final = 10.0
_SUPPORTS: Final = tuple(SupportType)
# Heterogeneous effects: each person's gain from support s is EFFECT_SD[s] * OUTCOME_SD times
# a non-negative "benefit profile" of observed traits, divided by the profile's mean over the
# organisation (so the mean gain is the published average). Written out in the docstring of
# `synthetic_org` and in docs/synthetic-organisation.md.
_COACHING_PEAK: Final = 0.7  # readiness index where coaching helps most (inverted U) ...
_COACHING_WIDTH: Final = 1.2  # ... and how fast it falls off either side
_MENTORING_TENURE: Final = 4.0  # years: the mentoring profile halves about every 2.8 years


@attrs.frozen(eq=False)
class SyntheticTruth:
    """What generated a synthetic organisation: the answers an estimator should recover.

    Validated whole at construction (a :class:`~sparkus.SchemaError` names each field at
    fault); its arrays are read-only views and its mappings immutable copies, so nothing done
    to them afterwards changes the answer later checks compare with.

    .. versionadded:: 0.1

    Attributes
    ----------
    readiness : ndarray of float
        Latent readiness per person (row order of the population), about N(0, 1).
    stage : ndarray of int8
        Stage of change per person, an index into :attr:`stages`; 0 is the resistant
        (precontemplation) stage.
    stages : tuple of str
        Names of the stages, least ready first.
    item_loadings : mapping of str to float
        Loading of each instrument item on latent readiness.
    effects : mapping of SupportType to float
        Average true effect of each support type on ``outcome_post`` over the whole
        organisation (the average treatment effect, ATE), in outcome points: the mean of
        ``individual_effects[s]``, exactly ``OUTCOME_SD * EFFECT_SD[s]``. Effects differ
        between people (see :attr:`individual_effects`), so estimators target different
        averages: the ATE is this value; the effect on those who got ``s`` (the ATT) is
        ``individual_effects[s][got_s].mean()``; ANCOVA with one effect coefficient estimates
        a weighted average of the treated's effects (weights: the treatment indicator's
        residual on the covariates). IPW and AIPW target the ATE or the ATT, as asked. The
        test suite's coverage simulation holds AIPW (ATT) to the ATT and ANCOVA to that
        weighted mean; the mean of each type's gains is this value to 1e-12.
    outcome_sd : float
        Standard deviation of the development index the effects are measured against; an effect
        in standard deviations is ``effects[s] / outcome_sd``.
    propensity : ndarray of float
        Each person's true probability of having received any support in the earlier program.
    selection : str
        The selection model in words: who got support, and why a naive comparison is biased.
    individual_effects : mapping of SupportType to ndarray of float
        What each person (row order of the population) would gain from each support type, in
        outcome points, whether or not they got it: a non-negative function of observed traits
        (the readiness index, seniority, tenure; see :func:`synthetic_org` for the formula)
        whose mean over the organisation is ``effects[s]``. ``outcome_post`` adds each
        supported person's gain from the support they received.

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.model import SupportType
    >>> truth = synthetic_org(n=300, seed=3).truth
    >>> truth.stages
    ('precontemplation', 'contemplation', 'preparation', 'action', 'maintenance')
    >>> truth.effects[SupportType.COACHING] / truth.outcome_sd  # in standard deviations
    0.4
    >>> truth.readiness.shape, truth.item_loadings["self_motivation"]
    ((300,), 0.8)
    >>> coaching = truth.individual_effects[SupportType.COACHING]  # one gain per person
    >>> coaching.shape, bool(abs(coaching.mean() - 4.0) < 1e-12), bool(coaching.min() >= 0)
    ((300,), True, True)
    """

    readiness: FloatArray
    stage: npt.NDArray[np.int8]
    stages: tuple[str, ...]
    item_loadings: Mapping[str, float]
    effects: Mapping[SupportType, float]
    outcome_sd: float
    propensity: FloatArray
    selection: str
    individual_effects: Mapping[SupportType, FloatArray]

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        n = -1
        for name in ("readiness", "stage", "propensity"):
            value = getattr(self, name)
            if (
                not isinstance(value, np.ndarray)
                or value.ndim != 1
                or value.dtype.kind not in "iuf"
            ):
                problems.append(Problem((name,), f"expected a 1-D numpy array of numbers, got "
                                                 f"{describe(value)}"))  # fmt: skip
            elif not np.isfinite(value).all():
                problems.append(Problem((name,), "holds values that are not finite"))
            elif n not in (-1, len(value)):
                problems.append(Problem((name,), f"has {len(value)} values, not {n}"))
            else:
                n = len(value)
        malformed = {problem.path[0] for problem in problems}  # arrays not to read further
        if "propensity" not in malformed:
            _check_range(self.propensity, "propensity", 0, 1, problems)
        _check_numbers(self.effects, "effects", _SUPPORTS, problems)
        _check_numbers(self.item_loadings, "item_loadings", str, problems)
        stages: object = self.stages
        if not isinstance(stages, tuple) or not all(isinstance(x, str) for x in stages):
            problems.append(Problem(("stages",), f"expected a tuple of str, got "
                                                 f"{describe(stages)}"))  # fmt: skip
        elif "stage" not in malformed:
            _check_range(self.stage, "stage", 0, len(stages) - 1, problems)
        check_number(self.outcome_sd, "outcome_sd", low=0.0, low_open=True, problems=problems)
        selection: object = self.selection
        if not isinstance(selection, str):
            problems.append(Problem(("selection",), f"expected text, got "
                                                    f"{describe(selection)}"))  # fmt: skip
        _check_individual(self.individual_effects, n, problems)
        if problems:
            raise SchemaError(problems)
        # frozen like the population: read-only views (the caller's arrays stay writable) and
        # copies of the mappings, so nothing done to them later changes the truth
        for name in ("readiness", "stage", "propensity"):
            object.__setattr__(self, name, _read_only(getattr(self, name)))
        for name in ("item_loadings", "effects"):
            object.__setattr__(self, name, FrozenMapping(getattr(self, name)))
        individual = {s: _read_only(v) for s, v in self.individual_effects.items()}
        object.__setattr__(self, "individual_effects", FrozenMapping(individual))


def _read_only(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """A view of `array` that cannot be written through."""
    view = array.view()
    view.flags.writeable = False
    return view


def _check_numbers(
    mapping: object, name: str, keys: tuple[SupportType, ...] | type[str], problems: list[Problem]
) -> None:
    """`mapping`: a mapping of `keys` (all of them, for a tuple) to finite real numbers."""
    if not isinstance(mapping, Mapping):
        problems.append(Problem((name,), f"expected a mapping, got {describe(mapping)}"))
        return
    if isinstance(keys, tuple) and (missing := [k.value for k in keys if k not in mapping]):
        problems.append(Problem((name,), f"has no entry for {missing}"))
    for key, value in mapping.items():
        where = (name, str(getattr(key, "value", key)))
        valid = key in keys if isinstance(keys, tuple) else isinstance(key, keys)
        if not valid:
            kind = "a SupportType" if isinstance(keys, tuple) else "an item name (str)"
            problems.append(Problem(where, f"expected {kind} as key, got {describe(key)}"))
        elif not is_finite_real(value):
            problems.append(Problem(where, f"expected a finite number, got {describe(value)}"))


def _check_range(
    array: npt.NDArray[Any], name: str, low: float, high: float, problems: list[Problem]
) -> None:
    """Every value of a checked numeric `array` within ``[low, high]``."""
    bad = np.flatnonzero((array < low) | (array > high))
    if bad.size:
        msg = f"expected values from {low} to {high}, got {array[bad[0]].item()!r} at row {bad[0]}"
        problems.append(Problem((name,), msg))


def _check_individual(individual: object, n: int, problems: list[Problem]) -> None:
    """`individual_effects`: one finite 1-D float array of `n` values per support type."""
    if not isinstance(individual, Mapping):
        msg = f"expected a mapping of SupportType to arrays, got {describe(individual)}"
        problems.append(Problem(("individual_effects",), msg))
        return
    missing = [s.value for s in _SUPPORTS if s not in individual]
    if missing:
        problems.append(Problem(("individual_effects",), f"has no entry for {missing}"))
    for key, value in individual.items():
        where = ("individual_effects", key.value if hasattr(key, "value") else key_text(key))
        if key not in _SUPPORTS:
            problems.append(Problem(where, f"is not a SupportType: {describe(key)}"))
        elif not isinstance(value, np.ndarray) or value.ndim != 1 or value.dtype.kind != "f":
            problems.append(Problem(where, f"expected a 1-D float array, got {describe(value)}"))
        elif not np.isfinite(value).all():
            problems.append(Problem(where, "holds values that are not finite"))
        elif n not in (-1, len(value)):
            problems.append(Problem(where, f"has {len(value)} values, not {n}"))


def individual_effects(
    index: FloatArray,
    seniority: FloatArray,
    tenure: FloatArray,
    level: IntArray,
    effects: Mapping[SupportType, float],
) -> dict[SupportType, FloatArray]:
    """Each person's gain from each support type: a benefit profile scaled to mean `effects`.

    The profiles (formulas in :func:`synthetic_org`) use observed traits only and draw nothing,
    so the random stream, and everything but ``outcome_post``, is as without them.
    """
    profile = {
        SupportType.COACHING: (0.3 + seniority)
        * np.exp(-0.5 * ((index - _COACHING_PEAK) / _COACHING_WIDTH) ** 2),
        SupportType.TEAM_COACHING: 0.25 + seniority,
        SupportType.MENTORING: 0.25 + np.exp(-tenure / _MENTORING_TENURE),
        SupportType.PEER_SUPPORT: 0.25 + (level == len(Level) - 1),
        SupportType.SELF_GUIDED_REFLECTION: 0.25 + 1.0 / (1.0 + np.exp(-2.0 * (index - 0.5))),
    }
    out: dict[SupportType, FloatArray] = {}
    for s in _SUPPORTS:
        gain = effects[s] * profile[s] / profile[s].mean()
        gain += effects[s] - gain.mean()  # the mean exactly, not up to rounding
        out[s] = np.maximum(gain, 0.0)
    return out
