"""One differentially private release of a dashboard's aggregates: the split of ε and the noise.

The cells come grouped in *partitions*: a partition is a set of cells no two of which share a
person (the groups of one grouping, for one figure: "participation rate by department"). The
release's ε is split so that the whole release is ε-differentially private at the person
level, whoever the person is and however many cells they appear in:

- **across partitions, sequential composition**: a person is in one cell of every partition,
  so each of the ``P`` non-empty partitions gets ``ε / P``;
- **within a partition, parallel composition**: a person is in one of its cells only, so every
  cell of the partition may spend the partition's whole ``ε / P``;
- **within a cell, sequential composition again**: a cell that releases two numbers (a rate's
  numerator and denominator; a sum and its count) spends ``ε / (2P)`` on each.

Each number gets noise of scale ``Δ / ε_number``, where ``Δ`` is the most one person can change
it (``per_person`` for a count; ``per_person * (high - low) / 2`` for a sum of values clamped to
``[low, high]``, released as the sum of the values' distances from the range's middle, which
halves its sensitivity, computed exactly and rounded up to a float; the mean adds the middle
back). Counts get OpenDP's discrete Laplace (geometric) mechanism, sums its Laplace mechanism;
OpenDP's privacy map of each measurement certifies the ε each number spent (a scale is nudged
up by float steps until the map is within its share). What follows (counts at least 0, a
numerator at most its denominator, rates in ``[0, 1]``, means in ``[low, high]``) is
post-processing, which costs no privacy.

OpenDP samples from the operating system's cryptographically secure generator and cannot be
seeded. ``rng=None`` (the default, and the only choice for a release that is published) draws
every noise through OpenDP. A seed or a generator draws the same distributions from numpy
instead, for tests and simulations: reproducible, and for that very reason no protection at all
(anyone with the seed can subtract the noise), so such a release warns and says so.
"""

from __future__ import annotations

import functools
import importlib
import math
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from fractions import Fraction
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import check_rng, describe
from sparkus._errors import Problem, SchemaError, key_text, warn_caller
from sparkus._fields import FrozenMapping, text
from sparkus._labels import spelling_problem
from sparkus._privacy.dp import (
    BUDGET_TOLERANCE,
    DifferentialPrivacy,
    PrivacyLedger,
    label_problems,
)
from sparkus._privacy.dp_cells import (
    ExactAggregate,
    ExactCount,
    ExactRate,
    ExactSum,
    NoisyCell,
    NoisyCount,
    NoisyRate,
    NoisySum,
)
from sparkus._privacy.groups import Group
from sparkus._results import Result, Table, format_number

__all__ = ["INSTALL_HINT", "PrivateRelease", "release_private"]

INSTALL_HINT: Final = (
    "the differentially private release mode needs OpenDP, the optional `dp` extra: "
    "pip install 'sparkus[dp]'"
)
_NUDGES: Final = 64
"""Float steps a noise scale may be nudged up until OpenDP's privacy map fits its share."""
_MAX_CELLS: Final = 1_000_000
"""The most cells one release may hold."""
_CONTRIB_LOCK: Final = threading.Lock()
"""Held while a release switches OpenDP's process-wide ``contrib`` on and off: one thread's
release would otherwise switch it off while another's builds its measurements."""


def _opendp() -> Any:
    """OpenDP's prelude, imported on first use; an ImportError naming the extra without it."""
    try:
        # imported by name: the type checker runs without the optional extra installed too
        return importlib.import_module("opendp.prelude")
    except ImportError as error:
        raise ImportError(INSTALL_HINT) from error


@contextmanager
def _contrib(dp: Any) -> Iterator[None]:
    """OpenDP's ``contrib`` on while measurements are built, then as it was; one at a time."""
    with _CONTRIB_LOCK:
        features = getattr(importlib.import_module("opendp.mod"), "GLOBAL_FEATURES", None)
        already = features is None or "contrib" in features
        if not already:
            dp.enable_features("contrib")
        try:
            yield
        finally:
            if not already:
                dp.disable_features("contrib")


