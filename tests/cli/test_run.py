"""``sparkus run``: the example folder runs, and its tables agree with the Python path."""

from __future__ import annotations

import csv
import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest

from sparkus.model import (
    CostModel,
    Goal,
    Population,
    Program,
    Provider,
    Season,
    default_journey,
    structure,
)
from tests.cli.csv_rows import read_rows, write_rows

DOCS_EXPORT = Path(__file__).parents[2] / "docs" / "examples" / "messy_export.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _python_path(folder: Path):
    """The walkthrough's Python path, on the example's own settings (independent of the CLI)."""
    pd = pytest.importorskip("pandas")
    from sparkus.matching import assign, candidate_matrix, plan_support
    from sparkus.model import schedule_journeys
    from sparkus.triage import triage

    config = tomllib.loads((folder / "program.toml").read_text(encoding="utf-8"))
    export = config["export"]
    people = Population.from_frame(
        pd.read_csv(folder / export["path"]),
        columns=export["columns"],
        labels=export["labels"],
        missing=export["missing"],
        as_of=export["as_of"],
        scales=dict.fromkeys(export["missing"], (1, 5)),
    )
    section = config["program"]
    costs = structure(config["costs"], CostModel)
    goals, season = tuple(map(Goal, section["goals"])), Season(section["season"])
    program = Program(section["name"], goals, season, float(section["budget"]),
                      section["currency"], costs, default_journey(season, goals))  # fmt: skip
    providers = structure(
        json.loads((folder / config["providers"]["path"]).read_text()), tuple[Provider, ...]
    )
    triaged = triage(people, program=program, missing="review")
    plan = plan_support(people, triaged, program, providers)
    start = dt.datetime.combine(section["start"], dt.time(), tzinfo=dt.UTC)
    schedule = schedule_journeys(program.journey, **plan.enrolled(), start=start,
                                 excess="truncate")  # fmt: skip
    pairs = {}
    for support in ("coaching", "mentoring"):
        members = [s is not None and s.value == support for s in plan.support]
        candidates = candidate_matrix(people, providers, members=members, support_type=support,
                                      program=program)  # fmt: skip
        pairs.update(assign(candidates).pairs())
    return people, triaged, plan, schedule, pairs


def test_example_runs_and_agrees_with_python(run, tmp_path):
    """`run --example` then `run program.toml` writes every table; the numbers are the library's."""
    folder = tmp_path / "example"
    assert run("run", "--example", str(folder)).status == 0
    # the example is the walkthrough's: the same export and providers as docs/examples
    assert (folder / "messy_export.csv").read_bytes() == DOCS_EXPORT.read_bytes()
    providers = DOCS_EXPORT.with_name("providers.json").read_bytes()
    assert (folder / "providers.json").read_bytes() == providers
    done = run("run", str(folder / "program.toml"))
    assert done.status == 0, done.err
    out = folder / "results"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["people.csv", "triage.csv", "plan.csv", "matching.csv", "journeys.csv", "report.html"]
    )
    people, triaged, plan, schedule, pairs = _python_path(folder)
    assert [r["id"] for r in _rows(out / "people.csv")] == people["id"].tolist()
    triage_rows = _rows(out / "triage.csv")
    assert sum(r["review"] == "true" for r in triage_rows) == int(triaged.review.sum()) == 102
    plan_rows = _rows(out / "plan.csv")
    supports = [None if s is None else s.value for s in plan.support]
    assert [r["support"] or None for r in plan_rows] == supports
    assert sum(float(r["cost"]) for r in plan_rows) == pytest.approx(float(plan.cost.sum()))
    assert sum(s is not None for s in supports) == 128  # the plan's summary: supported=128
    journeys = _rows(out / "journeys.csv")
    assert [r["id"] for r in journeys] == list(schedule.ids)
    assert len(journeys) == 128
    assert {r["start"] for r in journeys} == {"2026-01-05T00:00:00"}
    matched = {r["participant"]: r["provider"] or None for r in _rows(out / "matching.csv")}
    assert matched == pairs
    # the assignment reaches the journeys: each matched person's journey names their provider,
    # everyone else's names none
    on_journeys = {r["id"]: r["provider"] or None for r in journeys}
    assert {p: on_journeys[p] for p in matched} == matched
    assert all(on_journeys[p] is None for p in on_journeys if p not in matched)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Lead 2026" in html
    assert "read messy_export.csv: 200 people; carried as missing: 71 cells" in done.err


def test_run_again_needs_force(run, tmp_path):
    """A second run refuses to overwrite its tables without --force, then with it succeeds."""
    folder = tmp_path / "ex"
    assert run("run", "--example", str(folder)).status == 0
    assert run("run", str(folder / "program.toml"), "--out", str(tmp_path / "o")).status == 0
    again = run("run", str(folder / "program.toml"), "--out", str(tmp_path / "o"))
    assert again.status == 2
    assert "--force" in again.err
    assert run("run", str(folder / "program.toml"), "--out", str(tmp_path / "o"),
               "--force").status == 0  # fmt: skip
    assert run("run", "--example", str(folder)).status == 2


