"""A seeded synthetic organisation whose ground truth is known.

Everything is drawn with numpy in whole arrays, so a million people take seconds; the same seed
gives the same organisation, exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import describe
from sparkus._errors import Problem, SchemaError
from sparkus.datasets._org_population import coded_population
from sparkus.datasets._truth import (
    EFFECT_SD,
    OUTCOME_SD,
    SyntheticTruth,
    individual_effects,
)
from sparkus.model import (
    CostModel,
    FrozenMapping,
    Goal,
    Level,
    Population,
    Program,
    Provider,
    Season,
    SupportType,
    default_journey,
)

__all__ = ["SyntheticOrg", "SyntheticTruth", "synthetic_org"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Share of headcount per level, most senior first: a typical pyramid (spans of control of about
# 7 senior leaders per executive, 3-4 managers per senior leader and 7 people per manager).
_PYRAMID: Final = (0.005, 0.035, 0.12)
_DEPARTMENTS: Final = ("Engineering", "Sales", "Operations", "Customer Success", "Finance",
                       "Marketing", "People", "Product")  # fmt: skip
_DEPARTMENT_SIZE: Final = (0.24, 0.18, 0.16, 0.12, 0.07, 0.08, 0.05, 0.10)  # share of staff
_CEO_OFFICE: Final = "Executive Office"
# Sites: (name, UTC offset in hours, local language, share of headcount).
_SITES: Final = (
    ("New York", -5.0, "en", 0.25),
    ("London", 0.0, "en", 0.20),
    ("Berlin", 1.0, "de", 0.15),
    ("Paris", 1.0, "fr", 0.10),
    ("Bangalore", 5.5, "hi", 0.15),
    ("Singapore", 8.0, "zh", 0.10),
    ("Sao Paulo", -3.0, "pt", 0.05),
)
MAX_PEOPLE: Final = 10_000_000
"""The largest headcount :func:`synthetic_org` draws (about 0.7 GB of memory per million)."""
_TENURE_MEAN: Final = (12.0, 10.0, 7.0, 4.0)  # years, by level

STAGES: Final = ("precontemplation", "contemplation", "preparation", "action", "maintenance")
"""Stages of change (transtheoretical model), the labels of the readiness ground truth."""
_STAGE_CUTS: Final = (-1.2, -0.3, 0.6, 1.4)  # on the latent readiness scale, N(0, 1)-ish

# Readiness instrument: item -> loading on latent readiness. Self-assessment items first, then
# the manager's feedback; each answered on a 1-5 Likert scale.
ITEMS: Final = FrozenMapping({
    "self_motivation": 0.80,
    "self_openness": 0.70,
    "self_awareness": 0.60,
    "self_responsibility": 0.70,
    "self_time_capacity": 0.30,
    "self_prior_development": 0.20,
    "manager_openness": 0.60,
    "manager_support": 0.30,
    "manager_motivation": 0.60,
})  # fmt: skip
ITEM_SCALE: Final = (1.0, 5.0)

_SUPPORTS: Final = tuple(SupportType)
# The population's columns in the order Population.from_columns stores them: the core columns,
# then the free attributes in the order they were first written
COLUMN_ORDER: Final = ("id", "level", "department", "team", "tenure_years", "utc_offset",
                       "manager_id", "languages", "focus_goals", "site", *ITEMS, "support",
                       "outcome_pre", "outcome_post")  # fmt: skip
# Which support a supported person got in the earlier program, by level (rows: levels; columns:
# coaching, mentoring, peer support, team coaching, self-guided reflection).
_SUPPORT_MIX: Final = np.array([
    [0.70, 0.20, 0.00, 0.10, 0.00],
    [0.55, 0.25, 0.00, 0.15, 0.05],
    [0.25, 0.25, 0.15, 0.20, 0.15],
    [0.05, 0.15, 0.30, 0.10, 0.40],
])  # fmt: skip


@attrs.frozen(eq=False)
class SyntheticOrg:
    """A synthetic organisation: people, providers, a program, and the truth behind them.

    .. versionadded:: 0.1

    Attributes
    ----------
    population : Population
        The people. Besides the participant columns it has the readiness instrument's items
        (``self_*`` and ``manager_*``, scale 1-5), ``site``, and the record of an earlier
        program: ``support`` (what each person received, ``"none"`` for nobody),
        ``outcome_pre`` and ``outcome_post`` (a development index before and after).
    providers : tuple of Provider
        External coaches and team coaches, internal mentors (senior people, with their
        ``employee_id``) and peer-circle facilitators (managers).
    program : Program
        An illustrative program for this organisation: goals, season, budget and an
        illustrative cost model (fees chosen for the example, not market data).
    truth : SyntheticTruth
        What generated the data.
    seed : int
        The seed it was drawn with.

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> org = synthetic_org(n=300, seed=3)
    >>> org
    SyntheticOrg(n=300, providers=7, seed=3)
    >>> org.population.columns[:4], org.program.name
    (('id', 'level', 'department', 'team'), 'Grow together')
    """

    population: Population
    providers: tuple[Provider, ...]
    program: Program
    truth: SyntheticTruth
    seed: int

    def __attrs_post_init__(self) -> None:
        expected = {"population": Population, "program": Program, "truth": SyntheticTruth}
        problems = [Problem((name,), f"expected a {kind.__name__}, got "
                                     f"{describe(getattr(self, name))}")
                    for name, kind in expected.items()
                    if not isinstance(getattr(self, name), kind)]  # fmt: skip
        providers: object = self.providers
        if not isinstance(providers, tuple) or not all(isinstance(p, Provider) for p in providers):
            msg = f"expected a tuple of Provider, got {describe(providers)}"
            problems.append(Problem(("providers",), msg))
        seed: object = self.seed  # any non-negative int seeds numpy, past 2**64 and 1e308 too
        if not _is_seed(seed):
            problems.append(Problem(("seed",), f"expected an integer >= 0, got {describe(seed)}"))
        if not problems and len(self.truth.readiness) != len(self.population):
            msg = (f"has {len(self.truth.readiness)} people, the population "
                   f"{len(self.population)}: pass the truth drawn with the population")  # fmt: skip
            problems.append(Problem(("truth",), msg))
        if problems:
            raise SchemaError(problems)

    def __repr__(self) -> str:
        return f"SyntheticOrg(n={len(self.population)}, providers={len(self.providers)}, seed={self.seed})"


def _is_seed(seed: object) -> bool:
    """A non-negative int or numpy integer, not a bool: what ``default_rng`` takes as a seed."""
    return isinstance(seed, int | np.integer) and not isinstance(seed, bool) and bool(seed >= 0)


def _synthetic_org_iv(n: object, seed: object) -> None:
    problems: list[Problem] = []
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 20 <= n <= MAX_PEOPLE:
        msg = f"`n` must be an integer >= 20 and at most {MAX_PEOPLE:,}, got {describe(n)}"
        problems.append(Problem(("n",), msg))
    if not _is_seed(seed):
        msg = f"`seed` must be a non-negative integer, got {describe(seed)}"
        problems.append(Problem(("seed",), msg))
    if problems:
        raise SchemaError(problems)


def synthetic_org(n: int = 5_000, *, seed: int = 0) -> SyntheticOrg:
    """Draw a synthetic organisation of `n` people with known ground truth.

    The organisation has a level pyramid (0.5% executives, 3.5% senior leaders, 12% managers,
    the rest individual contributors), eight departments of different sizes (fewer in an
    organisation with fewer than eight senior leaders) plus the CEO's office, a manager tree
    with even spans of control inside each department, teams (each manager leads one), seven sites in six time zones
    with their languages, and the focus goals people chose in vision setting.

    Each person has a latent readiness, their stage of change (thresholds on it) and the
    answers of a readiness instrument driven by it. An earlier program gave support to people
    selected on their observed readiness and seniority, and recorded a development index before
    and after; ready and senior people improve more even without support, so a naive comparison
    of supported and unsupported people overstates the effect, while an estimator that adjusts
    for the observed instrument and level recovers the average it targets (the ATE in
    :attr:`SyntheticTruth.effects`, or the ATT).

    Each person's gain from each support type depends on observed traits: the readiness index
    ``r`` (the standardised mean of the instrument's nine items), ``seniority`` (1 for
    executives, 2/3, 1/3, 0 for individual contributors) and ``tenure`` (``tenure_years``).
    A non-negative benefit profile per type,

    - coaching: ``(0.3 + seniority) * exp(-(r - 0.7)**2 / (2 * 1.2**2))``, an inverted U in
      readiness (the resistant gain little, the most ready need it least) rising with seniority;
    - team coaching: ``0.25 + seniority`` (leaders bring a team);
    - mentoring: ``0.25 + exp(-tenure / 4)`` (newcomers gain most);
    - peer support: ``0.25 + 1`` for individual contributors, ``0.25`` otherwise;
    - self-guided reflection: ``0.25 + 1 / (1 + exp(-2 * (r - 0.5)))`` (the self-directed),

    is divided by its mean over the organisation and multiplied by the average effect, so
    ``individual_effects[s]`` averages exactly ``effects[s]``. The directions are illustrative
    (the cited meta-analyses report averages); targeting coaching by readiness alone is not
    the oracle. The published averages are ``EFFECT_SD`` times ``OUTCOME_SD`` (10 points).

    Parameters
    ----------
    n : int
        Headcount, from 20 to 10,000,000 (a million people take about 3 seconds and 0.7 GB).
    seed : int
        Seed of the random generator; the same seed gives the same organisation.

    Returns
    -------
    SyntheticOrg

    Raises
    ------
    SchemaError
        If `n` is not an integer from 20 to 10,000,000, or `seed` is not a non-negative
        integer; checked before anything is drawn.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.model import Level, SupportType
    >>> org = synthetic_org(n=1_000, seed=7)
    >>> org
    SyntheticOrg(n=1000, providers=17, seed=7)
    >>> dict(zip([lv.value for lv in Level], np.bincount(org.population["level"]).tolist()))
    {'executive': 5, 'senior_leader': 35, 'manager': 120, 'individual_contributor': 840}
    >>> org.truth.effects[SupportType.COACHING]  # outcome points: 0.4 standard deviations
    4.0
    >>> gains = org.truth.individual_effects[SupportType.COACHING]  # each person's own
    >>> print(f"mean {gains.mean():.2f}, sd {gains.std():.2f}, min {gains.min():.2f}")
    mean 4.00, sd 2.62, min 0.01

    .. versionadded:: 0.1
    """
    _synthetic_org_iv(n, seed)
    rng = np.random.default_rng(int(seed))
    n = int(n)

    level, parent, department = _hierarchy(n, rng)
    department_names = [_CEO_OFFICE, *_DEPARTMENTS]
    team = _teams(level, parent, department, department_names)  # (labels, codes)
    tenure = rng.gamma(2.0, np.asarray(_TENURE_MEAN)[level] / 2.0)
    site = rng.choice(len(_SITES), size=n, p=[s[3] for s in _SITES])
    utc_offset = np.array([s[1] for s in _SITES])[site]
    bilingual = rng.random(n) < 0.8  # people at a non-English site who also work in English
    spoken = [label for s in _SITES
              for label in (("en", "en") if s[2] == "en" else (s[2], f"en;{s[2]}"))]  # fmt: skip
    languages = 2 * site + bilingual  # codes into `spoken`
    focus = _focus_goals(level, rng)  # (labels, codes)

    seniority = (3 - level) / 3.0  # 1 for executives, 0 for individual contributors
    readiness = 0.3 * seniority + rng.standard_normal(n)
    stage = np.searchsorted(np.asarray(_STAGE_CUTS), readiness).astype(np.int8)
    items = {
        name: _likert(loading * readiness + math.sqrt(1 - loading**2) * rng.standard_normal(n))
        for name, loading in ITEMS.items()
    }
    # the mean of the items, without stacking them: Likert answers are small integers, so the
    # sum is exact in any order and equals np.mean's bit for bit
    observed = sum(items.values(), np.zeros(n)) / len(items)
    observed = (observed - observed.mean()) / observed.std()

    propensity = 1.0 / (1.0 + np.exp(-(-0.6 + 1.0 * observed + 1.2 * seniority)))
    supported = rng.random(n) < propensity
    cumulative = np.cumsum(_SUPPORT_MIX, axis=1)
    cumulative[:, -1] = 1.0  # (a row's sum may round below 1: a draw above it got no support)
    cumulative = cumulative[level]
    kind = (rng.random(n)[:, None] > cumulative).sum(axis=1)
    support = np.where(supported, kind, len(_SUPPORTS))  # codes into the support labels
    effects = {s: OUTCOME_SD * EFFECT_SD[s] for s in _SUPPORTS}
    gains = individual_effects(observed, seniority, np.round(tenure, 2), level, effects)
    individual = np.zeros(n)
    for k, s in enumerate(_SUPPORTS):
        got = supported & (kind == k)
        individual[got] = gains[s][got]
    pre = 50.0 + OUTCOME_SD * (0.35 * observed + 0.2 * seniority + 0.9 * rng.standard_normal(n))
    post = pre + 2.0 + 3.0 * observed + 2.0 * seniority + individual + 5.0 * rng.standard_normal(n)

    ids = _employee_ids(n)
    order = rng.permutation(n)  # rows in no meaningful order, as in an HR export
    where = np.empty(n, dtype=np.int64)
    where[order] = np.arange(n)
    manager = np.where(parent[order] >= 0, where[np.maximum(parent[order], 0)], -1)
    # the label columns as (labels, codes in row order): stored as codes, never as strings
    coded = {
        "level": ([lv.value for lv in Level], level[order]),
        "department": (department_names, department[order]),
        "team": (team[0], team[1][order]),
        "languages": (spoken, languages[order]),
        "focus_goals": (focus[0], focus[1][order]),
        "site": ([s[0] for s in _SITES], site[order]),
        "support": ([*(s.value for s in _SUPPORTS), "none"], support[order]),
    }
    floats = {
        "tenure_years": np.round(tenure[order], 2),
        "utc_offset": utc_offset[order],
        **{name: values[order] for name, values in items.items()},
        "outcome_pre": np.round(pre[order], 3),
        "outcome_post": np.round(post[order], 3),
    }
    for s in _SUPPORTS:  # into row order one at a time: one extra array at the peak, not five
        gains[s] = gains[s][order]
    population = coded_population(ids, coded, floats, manager, dict.fromkeys(ITEMS, ITEM_SCALE),
                                  COLUMN_ORDER)  # fmt: skip
    columns = {name: _labels(coded[name][0])[coded[name][1]] for name in ("level", "languages")}
    columns.update(id=ids, utc_offset=floats["utc_offset"])  # what the providers read
    truth = SyntheticTruth(
        readiness=readiness[order],
        stage=stage[order],
        stages=STAGES,
        item_loadings=ITEMS,
        effects=FrozenMapping(effects),
        outcome_sd=OUTCOME_SD,
        propensity=propensity[order],
        selection=(
            "P(any support) = logistic(-0.6 + 1.0 * readiness_index + 1.2 * seniority), where "
            "readiness_index is the standardised mean of the instrument's items and seniority "
            "is 1 for executives down to 0 for individual contributors; the kind of support "
            "then depends on level only. Growth (outcome_post - outcome_pre) rises with the "
            "same readiness_index and seniority, so both confound a naive comparison."
        ),
        individual_effects=FrozenMapping(gains),
    )
    providers = _providers(n, columns, level[order], rng)
    return SyntheticOrg(population, providers, _program(n), truth, int(seed))


def _employee_ids(n: int) -> npt.NDArray[np.str_]:
    """``E000001`` to ``E{n}``: "E" and the number, at least six digits (``zfill(6)``).

    Written digit by digit as code points, never through a million Python strings; the same
    array (dtype included) as ``np.char.add("E", np.char.zfill(np.arange(1, n + 1).astype(str),
    6))``.
    """
    width = max(6, len(str(n)))
    chars = np.zeros((n, width + 1), dtype=np.uint32)  # unused places stay 0, numpy's padding
    chars[:, 0] = ord("E")
    for size in range(6, width + 1):  # the numbers written with `size` digits: one slice
        low, high = (1 if size == 6 else 10 ** (size - 1)), min(n, 10**size - 1)
        number = np.arange(low, high + 1, dtype=np.int64)
        for place in range(size):  # units, tens, ...: the character at size - place
            chars[low - 1 : high, size - place] = ord("0") + number // 10**place % 10
    return chars.view(f"<U{width + 1}").reshape(n)


def _counts(n: int) -> list[int]:
    """Headcount per level, most senior first; at least one executive, senior leader, manager."""
    upper = [max(1, round(share * n)) for share in _PYRAMID]
    return [*upper, n - sum(upper)]


def _labels(table: Sequence[Any]) -> npt.NDArray[np.object_]:
    """A small table of strings to index with codes.

    An object array holds each distinct string once, where a fixed-width string array would
    copy the longest label into every one of a million rows.
    """
    out = np.empty(np.shape(table), dtype=object)
    out[...] = table
    return out


def _shares(k: int, weights: npt.NDArray[np.float64], rng: np.random.Generator) -> IntArray:
    """`k` labels in proportion to `weights` (largest remainders), in random order."""
    exact = k * weights / weights.sum()
    sizes = np.floor(exact).astype(np.int64)
    sizes[np.argsort(sizes - exact)[: k - sizes.sum()]] += 1
    return rng.permutation(np.repeat(np.arange(weights.size), sizes))


def _hierarchy(n: int, rng: np.random.Generator) -> tuple[IntArray, IntArray, IntArray]:
    """Level, manager row (-1: none) and department per row; rows grouped most senior first.

    Row 0 is the CEO, in the CEO's office (department 0). Executives and senior leaders are
    spread round robin over the departments (as many as there are senior leaders, up to
    eight), managers and individual contributors in proportion to the departments' sizes.
    Everyone reports to someone one level up in their department (or further up if the
    department has nobody there), with even spans of control.
    """
    counts = _counts(n)
    level = np.repeat(np.arange(4), counts)
    starts = np.concatenate([[0], np.cumsum(counts)])
    n_dept = min(len(_DEPARTMENTS), counts[1])
    weights = np.asarray(_DEPARTMENT_SIZE[:n_dept])
    dept = np.zeros(n, dtype=np.int64)
    dept[1 : counts[0]] = 1 + np.arange(counts[0] - 1) % n_dept
    dept[starts[1] : starts[2]] = 1 + np.arange(counts[1]) % n_dept
    for lv in (2, 3):
        dept[starts[lv] : starts[lv + 1]] = 1 + _shares(counts[lv], weights, rng)
    parent = np.full(n, -1, dtype=np.int64)
    parent[1 : counts[0]] = 0  # executives report to the CEO
    for lv in (1, 2, 3):
        rows = np.arange(starts[lv], starts[lv + 1])
        for d in range(1, n_dept + 1):
            below = rows[dept[rows] == d]
            above = np.array([0])  # the CEO, if the department has nobody further up
            for up in range(lv - 1, -1, -1):
                candidates = np.arange(starts[up], starts[up + 1])
                candidates = candidates[dept[candidates] == d]
                if candidates.size:
                    above = candidates
                    break
            spans = np.arange(below.size) % above.size  # even spans of control
            parent[below] = above[rng.permutation(spans)]
    return level, parent, dept


def _teams(
    level: IntArray, parent: IntArray, department: IntArray, department_names: list[str]
) -> tuple[list[str], IntArray]:
    """Managers lead a team and sit in it with their reports; leaders form their department's."""
    lead = np.where(level == 2, np.arange(level.size), np.where(level == 3, parent, -1))
    is_lead = np.zeros(level.size + 1, dtype=bool)
    is_lead[lead] = True  # lead == -1 marks the last slot, dropped below
    leads = np.flatnonzero(is_lead[:-1])
    team = np.cumsum(is_lead[:-1]) - 1  # rank of each lead among leads
    labels = [f"team-{k + 1:05d}" for k in leads.tolist()]
    labels += [f"{d} leadership" for d in department_names]
    code = np.where(lead >= 0, team[lead], leads.size + department)
    return labels, code