@attrs.frozen(repr=False)
class PrivateRelease(Result):
    """The figures of one differentially private release, and the budget after it.

    Attributes
    ----------
    label : str
        The release's name in the ledger.
    cells : mapping of str to mapping of group to NoisyCount, NoisySum or NoisyRate
        The noisy figures, by partition and group, in the order given.
    epsilon : float
        The privacy loss charged to the ledger for this release (the options'
        ``epsilon_per_release``).
    epsilon_by_partition : mapping of str to float
        The loss each partition spent, as certified by OpenDP's privacy maps; they add up to
        at most `epsilon`.
    ledger : PrivacyLedger
        The ledger with this release charged: keep it for the next release.
    seeded : bool
        True when the noise came from a seeded numpy generator: reproducible, not private,
        never to be published.

    .. versionadded:: 0.1
    """

    label: str
    cells: Mapping[str, Mapping[Group, NoisyCell]]
    epsilon: float
    epsilon_by_partition: Mapping[str, float]
    ledger: PrivacyLedger
    seeded: bool

    @property
    def spent(self) -> float:
        """The privacy loss spent by every release so far, this one included."""
        return self.ledger.spent

    @property
    def remaining(self) -> float:
        """What is left of the total budget after this release."""
        return self.ledger.remaining

    @property
    def n_cells(self) -> int:
        """How many cells the release holds."""
        return sum(len(cells) for cells in self.cells.values())

    def value(self, partition: str, group: Group) -> float | None:
        """The headline figure of one cell: a count, a mean or a rate (None if undefined).

        Raises
        ------
        SchemaError
            If the release holds no such `partition`, or no such `group` in it (listing those
            it holds).
        """
        name: object = partition  # typed, but a caller may pass anything
        cells = self.cells.get(partition) if isinstance(name, str) else None
        if cells is None:
            known = _listed(self.cells)
            msg = f"{partition!r} is not a partition of this release (its partitions: {known})"
            raise SchemaError([Problem(("partition",), msg)])
        given: object = group
        key: object = given.item() if isinstance(given, np.integer) else given
        cell = None
        if isinstance(key, str | int) and not isinstance(key, bool):
            cell = cells.get(key)
        if cell is None:
            known = _listed(cells)
            msg = f"{group!r} is not a group of {partition!r} (its groups: {known})"
            raise SchemaError([Problem(("group",), msg)])
        return cell.value

    def _headline(self) -> str:
        return (
            f"cells={self.n_cells}, epsilon={format_number(self.epsilon)}, "
            f"spent={format_number(self.spent)} of {format_number(self.ledger.total_epsilon)}"
        )

    def _tables(self) -> list[Table]:
        note = (
            "Noise from a seeded numpy generator: reproducible and NOT private; do not publish."
            if self.seeded
            else "Noise from OpenDP's cryptographically secure sampler."
        )
        budget = Table(
            f"Differentially private release {self.label!r}",
            ("budget", "epsilon"),
            (("this release", format_number(self.epsilon)),
             ("spent, all releases", format_number(self.spent)),
             ("total", format_number(self.ledger.total_epsilon)),
             ("remaining", format_number(self.remaining))),
            note,
        )  # fmt: skip
        tables = [budget]
        for partition, cells in self.cells.items():
            rows = tuple(
                (str(group), format_number(cell.value), format_number(_size(cell)),
                 format_number(cell.epsilon))
                for group, cell in cells.items()
            )  # fmt: skip
            spent = format_number(self.epsilon_by_partition[partition])
            tables.append(Table(f"{partition} (epsilon {spent})",
                                ("group", "value", "n", "epsilon"), rows))  # fmt: skip
        return tables


def _listed(keys: Mapping[Any, Any], most: int = 20) -> str:
    """The first `most` keys, repr'd, and how many more."""
    shown = [repr(k) for _, k in zip(range(most), keys, strict=False)]
    more = f", and {len(keys) - most:,} more" if len(keys) > most else ""
    return (", ".join(shown) or "none") + more


def _size(cell: NoisyCell) -> int:
    """The noisy count a cell's value rests on."""
    return cell.denominator if isinstance(cell, NoisyRate) else cell.count


