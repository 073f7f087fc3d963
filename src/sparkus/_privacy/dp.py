"""The differentially private release mode: its options and the ledger of privacy loss spent.

A dashboard read continuously can be published with differential privacy instead of (or on top
of) suppression: every figure gets noise calibrated to what one person can change in it, and
the privacy loss ε of every release is written to a :class:`PrivacyLedger` that refuses a
release once the total budget is spent. :class:`DifferentialPrivacy` holds the options; the
release itself is :func:`sparkus._privacy.dp_release.release_private`.

Composition is basic and sequential: the loss of a series of releases is the sum of their ε,
and the ledger compares that sum with the total. Sums are taken with ``math.fsum``, and a
spend is refused only when it passes the total by more than a relative ``1e-9`` (so ten
releases of 0.1 fit a total of 1, whatever the float rounding of 0.1).

Nothing here imports OpenDP: the options and the ledger work without the ``dp`` extra.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final, Literal

import attrs
import numpy as np

from sparkus._checks import describe
from sparkus._errors import InfeasibleError, Problem, SchemaError, shown
from sparkus._fields import (
    Definitions,
    JSONSchema,
    Record,
    checked,
    declared,
    number,
    text,
    tuple_of,
)
from sparkus._results import Result, Table, format_number

__all__ = [
    "MAX_EPSILON_PER_RELEASE",
    "MAX_TOTAL_EPSILON",
    "MIN_EPSILON",
    "DifferentialPrivacy",
    "Mechanism",
    "PrivacyLedger",
    "label_problems",
]

Mechanism = Literal["laplace"]
"""The noise of a release: ``"laplace"`` (discrete Laplace on counts, Laplace on sums)."""
MECHANISMS: Final[tuple[Mechanism, ...]] = ("laplace",)

MIN_EPSILON: Final = 1e-6
"""The smallest ε a release may spend: below it the noise drowns any figure."""
MAX_EPSILON_PER_RELEASE: Final = 100.0
"""The largest ε one release may spend; past about 10 the noise no longer protects anyone."""
MAX_TOTAL_EPSILON: Final = 1e6
"""The largest total budget a ledger may hold."""
MAX_RELEASES: Final = 1_000_000
"""The most releases one ledger records (a release a minute for about two years)."""
BUDGET_TOLERANCE: Final = 1e-9
"""How far, relative to the total, the spent ε may pass the total: float rounding, not budget."""

_release_epsilon = number(low=MIN_EPSILON, high=MAX_EPSILON_PER_RELEASE)
_total_epsilon = number(low=MIN_EPSILON, high=MAX_TOTAL_EPSILON)
_epsilons = tuple_of(_release_epsilon)


def label_problems(value: object) -> list[Problem]:
    """The problems of a release's label: text as ``sparkus._fields.text`` asks, and no NUL.

    The ledger's arrays (:meth:`PrivacyLedger.to_arrays`) hold numpy text, which drops a
    trailing NUL: a label ending in one would come back as another label, or as none.
    """
    problems = text(value)
    if not problems and "\x00" in str(value):
        msg = f"{shown(value)} holds a NUL character, which the ledger's saved arrays cannot keep"
        problems = [Problem((), msg)]
    return problems


def _label_schema(definitions: Definitions) -> JSONSchema:
    """The JSON Schema of :func:`label_problems`: the text's, without NUL."""
    return {**text.schema(definitions), "not": {"pattern": r"\u0000"}}


_labels = tuple_of(declared(label_problems, _label_schema))


def _mechanism(value: object) -> list[Problem]:
    """One of :data:`MECHANISMS`, else a problem listing them."""
    if isinstance(value, str) and value in MECHANISMS:
        return []
    allowed = ", ".join(repr(m) for m in MECHANISMS)
    return [Problem((), f"expected one of {allowed}, got {shown(value)}")]


