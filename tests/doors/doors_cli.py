"""The door table of the command line: every command, with the bad inputs it refuses.

Each case runs ``main(argv)`` in a fresh folder holding its files and checks the exit status
(2 usage, 3 bad input data, 4 infeasible, 5 estimation impossible), that the error output
names the file, line, column, JSON path or option at fault, and that no traceback is shown.
The valid files the cases start from are written by the command line itself
(``sparkus synthetic`` and ``sparkus plan``) once, when this module is imported.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile
from pathlib import Path

from sparkus.cli import main

from .table import Door, command


def _valid_files() -> tuple[str, str, str]:
    """people.csv, program.json and plan.csv for 120 synthetic people, as text."""
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stderr(io.StringIO()):
        folder = Path(tmp)
        assert main(["synthetic", str(folder / "org"), "--n", "120", "--seed", "3"]) == 0
        people, program = folder / "org" / "people.csv", folder / "org" / "program.json"
        args = ["--people", str(people), "--program", str(program)]
        assert main(["plan", *args, "--out", str(folder / "plan.csv")]) == 0
        return (
            people.read_text(encoding="utf-8"),
            program.read_text(encoding="utf-8"),
            (folder / "plan.csv").read_text(encoding="utf-8"),
        )


PEOPLE, PROGRAM, PLAN = _valid_files()
DOCUMENT = json.loads(PROGRAM)
PROVIDERS = DOCUMENT["providers"]
PLAN_ROWS = list(csv.DictReader(io.StringIO(PLAN)))
MENTEE = next(r["id"] for r in PLAN_ROWS if r["support"] in ("coaching", "mentoring"))
MENTEE_SUPPORT = next(r["support"] for r in PLAN_ROWS if r["id"] == MENTEE)
OUTSIDE = next(r["id"] for r in PLAN_ROWS if r["support"] not in ("coaching", "mentoring"))
OTHER_KIND = next(p["id"] for p in PROVIDERS if p["support_type"] not in (MENTEE_SUPPORT,))


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def people_with(line: int, column: str, value: str) -> str:
    """people.csv with one cell changed (`line` counts the header as line 1)."""
    rows = list(csv.reader(io.StringIO(PEOPLE)))
    rows[line - 1][rows[0].index(column)] = value
    return _csv_text(rows)


def people_without(column: str) -> str:
    rows = list(csv.reader(io.StringIO(PEOPLE)))
    index = rows[0].index(column)
    return _csv_text([[c for i, c in enumerate(row) if i != index] for row in rows])


def program_with(budget: str) -> str:
    """program.json with the budget's literal text replaced."""
    key = f'"budget": {DOCUMENT["program"]["budget"]!r}'
    assert key in PROGRAM
    return PROGRAM.replace(key, f'"budget": {budget}')


FILES = {"people.csv": PEOPLE, "program.json": PROGRAM}
ARGS = ["--people", "people.csv", "--program", "program.json"]


def files(**changed: str | bytes) -> dict[str, str | bytes]:
    """The valid files with some replaced or added (a name's dots written as ``_``)."""
    return {**FILES, **{name.replace("_", ".", 1): text for name, text in changed.items()}}


# A small data file for `evaluate`: 40 rows, treated in odd rows.
DATA_ROWS = [["id", "group", "pre", "post", "team"]] + [
    [f"p{i}", "a" if i % 2 else "b", str(i % 7), str(i % 5 + i % 3), f"t{i % 4}"] for i in range(40)
]
DATA = _csv_text(DATA_ROWS)
EVALUATE = ["evaluate", "data.csv", "--outcome", "post", "--pre", "pre", "--treated", "group=a"]


def data_with(line: int, column: str, value: str) -> str:
    rows = [list(r) for r in DATA_ROWS]
    rows[line - 1][rows[0].index(column)] = value
    return _csv_text(rows)


MAIN = Door(
    "sparkus.cli.main",
    (
        command("no command", [], 2, "COMMAND"),
        command("unknown command", ["nope"], 2, "invalid choice: 'nope'"),
        command("unknown global option", ["--nope", "demo"], 2, "--nope"),
        command("only --debug", ["--debug"], 2, "COMMAND"),
    ),
)