def release_private(
    aggregates: Mapping[str, Mapping[Group, ExactAggregate]],
    options: DifferentialPrivacy,
    *,
    ledger: PrivacyLedger | None = None,
    label: str | None = None,
    rng: object = None,
) -> PrivateRelease:
    """Release a dashboard's aggregates with differential privacy, and charge the ledger.

    Parameters
    ----------
    aggregates : mapping of str to mapping of group to ExactCount, ExactSum or ExactRate
        The exact figures, by partition and group. A partition is a set of cells no two of
        which hold the same person: one grouping's groups for one figure
        (``"department/participation"``), or a single cell (``"totals/participation"``). The
        caller guarantees that; the split of ε rests on it (see the module's description).
    options : DifferentialPrivacy
        The ε of one release and the total budget.
    ledger : PrivacyLedger, optional
        The releases so far; None starts an empty ledger with the options' total budget. Its
        total must equal ``options.total_epsilon``.
    label : str, optional
        The release's name in the ledger (the as-of date, say); default ``"release N"``.
    rng : None, int or numpy.random.Generator, optional
        None (the default) draws the noise through OpenDP's secure sampler, which cannot be
        seeded. A seed or a generator draws the same distributions from numpy, reproducibly:
        for tests and simulations only, with a :class:`~sparkus.SparkusWarning`, because a
        seeded release protects no one.

    Returns
    -------
    PrivateRelease
        The noisy figures, the ε spent and the ledger after the release.

    Raises
    ------
    SchemaError
        An argument out of its schema, naming it; `aggregates` without a single cell (a
        release of nothing is refused rather than charged to the ledger).
    ImportError
        OpenDP is not installed (``pip install 'sparkus[dp]'``).
    InfeasibleError
        The release would pass the total budget; the message says what remains. Nothing is
        drawn and the ledger is unchanged.

    Examples
    --------
    >>> from sparkus._privacy.dp import DifferentialPrivacy
    >>> from sparkus._privacy.dp_cells import ExactCount, ExactRate
    >>> from sparkus._privacy.dp_release import release_private
    >>> options = DifferentialPrivacy(epsilon_per_release=1.0, total_epsilon=3.0)
    >>> aggregates = {
    ...     "department/participants": {"Sales": ExactCount(40), "Ops": ExactCount(25)},
    ...     "department/participation": {"Sales": ExactRate(30, 40), "Ops": ExactRate(20, 25)},
    ... }
    >>> release = release_private(aggregates, options, label="2027-03-01")
    >>> release.epsilon_by_partition
    {'department/participants': 0.5, 'department/participation': 0.5}
    >>> 0.0 <= release.value("department/participation", "Sales") <= 1.0
    True
    >>> release.remaining
    2.0

    .. versionadded:: 0.1
    """
    cells, options, ledger, label, generator = _release_private_iv(
        aggregates, options, ledger, label, rng
    )
    dp = _opendp()
    charged = ledger.charge(options.epsilon_per_release, label)
    if generator is not None:
        msg = (
            "the noise of this release comes from a seeded numpy generator: it is "
            "reproducible, so anyone with the seed can remove it; use it for tests and "
            "simulations, and publish only releases made with rng=None"
        )
        warn_caller(msg)
    noisy, by_partition = _release(dp, cells, options.epsilon_per_release, generator)
    return PrivateRelease(
        label=label,
        cells=noisy,
        epsilon=options.epsilon_per_release,
        epsilon_by_partition=by_partition,
        ledger=charged,
        seeded=generator is not None,
    )


