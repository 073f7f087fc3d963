"""Events of a batch that share an id but not their content.

An exact repeat of an event is accepted (applying it again changes nothing); an id repeated
with different content refuses every copy. :func:`conflicting_ids` finds them with one sort of
the ids' 64-bit keys, comparing field by field only the rows whose key repeats (usually few).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from sparkus.model._schedule_input import string_keys

__all__ = ["conflicting_ids"]


def _bucket(keys: npt.NDArray[np.uint64], bits: int) -> npt.NDArray[np.uint64]:
    """Each 64-bit key's bucket of ``2**bits`` (Fibonacci hashing: the top bits of a product)."""
    return (keys * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits)


def conflicting_ids(
    ids: npt.NDArray[Any], fields: tuple[npt.NDArray[Any], ...]
) -> npt.NDArray[np.bool_]:
    """Rows whose id repeats in the batch with different content.

    One sort of the 64-bit keys finds the keys that repeat; only the rows holding those (the
    repeats, usually few) are ordered and compared field by field.
    """
    n = len(ids)
    out = np.zeros(n, dtype=bool)
    if n < 2:
        return out
    keys = ids.view(np.uint64) if ids.dtype.kind == "i" else string_keys(ids)
    shift = n.bit_length()
    if keys.max() >> np.uint64(64 - shift) == 0:  # small integer ids: each key with its row
        return _repeats_by_row(ids, keys, fields, shift, out)
    ordered = np.sort(keys)
    repeated = ordered[1:] == ordered[:-1]
    if not repeated.any():
        return out
    # the rows holding a repeated key: a table of the repeated keys' hash buckets (small enough
    # to stay in cache) picks the candidates, and a binary search in the (sorted, distinct)
    # repeated keys settles them; cheaper than np.isin's sort of the whole batch, and than a
    # binary search of every key
    twice = ordered[1:][repeated]
    twice = twice[np.concatenate(([True], twice[1:] != twice[:-1]))]
    bits = min(max(10, (8 * len(twice)).bit_length()), 24)
    table = np.zeros(1 << bits, dtype=bool)
    table[_bucket(twice, bits)] = True
    candidates = np.flatnonzero(table[_bucket(keys, bits)])
    at = np.searchsorted(twice, keys[candidates])
    np.minimum(at, len(twice) - 1, out=at)
    rows = candidates[twice[at] == keys[candidates]]
    return _differing(ids, keys, fields, rows[np.argsort(keys[rows], kind="stable")], out)


def _repeats_by_row(ids: npt.NDArray[Any], keys: npt.NDArray[np.uint64],
                    fields: tuple[npt.NDArray[Any], ...], shift: int,
                    out: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:  # fmt: skip
    """:func:`conflicting_ids` for keys below ``2 ** (64 - shift)``: one sort finds the rows.

    Each key shifted left, with its row in the low `shift` bits, sorts to the rows of each
    key in increasing order (as a stable sort of the keys orders them).
    """
    packed = (keys << np.uint64(shift)) | np.arange(len(keys), dtype=np.uint64)
    packed.sort()
    key = packed >> np.uint64(shift)
    repeated = key[1:] == key[:-1]
    if not repeated.any():
        return out
    held = np.zeros(len(keys), dtype=bool)  # the sorted entries whose key repeats
    held[1:] = repeated
    held[:-1] |= repeated
    order = (packed[held] & np.uint64((1 << shift) - 1)).astype(np.intp)
    return _differing(ids, keys, fields, order, out)


def _differing(ids: npt.NDArray[Any], keys: npt.NDArray[np.uint64],
               fields: tuple[npt.NDArray[Any], ...], order: npt.NDArray[np.intp],
               out: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:  # fmt: skip
    """Set in `out` the rows of `order` (rows of repeated keys, by key) whose copies differ."""
    rows = order
    k = keys[order]
    same = k[1:] == k[:-1]
    if ids.dtype.kind != "i":
        same &= ids[order][1:] == ids[order][:-1]
    differs = np.zeros(len(order) - 1, dtype=bool)
    for f in fields:
        a, b = f[order][1:], f[order][:-1]
        if f.dtype.kind == "f":
            differs |= ~((a == b) | (np.isnan(a) & np.isnan(b)))
        else:
            differs |= a != b
    bad_pairs = same & differs
    if not bad_pairs.any():
        return out
    bad = np.isin(keys[rows], np.unique(k[1:][bad_pairs]))
    if ids.dtype.kind != "i":
        bad &= np.isin(ids[rows], np.unique(ids[order][1:][bad_pairs]))
    out[rows] = bad
    return out