@attrs.frozen
class DifferentialPrivacy(Record):
    """The options of the differentially private release mode.

    Parameters
    ----------
    epsilon_per_release : float
        The privacy loss ε one release may spend, from ``1e-6`` to 100. Each release is
        ε-differentially private at the person level: its output changes in probability by a
        factor of at most ``exp(ε)`` when one participant's data is added or removed. Common
        choices lie between 0.1 (strong protection, noisy figures) and 1.
    total_epsilon : float
        The budget over every release, from ``1e-6`` to ``1e6`` and at least
        `epsilon_per_release`. Releases compose by adding their ε, so the budget allows
        ``total_epsilon / epsilon_per_release`` releases; the ledger refuses the next one.
    mechanism : {"laplace"}
        The noise: the discrete Laplace (geometric) mechanism on counts and the Laplace
        mechanism on sums, both from OpenDP, under pure ε-differential privacy.

    Examples
    --------
    >>> from sparkus._privacy.dp import DifferentialPrivacy
    >>> options = DifferentialPrivacy(epsilon_per_release=0.5, total_epsilon=6.0)
    >>> options.releases_allowed
    12
    >>> DifferentialPrivacy(epsilon_per_release=2.0, total_epsilon=1.0)
    Traceback (most recent call last):
    ...
    sparkus.SchemaError: 1 problem in the input:
      total_epsilon: 1.0 is below epsilon_per_release 2.0; the budget must allow one release

    .. versionadded:: 0.1
    """

    epsilon_per_release: float = attrs.field(metadata=checked(_release_epsilon))
    total_epsilon: float = attrs.field(metadata=checked(_total_epsilon))
    mechanism: Mechanism = attrs.field(
        default="laplace", kw_only=True, metadata=checked(_mechanism)
    )

    def _cross_check(self) -> list[Problem]:
        if _over(self.epsilon_per_release, self.total_epsilon):
            msg = (
                f"{shown(self.total_epsilon)} is below epsilon_per_release "
                f"{shown(self.epsilon_per_release)}; the budget must allow one release"
            )
            return [Problem(("total_epsilon",), msg)]
        return []

    @property
    def releases_allowed(self) -> int:
        """How many releases the ledger accepts: ``total_epsilon // epsilon_per_release``.

        Exactly the number of charges of `epsilon_per_release` a :class:`PrivacyLedger` of
        `total_epsilon` accepts, by the ledger's own arithmetic: a ratio a hair below a whole
        number (float rounding, within the ledger's relative ``1e-9``) counts as that number.
        At most ``MAX_RELEASES`` (1,000,000), the most a ledger records.
        """
        eps, total = float(self.epsilon_per_release), float(self.total_epsilon)
        n = min(math.floor(total / eps), MAX_RELEASES + 1)
        while n > 0 and _over(n * eps, total):  # n * eps is the fsum of n charges of eps
            n -= 1
        while n <= MAX_RELEASES and not _over((n + 1) * eps, total):
            n += 1
        return min(n, MAX_RELEASES)