def _release_private_iv(
    aggregates: object, options: object, ledger: object, label: object, rng: object
) -> tuple[
    dict[str, dict[Group, ExactAggregate]],
    DifferentialPrivacy,
    PrivacyLedger,
    str,
    np.random.Generator | None,
]:
    """Every argument checked at once; the cells copied into plain dicts."""
    problems: list[Problem] = []
    cells = _cells_iv(aggregates, problems)
    if not isinstance(options, DifferentialPrivacy):
        msg = f"expected a DifferentialPrivacy, got {describe(options)}"
        problems.append(Problem(("options",), msg))
    if ledger is not None and not isinstance(ledger, PrivacyLedger):
        msg = f"expected a PrivacyLedger or None, got {describe(ledger)}"
        problems.append(Problem(("ledger",), msg))
    if label is not None:
        problems.extend(p.prefixed(("label",)) for p in label_problems(label))
    generator = None if rng is None else check_rng(rng, problems=problems)
    if (
        isinstance(options, DifferentialPrivacy)
        and isinstance(ledger, PrivacyLedger)
        and ledger.total_epsilon != options.total_epsilon
    ):
        msg = (
            f"the ledger's total budget {ledger.total_epsilon:g} differs from "
            f"options.total_epsilon {options.total_epsilon:g}; a ledger keeps the budget "
            "it was started with"
        )
        problems.append(Problem(("ledger",), msg))
    if problems:
        raise SchemaError(problems)
    assert isinstance(options, DifferentialPrivacy)  # for the type checker: checked above
    book = ledger if isinstance(ledger, PrivacyLedger) else PrivacyLedger(options.total_epsilon)
    name = label if isinstance(label, str) else f"release {book.n_releases + 1}"
    return cells, options, book, name, generator


def _cells_iv(aggregates: object, problems: list[Problem]) -> dict[str, dict[Group, Any]]:
    """The partitions and their cells, each key and aggregate checked, at its path."""
    if not isinstance(aggregates, Mapping):
        msg = f"expected a mapping of partition names to mappings of cells, got {describe(aggregates)}"
        problems.append(Problem(("aggregates",), msg))
        return {}
    cells: dict[str, dict[Group, Any]] = {}
    total = 0
    for partition, groups in aggregates.items():
        where: tuple[str | int, ...] = ("aggregates", key_text(partition))
        problems.extend(p.prefixed(where) for p in text(partition))
        if not isinstance(groups, Mapping):
            msg = f"expected a mapping of groups to aggregates, got {describe(groups)}"
            problems.append(Problem(where, msg))
            continue
        kept: dict[Group, Any] = {}
        for group, aggregate in groups.items():
            at = (*where, key_text(group))
            if isinstance(group, bool) or not isinstance(group, str | int | np.integer):
                problems.append(Problem(at, f"a group is a str or an int, got {describe(group)}"))
            if not isinstance(aggregate, ExactCount | ExactSum | ExactRate):
                msg = f"expected an ExactCount, ExactSum or ExactRate, got {describe(aggregate)}"
                problems.append(Problem(at, msg))
            kept[group.item() if isinstance(group, np.integer) else group] = aggregate
        problems.extend(_group_spellings(kept, where))
        total += len(kept)
        cells[key_text(partition)] = kept
    if (wrong := spelling_problem(aggregates)) is not None:
        problems.append(Problem(("aggregates",), wrong))  # partition names, as labels
    if total == 0 and not problems:
        msg = ("holds no cells; a release of nothing would still spend epsilon from the "
               "ledger, so give at least one cell")  # fmt: skip
        problems.append(Problem(("aggregates",), msg))
    if total > _MAX_CELLS:
        msg = f"expected at most {_MAX_CELLS:,} cells in one release, got {total:,}"
        problems.append(Problem(("aggregates",), msg))
    return cells


def _group_spellings(groups: Mapping[Any, object], where: tuple[str | int, ...]) -> list[Problem]:
    """One partition's groups written as no group, or one group several ways, at `where`.

    The shared rule for labels counted apart (blank text; case, white space or Unicode form),
    and groups that print alike (``1`` and ``"1"``): their cells would be shown, and saved by
    ``to_dict``, under one name, one of them lost.
    """
    if (wrong := spelling_problem(groups)) is not None:
        return [Problem(where, wrong)]
    printed: dict[str, list[object]] = {}
    for group in groups:
        printed.setdefault(str(group), []).append(group)
    alike = [" and ".join(repr(g) for g in ways) for ways in printed.values() if len(ways) > 1]
    if alike:
        msg = (
            f"holds groups that print alike ({'; '.join(alike[:5])}): their cells would be "
            "shown and saved under one name; write each group one way"
        )
        return [Problem(where, msg)]
    return []


# -- the noise ---------------------------------------------------------------------------------


@attrs.frozen
class _Number:
    """One number a cell releases: exact value, sensitivity, and whether it is an integer."""

    value: float
    sensitivity: float
    integer: bool


