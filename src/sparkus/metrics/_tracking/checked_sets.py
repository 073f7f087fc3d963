"""The sets a figure's protection checks besides its cells: withheld sets and small groups.

Built for :mod:`~sparkus.metrics._tracking.protection` over a figure's atoms: each set an
earlier release withheld a cell as (:func:`withheld_sets`, from the ledger's layers), and
the groups of fewer than the minimum that published cells could isolate (:func:`small_groups`;
for completion, the slots of a class of participants, :func:`classes_of`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import numpy as np
import numpy.typing as npt

from sparkus.metrics._tracking.atoms import Codes, fold
from sparkus.metrics._tracking.figure_units import any_of, participants
from sparkus.metrics._tracking.ledger import PartRecord, empty_record

if TYPE_CHECKING:
    from scipy import sparse

    from sparkus.metrics._tracking.figure_units import Spec
    from sparkus.metrics._tracking.windows import Columns, Releases

__all__ = ["classes_of", "layers_of", "small_groups", "withheld_sets"]

IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]


def layers_of(spec: Spec, withheld: list[list[PartRecord]]) -> list[list[PartRecord]]:
    """The withheld layers of every part as stores over all parts.

    A part short of layers has empty ones.
    """
    depth = max((len(layers) for layers in withheld), default=0)
    return [[layers[d] if d < len(layers) else empty_record(spec.units, part.n_labels, spec.figure)
             for part, layers in zip(spec.parts, withheld, strict=True)]
            for d in range(depth)]  # fmt: skip


def withheld_sets(spec: Spec, layers: list[list[PartRecord]], codes: list[tuple[Codes, int]],
                   step: int, rep: IntArray, columns: Columns | Releases,
                   ) -> tuple[sparse.csr_matrix, IntArray, list[tuple[int, int, int]]]:  # fmt: skip
    """Each set a cell was withheld as, over atoms' columns, the people it described, its key.

    The key is the set's (layer, part, label) in the ledger; `columns` the atoms' columns.
    """
    from scipy import sparse

    rows_: list[IntArray] = []
    cols_: list[IntArray] = []
    people: list[int] = []
    keys: list[tuple[int, int, int]] = []
    for d, layer in enumerate(layers):
        for j, record in enumerate(layer):
            code = codes[step * j + 2 + d][0]
            at_atom = code[rep]
            for i in np.flatnonzero(record.published >= 0):
                held = np.flatnonzero(at_atom == i)
                if not len(held):
                    continue
                rows_.append(np.full(len(held), len(people), dtype=np.int64))
                cols_.append(columns.at(held, int(record.published[i])))
                keys.append((d, j, int(i)))
                units = code == i
                if spec.row is not None:  # completion: people, not slots
                    people.append(int(any_of(spec, units, participants(spec)).sum()))
                else:
                    people.append(int(units.sum()))
    r = np.concatenate(rows_) if rows_ else np.zeros(0, np.int64)
    c = np.concatenate(cols_) if cols_ else np.zeros(0, np.int64)
    matrix = sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=(len(people), columns.width))
    return matrix, np.array(people, dtype=np.int64), keys


def classes_of(spec: Spec, codes: list[tuple[Codes, int]],
             keep: BoolArray) -> tuple[IntArray, BoolArray, int]:  # fmt: skip
    """Completion: each participant's class, whether they have one, and how many classes.

    A class is the same cells, now and before, through any of their slots, funnel aside.
    """
    assert spec.row is not None
    n = participants(spec)
    person_codes = []
    has = np.zeros(n, dtype=bool)
    per_part = len(codes) // len(spec.parts)
    for j, part in enumerate(spec.parts):
        if part.person is None:
            continue
        for c in range(per_part):
            code, n_labels = codes[per_part * j + c]
            inside = any_of(spec, keep & (code >= 0), n)
            person_codes.append((np.where(inside, part.person, -1), n_labels))
            has |= inside
    cls, count = fold(person_codes, has)
    out = np.full(n, -1, dtype=np.int64)
    out[has] = cls
    return out, has, count


def small_groups(spec: Spec, matrix: sparse.csr_matrix, n_current: int, atom: IntArray,
                  count: int, keep: BoolArray, classes: tuple[IntArray, BoolArray, int] | None,
                  unit_class: Codes | None, k: int) -> tuple[sparse.csr_matrix, IntArray]:  # fmt: skip
    """Groups of fewer than `k` people to keep unrecoverable.

    Atoms of people (participants with the same cells), or, for completion, the slots of a
    class of participants (`unit_class`: each unit's class, -1 for none).
    """
    from scipy import sparse

    if classes is None or unit_class is None:
        size = np.bincount(atom, minlength=count)
        lone = np.diff(matrix.indptr[: n_current + 1]) == 1
        own = set(matrix.indices[matrix.indptr[:n_current][lone]].tolist())
        small = [a for a in np.flatnonzero((size > 0) & (size < k)) if int(a) not in own]
        rows = sparse.identity(count, format="csr")[np.array(small, dtype=np.int64)]
        return rows, size[small].astype(np.int64)
    assert spec.row is not None
    cls, has, n_classes = classes
    size = np.bincount(cls[has], minlength=n_classes)
    small_classes = np.flatnonzero((size > 0) & (size < k))
    is_small = np.zeros(n_classes + 1, dtype=bool)  # by class + 1: a unit of no class is -1
    is_small[small_classes + 1] = True
    unit_class = unit_class[keep]
    pick = is_small[unit_class + 1]
    pairs = np.unique(unit_class[pick] * count + atom[pick])  # by class, then atom
    rows_ = np.searchsorted(small_classes, pairs // count)
    data = np.ones(len(rows_))
    matrix_ = sparse.csr_matrix((data, (rows_, pairs % count)), shape=(len(small_classes), count))
    return matrix_, size[small_classes].astype(np.int64)
