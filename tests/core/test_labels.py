"""Enum labels in the spellings real exports use: one reader, and errors that name the meant one."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus._fields import not_one_of, read_member, spelling_key
from sparkus.model import Goal, Level, Season, SupportType
from sparkus.triage import BenefitModel, ReadinessLevel

ENUMS = (SupportType, Level, Goal, Season, ReadinessLevel)


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("Coaching", SupportType.COACHING),
        (" coaching ", SupportType.COACHING),
        ("COACHING", SupportType.COACHING),
        ("Self-Guided Reflection", SupportType.SELF_GUIDED_REFLECTION),
        ("self-guided reflection", SupportType.SELF_GUIDED_REFLECTION),
        ("SELF_GUIDED_REFLECTION", SupportType.SELF_GUIDED_REFLECTION),
        ("Senior Leader", Level.SENIOR_LEADER),
        ("senior-leader", Level.SENIOR_LEADER),
        ("Individual Contributor", Level.INDIVIDUAL_CONTRIBUTOR),
        ("Highly ready", ReadinessLevel.HIGHLY_READY),
        ("Diversity & Inclusion", Goal.DIVERSITY_INCLUSION),
    ],
)
def test_spellings_read_as_their_member(text, member):
    assert read_member(text, type(member)) is member


@given(member=st.sampled_from([m for cls in ENUMS for m in cls]), data=st.data())
def test_any_case_and_separator_reads_the_same(member, data):
    """The value or the name, in any case, with any separators between its words."""
    words = str(member.value if data.draw(st.booleans()) else member.name).split("_")
    separators = data.draw(st.lists(st.sampled_from(["_", "-", " ", "  ", "/", "."]),
                                    min_size=len(words) - 1, max_size=len(words) - 1))  # fmt: skip
    text = words[0] + "".join(s + w for s, w in zip(separators, words[1:], strict=True))
    text = data.draw(st.sampled_from([str.upper, str.lower, str.title, str]))(text)
    assert read_member(f" {text} ", type(member)) is member
    assert spelling_key(text) == spelling_key(str(member.value))


@pytest.mark.parametrize("value", ["coach ing x", "boss", 1, True, None, 0.5, b"coaching"])
def test_other_values_name_no_member(value):
    assert read_member(value, SupportType) is None


def test_unknown_labels_name_the_one_probably_meant():
    """A slip or a word left out names the closest value; nothing close names none."""
    assert not_one_of("mentor", SupportType).endswith("; did you mean 'mentoring'?")
    assert not_one_of("Peer Sppport", SupportType).endswith("; did you mean 'peer_support'?")
    assert not_one_of("Senior Leader", Level).endswith("; did you mean 'senior_leader'?")
    assert "did you mean" not in not_one_of("boss", Level)


def test_benefit_model_reads_support_labels_as_exports_spell_them():
    """`treated` labels in an export's spelling fit the same model as the values."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    arm = rng.integers(0, 2, 400)
    y = X[:, 0] + arm * (1 + X[:, 1]) + rng.normal(size=400)
    values = np.where(arm == 1, "coaching", "none")
    spelt = np.where(arm == 1, "Coaching", "None")
    a = BenefitModel(rng=1).fit(X, values, y)
    b = BenefitModel(rng=1).fit(X, spelt, y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    np.testing.assert_array_equal(a.predict(X, support="Coaching"), a.predict(X))
    with pytest.raises(SchemaError, match="did you mean"):
        BenefitModel(rng=1).fit(X, np.where(arm == 1, "coachng", "none"), y)


def test_planning_arguments_read_support_and_level_spellings():
    """plan_support's `supports`, `min_reach` and `effects` keys, compare_scenarios' plans
    and EffectPriors take the spellings exports use; they had refused "Coaching" and
    "Manager" (the latter though docs/errors.md names it), and took "coaching" in some
    arguments only."""
    from sparkus.datasets import synthetic_org
    from sparkus.matching import EffectPriors, plan_support
    from sparkus.triage import triage

    org = synthetic_org(200, seed=1)
    result = triage(org.population, program=org.program)
    plain = plan_support(org.population, result, org.program, org.providers, budget=40_000,
                         supports=[SupportType.COACHING, SupportType.SELF_GUIDED_REFLECTION],
                         min_reach={Level.MANAGER: 0.5})  # fmt: skip
    spelt = plan_support(org.population, result, org.program, org.providers, budget=40_000,
                         supports=["Coaching", "Self-Guided Reflection"],
                         min_reach={"Manager": 0.5})  # fmt: skip
    np.testing.assert_array_equal(plain.support, spelt.support)
    priors = EffectPriors()
    spelt_prior = priors.with_estimate("Coaching", 0.3, 0.1, source="pilot")
    assert spelt_prior == priors.with_estimate(SupportType.COACHING, 0.3, 0.1, source="pilot")
    with pytest.raises(SchemaError, match=r"supports\[0\]: 'Coachng' .*did you mean 'coaching'"):
        plan_support(org.population, result, org.program, org.providers, budget=40_000,
                     supports=["Coachng"])  # fmt: skip


@pytest.mark.parametrize("mark", ["\ufeff", "\u200b", "\u00ad", "\u200e", "\u2060"])
def test_invisible_format_characters_are_no_part_of_a_spelling(mark):
    """A byte-order mark, a zero-width space or a soft hyphen pasted into a label is invisible in
    the export it came from: the label reads as what it shows (Unicode category Cf)."""
    assert read_member(f"{mark}Coaching", SupportType) is SupportType.COACHING
    assert read_member(f"Self{mark}-Guided Reflection{mark}", SupportType) is (
        SupportType.SELF_GUIDED_REFLECTION
    )
    assert not_one_of(f"Peer{mark} Sppport", SupportType).endswith("; did you mean 'peer_support'?")
