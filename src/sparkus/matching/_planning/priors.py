"""Expected-effect priors: what each support type is expected to achieve, with its uncertainty.

The default table rests on published meta-analyses where they exist and says plainly where they
do not. Every number is a prior to replace with the user's own estimate (for instance the
effect ``sparkus.metrics`` estimated on an earlier cohort) through
:meth:`EffectPriors.with_estimate`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

import attrs

from sparkus._checks import check_number, describe
from sparkus._errors import Problem, SchemaError
from sparkus._fields import (
    Record,
    boolean,
    checked,
    freeze,
    instance_of,
    mapping_of,
    member,
    not_one_of,
    number,
    read_member,
    text,
)
from sparkus._results import Table, format_number, tables_html
from sparkus.model import FrozenMapping, SupportType
from sparkus.triage import ReadinessLevel

__all__ = ["EffectPrior", "EffectPriors"]

MAX_EFFECT: Final = 100.0
"""The largest magnitude of an effect, its standard error and a readiness modifier."""

MAX_SESSIONS: Final = 1_000
"""The most sessions per person a prior may name."""

_effect = number(low=-MAX_EFFECT, high=MAX_EFFECT)
_se = number(low=0.0, high=MAX_EFFECT)
_count = number(low=0, high=MAX_SESSIONS, integer=True)
_modifier = number(low=0.0, high=MAX_EFFECT)

_COACHING_SOURCE: Final = (
    "Jones, Woods & Guillaume 2016 (J. Occup. Organ. Psychol. 89; 17 workplace studies): "
    "delta = 0.36; Burt & Talati 2017 (IJEBCM 15(2); RCTs only): 0.42; de Haan & Nilsson 2023 "
    "(AMLE; 37 RCTs, n = 2,528): g = 0.59 with publication bias and larger effects on "
    "self-reported outcomes. The prior sits with the two lower, less biased estimates; its "
    "95% interval (0.22 to 0.58) spans all three."
)
_MENTORING_SOURCE: Final = (
    "Eby et al. 2008 (J. Vocational Behavior): mentoring's effects on protege outcomes are "
    "favourable but generally small; a small standardised effect with moderate uncertainty."
)
_PEER_SOURCE: Final = (
    "No workplace meta-analysis of peer coaching or peer support was found: a wide, modest "
    "prior, below mentoring, that says so. Replace it with your own estimate."
)
_TEAM_SOURCE: Final = (
    "The evidence on team coaching is thin: no meta-analysis of its effect was found. The "
    "prior sits below individual coaching with the widest uncertainty of the table."
)
_SELF_GUIDED_SOURCE: Final = (
    "Terblanche et al. 2022 (PLOS ONE): an AI chatbot coach matched human coaches on goal "
    "attainment only; Losch et al. 2016: self-coaching without any coach was not sufficient "
    "for high goal attainment. Smaller than human support and uncertain. No sessions: the "
    "cost is the platform's per-participant fee."
)


@attrs.frozen
class EffectPrior(Record):
    """The expected effect of one support type, its uncertainty, dose and source.

    Parameters
    ----------
    effect : float
        Expected standardised effect (a standardised mean difference, Cohen's d or Hedges' g)
        on development outcomes for one person who receives the support, from -100 to 100
        (effects of development support are below 1; the bound only keeps sums finite).
    se : float
        Standard error of `effect`: the uncertainty about the average effect, 0 to 100.
    sessions : int
        Sessions per person when triage gives no dose (and always for self-guided
        reflection), 0 to 1,000.
    source : str
        Where the numbers come from.
    local : bool, default False
        Whether `effect` and `se` are about this organisation's own true effect rather than
        a published average over programs: :meth:`EffectPriors.update` makes its priors
        local, and adds no between-program spread ``tau`` to a local prior, so that updating
        season after season with each season's estimate gives the prior one update with all
        of them would give, in any order.

    Examples
    --------
    >>> from sparkus.matching import EffectPrior
    >>> EffectPrior(0.25, 0.1, 6, "our 2025 cohort, ANCOVA").effect
    0.25

    .. versionadded:: 0.1
    """

    effect: float = attrs.field(metadata=checked(_effect))
    se: float = attrs.field(metadata=checked(_se))
    sessions: int = attrs.field(metadata=checked(_count))
    source: str = attrs.field(metadata=checked(text))
    local: bool = attrs.field(default=False, metadata=checked(boolean))


def _default_priors() -> FrozenMapping[SupportType, EffectPrior]:
    return FrozenMapping({
        SupportType.COACHING: EffectPrior(0.40, 0.09, 6, _COACHING_SOURCE),
        SupportType.MENTORING: EffectPrior(0.20, 0.08, 6, _MENTORING_SOURCE),
        SupportType.PEER_SUPPORT: EffectPrior(0.15, 0.12, 6, _PEER_SOURCE),
        SupportType.TEAM_COACHING: EffectPrior(0.30, 0.15, 4, _TEAM_SOURCE),
        SupportType.SELF_GUIDED_REFLECTION: EffectPrior(0.10, 0.08, 0, _SELF_GUIDED_SOURCE),
    })  # fmt: skip


def _no_moderation() -> FrozenMapping[ReadinessLevel, float]:
    return FrozenMapping(dict.fromkeys(ReadinessLevel, 1.0))


@attrs.frozen
class EffectPriors(Record):
    """The expected effect of each support type: a table to read, replace and serialise.

    A person's expected effect from a support type is
    ``priors[support].effect * readiness_modifier[their readiness]`` (1 for people not
    assessed), whatever the number of sessions: the meta-analyses found little or no
    moderation by duration or dose (Jones, Woods & Guillaume 2016; de Haan & Nilsson 2023),
    so fewer sessions cost less without, in this prior, losing effect. That is the
    assumption behind "the ready need fewer sessions"; test it with your own data.

    ========================  ======  =====  ========  ==========================================
    support type              effect  se     sessions  source
    ========================  ======  =====  ========  ==========================================
    coaching                  0.40    0.09   6         Jones et al. 2016 (0.36), Burt & Talati
                                                       2017 (0.42), de Haan & Nilsson 2023 (0.59,
                                                       publication bias)
    mentoring                 0.20    0.08   6         Eby et al. 2008: favourable, small
    peer support              0.15    0.12   6         no workplace meta-analysis: wide prior
    team coaching             0.30    0.15   4         thin evidence, no meta-analysis
    self-guided reflection    0.10    0.08   0         Terblanche et al. 2022; Losch et al. 2016
    ========================  ======  =====  ========  ==========================================

    Parameters
    ----------
    priors : mapping of SupportType to EffectPrior
        One prior per support type; a support type without one cannot be planned.
    readiness_modifier : mapping of ReadinessLevel to float
        Multiplies the effect by readiness, 0 to 100; every level must be present. The default
        is 1 for every level: no meta-analysis gives a pooled estimate of how readiness
        moderates the effect of development support, so the default assumes none. Lower it
        for the less ready to encode the belief behind triage (and see how the scenario
        comparison changes).

    Examples
    --------
    >>> from sparkus.matching import EffectPriors
    >>> from sparkus.model import SupportType
    >>> priors = EffectPriors()
    >>> priors.priors[SupportType.COACHING].effect
    0.4
    >>> ours = priors.with_estimate(SupportType.MENTORING, 0.31, 0.06, source="2025 cohort")
    >>> ours.priors[SupportType.MENTORING].effect, ours.priors[SupportType.MENTORING].sessions
    (0.31, 6)

    Next season's priors from this season's estimates (:meth:`update`), the published prior
    and the organisation's evidence combined:

    >>> learned = priors.update({SupportType.COACHING: (0.25, 0.05)}, tau=0.1)
    >>> round(learned.priors[SupportType.COACHING].effect, 3)
    0.268

    .. versionadded:: 0.1
    """

    priors: Mapping[SupportType, EffectPrior] = attrs.field(
        factory=_default_priors,
        converter=freeze,
        metadata=checked(
            mapping_of(member(SupportType), instance_of(EffectPrior, "an EffectPrior"))
        ),
    )
    readiness_modifier: Mapping[ReadinessLevel, float] = attrs.field(
        factory=_no_moderation,
        converter=freeze,
        metadata=checked(mapping_of(member(ReadinessLevel), _modifier)),
    )

    def _cross_check(self) -> list[Problem]:
        problems = [
            Problem(("readiness_modifier", level.value), "every readiness level needs an entry")
            for level in ReadinessLevel
            if level not in self.readiness_modifier
        ]
        if not self.priors:
            problems.append(Problem(("priors",), "needs a prior for at least one support type"))
        return problems

    def _repr_html_(self) -> str:
        effects = Table(
            "Expected effect by support type",
            ("support type", "effect", "se", "sessions", "source"),
            tuple(
                (
                    support.value,
                    format_number(p.effect),
                    format_number(p.se),
                    format_number(p.sessions),
                    p.source,
                )
                for support, p in self.priors.items()
            ),
            note="effect: standardised, in standard deviations of the outcome, per person",
        )
        modifier = Table(
            "Readiness modifier",
            ("readiness", "multiplies the effect by"),
            tuple((lv.value, format_number(m)) for lv, m in self.readiness_modifier.items()),
        )
        return tables_html([effects, modifier])

    def with_estimate(
        self,
        support: SupportType,
        effect: float,
        se: float,
        *,
        source: str,
        sessions: int | None = None,
        local: bool = False,
    ) -> EffectPriors:
        """The same table with `support`'s prior replaced by your own estimate.

        Parameters
        ----------
        support : SupportType
            The support type the estimate is for.
        effect, se : float
            Standardised effect and its standard error, e.g. from an ANCOVA on an earlier
            cohort.
        source : str
            Where the estimate comes from.
        sessions : int, optional
            Sessions per person; the current prior's (or 6 for a new support type) if omitted.
        local : bool, default False
            Whether the estimate is about this organisation's own true effect (from its own
            earlier cohort, say): :meth:`update` then adds no ``tau`` to it. Leave it False
            for an average over programs, such as another meta-analysis's estimate.

        Returns
        -------
        EffectPriors
            A new table; this one is unchanged.

        Raises
        ------
        SchemaError
            If `support` is not a :class:`~sparkus.model.SupportType`, or the new
            :class:`EffectPrior` is invalid (a non-finite effect, a negative or non-finite
            `se`, a fractional `sessions`, a `local` that is not a bool).
        """
        given: object = support  # checked at run time for callers without a type checker
        member = read_member(given, SupportType)
        if member is None:
            raise SchemaError([Problem(("support",), not_one_of(given, SupportType))])
        support = member
        current = self.priors.get(support)
        if sessions is None:
            sessions = current.sessions if current is not None else 6
        updated = dict(self.priors)
        updated[support] = EffectPrior(effect, se, sessions, source, local)
        return attrs.evolve(self, priors=updated)

    def update(
        self,
        estimates: Mapping[SupportType, object],
        *,
        tau: float | Mapping[SupportType, float] = 0.0,
        source: str = "this organisation's estimate",
    ) -> EffectPriors:
        """Combine each published prior with this organisation's estimate (normal-normal).

        For a support type with an estimate ``y`` with standard error ``s``, and a prior of
        effect ``m`` with standard error ``se`` and between-program heterogeneity ``tau``,
        the prior for *this organisation's* true effect is the random-effects predictive
        distribution ``N(m, v0)`` with the prior variance ``v0 = se**2 + tau**2``: the
        uncertainty about the average effect of the meta-analysis plus the spread of true
        effects between programs. The conjugate posterior has precision
        ``1 / v0 + 1 / s**2`` (the sum of the precisions) and mean
        ``(m / v0 + y / s**2) / precision`` (the precision-weighted mean); its standard error
        ``1 / sqrt(precision)`` is the new prior's `se`.

        The new prior is about this organisation's true effect (its ``local`` is True), so
        a later update adds no ``tau`` to it: its prior variance is ``se**2`` alone, whatever
        `tau` says. Updating season after season, each with that season's estimate, then
        gives the prior a single update with every estimate would give, in any order: the
        published prior's precision plus the sum of the estimates' precisions.

        Parameters
        ----------
        estimates : mapping of SupportType to Estimate or (effect, se)
            This organisation's estimate per support type: a :class:`sparkus.metrics.Estimate`
            (its ``estimate`` and ``se`` are read; its ``measure`` must be ``"SMD"`` or None,
            as the priors are standardised effects) or a pair ``(effect, se)``. Support types without an estimate keep
            their prior unchanged; an empty mapping returns an equal table.
        tau : float or mapping of SupportType to float, default 0
            The between-program standard deviation of true effects (the meta-analysis's
            ``tau``), one for every support type or one per type (a type missing from the
            mapping gets 0; keys are read like those of `estimates`). The default table holds
            no ``tau``: the meta-analyses behind it report heterogeneity in different metrics,
            so 0 (the fixed-effect view, prior variance ``se**2`` alone) is the default, and
            stating ``tau`` widens a published prior and lets the organisation's evidence weigh
            more. It is not added to a local prior (one updated already).
        source : str
            How the estimates are named in the new priors' sources.

        Returns
        -------
        EffectPriors
            A new table; each updated prior's source names the published prior's source,
            the estimate and the prior variance used. Sessions and the readiness modifier are
            kept; each updated prior is local. This table is unchanged.

        Raises
        ------
        SchemaError
            If `estimates` is not a mapping, a key is not a support type with a prior, two
            keys of `estimates` (or of a `tau` mapping) name the same support type in two
            spellings (``"coaching"`` and ``SupportType.COACHING``), an
            estimate is neither an Estimate nor an ``(effect, se)`` pair, an Estimate is on
            another measure than a standardised difference, an effect or se is
            not finite (or se negative), `tau` (or any value of a `tau` mapping, whether or
            not its support type has an estimate) is negative or not finite, or both the prior
            variance and the estimate's se are 0 (two certain, perhaps different, values).

        Examples
        --------
        >>> from sparkus.matching import EffectPriors
        >>> from sparkus.model import SupportType
        >>> priors = EffectPriors()
        >>> new = priors.update({SupportType.MENTORING: (0.30, 0.08)})
        >>> m = new.priors[SupportType.MENTORING]
        >>> round(m.effect, 3), round(m.se, 4)  # equal precisions: the midpoint
        (0.25, 0.0566)
        >>> "Eby" in m.source and "this organisation's estimate" in m.source
        True

        .. versionadded:: 0.1
        """
        given: object = estimates
        if not isinstance(given, Mapping):
            raise SchemaError([
                Problem(("estimates",), f"expected a mapping of support type to estimate, got "
                                        f"{describe(given)}")
            ])  # fmt: skip
        named: object = source
        if not isinstance(named, str) or not named.strip():
            raise SchemaError([Problem(("source",), f"expected a non-empty text, got "
                                                   f"{describe(source)}")])  # fmt: skip
        keyed = _by_support(given, "estimates")
        missing = [k for k in keyed if k not in self.priors]
        if missing:
            raise SchemaError([
                Problem(("estimates", k.value), "no prior for this support type to update")
                for k in missing
            ])  # fmt: skip
        spread = _tau_iv(tau)
        updated = dict(self.priors)
        for support, value in keyed.items():
            effect, se = _estimate_pair(value, support)
            prior = self.priors[support]
            updated[support] = _posterior(prior, effect, se, spread[support], source)
        return attrs.evolve(self, priors=updated)


def _tau_iv(tau: object) -> dict[SupportType, float]:
    """`tau` checked whole (every value of a mapping), as the spread of each support type."""
    if not isinstance(tau, Mapping):
        return dict.fromkeys(SupportType, check_number(tau, "tau", low=0.0, high=MAX_EFFECT))
    problems: list[Problem] = []
    given = {
        support: check_number(
            value, f"tau.{support.value}", low=0.0, high=MAX_EFFECT, problems=problems
        )
        for support, value in _by_support(tau, "tau").items()
    }
    if problems:
        raise SchemaError(problems)
    return {support: given.get(support, 0.0) for support in SupportType}


def _by_support(given: Mapping[Any, object], name: str) -> dict[SupportType, object]:
    """`given`'s values by the support type each key names, in any spelling.

    A key that names no support type, or two keys that name the same one (``"coaching"`` and
    ``SupportType.COACHING``, or ``"Coaching"`` and ``"coaching"``), is a SchemaError: one of
    the two values would otherwise be dropped without a word.
    """
    keyed: dict[SupportType, object] = {}
    first: dict[SupportType, object] = {}
    problems: list[Problem] = []
    for key, value in given.items():
        support = read_member(key, SupportType)
        if support is None:
            problems.append(Problem((name,), not_one_of(key, SupportType)))
        elif support in keyed:
            problems.append(Problem((name, support.value), f"the keys {_key(first[support])} "
                                    f"and {_key(key)} both name the support type "
                                    f"{support.value!r}; give one value per support type"))  # fmt: skip
        else:
            keyed[support], first[support] = value, key
    if problems:
        raise SchemaError(problems)
    return keyed


def _key(key: object) -> str:
    """A key as a message shows it: ``SupportType.COACHING`` for a member, else its repr."""
    return f"{type(key).__name__}.{key.name}" if isinstance(key, SupportType) else repr(key)


def _estimate_pair(value: object, support: SupportType) -> tuple[float, float]:
    name = f"estimates.{support.value}"
    if hasattr(value, "estimate") and hasattr(value, "se"):
        measure = getattr(value, "measure", None)
        if measure not in (None, "SMD"):
            raise SchemaError([
                Problem(("estimates", support.value, "measure"), f"the priors are standardised "
                        f"effects; an Estimate on the measure {measure!r} is not one (use "
                        f"cohens_d or hedges_g, or pass a standardised (effect, se) pair)")
            ])  # fmt: skip
        pair: tuple[object, object] = (value.estimate, value.se)
    elif isinstance(value, tuple | list) and len(value) == 2:
        pair = (value[0], value[1])
    else:
        raise SchemaError([
            Problem(("estimates", support.value), f"expected an Estimate or an (effect, se) "
                                                  f"pair, got {describe(value)}")
        ])  # fmt: skip
    effect = check_number(pair[0], f"{name}.effect", low=-MAX_EFFECT, high=MAX_EFFECT)
    se = check_number(pair[1], f"{name}.se", low=0.0, high=MAX_EFFECT)
    return effect, se


def _posterior(
    prior: EffectPrior, effect: float, se: float, tau: float, source: str
) -> EffectPrior:
    """The normal-normal conjugate update of `prior` by ``N(effect, se²)``: a local prior.

    The prior's variance is ``prior.se² + tau²``, or ``prior.se²`` alone for a local prior
    (already this organisation's: the spread between programs is no longer in question).
    """
    tau = 0.0 if prior.local else tau
    sigma0 = math.hypot(prior.se, tau)  # the prior's sd, sqrt(v0), with no square formed
    if sigma0 == 0.0 and se == 0.0:
        if effect == prior.effect:
            mean, post_se = effect, 0.0
        else:
            raise SchemaError([
                Problem(("estimates", "se"), "the prior and the estimate are both certain (zero "
                                             "variance) and differ: nothing to combine")
            ])  # fmt: skip
    elif se == 0.0:
        mean, post_se = effect, 0.0
    elif sigma0 == 0.0:
        mean, post_se = prior.effect, 0.0
    else:
        # the precision-weighted mean as m + (y - m) * v0 / (v0 + v1), in units of the larger
        # sd: 1 / se**2 overflows for a tiny se, and se**2 underflows; these ratios do neither
        top = max(sigma0, se)
        a, b = sigma0 / top, se / top  # one of them is 1
        mean = prior.effect + (effect - prior.effect) * (a * a / (a * a + b * b))
        post_se = sigma0 / math.hypot(sigma0, se) * se  # 1 / sqrt(1 / v0 + 1 / v1)
    variance = (
        f"se^2 = {prior.se:g}^2, local: no tau"
        if prior.local
        else f"se^2 + tau^2 = {prior.se:g}^2 + {tau:g}^2"
    )
    note = (
        f"{prior.source} | Updated (normal-normal; prior {prior.effect:g}, prior variance "
        f"{variance}) with {source}: {effect:g} (se {se:g})."
    )
    return EffectPrior(mean, post_se, prior.sessions, note, local=True)
