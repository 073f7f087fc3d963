"""staggered_did follows R ``did``'s rule of small groups: warn below covariates + 5 units.

Reference: the ``csdid`` port of R's ``did`` (installed in the test environment), run live.
Its ``preprocess_did`` is ``did::pre_process_did``'s rule: a group (the units first treated in
one period, or the never treated, 0) of fewer than ``len(rhs_vars(xformla)) + 5`` units is named
in a warning ("Check groups: ..."), and with ``control_group="nevertreated"`` a never treated
group that small stops the estimation. The sparkus warning names the same groups, with their
sizes and never their members.
"""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from sparkus import EstimationError, SparkusWarning
from sparkus.metrics import staggered_did


def _panel(sizes, n_cov, seed=0):
    """Three periods; `sizes` maps the first treated period (0: never) to its number of units."""
    rng = np.random.default_rng(seed)
    first_of_unit = np.repeat(list(sizes), list(sizes.values())).astype(float)
    n = first_of_unit.size
    data = pd.DataFrame({
        "unit": np.repeat([f"person-{i:03d}" for i in range(n)], 3),
        "time": np.tile([1, 2, 3], n),
        "g": np.repeat(first_of_unit, 3),
    })  # fmt: skip
    x = np.repeat(rng.normal(size=(n, n_cov)), 3, axis=0)
    for j in range(n_cov):
        data[f"x{j}"] = x[:, j]
    data["y"] = rng.normal(size=3 * n) + x.sum(axis=1) * data["time"] * 0.3
    return data, (x if n_cov else None)


def _csdid(data, n_cov, control):
    """The groups csdid's warning names, and the error it raises (or None)."""
    from csdid.att_gt import ATTgt

    rhs = "+".join(f"x{j}" for j in range(n_cov)) or "1"
    unit_codes = data.assign(unit=pd.factorize(data["unit"])[0])
    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            ATTgt(yname="y", gname="g", idname="unit", tname="time", xformla=f"y~{rhs}",
                  data=unit_codes, control_group=[control]).fit(est_method="dr", bstrap=False)  # fmt: skip
        except ValueError as exc:
            error = str(exc)
    named = set()
    for w in caught:
        found = re.search(r"Check groups: ([\d.,]+)\.", str(w.message))
        if found:
            named |= {float(v) for v in found.group(1).split(",")}
    return named, error


def _named(message):
    """The groups a sparkus warning names, with their sizes."""
    out = {}
    for label, size in re.findall(r"(never treated|first treated in \d+) \((\d+) units\)", message):
        out[0.0 if label == "never treated" else float(label.split()[-1])] = int(size)
    return out


@pytest.mark.parametrize(
    ("sizes", "n_cov"),
    [
        ({2: 4, 3: 5, 0: 20}, 0),  # 4 < 5 warns, 5 does not
        ({2: 5, 3: 30, 0: 5}, 1),  # 5 < 6, the never treated too (not_yet: a warning only)
        ({2: 6, 3: 30, 0: 30}, 2),  # 6 < 7
    ],
)
def test_small_groups_are_named_as_csdid_names_them(sizes, n_cov):
    """The groups warned of are csdid's, with their sizes; no member id is in the message."""
    data, x = _panel(sizes, n_cov)
    expected, error = _csdid(data, n_cov, "notyettreated")
    assert error is None
    args = (data["y"].to_numpy(), data["unit"].to_numpy(), data["time"].to_numpy(),
            data["g"].to_numpy())  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        staggered_did(*args, control="not_yet", covariates=x)
    said = [str(w.message) for w in caught if issubclass(w.category, SparkusWarning)]
    small = [m for m in said if "small groups" in m]
    assert len(small) == 1
    assert _named(small[0]) == {float(g): sizes[g] for g in expected}
    assert f"below {n_cov + 5} units" in small[0]
    assert "person-" not in small[0]


def test_a_small_never_treated_group_is_refused_under_control_never():
    """4 never treated units: csdid stops under "nevertreated"; sparkus says to use not_yet."""
    sizes = {2: 10, 3: 10, 0: 4}
    data, _ = _panel(sizes, 0, seed=1)
    named, error = _csdid(data, 0, "nevertreated")
    assert named == {0.0}
    assert error is not None
    assert "too small" in error
    args = (data["y"].to_numpy(), data["unit"].to_numpy(), data["time"].to_numpy(),
            data["g"].to_numpy())  # fmt: skip
    with pytest.raises(
        EstimationError, match=r"never treated comparison group has 4 units.*'not_yet'"
    ):
        staggered_did(*args, control="never")
    with pytest.warns(SparkusWarning, match=r"small groups: never treated \(4 units\)"):
        res = staggered_did(*args, control="not_yet")
    assert np.all(np.isfinite(res.se))
