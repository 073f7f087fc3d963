"""synthetic_org draws the same organisation for the same seed, release after release.

The hashes were computed on main at 26615ee (issue 16, before any speed work on the
synthetic organisation) with the function below: every population column (values and dtype),
every field of the truth, and every provider's repr. A faster ``synthetic_org`` must keep them.
"""

from __future__ import annotations

import hashlib
from typing import Any

import attrs
import numpy as np
import pytest

from sparkus.datasets import synthetic_org

PINNED = {
    (20, 0): "31dc3c3f0fd08430bf438609a66ee283c11cd459d1bc4a6dbe05292cd8b42388",
    (300, 3): "0b78910048d524ac7bfe7eebc7bf6d5b5a8826f09180f07d2a63a1d5cb6db17b",
    (1_000, 7): "01b1818f2a2248c1620e93b5f0baf15941b39eb125b5dffb489aa00f72a517a7",
    (20_000, 0): "a34b1539c1417cd4a8692911555d4273836ad1c43bbc45083f46933099074ef3",
}


def _put(digest: Any, value: object) -> None:
    if isinstance(value, np.ndarray):
        digest.update(f"{value.dtype}{value.shape}".encode())
        if value.dtype.kind == "O":
            digest.update(repr(value.tolist()).encode())
        else:
            digest.update(np.ascontiguousarray(value).tobytes())
    elif hasattr(value, "items"):
        for key in sorted(value, key=str):
            digest.update(str(key).encode())
            _put(digest, value[key])
    else:
        digest.update(repr(value).encode())


def org_hash(n: int, seed: int) -> str:
    """A SHA-256 of the organisation's columns, truth and providers."""
    org = synthetic_org(n, seed=seed)
    digest = hashlib.sha256()
    columns = org.population.to_columns()
    for name in sorted(columns):
        digest.update(name.encode())
        _put(digest, np.asarray(columns[name]))
    for field in attrs.fields(type(org.truth)):
        digest.update(field.name.encode())
        _put(digest, getattr(org.truth, field.name))
    for provider in org.providers:
        digest.update(repr(provider).encode())
    return digest.hexdigest()


@pytest.mark.parametrize(("n", "seed"), list(PINNED))
def test_same_seed_same_organisation_as_before(n, seed):
    """The organisation for a fixed seed is bit for bit the one main drew before issue 16."""
    assert org_hash(n, seed) == PINNED[n, seed]


@pytest.mark.parametrize(("n", "seed"), [(20, 1), (999, 2), (5_000, 3)])
def test_population_is_what_from_columns_builds(n, seed):
    """The population stored from codes equals from_columns on its decoded columns exactly:
    the same columns in the same order, schema, dtypes and values."""
    from sparkus.datasets._synthetic import ITEM_SCALE, ITEMS
    from sparkus.model import Population

    ours = synthetic_org(n, seed=seed).population
    columns = ours.to_columns()
    rebuilt = Population.from_columns(columns, scales=dict.fromkeys(ITEMS, ITEM_SCALE))
    assert ours.columns == rebuilt.columns
    assert ours.schema == rebuilt.schema
    assert ours == rebuilt
    for name in ours.columns:
        assert ours[name].dtype == rebuilt[name].dtype, name


@pytest.mark.parametrize("n", [20, 999_999, 1_000_002])
def test_employee_ids_are_numpy_string_ids(n):
    """The ids written as code points equal numpy's string functions (dtype included), across
    the step from six to seven digits."""
    from sparkus.datasets._synthetic import _employee_ids

    expected = np.char.add("E", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    got = _employee_ids(n)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
