"""Completion is final: releases read together pin what each release alone kept wide.

A step once completed stays completed (:class:`~sparkus.model.StepState`), so the attacker
of the threat model, who holds every release, knows each slot's value in a later release is at
least its value in an earlier one. When a step is completed between two releases, the
protection's reading of the releases as one (unchanged values) cannot hold, and today's
release stands alone; the monotone reading still holds and is what the attacker uses:

- *sandwich*: two departments of six; between the releases one old step is completed and
  three people per department have a new step fall due, so the change rule withholds both
  departments while the total (six people changed) is shown. Each department's count is then
  at least its first release's and at most the total less the other's first release's: a
  width of 1 where the release alone leaves 5 and the width is ``0.5 * 5 / 6 * 18 = 7.5``.
- *seed 29* of the red team's random organisations (/tmp/h47/run_completion.py, session 16):
  level L1 (two people) is hidden in three releases three days apart; the third shows the
  total and L0, and hides L2 (three people), which the second release showed: L2 is at least
  what it was, so L1 is at most 1 where the width is ``0.5 * 2 / 2 * 8 = 4``, and the first
  release's L1 (six slots) is narrowed from 6 to 1 too.

The attacker (tests/privacy/completion_attack.py) is a whole-number program in scipy's HiGHS
``milp`` with one 0/1 variable per slot due and release and ``x[s, r] <= x[s, r + 1]``;
independent of sparkus._privacy. A hidden cell must keep the least of its width, what its own
release alone leaves it, and what the releases before it leave it.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.privacy.completion_attack import narrowed, organisation
from tests.privacy.world import tracker_of


def _sandwich():
    starts = [0, 0, 0, 1, 1, 1] * 2
    tracker = tracker_of({"department": ["A"] * 6 + ["B"] * 6}, start_days=starts)
    rows = [(i, "step_completed", "kickoff", starts[i] + 0.1, np.nan) for i in range(12)]
    rows += [(i, "step_completed", "vision", starts[i] + 3.1, np.nan) for i in range(1, 12, 2)]
    return tracker, [(rows, 7.5), ([(0, "step_completed", "vision", 8.0, np.nan)], 8.5)], 5


def _seed_29():
    return organisation(29)


@pytest.mark.parametrize("world", [_sandwich, _seed_29], ids=lambda f: f.__name__)
def test_releases_read_as_final_completions_keep_hidden_cells_wide(world):
    """Every hidden completion cell keeps its width against all releases, completion final."""
    assert not narrowed(*world())