DEMO = Door(
    "sparkus demo",
    (
        command("--n 10**12", ["demo", "--n", "10**12"], 2, "argument --n", "20,000"),
        command("--n huge", ["demo", "--n", "1000000000000"], 2, "argument --n", "20,000"),
        command("--n too small", ["demo", "--n", "5"], 2, "argument --n", "got 5"),
        command("--n 5,000 digits", ["demo", "--n", "9" * 5000], 2, "argument --n"),
        command("--n not a number", ["demo", "--n", "many"], 2, "argument --n", "'many'"),
        command("--seed negative", ["demo", "--seed", "-1"], 2, "argument --seed"),
        command(
            "--html in a missing folder",
            ["demo", "--n", "50", "--html", "no/such/dir/r.html"],
            2,
            "no/such/dir/r.html",
            "does not exist",
        ),
        command(
            "--html names a folder",
            ["demo", "--html", "out"],
            2,
            "--html out",
            "is a folder",
            files={"out/keep.txt": "x"},
        ),
        command(
            "--html would overwrite",
            ["demo", "--html", "r.html"],
            2,
            "r.html",
            "--force",
            files={"r.html": "keep"},
        ),
        command("unknown option", ["demo", "--nope"], 2, "--nope"),
    ),
)

TRIAGE = Door(
    "sparkus triage",
    (
        command(
            "missing people file",
            ["triage", *ARGS],
            3,
            "people.csv: no such file",
            files={"program.json": PROGRAM},
        ),
        command(
            "people file is a folder",
            ["triage", "--people", "d", "--program", "program.json"],
            3,
            "d: is a folder",
            files=files(**{"d/x": ""}),
        ),
        command(
            "empty people file",
            ["triage", *ARGS],
            3,
            "people.csv: is empty",
            files=files(people_csv=""),
        ),
        command(
            "header only",
            ["triage", *ARGS],
            3,
            "people.csv: has a header but no rows",
            files=files(people_csv=PEOPLE.splitlines()[0] + "\n"),
        ),
        command(
            "binary garbage",
            ["triage", *ARGS],
            3,
            "people.csv, line 1",
            "binary",
            files=files(people_csv=bytes(range(256))),
        ),
        command(
            "latin-1",
            ["triage", *ARGS],
            3,
            "people.csv, line 2, character",
            "not UTF-8",
            files=files(people_csv=people_with(2, "department", "Café").encode("latin-1")),
        ),
        command(
            "utf-16 without BOM",
            ["triage", *ARGS],
            3,
            "people.csv",
            "NUL",
            files=files(people_csv=PEOPLE.encode("utf-16-le")),
        ),
        command(
            "duplicate header column",
            ["triage", *ARGS],
            3,
            "line 1",
            "appears twice",
            files=files(people_csv=PEOPLE.replace("tenure_years", "level", 1)),
        ),
        command(
            "missing required column",
            ["triage", *ARGS],
            3,
            "people.csv, column department: required column is missing",
            files=files(people_csv=people_without("department")),
        ),
        command(
            "one inf cell",
            ["triage", *ARGS],
            3,
            "people.csv, line 3, column tenure_years: 'inf' is not a finite number",
            files=files(people_csv=people_with(3, "tenure_years", "inf")),
        ),
        command(
            "a word in a number column",
            ["triage", *ARGS],
            3,
            "people.csv, line 4, column tenure_years: expected a number, got 'ten'",
            files=files(people_csv=people_with(4, "tenure_years", "ten")),
        ),
        command(
            "negative tenure",
            ["triage", *ARGS],
            3,
            "line 2, column tenure_years",
            files=files(people_csv=people_with(2, "tenure_years", "-3")),
        ),
        command(
            "answer off its scale",
            ["triage", *ARGS],
            3,
            "line 5, column self_motivation",
            "outside the scale",
            files=files(people_csv=people_with(5, "self_motivation", "99")),
        ),
        command(
            "unknown level",
            ["triage", *ARGS],
            3,
            "line 6, column level",
            "'intern'",
            files=files(people_csv=people_with(6, "level", "intern")),
        ),
        command(
            "cell over 131,072 characters",
            ["triage", *ARGS],
            3,
            "people.csv, line 2",
            "131,072",
            files=files(people_csv=people_with(2, "department", "x" * 140_000)),
        ),
        command(
            "unclosed quote",
            ["triage", *ARGS],
            3,
            "people.csv, line",
            "not valid CSV",
            files=files(people_csv=PEOPLE + '"E999,manager\n'),
        ),
        command(
            "program nested 100k deep",
            ["triage", *ARGS],
            3,
            "program.json, line 1",
            "nested more than 64 deep",
            files=files(program_json="[" * 100_000 + "]" * 100_000),
        ),
        command(
            "budget of 5,000 digits",
            ["triage", *ARGS],
            3,
            "program.json, line 9",
            "a number of 5,000 characters",
            files=files(program_json=program_with("9" * 5000)),
        ),
        command(
            "budget NaN",
            ["triage", *ARGS],
            3,
            "program.json, at program.budget",
            "nan is not finite",
            files=files(program_json=program_with("NaN")),
        ),
        command(
            "budget 1e999",
            ["triage", *ARGS],
            3,
            "program.json, at program.budget",
            "inf is not finite",
            files=files(program_json=program_with("1e999")),
        ),
        command(
            "budget twice",
            ["triage", *ARGS],
            3,
            "program.json, at program.budget: repeats a key of its object",
            files=files(program_json=program_with('1.0, "budget": 2.0')),
        ),
        command(
            "program not JSON",
            ["triage", *ARGS],
            3,
            "program.json, line 1, column 1: not valid JSON",
            files=files(program_json="name = 'x'"),
        ),
        command(
            "program of the wrong shape",
            ["triage", *ARGS],
            3,
            "program.json, at $: expected an object",
            files=files(program_json="[1, 2]"),
        ),
        command(
            "--out would overwrite",
            ["triage", *ARGS, "--out", "t.csv"],
            2,
            "t.csv",
            "--force",
            files=files(t_csv="keep"),
        ),
        command(
            "--out in a missing folder",
            ["triage", *ARGS, "--out", "no/t.csv"],
            2,
            "no/t.csv",
            "does not exist",
            files=FILES,
        ),
        command("missing --program", ["triage", "--people", "people.csv"], 2, "--program"),
    ),
)