def _focus_goals(level: IntArray, rng: np.random.Generator) -> tuple[list[str], IntArray]:
    """One or two goals per person (codes into ``;``-joined labels); leaders lean to leadership."""
    goals = [g.value for g in Goal]
    cumulative = np.cumsum([
        [0.55, 0.15, 0.10, 0.20],
        [0.45, 0.20, 0.10, 0.25],
        [0.35, 0.30, 0.15, 0.20],
        [0.20, 0.35, 0.25, 0.20],
    ], axis=1)  # fmt: skip
    # by level, how many cumulative weights lie below a uniform (the table summed once, not
    # per person: the same sums, so the same goals)
    draw = rng.random(level.size)
    first = np.zeros(level.size, dtype=np.int64)
    for column in cumulative.T:
        first += draw > column[level]
    first = np.minimum(first, 3)
    second = (first + rng.integers(1, 4, size=level.size)) % 4
    two = rng.random(level.size) < 0.4
    # Every (first, second, two) combination as text, indexed: no per-person string work.
    table = [f"{goals[a]};{goals[b]}" if t else goals[a]
             for t in (0, 1) for a in range(4) for b in range(4)]  # fmt: skip
    return table, two * 16 + first * 4 + second


def _likert(latent: FloatArray) -> FloatArray:
    """A standard-normal signal as answers on a 1-5 scale (about 7/24/38/24/7 percent)."""
    answer = np.ones(latent.shape)
    for cut in (-1.5, -0.5, 0.5, 1.5):  # the cuts below each value (np.searchsorted, side left)
        answer += latent > cut
    return answer


