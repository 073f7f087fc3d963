"""Make ``messy_export.csv``: a seeded, realistic HRIS export of 200 people, and its truth.

The export is what a people-analytics team gets from an HR system: other column names
(``Employee ID``, ``Job Level``, ``Hire Date``, ``Q1 Motivation (self)``), levels and
departments spelled many ways (``"Senior Leader"``, ``"senior-leader"``, ``"IC"``,
``"SALES"``, ``"Ops"``), ids with stray spaces, hire dates instead of tenure, a blank
manager at the top, blank teams and about 4% blank survey answers.

:func:`truth` returns the clean columns the export was made from (what
:meth:`sparkus.model.Population.from_columns` takes, with every survey answer), and
:func:`blanks` which survey answers the export leaves blank; the tests read the export back
with :meth:`~sparkus.model.Population.from_frame` and compare it with them. Run this file to
write the export next to it::

    python docs/examples/make_messy_export.py

The seed, the size and ``AS_OF`` are fixed, so the file is the same on every machine.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import numpy as np

SEED = 14
N = 200
AS_OF = dt.date(2025, 6, 30)
"""The day on which the export was taken: tenure is measured on it."""

HERE = Path(__file__).resolve().parent
PATH = HERE / "messy_export.csv"

DEPARTMENTS = ("Sales", "R&D", "Operations", "Finance", "People")
SITES = ("Oslo", "Lima", "Paris")
ITEMS = {  # sparkus column: the export's column (the default instrument's nine items)
    "self_motivation": "Q1 Motivation (self)",
    "self_openness": "Q2 Openness (self)",
    "self_awareness": "Q3 Self-awareness (self)",
    "self_responsibility": "Q4 Responsibility (self)",
    "self_time_capacity": "Q5 Time for development (self)",
    "self_prior_development": "Q6 Prior development (self)",
    "manager_openness": "M1 Openness (manager)",
    "manager_support": "M2 Support (manager)",
    "manager_motivation": "M3 Motivation (manager)",
}
COLUMNS = {  # sparkus field: the export's column
    "id": "Employee ID",
    "level": "Job Level",
    "department": "Dept",
    "team": "Team",
    "manager_id": "Reports To",
    "tenure_years": "Hire Date",
    "site": "Site",
    **ITEMS,
}
LABELS = {  # each department once: labels match without regard to case, spaces, separators
    "department": {
        "Sales": "Sales", "R&D": "R&D", "Operations": "Operations", "Ops": "Operations",
        "Finance": "Finance", "People": "People", "People & Culture": "People", "HR": "People",
        "Board": "Board",
    },
}  # fmt: skip
MISSING = dict.fromkeys(ITEMS, "carry")

_LEVEL_SPELLINGS = {
    "executive": ("Executive", "EXEC", "executive"),
    "senior_leader": ("Senior Leader", "senior-leader", "SENIOR_LEADER", "Senior leadership"),
    "manager": ("Manager", "manager", "MANAGER", "People Manager"),
    "individual_contributor": ("IC", "Individual Contributor", "individual_contributor", "ic"),
}
_DEPARTMENT_SPELLINGS = {
    "Sales": ("Sales", "sales", "SALES", " Sales"),
    "R&D": ("R&D", "r&d", "R & D"),
    "Operations": ("Operations", "operations", "Ops"),
    "Finance": ("Finance", "FINANCE"),
    "People": ("People", "People & Culture", "HR"),
    "Board": ("Board", "board"),
}
_BLANK_SHARE = 0.04


def _people(rng: np.random.Generator) -> dict[str, list[Any]]:
    """The organisation: one executive, 6 senior leaders, 30 managers, the rest ICs."""
    n_senior, n_managers = 6, 30
    ids = [f"E{i:04d}" for i in range(1, N + 1)]
    level = (["executive"] + ["senior_leader"] * n_senior + ["manager"] * n_managers
             + ["individual_contributor"] * (N - 1 - n_senior - n_managers))  # fmt: skip
    manager: list[str | None] = [None]
    department = ["Board"]
    team: list[str | None] = [None]
    for i in range(1, N):
        if level[i] == "senior_leader":
            boss = 0
            department.append(DEPARTMENTS[(i - 1) % len(DEPARTMENTS)])
        elif level[i] == "manager":
            boss = int(rng.integers(1, 1 + n_senior))
            department.append(department[boss])
        else:
            boss = int(rng.integers(1 + n_senior, 1 + n_senior + n_managers))
            department.append(department[boss])
        manager.append(ids[boss])
        if level[i] == "senior_leader":
            team.append(None)
        else:
            own = i if level[i] == "manager" else boss
            team.append(None if rng.random() < 0.05 else f"T{own:03d}")
    first, last = dt.date(1995, 1, 1).toordinal(), dt.date(2024, 12, 31).toordinal()
    hired = [dt.date.fromordinal(int(d)) for d in rng.integers(first, last + 1, size=N)]
    columns: dict[str, list[Any]] = {
        "id": ids,
        "level": level,
        "department": department,
        "team": team,
        "manager_id": manager,
        "hire_date": hired,
        "site": [SITES[int(k)] for k in rng.integers(0, len(SITES), size=N)],
    }
    for item in ITEMS:
        columns[item] = [float(v) for v in rng.integers(1, 6, size=N)]
    return columns


def _made() -> tuple[dict[str, list[Any]], dict[str, list[bool]], list[list[str]]]:
    rng = np.random.default_rng(SEED)
    people = _people(rng)
    blank = {item: (rng.random(N) < _BLANK_SHARE).tolist() for item in ITEMS}
    rows = []
    for i in range(N):
        pid = people["id"][i] + (" " if rng.random() < 0.05 else "")
        boss = people["manager_id"][i]
        row = {
            "Employee ID": pid,
            "Job Level": str(rng.choice(_LEVEL_SPELLINGS[people["level"][i]])),
            "Dept": str(rng.choice(_DEPARTMENT_SPELLINGS[people["department"][i]])),
            "Team": people["team"][i] or "",
            "Reports To": boss or "",
            "Hire Date": people["hire_date"][i].isoformat(),
            "Site": people["site"][i],
        }
        for item, name in ITEMS.items():
            row[name] = "" if blank[item][i] else str(int(people[item][i]))
        rows.append([row[name] for name in _HEADER])
    return people, blank, rows


_HEADER = ("Employee ID", "Job Level", "Dept", "Team", "Reports To", "Hire Date", "Site",
           *ITEMS.values())  # fmt: skip


def truth() -> dict[str, list[Any]]:
    """The clean columns the export was made from, every survey answer included.

    Tenure is the whole days from the hire date to :data:`AS_OF` over 365.25 days a year.
    """
    people, _, _ = _made()
    clean = {k: v for k, v in people.items() if k != "hire_date"}
    clean["tenure_years"] = [(AS_OF - d).days / 365.25 for d in people["hire_date"]]
    return clean


def blanks() -> dict[str, list[bool]]:
    """Per survey item, which rows the export leaves blank."""
    return _made()[1]


def export_text() -> str:
    """The export as CSV text (comma-separated, a header row, ``\\n`` line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_HEADER)
    writer.writerows(_made()[2])
    return out.getvalue()


if __name__ == "__main__":
    PATH.write_text(export_text(), encoding="utf-8", newline="")
    print(f"wrote {PATH} ({N} people)")  # noqa: T201 (a script says what it wrote)
