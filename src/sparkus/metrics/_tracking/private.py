"""The tracker's dashboard released with differential privacy: ``Tracker.private_snapshot``.

Where an exact snapshot hides the cells an attacker could recover (the minimum group size,
the change rule, linked complementary suppression), a private release publishes **every
group** of every grouping, small ones included, and protects them by noise instead: the exact
aggregates of the dashboard's figures are read from
:func:`~sparkus.metrics._tracking.figures.exact_figures` (the same true figures the exact
snapshot shows) and handed to the engine, :func:`sparkus._privacy.dp_release.release_private`,
which splits ε over the partitions, draws the noise and charges the privacy-loss ledger.

The release holds four figures, each once in total and once per grouping (a *partition*: the
groups of one grouping for one figure, in which every participant is in exactly one cell):

- ``participants``: people in the program (:class:`~sparkus.privacy.ExactCount`);
- ``participation``: people active in the tracker's window, of those who have started
  (:class:`~sparkus.privacy.ExactRate`), the dashboard's participation rate;
- ``completion``: required steps completed, of those due (an ``ExactRate`` pooled over steps,
  as the dashboard defines it; one person contributes at most the required steps of the
  longest journey the template allows);
- ``rating``: the sum and count of session ratings on the 0 to 10 scale (an
  :class:`~sparkus.privacy.ExactSum`; one person contributes at most one rating per slot of the
  longest journey the template allows).

The per-person bounds come from the program's journey template alone, never from the data, so
the noise scale does not depend on who is in the program. Progress (the paired change in
scores), the NPS, overdue steps, the engagement series and the funnel are not released in this
mode.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from sparkus._checks import check_rng, describe
from sparkus._errors import Problem
from sparkus._privacy.dp import DifferentialPrivacy, PrivacyLedger
from sparkus._privacy.dp_cells import ExactAggregate, ExactCount, ExactRate, ExactSum
from sparkus._privacy.dp_release import PrivateRelease, release_private
from sparkus._privacy.groups import Group
from sparkus.metrics._tracking.figures import exact_figures
from sparkus.metrics._tracking.schema import RATING_RANGE, TOTALS
from sparkus.metrics._tracking.snapshot import EPOCH
from sparkus.model import JourneyTemplate

if TYPE_CHECKING:
    from sparkus.metrics._tracking.tracker import Tracker

__all__ = [
    "ALL",
    "FIGURES",
    "contribution_bounds",
    "exact_aggregates",
    "moment_problems",
    "partition",
    "private_problems",
    "release_label",
    "release_snapshot",
]

FIGURES: Final = ("participants", "participation", "completion", "rating")
"""The figures a private release holds, in total and per grouping, in this order."""
ALL: Final = "all"
"""The one group of the totals' partitions (as the dashboard's suppression list names it)."""


def contribution_bounds(template: JourneyTemplate) -> tuple[int, int]:
    """The most required steps and the most slots one journey of `template` can hold.

    A journey holds the steps every journey shares and the steps of one support type (some of
    them, with fewer sessions), one slot per step. The bounds are the largest over support
    types, each at least 1: a property of the program's design, not of its participants.
    """
    steps = template.steps
    types = {s.support_type for s in steps}
    slots, required = 1, 1
    for kind in types:
        mine = [s for s in steps if s.support_type is None or s.support_type == kind]
        slots = max(slots, len(mine))
        required = max(required, sum(1 for s in mine if s.required))
    return required, slots


def partition(grouping: str, figure: str) -> str:
    """The name of one partition of a release: ``"department/participation"``."""
    return f"{grouping}/{figure}"


def exact_aggregates(tracker: Tracker, at: int) -> dict[str, dict[Group, ExactAggregate]]:
    """The exact aggregates a private release of `tracker` at `at` publishes, by partition.

    Totals first (partitions ``"total/<figure>"``, one group ``"all"``), then each grouping
    (``"<grouping>/<figure>"``, every group of the grouping). `at` is in seconds on the
    tracker's clock. A tracker refuses a grouping named ``"total"``.
    """
    exact = exact_figures(tracker, at)
    person = exact.person
    n = len(tracker.schedule)
    required, slots = contribution_bounds(tracker.schedule.template)
    low, high = RATING_RANGE
    groupings: dict[str, tuple[list[str], npt.NDArray[np.intp]]] = {
        TOTALS: ([ALL], np.zeros(n, dtype=np.intp))
    }
    groupings.update(tracker.groups)
    cells: dict[str, dict[Group, ExactAggregate]] = {}
    keys = ("participants", "active", "started", "due", "done", "rating_n", "rating_sum")
    for grouping, (names, codes) in groupings.items():
        k = len(names)
        sums = {key: np.bincount(codes, person[key], minlength=k) for key in keys}
        counts = {key: np.rint(sums[key]).astype(np.int64) for key in keys if key != "rating_sum"}
        rating_sum = np.clip(
            sums["rating_sum"], low * counts["rating_n"], high * counts["rating_n"]
        )
        cells[partition(grouping, "participants")] = {
            g: ExactCount(int(counts["participants"][i])) for i, g in enumerate(names)
        }
        cells[partition(grouping, "participation")] = {
            g: ExactRate(int(counts["active"][i]), int(counts["started"][i]))
            for i, g in enumerate(names)
        }
        cells[partition(grouping, "completion")] = {
            g: ExactRate(int(counts["done"][i]), int(counts["due"][i]), per_person=required)
            for i, g in enumerate(names)
        }
        cells[partition(grouping, "rating")] = {
            g: ExactSum(float(rating_sum[i]), int(counts["rating_n"][i]), low, high,
                        per_person=slots)
            for i, g in enumerate(names)
        }  # fmt: skip
    return cells


def release_label(at: int) -> str:
    """The ledger's label of a release at `at`: the as-of moment in ISO 8601, as a dashboard."""
    return (EPOCH + dt.timedelta(seconds=int(at))).isoformat()