@attrs.frozen(repr=False)
class PrivacyLedger(Record, Result):
    """The privacy loss spent so far, release by release, against a total budget.

    A ledger never changes: :meth:`charge` returns a new ledger with one more release, or
    refuses with :class:`~sparkus.InfeasibleError` when the release would pass the budget.
    It saves as JSON-ready data (:meth:`to_dict`, :meth:`from_dict`) or as plain arrays
    (:meth:`to_arrays`, :meth:`from_arrays`), for a tracker's state file.

    Parameters
    ----------
    total_epsilon : float
        The budget over every release, from ``1e-6`` to ``1e6``.
    epsilons : tuple of float
        The ε each release spent, oldest first; each from ``1e-6`` to 100.
    labels : tuple of str
        What each release was (a date, say); non-empty text without a NUL character, one
        per release.

    Examples
    --------
    >>> from sparkus._privacy.dp import PrivacyLedger
    >>> ledger = PrivacyLedger(1.0).charge(0.4, "2027-03-01").charge(0.4, "2027-03-08")
    >>> ledger
    PrivacyLedger(releases=2, spent=0.8 of 1)
    >>> round(ledger.remaining, 10)
    0.2
    >>> ledger.charge(0.4, "2027-03-15")
    Traceback (most recent call last):
    ...
    sparkus.InfeasibleError: the release '2027-03-15' needs epsilon 0.4, but only 0.2 of the total budget 1 remains (0.8 spent over 2 releases); a new budget is a new policy decision, not a setting to raise
    >>> PrivacyLedger.from_dict(ledger.to_dict()) == ledger
    True

    .. versionadded:: 0.1
    """

    total_epsilon: float = attrs.field(metadata=checked(_total_epsilon))
    epsilons: tuple[float, ...] = attrs.field(default=(), metadata=checked(_epsilons))
    labels: tuple[str, ...] = attrs.field(default=(), metadata=checked(_labels))

    def _cross_check(self) -> list[Problem]:
        if len(self.epsilons) != len(self.labels):
            msg = f"expected one label per release ({len(self.epsilons)}), got {len(self.labels)}"
            return [Problem(("labels",), msg)]
        if len(self.epsilons) > MAX_RELEASES:
            msg = f"expected at most {MAX_RELEASES:,} releases, got {len(self.epsilons):,}"
            return [Problem(("epsilons",), msg)]
        if _over(math.fsum(self.epsilons), self.total_epsilon):
            msg = (
                f"the releases spent {math.fsum(self.epsilons):g}, more than the total budget "
                f"{self.total_epsilon:g}"
            )
            return [Problem(("epsilons",), msg)]
        return []

    @property
    def spent(self) -> float:
        """The privacy loss spent by every release so far (their ε added)."""
        return math.fsum(self.epsilons)

    @property
    def remaining(self) -> float:
        """What is left of the budget (never below 0)."""
        return max(self.total_epsilon - self.spent, 0.0)

    @property
    def n_releases(self) -> int:
        """How many releases the ledger records."""
        return len(self.epsilons)

    def can_spend(self, epsilon: float) -> bool:
        """True if a release of `epsilon` fits what remains of the budget.

        The same test :meth:`charge` applies, by the same arithmetic: the releases' ε and this
        one added with ``math.fsum``. A ledger that already records ``MAX_RELEASES``
        releases can spend nothing more. Raises :class:`~sparkus.SchemaError` for an `epsilon`
        :meth:`charge` would refuse (outside ``1e-6`` to 100, not finite, not a number).
        """
        problems = [p.prefixed(("epsilon",)) for p in _release_epsilon(epsilon)]
        if problems:
            raise SchemaError(problems)
        return self._fits(float(epsilon))

    def _fits(self, epsilon: float) -> bool:
        """True if a checked `epsilon` fits: the one test the ledger's cross-check also makes."""
        if self.n_releases >= MAX_RELEASES:
            return False
        return not _over(math.fsum((*self.epsilons, epsilon)), self.total_epsilon)

    def charge(self, epsilon: float, label: str) -> PrivacyLedger:
        """A new ledger: this one with one more release of `epsilon`, labelled `label`.

        Raises :class:`~sparkus.InfeasibleError` naming what remains when the release would
        pass the total budget (or the ledger already records ``MAX_RELEASES`` releases), and
        :class:`~sparkus.SchemaError` for an `epsilon` out of range or a `label` that is empty
        or holds a NUL character.
        """
        problems = [p.prefixed(("epsilon",)) for p in _release_epsilon(epsilon)]
        problems += [p.prefixed(("label",)) for p in label_problems(label)]
        if problems:
            raise SchemaError(problems)
        eps = float(epsilon)
        n = self.n_releases
        if n >= MAX_RELEASES:
            msg = (
                f"the release {shown(label)} would pass the most releases a ledger records "
                f"({MAX_RELEASES:,}), whatever remains of the budget"
            )
            raise InfeasibleError(msg)
        if not self._fits(eps):
            needs, left = f"{eps:g}", f"{self.remaining:.6g}"
            if needs == left:  # a hair short: show every digit, or the two would read alike
                needs, left = repr(eps), repr(self.remaining)
            msg = (
                f"the release {shown(label)} needs epsilon {needs}, but only {left} "
                f"of the total budget {self.total_epsilon:g} remains ({self.spent:.6g} spent "
                f"over {n} release{'' if n == 1 else 's'}); a new budget is a new policy "
                "decision, not a setting to raise"
            )
            raise InfeasibleError(msg)
        return PrivacyLedger(self.total_epsilon, (*self.epsilons, eps), (*self.labels, label))

    # -- saving and loading ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The ledger as JSON-ready data: the total and each release's label and ε."""
        releases = [
            {"label": lb, "epsilon": e} for lb, e in zip(self.labels, self.epsilons, strict=True)
        ]
        return {"total_epsilon": self.total_epsilon, "releases": releases}

    @classmethod
    def from_dict(cls, data: object) -> PrivacyLedger:
        """The ledger :meth:`to_dict` wrote; every problem a SchemaError at its path."""
        if not isinstance(data, Mapping):
            raise SchemaError([Problem((), f"expected a mapping, got {describe(data)}")])
        problems = [Problem((key,), "is not a ledger field") for key in data
                    if key not in ("total_epsilon", "releases")]  # fmt: skip
        problems += [Problem((key,), "is missing") for key in ("total_epsilon", "releases")
                     if key not in data]  # fmt: skip
        releases = data.get("releases", [])
        if not isinstance(releases, list | tuple):
            problems.append(Problem(("releases",), f"expected a list, got {describe(releases)}"))
            releases = []
        labels: list[object] = []
        epsilons: list[object] = []
        for i, entry in enumerate(releases):
            if not isinstance(entry, Mapping) or set(entry) != {"label", "epsilon"}:
                msg = f"expected {{'label': ..., 'epsilon': ...}}, got {describe(entry)}"
                problems.append(Problem(("releases", i), msg))
                continue
            labels.append(entry["label"])
            epsilons.append(entry["epsilon"])
        if problems:
            raise SchemaError(problems)
        return cls._built(data["total_epsilon"], epsilons, labels, "releases")

    def to_arrays(self) -> dict[str, np.ndarray[Any, Any]]:
        """The ledger as plain numpy arrays (no objects), for an ``.npz`` state file.

        ``total_epsilon`` (a 0-d float), ``epsilon`` (float, one per release) and ``label``
        (unicode text, one per release).
        """
        return {
            "total_epsilon": np.array(self.total_epsilon, dtype=np.float64),
            "epsilon": np.array(self.epsilons, dtype=np.float64),
            "label": np.array(self.labels, dtype=np.str_).reshape(len(self.labels)),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, object]) -> PrivacyLedger:
        """The ledger :meth:`to_arrays` wrote; every problem a SchemaError naming the array."""
        if not isinstance(arrays, Mapping):
            raise SchemaError(
                [Problem((), f"expected a mapping of arrays, got {describe(arrays)}")]
            )
        problems = [Problem((key,), "is missing") for key in ("total_epsilon", "epsilon", "label")
                    if key not in arrays]  # fmt: skip
        if problems:
            raise SchemaError(problems)
        total, eps, labels = (np.asarray(arrays[k]) for k in ("total_epsilon", "epsilon", "label"))
        if total.shape != () or total.dtype.kind != "f":
            problems.append(Problem(("total_epsilon",), "expected a 0-d float array"))
        if eps.ndim != 1 or eps.dtype.kind != "f":
            problems.append(Problem(("epsilon",), "expected a 1-d float array"))
        if labels.ndim != 1 or labels.dtype.kind != "U":
            problems.append(Problem(("label",), "expected a 1-d unicode text array"))
        if problems:
            raise SchemaError(problems)
        return cls._built(total.item(), eps.tolist(), labels.tolist(), "epsilon")

    @classmethod
    def _built(
        cls, total: object, epsilons: list[object], labels: list[object], where: str
    ) -> PrivacyLedger:
        """A ledger from read values; problems at the release paths of the document read."""
        try:
            return cls(total, tuple(epsilons), tuple(labels))  # type: ignore[arg-type]
        except SchemaError as error:
            problems = [_renamed(p, where) for p in error.problems]
            raise SchemaError(problems) from None

    # -- the result view ---------------------------------------------------------------------

    def _headline(self) -> str:
        return (
            f"releases={self.n_releases}, spent={format_number(self.spent)} of "
            f"{format_number(self.total_epsilon)}"
        )

    def _tables(self) -> list[Table]:
        rows = tuple(
            (lb, format_number(e)) for lb, e in zip(self.labels, self.epsilons, strict=True)
        )
        note = (
            f"Spent {format_number(self.spent)} of {format_number(self.total_epsilon)}; "
            f"{format_number(self.remaining)} remains (basic sequential composition)."
        )
        return [Table("Privacy loss by release", ("release", "epsilon"), rows, note)]


def _over(spent: float, total: float) -> bool:
    """True when `spent` passes `total` by more than float rounding."""
    return spent > total * (1.0 + BUDGET_TOLERANCE)


def _renamed(problem: Problem, where: str) -> Problem:
    """A ledger problem at the path of the document it was read from."""
    path = problem.path
    if where == "releases" and len(path) >= 2 and path[0] in ("epsilons", "labels"):
        key = "epsilon" if path[0] == "epsilons" else "label"
        return Problem(("releases", path[1], key, *path[2:]), problem.message)
    if where == "epsilon" and path and path[0] == "labels":
        return Problem(("label", *path[1:]), problem.message)
    if where == "epsilon" and path and path[0] == "epsilons":
        return Problem(("epsilon", *path[1:]), problem.message)
    return problem