_BAD_PROVIDERS = [
    dict(PROVIDERS[0], capacity=8.5),
    {k: v for k, v in PROVIDERS[1].items() if k != "support_type"},
]

PLAN_DOOR = Door(
    "sparkus plan",
    (
        command(
            "bad providers, by index",
            ["plan", *ARGS, "--providers", "p.json"],
            3,
            "p.json, at [0].capacity",
            "p.json, at [1].support_type",
            files=files(p_json=json.dumps(_BAD_PROVIDERS)),
        ),
        command(
            "providers not a list",
            ["plan", *ARGS, "--providers", "p.json"],
            3,
            "p.json",
            "a list of providers",
            files=files(p_json='{"name": "x"}'),
        ),
        command(
            "no providers",
            ["plan", *ARGS, "--providers", "p.json"],
            3,
            "p.json, at $: lists no providers",
            files=files(p_json="[]"),
        ),
        command(
            "repeated provider id",
            ["plan", *ARGS, "--providers", "p.json"],
            3,
            "p.json, at [1].id",
            "repeats",
            files=files(p_json=json.dumps([PROVIDERS[0], PROVIDERS[0]])),
        ),
        command(
            "program lists no providers",
            ["plan", *ARGS],
            2,
            "lists no providers",
            "--providers",
            files=files(program_json=json.dumps(DOCUMENT["program"])),
        ),
        command(
            "a fee of 1e308",
            ["plan", *ARGS],
            3,
            "program.json, at program.cost_model.session_cost.coaching",
            "1e+15",
            files=files(program_json=PROGRAM.replace('"coaching": 320.0', '"coaching": 1e308', 1)),
        ),
        command(
            "a capacity of 2**63",
            ["plan", *ARGS, "--providers", "p.json"],
            3,
            "p.json, at [0].capacity",
            "out of range",
            files=files(p_json=json.dumps([dict(PROVIDERS[0], capacity=2**63)])),
        ),
        command("--budget nan", ["plan", *ARGS, "--budget", "nan"], 2, "argument --budget"),
        command("--budget negative", ["plan", *ARGS, "--budget", "-1"], 2, "argument --budget"),
        command(
            "--budget below the fixed cost",
            ["plan", *ARGS, "--budget", "0"],
            4,
            "infeasible",
            "budget",
            files=FILES,
        ),
    ),
)

MATCH_ARGS = [*ARGS, "--plan", "plan.csv"]

MATCH = Door(
    "sparkus match",
    (
        command(
            "plan without support column",
            ["match", *MATCH_ARGS],
            3,
            "plan.csv: no column 'support'",
            files=files(plan_csv="id\nE1\n"),
        ),
        command(
            "plan names an unknown person",
            ["match", *MATCH_ARGS],
            3,
            "plan.csv, line 2, column id: 'NOBODY' is not in the people file",
            files=files(plan_csv="id,support\nNOBODY,coaching\n"),
        ),
        command(
            "plan names an unknown support",
            ["match", *MATCH_ARGS],
            3,
            "plan.csv, line 2, column support: 'coachng'",
            files=files(plan_csv=f"id,support\n{MENTEE},coachng\n"),
        ),
        command(
            "fixed pair for someone not matched",
            ["match", *MATCH_ARGS, "--fixed", "f.csv"],
            3,
            f"f.csv, line 2, column id: {OUTSIDE!r} is not matched",
            files=files(plan_csv=PLAN, f_csv=f"id,provider_id\n{OUTSIDE},{PROVIDERS[0]['id']}\n"),
        ),
        command(
            "fixed pair with an unknown provider",
            ["match", *MATCH_ARGS, "--fixed", "f.csv"],
            3,
            "f.csv, line 2, column provider_id: 'ZZZ' is not a provider",
            files=files(plan_csv=PLAN, f_csv=f"id,provider_id\n{MENTEE},ZZZ\n"),
        ),
        command(
            "fixed provider of another support",
            ["match", *MATCH_ARGS, "--fixed", "f.csv"],
            3,
            "f.csv, line 2, column provider_id",
            "gives",
            files=files(plan_csv=PLAN, f_csv=f"id,provider_id\n{MENTEE},{OTHER_KIND}\n"),
        ),
        command(
            "fixed file without provider_id",
            ["match", *MATCH_ARGS, "--fixed", "f.csv"],
            3,
            "f.csv: no column 'provider_id'",
            files=files(plan_csv=PLAN, f_csv="id\nx\n"),
        ),
        command(
            "--load-penalty negative",
            ["match", *MATCH_ARGS, "--load-penalty", "-1"],
            2,
            "argument --load-penalty",
        ),
        command(
            "--support unknown",
            ["match", *MATCH_ARGS, "--support", "therapy"],
            2,
            "invalid choice: 'therapy'",
        ),
    ),
)

