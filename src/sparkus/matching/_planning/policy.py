"""The support policy: which support types suit whom, and how they fit a program.

The policy is data, not a chain of ifs: one :class:`SupportRule` per support type scores how
well it fits each goal, season, organisational level and readiness level, and names the least
ready level it suits. :func:`~sparkus.matching.recommend_support` ranks by it, and
:func:`~sparkus.matching.plan_support` uses it for what readiness rules out and for the fit of
each support type to the program's season and goals (:meth:`SupportPolicy.fit_weights`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._errors import Problem, SchemaError
from sparkus._fields import Record, checked, freeze, instance_of, mapping_of, member, number, text
from sparkus._results import Table, format_number, render_text_table
from sparkus.model import FrozenMapping, Goal, Level, Program, Season, SupportType
from sparkus.triage import ReadinessLevel

__all__ = ["SupportPolicy", "SupportRule", "suitable"]

_MAX_SCORE: Final = 1e12
"""The largest score a rule may give (the limit of planning weights: scores are relative)."""

_score = number(low=0.0, high=_MAX_SCORE)


def _coverage(
    name: str, table: Mapping[Any, float], members: type[Any], what: str
) -> list[Problem]:
    return [
        Problem(
            (name, m.value),
            f"the policy does not cover {what} {m.value!r}; give every {what} a score (0 for none)",
        )
        for m in members
        if m not in table
    ]


@attrs.frozen
class SupportRule(Record):
    """How well one support type fits goals, seasons, levels and readiness; who it suits.

    A person's score for the support type is the mean of `goals` over the program's goals,
    plus `seasons` for the program's season, plus `levels` for the person's level, plus
    `readiness` for their readiness level. People less ready than `min_readiness` are ruled
    out. Scores are numbers from 0 to 1e12 (only their ratios matter, and larger ones would
    overflow the fit weights); the default policy uses 0 to 1 for each part.

    Parameters
    ----------
    min_readiness : ReadinessLevel
        The least ready level the support type suits; anyone less ready is ruled out.
    goals : mapping of Goal to float
        Fit to each strategic goal; every goal must be present.
    seasons : mapping of Season to float
        Fit to each business season; every season must be present.
    levels : mapping of Level to float
        Fit to each organisational level; every level must be present.
    readiness : mapping of ReadinessLevel to float
        Fit to each readiness level; every readiness level must be present.
    rationale : str
        Why the rule says what it says, with sources where there are any.

    Examples
    --------
    >>> from sparkus.matching import SupportPolicy
    >>> from sparkus.model import SupportType
    >>> rule = SupportPolicy().rules[SupportType.COACHING]
    >>> rule.min_readiness
    <ReadinessLevel.READY: 'ready'>

    .. versionadded:: 0.1
    """

    min_readiness: ReadinessLevel = attrs.field(metadata=checked(member(ReadinessLevel)))
    goals: Mapping[Goal, float] = attrs.field(
        converter=freeze, metadata=checked(mapping_of(member(Goal), _score))
    )
    seasons: Mapping[Season, float] = attrs.field(
        converter=freeze, metadata=checked(mapping_of(member(Season), _score))
    )
    levels: Mapping[Level, float] = attrs.field(
        converter=freeze, metadata=checked(mapping_of(member(Level), _score))
    )
    readiness: Mapping[ReadinessLevel, float] = attrs.field(
        converter=freeze, metadata=checked(mapping_of(member(ReadinessLevel), _score))
    )
    rationale: str = attrs.field(metadata=checked(text))

    def _cross_check(self) -> list[Problem]:
        return [
            *_coverage("goals", self.goals, Goal, "goal"),
            *_coverage("seasons", self.seasons, Season, "season"),
            *_coverage("levels", self.levels, Level, "level"),
            *_coverage("readiness", self.readiness, ReadinessLevel, "readiness level"),
        ]


def _rule(
    min_readiness: ReadinessLevel,
    goals: tuple[float, float, float, float],
    seasons: tuple[float, float, float, float],
    levels: tuple[float, float, float, float],
    readiness: tuple[float, float, float, float],
    rationale: str,
) -> SupportRule:
    return SupportRule(
        min_readiness,
        dict(zip(Goal, goals, strict=True)),
        dict(zip(Season, seasons, strict=True)),
        dict(zip(Level, levels, strict=True)),
        dict(zip(ReadinessLevel, readiness, strict=True)),
        rationale,
    )


_R = ReadinessLevel


def _default_rules() -> FrozenMapping[SupportType, SupportRule]:
    # Columns: goals (leadership, team, D&I, transformation); seasons (spring, summer, autumn,
    # winter); levels (executive, senior leader, manager, individual contributor); readiness
    # (resistant, emerging, ready, highly ready).
    return FrozenMapping({
        SupportType.COACHING: _rule(
            _R.READY, (1.0, 0.5, 0.5, 1.0), (1.0, 0.5, 0.5, 1.0), (1.0, 1.0, 0.75, 0.5),
            (0.0, 0.0, 0.75, 1.0),
            "One-to-one coaching has the strongest evidence for leaders' development "
            "(Jones, Woods & Guillaume 2016; Burt & Talati 2017) and suits a new strategy or "
            "a crisis, when leaders carry the change. It asks for readiness: offered from "
            "'ready' on.",
        ),
        SupportType.MENTORING: _rule(
            _R.READY, (1.0, 0.25, 1.0, 0.5), (0.5, 1.0, 1.0, 0.25), (0.25, 0.5, 1.0, 1.0),
            (0.0, 0.0, 1.0, 0.75),
            "Mentoring passes on know-how and sponsorship (career and inclusion goals; Eby et "
            "al. 2008 and 2013), fits growth and business as usual, and needs a more senior "
            "mentor, so it suits managers and individual contributors most.",
        ),
        SupportType.PEER_SUPPORT: _rule(
            _R.READY, (0.5, 1.0, 1.0, 0.75), (0.5, 0.75, 1.0, 0.75), (0.25, 0.5, 1.0, 1.0),
            (0.0, 0.0, 1.0, 0.75),
            "Peer circles build collaboration and belonging at low cost; a policy choice "
            "with modest evidence (no workplace meta-analysis).",
        ),
        SupportType.TEAM_COACHING: _rule(
            _R.READY, (0.5, 1.0, 0.5, 1.0), (1.0, 0.75, 0.25, 1.0), (0.5, 1.0, 1.0, 0.5),
            (0.0, 0.0, 1.0, 1.0),
            "Team coaching works on how a team collaborates and changes together; it suits "
            "leaders of teams, in a new strategy or a transformation. The evidence is thin.",
        ),
        SupportType.SELF_GUIDED_REFLECTION: _rule(
            _R.RESISTANT, (0.5, 0.25, 0.5, 0.5), (0.5, 0.5, 0.75, 0.5), (0.5, 0.5, 0.5, 0.75),
            (0.25, 1.0, 0.5, 0.5),
            "Technology-powered reflection reaches everyone at a low cost: the method's "
            "default for the emerging majority (contemplation), and a light start for anyone. "
            "Smaller, uncertain effects (Terblanche et al. 2022; Losch et al. 2016).",
        ),
    })  # fmt: skip


@attrs.frozen
class SupportPolicy(Record):
    """Which support types suit whom: one :class:`SupportRule` per support type.

    Support types without a rule are never recommended nor planned. The default policy
    follows the mission's method: human support (coaching, mentoring, peer support, team
    coaching) from readiness ``ready`` on, self-guided reflection for anyone (the resistant
    are excluded by the plan, not by the policy). The scores are judgement, not evidence:
    read them with :meth:`table`, replace them, and serialise the policy with
    :func:`~sparkus.model.to_json`.

    The policy also shapes the plan through the program's season and goals: with
    `fit_weight` above 0, :func:`plan_support` weighs each support type's expected effect by
    its fit (:meth:`fit_weights`): a season the policy scores high for a support type (spring
    and winter for coaching, summer and autumn for mentoring) weighs that type's effect more.

    Parameters
    ----------
    rules : mapping of SupportType to SupportRule
        The rule of each support type offered; at least one.
    fit_weight : float
        How much the fit to the program's season and goals weighs in the plan, from 0 (the
        plan maximises expected effect alone, the same plan in every season) to 1; default
        0.5. See :meth:`fit_weights`.

    Examples
    --------
    >>> from sparkus.matching import SupportPolicy
    >>> from sparkus.model import from_json, to_json
    >>> policy = SupportPolicy()
    >>> from_json(to_json(policy), SupportPolicy) == policy
    True
    >>> policy.fit_weight
    1.0

    .. versionadded:: 0.1
    """

    rules: Mapping[SupportType, SupportRule] = attrs.field(
        factory=_default_rules,
        converter=freeze,
        metadata=checked(
            mapping_of(member(SupportType), instance_of(SupportRule, "a SupportRule"))
        ),
    )

    fit_weight: float = attrs.field(default=1.0, metadata=checked(number(low=0.0, high=1.0)))

    def _cross_check(self) -> list[Problem]:
        if not self.rules:
            return [Problem(("rules",), "needs a rule for at least one support type")]
        return []

    def fit_weights(self, program: Program) -> dict[SupportType, float]:
        """How much the plan weighs each support type's expected effect for `program`.

        The weight of a support type is ``1 + fit_weight * (goals + season - 1)``, where
        ``goals`` is the rule's mean fit to the program's goals and ``season`` its fit to the
        program's season (both 0 to 1 in the default policy): 1 for an average fit (0.5 and
        0.5), up to ``1 + fit_weight`` for a perfect fit, down to ``1 - fit_weight`` for none.
        With the default ``fit_weight=1`` the weight is simply ``goals + season``.
        :func:`plan_support` maximises the sum of each person's expected effect times the
        weight of their support type (and their equity weight); the plan's expected effect
        stays unweighted, from the priors.

        This is a judgement, not a measured effect. The seasons are the method's (spring = a
        new vision or strategy, summer = high growth, autumn = business as usual, winter =
        major transformation or crisis), and no study was found that measures how the
        business season or the program's goals moderate the effect of coaching, mentoring or
        peer support; the meta-analyses found no moderation by format or duration (Jones,
        Woods & Guillaume 2016). The weights therefore come from the policy's scores, which
        are shown with :meth:`table` and can be replaced, and ``fit_weight=0`` turns them
        off.

        Parameters
        ----------
        program : Program
            Supplies the goals and the season.

        Returns
        -------
        dict of SupportType to float
            One weight per support type the policy has a rule for, in
            :class:`~sparkus.model.SupportType` order.

        Raises
        ------
        SchemaError
            If `program` is not a :class:`~sparkus.model.Program`.

        Examples
        --------
        >>> from sparkus.datasets import synthetic_org
        >>> from sparkus.matching import SupportPolicy
        >>> from sparkus.model import Season, SupportType
        >>> import attrs
        >>> program = synthetic_org(100, seed=1).program
        >>> winter = attrs.evolve(program, season=Season.WINTER)
        >>> autumn = attrs.evolve(program, season=Season.AUTUMN)
        >>> SupportPolicy().fit_weights(winter)[SupportType.COACHING]
        2.0
        >>> SupportPolicy().fit_weights(autumn)[SupportType.COACHING]
        1.5
        >>> SupportPolicy().fit_weights(autumn)[SupportType.MENTORING]
        1.75
        >>> SupportPolicy(fit_weight=0.0).fit_weights(winter)[SupportType.COACHING]
        1.0

        .. versionadded:: 0.1
        """
        _program_iv(program)
        out: dict[SupportType, float] = {}
        for s in SupportType:
            rule = self.rules.get(s)
            if rule is not None:
                goal = float(np.mean([rule.goals[g] for g in program.goals]))
                fit = goal + rule.seasons[program.season] - 1.0
                out[s] = 1.0 + self.fit_weight * fit
        return out

    def table(self, program: Program) -> str:
        """The policy as a plain-text table of scores for `program`'s goals and season.

        The ``in journey`` column says whether the program's journey delivers each support
        type; the recommender and the plan offer only those that it does.
        """
        _program_iv(program)
        supports = [s for s in SupportType if s in self.rules]
        offered = program.journey.support_types
        headers = ("support", "in journey", "min readiness", "goals", "season",
                   *(lv.value for lv in Level))  # fmt: skip
        rows = []
        for s in supports:
            rule = self.rules[s]
            goal = float(np.mean([rule.goals[g] for g in program.goals]))
            rows.append((
                s.value, "yes" if s in offered else "no", rule.min_readiness.value,
                format_number(goal),
                format_number(rule.seasons[program.season]),
                *(format_number(rule.levels[lv]) for lv in Level),
            ))  # fmt: skip
        note = (f"in journey: whether the program's journey ({program.journey.name!r}) has "
                "steps for it; the recommender and the plan offer only those")  # fmt: skip
        return render_text_table(Table("Support policy", headers, tuple(rows), note=note))


def _program_iv(program: object) -> None:
    """Refuse a `program` that is not a Program (the policy reads its goals and season)."""
    if not isinstance(program, Program):
        msg = f"expected a Program, got {type(program).__name__}"
        raise SchemaError([Problem(("program",), msg)])


def suitable(
    policy: SupportPolicy, supports: tuple[SupportType, ...], readiness: npt.NDArray[Any]
) -> npt.NDArray[np.bool_]:
    """Shape (n, len(supports)): which support types a person's readiness leaves open.

    Support types without a rule, and people not assessed (rank -1), get nothing.
    """
    r = np.asarray(readiness, dtype=np.int64)
    out = np.zeros((r.shape[0], len(supports)), dtype=bool)
    for k, s in enumerate(supports):
        rule = policy.rules.get(s)
        if rule is not None:
            out[:, k] = r >= rule.min_readiness.rank
    return out