def moment_problems(as_of: object) -> list[Problem]:
    """A problem at ``as_of`` when it is None: a private release's moment is fixed in advance.

    The default moment of an exact snapshot, the latest event applied, is someone's activity
    to the second; a private release's label would publish it without noise.
    """
    if as_of is not None:
        return []
    msg = (
        "is required for a private release: fix the moment in advance (a fixed cadence); "
        "the latest event's moment is someone's activity, and the release's label would "
        "publish it without noise"
    )
    return [Problem(("as_of",), msg)]


def private_problems(options: object, ledger: object, rng: object) -> list[Problem]:
    """Every problem of a private release's arguments, at the parameter's name."""
    problems: list[Problem] = []
    if not isinstance(options, DifferentialPrivacy):
        msg = (
            f"expected a DifferentialPrivacy (the epsilon of one release and the total "
            f"budget), got {describe(options)}"
        )
        problems.append(Problem(("options",), msg))
    if ledger is not None and not isinstance(ledger, PrivacyLedger):
        msg = (
            f"expected a PrivacyLedger (the previous release's .ledger) or None, got "
            f"{describe(ledger)}"
        )
        problems.append(Problem(("ledger",), msg))
    elif (
        isinstance(ledger, PrivacyLedger)
        and isinstance(options, DifferentialPrivacy)
        and ledger.total_epsilon != options.total_epsilon
    ):
        msg = (
            f"the ledger's total budget {ledger.total_epsilon:g} differs from "
            f"options.total_epsilon {options.total_epsilon:g}; a ledger keeps the budget it "
            "was started with"
        )
        problems.append(Problem(("ledger",), msg))
    if rng is not None:
        check_rng(rng, problems=problems)
    return problems


def release_snapshot(
    tracker: Tracker,
    at: int,
    options: DifferentialPrivacy,
    ledger: PrivacyLedger | None,
    rng: object,
) -> PrivateRelease:
    """The private release of `tracker` at `at`, arguments checked by :func:`private_problems`."""
    cells = exact_aggregates(tracker, at)
    return release_private(cells, options, ledger=ledger, label=release_label(at), rng=rng)