def _numbers(aggregate: ExactAggregate) -> tuple[_Number, ...]:
    """The numbers a cell releases, each with what one person can change in it."""
    k = aggregate.per_person
    if isinstance(aggregate, ExactCount):
        return (_Number(aggregate.count, k, True),)
    if isinstance(aggregate, ExactRate):
        return (_Number(aggregate.numerator, k, True), _Number(aggregate.denominator, k, True))
    middle = (aggregate.low + aggregate.high) / 2.0
    centred = aggregate.total - middle * aggregate.count
    return (
        _Number(aggregate.count, k, True),
        _Number(centred, _sum_sensitivity(k, aggregate.low, aggregate.high), False),
    )


@functools.lru_cache(maxsize=256)
def _sum_sensitivity(k: int, low: float, high: float) -> float:
    """The smallest float at least ``k * (high - low) / 2``, computed exactly.

    In floats the product can round down, by up to half a float step (for ``[-1e12, 1e-5]``,
    say), and to 0 for a range one float step wide, which no noise can be calibrated to: a
    sensitivity must never fall below what it bounds.
    """
    exact = k * (Fraction(high) - Fraction(low)) / 2
    value = float(exact)
    return value if Fraction(value) >= exact else math.nextafter(value, math.inf)


def _release(
    dp: Any,
    cells: Mapping[str, Mapping[Group, ExactAggregate]],
    epsilon: float,
    generator: np.random.Generator | None,
) -> tuple[FrozenMapping[str, FrozenMapping[Group, NoisyCell]], FrozenMapping[str, float]]:
    """The noisy cells and the ε each partition spent (see the module's description)."""
    used = [p for p, groups in cells.items() if groups]
    share = epsilon / len(used) if used else 0.0
    plan: list[tuple[str, Group, ExactAggregate, tuple[_Number, ...]]] = []
    for partition in used:
        for group, aggregate in cells[partition].items():
            plan.append((partition, group, aggregate, _numbers(aggregate)))
    numbers = [(n, share / len(parts)) for *_, parts in plan for n in parts]
    with _contrib(dp):
        measured = _measurements(dp, numbers)
    scales = np.array([measured[_key(n, eps)][1] for n, eps in numbers], dtype=np.float64)
    spent = np.array([measured[_key(n, eps)][2] for n, eps in numbers], dtype=np.float64)
    values = np.array([n.value for n, _ in numbers], dtype=np.float64)
    integer = np.array([n.integer for n, _ in numbers], dtype=bool)
    if generator is None:
        noisy = _opendp_noise(measured, numbers)
    else:
        noisy = _numpy_noise(generator, values, scales, integer)
    out: dict[str, dict[Group, NoisyCell]] = {p: {} for p in cells}
    by_partition = dict.fromkeys(cells, 0.0)
    at = 0
    for partition, group, aggregate, parts in plan:
        span = slice(at, at + len(parts))
        at += len(parts)
        cell_eps = math.fsum(spent[span].tolist())
        out[partition][group] = _post_process(aggregate, noisy[span], scales[span], cell_eps)
        by_partition[partition] = max(by_partition[partition], cell_eps)
    if math.fsum(by_partition.values()) > epsilon * (1.0 + BUDGET_TOLERANCE):  # pragma: no cover
        msg = "the certified privacy loss passes the release's epsilon"
        raise AssertionError(msg)
    frozen = {p: FrozenMapping(groups) for p, groups in out.items()}
    return FrozenMapping(frozen), FrozenMapping(by_partition)


def _key(number: _Number, epsilon: float) -> tuple[bool, float, float]:
    return (number.integer, number.sensitivity, epsilon)


