"""Large arrays in plain pages: numpy's requests for huge pages can stall a fragmented machine.

numpy asks the kernel for transparent huge pages (``MADV_HUGEPAGE``) on every allocation of
4 MiB or more. Where the kernel honours that by compacting memory at the first touch
(``defrag`` set to ``madvise``, a common default) and memory is fragmented, each fresh page
of a large array can wait for the compaction: on this project's 2-core machine the first
build of a 1,000,000-person tracker's state took 2.1-2.3 s against 0.4-0.6 s in plain pages,
and a (1,000,000 x 21) array of a plan took 1.3-2.6 s to fill against about 0.1 s. The arrays
below come from a private anonymous ``mmap`` instead: plain pages (unless huge pages are set
to ``always``), already zero, returned to the system when the array goes.

Only the few largest arrays that live through a whole computation are allocated here; numpy's
own temporaries are not, and smaller arrays (under 4 MiB) never ask for huge pages.
"""

from __future__ import annotations

import mmap
from typing import Any, Final

import numpy as np
import numpy.typing as npt

__all__ = ["PLAIN_FROM", "fresh", "taken"]

PLAIN_FROM: Final = 1 << 22
"""Bytes from which numpy asks the kernel for transparent huge pages (``MADV_HUGEPAGE``)."""


def fresh(
    shape: tuple[int, ...], dtype: Any, fill: Any = 0, *, whole: bool | None = None
) -> npt.NDArray[Any]:
    """A new array of `shape` holding `fill`, large ones in plain (not huge) pages.

    The values are those of ``np.full``. `whole` says the caller writes the whole array at once
    (by default: when `fill` is not zero): the kernel then maps every page in one call, which
    costs about what numpy's huge pages cost on a quiet machine, instead of a fault per page.
    Otherwise a zero fill costs nothing until the pages are written.
    """
    dtype = np.dtype(dtype)
    size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if size == 0 or size < PLAIN_FROM:  # (mmap takes no empty map)
        return np.full(shape, fill, dtype=dtype)
    out = np.frombuffer(_anonymous(size, fill != 0 if whole is None else whole), dtype=dtype)
    out = out.reshape(shape)
    if fill != 0:
        out.fill(fill)
    return out


def _anonymous(size: int, populate: bool) -> mmap.mmap:
    """`size` bytes of private anonymous memory (copy-on-write in a forked child, as numpy's)."""
    flags = getattr(mmap, "MAP_PRIVATE", 0) | getattr(mmap, "MAP_ANONYMOUS", 0)
    if not flags:  # not a POSIX system: the platform's anonymous map
        return mmap.mmap(-1, size)
    if populate:
        flags |= getattr(mmap, "MAP_POPULATE", 0)
    return mmap.mmap(-1, size, flags=flags)


def taken(array: npt.NDArray[Any], columns: npt.NDArray[np.integer[Any]]) -> npt.NDArray[Any]:
    """``array[:, columns]`` of a 2-D array, into a :func:`fresh` array."""
    if columns.size and not (int(columns.min()) >= 0 and int(columns.max()) < array.shape[1]):
        msg = f"columns outside 0..{array.shape[1] - 1}"
        raise IndexError(msg)
    out = fresh((array.shape[0], columns.shape[0]), array.dtype, whole=True)
    # mode "clip" (the columns are checked above): np.take's default mode writes through a
    # temporary as large as `out`, which would ask for the huge pages this avoids
    np.take(array, columns, axis=1, out=out, mode="clip")
    return out