EVALUATE_DOOR = Door(
    "sparkus evaluate",
    (
        command("missing data file", EVALUATE, 3, "data.csv: no such file"),
        command(
            "header only",
            EVALUATE,
            3,
            "data.csv: has a header but no rows",
            files={"data.csv": DATA.splitlines()[0] + "\n"},
        ),
        command(
            "--clusters nope",
            [*EVALUATE, "--clusters", "nope"],
            3,
            "data.csv: no column 'nope'",
            "post",
            files={"data.csv": DATA},
        ),
        command(
            "--outcome of text ids",
            ["evaluate", "data.csv", "--outcome", "id", "--pre", "pre", "--treated", "group=a"],
            3,
            "data.csv, line 2, column id: expected a number, got 'p0'",
            files={"data.csv": DATA},
        ),
        command(
            "empty outcome cell",
            EVALUATE,
            3,
            "data.csv, line 4, column post: empty",
            files={"data.csv": data_with(4, "post", "")},
        ),
        command(
            "inf outcome cell",
            EVALUATE,
            3,
            "data.csv, line 6, column post: 'inf' is not a finite number",
            files={"data.csv": data_with(6, "post", "inf")},
        ),
        command(
            "empty cluster",
            [*EVALUATE, "--clusters", "team"],
            3,
            "data.csv, line 3, column team: empty",
            files={"data.csv": data_with(3, "team", "")},
        ),
        command(
            "treatment not 0/1",
            [*EVALUATE[:-1], "group"],
            3,
            "data.csv, line 2, column group: expected 0/1",
            "--treated group=VALUE",
            files={"data.csv": DATA},
        ),
        command(
            "no treated row",
            [*EVALUATE[:-1], "group=c"],
            3,
            "no row has group=c",
            files={"data.csv": DATA},
        ),
        command(
            "aipw without covariates",
            [
                "evaluate",
                "data.csv",
                "--outcome",
                "post",
                "--treated",
                "group=a",
                "--method",
                "aipw",
            ],
            2,
            "--method aipw needs",
        ),
        command(
            "--trim out of range",
            [*EVALUATE, "--method", "aipw", "--trim", "0.7"],
            2,
            "argument --trim",
        ),
        command("unknown --method", [*EVALUATE, "--method", "magic"], 2, "'magic'"),
        command(
            "outcome is its own baseline",
            ["evaluate", "data.csv", "--outcome", "post", "--pre", "post", "--treated", "group=a"],
            5,
            "cannot estimate",
            files={"data.csv": DATA},
        ),
    ),
)

SYNTHETIC = Door(
    "sparkus synthetic",
    (
        command(
            "onto an existing file",
            ["synthetic", "f"],
            2,
            "f: is a file, not a folder",
            files={"f": "keep"},
        ),
        command(
            "would overwrite people.csv",
            ["synthetic", "org", "--n", "30"],
            2,
            "people.csv",
            "--force",
            files={"org/people.csv": "keep"},
        ),
        command(
            "--n 10**12",
            ["synthetic", "org", "--n", "1000000000000"],
            2,
            "argument --n",
            "1,000,000",
        ),
        command("--n zero", ["synthetic", "org", "--n", "0"], 2, "argument --n"),
        command("--n negative", ["synthetic", "org", "--n", "-5"], 2, "argument --n"),
        command("--seed not a number", ["synthetic", "org", "--seed", "x"], 2, "argument --seed"),
    ),
)

DOORS = [MAIN, DEMO, TRIAGE, PLAN_DOOR, MATCH, EVALUATE_DOOR, SYNTHETIC]