def _measurements(
    dp: Any, numbers: list[tuple[_Number, float]]
) -> dict[tuple[bool, float, float], tuple[Any, float, float]]:
    """One OpenDP measurement per (kind, sensitivity, ε): the measurement, its scale, its ε.

    The scale starts at ``sensitivity / ε`` and is nudged up by float steps until OpenDP's
    privacy map (which rounds conservatively) certifies at most ε for the sensitivity.
    """
    found: dict[tuple[bool, float, float], tuple[Any, float, float]] = {}
    for number, epsilon in numbers:
        key = _key(number, epsilon)
        if key in found:
            continue
        kind = "i64" if number.integer else float
        space = (
            dp.vector_domain(dp.atom_domain(T=kind, nan=False) if kind is float
                             else dp.atom_domain(T=kind)),
            dp.l1_distance(T=kind),
        )  # fmt: skip
        d_in = int(number.sensitivity) if number.integer else float(number.sensitivity)
        scale = number.sensitivity / epsilon
        for _ in range(_NUDGES):
            measurement = dp.m.make_laplace(*space, scale=scale)
            certified = float(measurement.map(d_in))
            if certified <= epsilon:
                break
            scale = math.nextafter(scale, math.inf)
        else:  # pragma: no cover - OpenDP's map rounds by a few float steps at most
            msg = f"OpenDP's privacy map did not reach epsilon {epsilon!r} for scale {scale!r}"
            raise AssertionError(msg)
        found[key] = (measurement, scale, certified)
    return found


def _opendp_noise(
    measured: Mapping[tuple[bool, float, float], tuple[Any, float, float]],
    numbers: list[tuple[_Number, float]],
) -> npt.NDArray[np.float64]:
    """Every number with OpenDP's noise, one vector call per measurement."""
    out = np.empty(len(numbers), dtype=np.float64)
    batches: dict[tuple[bool, float, float], list[int]] = {}
    for i, (number, epsilon) in enumerate(numbers):
        batches.setdefault(_key(number, epsilon), []).append(i)
    for key, rows in batches.items():
        measurement = measured[key][0]
        if key[0]:
            exact: list[Any] = [int(numbers[i][0].value) for i in rows]
        else:
            exact = [float(numbers[i][0].value) for i in rows]
        out[rows] = np.asarray(measurement(exact), dtype=np.float64)
    return out


def _numpy_noise(
    generator: np.random.Generator,
    values: npt.NDArray[np.float64],
    scales: npt.NDArray[np.float64],
    integer: npt.NDArray[np.bool_],
) -> npt.NDArray[np.float64]:
    """The same distributions from numpy: discrete Laplace on integers, Laplace on floats.

    The discrete Laplace of scale ``b`` is the difference of two geometric variables with
    success probability ``1 - exp(-1/b)``, each drawn as ``floor(b * E)`` for a standard
    exponential ``E`` (``P(floor(b * E) >= k) = exp(-k / b)``), in floats: numpy's integer
    geometric saturates at the int64 limit for scales past about 1e17, and the difference of
    two saturated draws is no noise at all.
    """
    b = scales[integer]
    discrete = np.floor(b * generator.standard_exponential(b.shape[0])) - np.floor(
        b * generator.standard_exponential(b.shape[0])
    )
    out = values.copy()
    out[integer] += discrete
    out[~integer] += generator.laplace(0.0, scales[~integer])
    return out


def _post_process(
    aggregate: ExactAggregate,
    noisy: npt.NDArray[np.float64],
    scales: npt.NDArray[np.float64],
    epsilon: float,
) -> NoisyCell:
    """One cell's noisy numbers held in range: counts >= 0, rates in [0, 1], means in range."""
    if isinstance(aggregate, ExactCount):
        return NoisyCount(count=max(int(noisy[0]), 0), epsilon=epsilon, scale=float(scales[0]))
    if isinstance(aggregate, ExactRate):
        denominator = max(int(noisy[1]), 0)
        numerator = min(max(int(noisy[0]), 0), denominator)
        rate = numerator / denominator if denominator else None
        return NoisyRate(numerator=numerator, denominator=denominator, rate=rate,
                         epsilon=epsilon, scales=(float(scales[0]), float(scales[1])))  # fmt: skip
    count = max(int(noisy[0]), 0)
    low, high = float(aggregate.low), float(aggregate.high)
    mean = None
    if count:
        mean = min(max((low + high) / 2.0 + float(noisy[1]) / count, low), high)
    return NoisySum(count=count, mean=mean, total=(mean or 0.0) * count, low=low, high=high,
                    epsilon=epsilon, scales=(float(scales[0]), float(scales[1])))  # fmt: skip
