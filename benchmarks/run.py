"""Benchmarks of sparkus, each against a named peer measured in the same run (see README.md).

Usage: ``python benchmarks/run.py [--quick] [--repeats N] [--only NAME]``.

The parent process imports the standard library only; every measurement runs in a fresh child
(``run.py --child CASE:SIDE``), and the two sides of a case alternate: sparkus, peer, sparkus, ...
``--repeats N`` sets the repeats of every case (default 3, and 10 for the import cases).
"""

from __future__ import annotations

import json
import statistics
import sys
from functools import partial
from pathlib import Path
from typing import Any

from _harness import Case, CaseResult, Params, Work, format_seconds, main

DRAWS = {"normal": 12, "uniform": 6, "permutation": 3}  # synthetic_org's, per person
IMPORT_TARGET_S = 0.35
JSON_OPTIONS: dict[str, Any] = {"allow_nan": False, "ensure_ascii": False}  # as sparkus.to_json
TUPLE_COLUMNS = ("languages", "focus_goals")


# -- what the children run: each setup returns the work, untimed imports and input done -------


def _org_sparkus(params: Params) -> Work:
    from sparkus.datasets import synthetic_org

    return partial(synthetic_org, params["n"], seed=0)


def _org_floor(params: Params) -> Work:
    """The raw draws of synthetic_org, of the same kinds and numbers per person, nothing else.

    Per person: 12 normals (readiness, nine items, two outcomes), 6 uniforms (site, bilingual,
    two for the focus goals, selection, kind of support), one integer (second goal), one gamma
    (tenure), and three permutations of about n (departments, spans of control, row order).
    The providers' few thousand scalar draws are left out.
    """
    import numpy as np

    rng = np.random.default_rng(0)
    n = params["n"]

    def draws() -> Any:
        return (rng.standard_normal((DRAWS["normal"], n)), rng.random((DRAWS["uniform"], n)),
                rng.integers(1, 4, n), rng.gamma(2.0, 1.0, n),
                [rng.permutation(n) for _ in range(DRAWS["permutation"])])  # fmt: skip

    return draws


def _columns_file(params: Params) -> Path:
    return Path(params["workdir"]) / "columns.pickle"


def _load_columns(params: Params) -> tuple[dict[str, Any], dict[str, tuple[float, float]]]:
    import pickle

    with _columns_file(params).open("rb") as file:
        data: dict[str, Any] = pickle.load(file)  # written by _write_columns in this run
    return data["columns"], data["scales"]


def _columns_sparkus(params: Params) -> Work:
    from sparkus.model import Population

    columns, scales = _load_columns(params)
    return partial(Population.from_columns, columns, scales=scales)


def _columns_pandas(params: Params) -> Work:
    import pandas as pd

    columns, _ = _load_columns(params)
    categories = {
        name: "category"
        for name, values in columns.items()
        if values.dtype.kind == "U" and name != "id"
    }
    return lambda: pd.DataFrame(columns).astype(categories)


def _document(n: int) -> Any:
    from sparkus.datasets import synthetic_org
    from sparkus.model import ProgramDocument

    org = synthetic_org(n, seed=0)
    return ProgramDocument(org.program, tuple(org.population.to_records()), org.providers)


def _json_sparkus(params: Params) -> Work:
    from sparkus.model import ProgramDocument, from_json, to_json

    document = _document(params["n"])
    return lambda: from_json(to_json(document), ProgramDocument)


def _json_stdlib(params: Params) -> Work:
    from sparkus.model import unstructure

    data = unstructure(_document(params["n"]))
    return lambda: json.loads(json.dumps(data, **JSON_OPTIONS))


def _write_columns(params: Params) -> None:
    """Draw the organisation once and store its columns as a realistic from_columns input."""
    import pickle

    import numpy as np

    from sparkus.datasets import synthetic_org

    population = synthetic_org(params["n"], seed=0).population
    columns: dict[str, Any] = {}
    for name, values in population.to_columns().items():
        if name in TUPLE_COLUMNS:
            columns[name] = np.array([";".join(row) for row in values.tolist()])
        elif name == "manager_id" or values.dtype != object:
            columns[name] = values  # manager_id keeps None at the top: an object array
        else:
            if any(v is None for v in values.tolist()):
                msg = f"column {name!r} has missing values; .astype(str) would write 'None'"
                raise ValueError(msg)
            columns[name] = values.astype(str)
    scales = {
        name: (1.0, 5.0) for name, column in population.schema.items() if column.scale is not None
    }
    with _columns_file(params).open("wb") as file:
        pickle.dump({"columns": columns, "scales": scales}, file, protocol=5)


# -- the cases, as the parent sees them ------------------------------------------------------


def import_notes(result: CaseResult, _params: Params, _agreement: dict[str, Any]) -> list[str]:
    samples = result.sparkus.samples
    with_scipy = sum(bool(s.extra.get("scipy_imported")) for s in samples)
    answer = "yes" if with_scipy else "no"
    runs = f"{with_scipy}/{len(samples)} runs"
    notes = [f"scipy in sys.modules after `{result.sparkus.label}`: {answer} ({runs})"]
    inside = {
        side.label: statistics.median(s.extra["in_process_seconds"] for s in side.samples)
        for side in (result.sparkus, result.peer)
    }
    notes.append(
        "the import statement alone, timed in the child: "
        + ", ".join(f"`{label}` {format_seconds(t)}" for label, t in inside.items())
        + " (the rest of the wall time is interpreter start-up, the same for both)"
    )
    if result.name == "import_sparkus":
        median = result.sparkus.median_seconds
        verdict = "met" if median <= IMPORT_TARGET_S else "MISSED"
        notes.append(
            f"`import sparkus` median {format_seconds(median)}; "
            f"target <= {IMPORT_TARGET_S} s: {verdict}"
        )
    return notes


_ORG = {"n": 1_000_000}
_ORG_QUICK = {"n": 20_000}
_IMPORT = "wall time of `python -c 'import {module}'`"
CASES = [
    Case("synthetic_org",
         "sparkus.datasets.synthetic_org({n:_}, seed=0), the whole organisation",
         _org_sparkus, _org_floor, "numpy: the same draws (floor)", _ORG, _ORG_QUICK),
    Case("from_columns",
         "Population.from_columns on {n:_} rows (unicode and object columns)",
         _columns_sparkus, _columns_pandas, "pandas DataFrame + category", _ORG, _ORG_QUICK,
         prepare=_write_columns),
    Case("json_round_trip",
         "from_json(to_json(doc), ProgramDocument), {n:_} participants",
         _json_sparkus, _json_stdlib, "stdlib json (floor)", {"n": 10_000}, {"n": 1_000}),
    Case("import_sparkus", _IMPORT, "sparkus", "numpy", "import numpy",
         {"module": "sparkus"}, {"module": "sparkus"}, repeats=10, notes=import_notes),
    Case("import_sparkus_model", _IMPORT, "sparkus.model", "numpy", "import numpy",
         {"module": "sparkus.model"}, {"module": "sparkus.model"}, repeats=10,
         notes=import_notes),
]  # fmt: skip

if __name__ == "__main__":
    sys.exit(main(CASES, title="sparkus benchmarks", doc=__doc__, script=__file__))