def test_without_providers_matching_is_skipped(run, tmp_path):
    """No providers file: no matching table, and a line saying matching was skipped."""
    folder = tmp_path / "ex"
    assert run("run", "--example", str(folder)).status == 0
    program = folder / "program.toml"
    text = program.read_text(encoding="utf-8").replace('path = "providers.json"', "")
    program.write_text(text.replace("[providers]\n", ""), encoding="utf-8")
    done = run("run", str(program))
    assert done.status == 0, done.err
    assert "matching: skipped" in done.err
    assert not (folder / "results" / "matching.csv").exists()
    assert (folder / "results" / "journeys.csv").exists()


@pytest.mark.parametrize(
    ("old", "new", "names"),
    [
        ("budget = 40_000", 'budget = "lots"', ["program.toml", "program.budget", "'lots'"]),
        ('season = "spring"', 'season = "monsoon"', ["program.season", "monsoon"]),
        ("coaching = 250", "coaching = -5", ["costs.session_cost.coaching", "out of range"]),
        ("start = 2026-01-05", 'start = "soon"', ["program.start", "'soon'"]),
        ('id = "Employee ID"', 'id = "Emp ID"', ["export.columns.id", "no column 'Emp ID'"]),
        ("tenure_years =", "tenure =", ["export.columns.tenure", "tenure_years"]),
        ("[output]", "[outputs]", ["outputs", "not a key", "program, costs, export"]),
        ("as_of = 2025-06-30", "as_of = 7", ["export.as_of", "got 7"]),
    ],
)
def test_bad_program_file_exits_2_naming_file_and_key(run, tmp_path, old, new, names):
    """A bad program file exits with 2, naming the file, the key and the reason."""
    folder = tmp_path / "ex"
    assert run("run", "--example", str(folder)).status == 0
    program = folder / "program.toml"
    text = program.read_text(encoding="utf-8")
    assert old in text
    program.write_text(text.replace(old, new, 1), encoding="utf-8")
    done = run("run", str(program))
    assert done.status == 2
    for name in names:
        assert name in done.err, done.err


def test_bad_export_cell_exits_3_at_its_line(run, tmp_path):
    """A level no spelling matches is a data problem (3), named by file and column."""
    folder = tmp_path / "ex"
    assert run("run", "--example", str(folder)).status == 0
    export = folder / "messy_export.csv"
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace("Senior Leader", "Wizard", 1)
    export.write_text("".join(lines), encoding="utf-8")
    done = run("run", str(folder / "program.toml"))
    assert done.status == 3
    assert "messy_export.csv, column Job Level" in done.err
    assert "Wizard" in done.err


def test_people_csv_of_a_run_reads_back_as_a_people_file(run, tmp_path, org_files):
    """`sparkus run`'s people.csv is a people file: `triage --people` reads the same people."""
    from sparkus.cli._files import read_people
    from sparkus.cli._program_file import read_program_file
    from sparkus.cli._run import _read_export
    from sparkus.triage import default_instrument

    folder = tmp_path / "ex"
    assert run("run", "--example", str(folder)).status == 0
    export = folder / "messy_export.csv"
    rows = read_rows(export)
    first_answer = rows[0].index("Q1 Motivation (self)")
    rows[0] += ["Languages", "Goals"]
    languages = ["en;fr", "", "de", "fr ; en"]
    goals = ["leadership_development;team_collaboration", "", "", "leadership_development"]
    for i, row in enumerate(rows[1:]):
        # every survey answer given: a people file takes no blank answers
        row[first_answer:] = [cell or "3" for cell in row[first_answer:]]
        row += [languages[i % 4], goals[i % 4]]
    write_rows(export, rows)
    program = folder / "program.toml"
    text = program.read_text(encoding="utf-8")
    mapping = '[export.columns]  # sparkus field = "the export\'s column"\n'
    assert mapping in text
    program.write_text(
        text.replace(mapping, mapping + 'languages = "Languages"\nfocus_goals = "Goals"\n'),
        encoding="utf-8",
    )
    done = run("run", str(program))
    assert done.status == 0, done.err
    people = folder / "results" / "people.csv"
    written = _rows(people)
    assert [r["languages"] for r in written[:4]] == ["en;fr", "", "de", "fr;en"]
    assert written[0]["focus_goals"] == "leadership_development;team_collaboration"
    ran, _ = _read_export(read_program_file(program))
    scales = {item.column: item.scale for item in default_instrument().items}
    assert read_people(people, scales=scales) == ran
    triaged = run("triage", "--people", str(people), "--program", str(org_files / "program.json"))
    assert triaged.status == 0, triaged.err
    assert [r["id"] for r in csv.DictReader(triaged.out.splitlines())] == ran["id"].tolist()