def _providers(
    n: int, columns: Mapping[str, Any], level: IntArray, rng: np.random.Generator
) -> tuple[Provider, ...]:
    """External coaches and team coaches; mentors and peer facilitators from the staff."""
    providers: list[Provider] = []
    goals = list(Goal)
    offsets = np.array([s[1] for s in _SITES])
    site_p = np.array([s[3] for s in _SITES])

    def specialties(k: int) -> tuple[Goal, ...]:
        pick = rng.choice(len(goals), size=k, replace=False)
        return tuple(goals[i] for i in sorted(pick))

    n_coach, n_team = max(2, n // 250), max(1, n // 2_000)
    for i in range(n_coach):
        s = int(rng.choice(len(_SITES), p=site_p))
        seniority = Level(
            ("executive", "senior_leader", "manager")[int(rng.choice(3, p=[0.3, 0.4, 0.3]))]
        )
        fee = float(round(rng.normal((420.0, 320.0, 220.0)[seniority.rank], 30.0), -1))
        langs: tuple[str, ...] = ("en",) if _SITES[s][2] == "en" else ("en", _SITES[s][2])
        providers.append(Provider(f"C{i + 1:05d}", SupportType.COACHING, int(rng.integers(8, 16)),
                                  fee, seniority, specialties(int(rng.integers(1, 3))), langs,
                                  float(offsets[s])))  # fmt: skip
    for i in range(n_team):
        providers.append(Provider(f"T{i + 1:05d}", SupportType.TEAM_COACHING, 40, 1_200.0,
                                  Level.SENIOR_LEADER, (Goal.TEAM_COLLABORATION,), ("en",),
                                  float(offsets[int(rng.choice(len(_SITES), p=site_p))])))  # fmt: skip
    staff: list[tuple[SupportType, int, int, str]] = [
        (SupportType.MENTORING, max(2, n // 100), 3, "M"),
        (SupportType.PEER_SUPPORT, max(1, n // 500), 8, "P"),
    ]
    senior = np.flatnonzero(level <= 1)
    managers = np.flatnonzero(level == 2)
    for support, count, capacity, prefix in staff:
        pool = senior if support is SupportType.MENTORING else managers
        chosen = rng.choice(pool, size=min(count, pool.size), replace=False)
        for k, row in enumerate(np.sort(chosen).tolist(), start=1):
            langs = tuple(str(columns["languages"][row]).split(";"))
            lv = Level(str(columns["level"][row]))
            focus = (
                (Goal.LEADERSHIP_DEVELOPMENT,)
                if support is SupportType.MENTORING
                else (Goal.TEAM_COLLABORATION,)
            )
            providers.append(Provider(f"{prefix}{k:05d}", support, capacity, 0.0, lv, focus,
                                      langs, float(columns["utc_offset"][row]),
                                      employee_id=str(columns["id"][row])))  # fmt: skip
    return tuple(providers)


def _program(n: int) -> Program:
    """An illustrative program: the fees are chosen for the example, not market data."""
    goals = (Goal.LEADERSHIP_DEVELOPMENT, Goal.TRANSFORMATION_READINESS)
    costs = CostModel(
        session_cost={
            SupportType.COACHING: 320.0,
            SupportType.MENTORING: 0.0,
            SupportType.PEER_SUPPORT: 0.0,
            SupportType.TEAM_COACHING: 150.0,
            SupportType.SELF_GUIDED_REFLECTION: 0.0,
        },
        session_hours=1.0,
        participant_hourly_cost=60.0,
        per_participant_cost={SupportType.SELF_GUIDED_REFLECTION: 90.0},
        fixed_cost=float(min(25_000, 50 * n)),  # a small organisation runs a smaller program
    )
    return Program("Grow together", goals, Season.SPRING, float(150 * n), "EUR", costs,
                   default_journey(Season.SPRING, goals))  # fmt: skip
