"""Runs of equal keys in a sorted array: each element's position within its run.

Several solvers place items into groups in sorted order (copies of a provider by bid, people of
a circle by group, candidates of a pool by how keen they are) and need each item's rank within
its group: one subtraction of each run's start, no Python loop.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["rank_in_runs"]


def rank_in_runs(keys: npt.NDArray[Any]) -> npt.NDArray[np.intp]:
    """Position of each element within its run of equal `keys` (`keys` sorted, or grouped).

    Examples
    --------
    >>> rank_in_runs(np.array([3, 3, 5, 7, 7, 7])).tolist()
    [0, 1, 0, 0, 1, 2]
    """
    n = keys.shape[0]
    first = np.ones(n, dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(first)
    return np.arange(n, dtype=np.intp) - np.repeat(starts, np.diff(np.append(starts, n)))
