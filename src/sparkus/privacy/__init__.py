"""Disclosure control you can check, and differential privacy for dashboards read continuously.

sparkus publishes figures about groups of people (dashboards, subgroup effects, audits) and
protects them against a stated attacker: one who knows every figure published for the
program, across all groupings, figures and releases, and everyone's group memberships.
:func:`verify_disclosure` is that attacker, written as linear programs: give it the cells a
table publishes (who each aggregates, the value shown, or None for a hidden cell) and it
returns, for every hidden cell, the smallest and largest value consistent with everything
published, and whether that range keeps the protection width. Any tool can check its own
tables with it, not only sparkus'. The guide is the Privacy page of the documentation.

The optional differentially private release mode protects by noise instead of hiding:
:func:`release_private` publishes every cell (an :class:`ExactCount`, :class:`ExactRate` or
:class:`ExactSum`) with noise calibrated to what one person can change in it, as a
:class:`NoisyCount`, :class:`NoisyRate` or :class:`NoisySum`; each release spends the ε of its
:class:`DifferentialPrivacy` options and a :class:`PrivacyLedger` refuses the release that would
pass the total budget. :meth:`Tracker.private_snapshot
<sparkus.metrics.Tracker.private_snapshot>` releases a tracker's dashboard this way. The noise
comes from OpenDP (the ``dp`` extra), imported only when a release is drawn: importing this
package imports neither OpenDP nor scipy.
"""

from sparkus._privacy import Cell, CellRange, DisclosureCheck, Figure, verify_disclosure
from sparkus._privacy.dp import DifferentialPrivacy, PrivacyLedger
from sparkus._privacy.dp_cells import (
    ExactCount,
    ExactRate,
    ExactSum,
    NoisyCount,
    NoisyRate,
    NoisySum,
)
from sparkus._privacy.dp_release import PrivateRelease, release_private

__all__ = [
    "Cell",
    "CellRange",
    "DifferentialPrivacy",
    "DisclosureCheck",
    "ExactCount",
    "ExactRate",
    "ExactSum",
    "Figure",
    "NoisyCount",
    "NoisyRate",
    "NoisySum",
    "PrivacyLedger",
    "PrivateRelease",
    "release_private",
    "verify_disclosure",
]
