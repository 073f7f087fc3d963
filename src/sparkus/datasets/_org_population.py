"""The synthetic organisation's population, stored straight from the codes it was drawn as.

:func:`~sparkus.datasets.synthetic_org` draws every label as a code into a small table
(department 3, site 5, ...). :meth:`Population.from_columns
<sparkus.model.Population.from_columns>` would turn those back into a million strings and parse
each one; here the codes are renumbered into the sorted categories the population stores, one
pass per column, and nothing is parsed. The result is the population ``from_columns`` builds
from the decoded columns, array for array (a test holds the two equal); the data is valid by
construction, which ``from_columns`` would only confirm.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from sparkus.model import Column, Level, Population

__all__ = ["Coded", "coded_population"]

Coded: TypeAlias = tuple[Sequence[Any], npt.NDArray[np.int64]]
"""A column as (labels, codes): row ``i`` holds ``labels[codes[i]]``; labels may repeat."""


def _categories(column: Coded) -> tuple[npt.NDArray[np.int32], tuple[Any, ...]]:
    """int32 codes into the sorted labels that occur, and those labels."""
    labels, codes = column
    used = np.flatnonzero(np.bincount(codes, minlength=len(labels)))
    categories = tuple(sorted({labels[i] for i in used.tolist()}))
    position = {c: k for k, c in enumerate(categories)}
    remap = np.full(len(labels), -1, dtype=np.int32)
    for i in used.tolist():
        remap[i] = position[labels[i]]
    return remap[codes], categories


def _split(labels: Sequence[str]) -> list[tuple[str, ...]]:
    """``"en;de"`` as ``("en", "de")``, as ``from_columns`` reads a ``;``-joined row."""
    return [tuple(part.strip() for part in label.split(";") if part.strip()) for label in labels]


def coded_population(
    ids: npt.NDArray[np.str_],
    coded: Mapping[str, Coded],
    floats: Mapping[str, npt.NDArray[np.float64]],
    manager: npt.NDArray[np.int64],
    scales: Mapping[str, tuple[float, float]],
    order: Sequence[str],
) -> Population:
    """The population of `ids` with its columns in `order` (the core columns first).

    `coded` holds the label columns (``level`` with the labels of :class:`~sparkus.model.Level`
    in order, ``languages`` and ``focus_goals`` as ``;``-joined labels), `floats` the number
    columns, `manager` each row's manager row (-1: none), `scales` the scored columns' scales.
    """
    stored: dict[str, np.ndarray[Any, Any]] = {"id": ids}
    schema: dict[str, Column] = {"id": Column("id", "id", required=True)}
    for name in order:
        if name == "id":
            continue
        if name == "manager_id":
            stored[name], schema[name] = manager, Column(name, "reference")
        elif name == "level":
            levels = tuple(level.value for level in Level)
            stored[name] = coded[name][1].astype(np.int32)  # labels: Level's values in order
            schema[name] = Column(name, "category", categories=levels, required=True)
        elif name in ("languages", "focus_goals"):
            labels, codes = coded[name]
            stored[name], categories = _categories((_split(labels), codes))
            schema[name] = Column(name, "tuple", categories=categories)
        elif name in coded:  # a category: required, but for team (None where unknown)
            stored[name], categories = _categories(coded[name])
            schema[name] = Column(name, "category", categories=categories,
                                  required=name != "team")  # fmt: skip
        else:
            stored[name] = floats[name].astype(np.float64)
            scale = scales.get(name)
            schema[name] = Column(name, "float", required=name == "tenure_years",
                                  scale=None if scale is None else (float(scale[0]),
                                                                    float(scale[1])))  # fmt: skip
    return Population(stored, schema)
