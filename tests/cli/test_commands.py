"""The file commands: triage, plan, evaluate and synthetic, and their located errors."""

import csv
import json

import numpy as np
import pytest

from sparkus.cli import main
from sparkus.datasets import synthetic_org
from sparkus.metrics import ancova
from sparkus.triage import triage


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """people.csv and program.json for a small synthetic organisation."""
    directory = tmp_path_factory.mktemp("org")
    assert main(["synthetic", str(directory), "--n", "240", "--seed", "4"]) == 0
    return directory


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_synthetic_writes_people_and_program(files):
    """`sparkus synthetic` writes one CSV row per person and a program document."""
    rows = read_csv(files / "people.csv")
    assert len(rows) == 240
    document = json.loads((files / "program.json").read_text())
    assert {"program", "providers"} <= set(document)


def test_triage_file_matches_the_library(files, tmp_path):
    """`sparkus triage` writes the same levels and sessions as `triage()` on the same people."""
    out = tmp_path / "triage.csv"
    args = ["--people", str(files / "people.csv"), "--program", str(files / "program.json")]
    assert main(["triage", *args, "--out", str(out)]) == 0
    rows = read_csv(out)
    org = synthetic_org(240, seed=4)
    expected = triage(org.population, program=org.program)
    assert [r["id"] for r in rows] == expected.ids.tolist()
    assert [int(r["sessions"]) for r in rows] == expected.sessions.tolist()
    assert [r["review"] == "true" for r in rows] == expected.review.tolist()


def test_plan_file_lists_everyone_with_a_support(files, tmp_path):
    """`sparkus plan` writes one row per person; planned costs stay within the budget."""
    out = tmp_path / "plan.csv"
    args = ["--people", str(files / "people.csv"), "--program", str(files / "program.json")]
    assert main(["plan", *args, "--out", str(out)]) == 0
    rows = read_csv(out)
    assert len(rows) == 240
    budget = json.loads((files / "program.json").read_text())["program"]["budget"]
    assert sum(float(r["cost"]) for r in rows) <= budget


def test_evaluate_matches_ancova(files, capsys):
    """`sparkus evaluate --json` reports the estimate `ancova()` gives on the same rows."""
    people = files / "people.csv"
    code = main([
        "evaluate", str(people), "--outcome", "outcome_post", "--pre", "outcome_pre",
        "--treated", "support=coaching", "--control", "support=none", "--json",
    ])  # fmt: skip
    assert code == 0
    reported = json.loads(capsys.readouterr().out)
    pop = synthetic_org(240, seed=4).population
    support = pop.decode("support").astype(str)
    keep = np.isin(support, ["coaching", "none"])
    expected = ancova(
        pop["outcome_post"][keep], pop["outcome_pre"][keep], support[keep] == "coaching"
    )
    assert reported["estimate"] == pytest.approx(expected.estimate, rel=1e-12)
    assert reported["se"] == pytest.approx(expected.se, rel=1e-12)


def test_bad_level_is_reported_with_file_line_and_column(files, tmp_path, capsys):
    """A bad value in the people CSV is reported as file, line and column, exit status 3."""
    lines = (files / "people.csv").read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("level")] = "intern"
    lines[3] = ",".join(cells)
    bad = tmp_path / "people.csv"
    bad.write_text("\n".join(lines) + "\n")
    code = main(["triage", "--people", str(bad), "--program", str(files / "program.json")])
    assert code == 3
    err = capsys.readouterr().err
    assert "people.csv, line 4, column level: 'intern' is not one of" in err


def test_ragged_csv_names_the_line(tmp_path, files, capsys):
    """A row with too many cells is named by its line before anything is read."""
    bad = tmp_path / "people.csv"
    bad.write_text("id,level\nE1,manager\nE2,manager,extra\n")
    assert main(["triage", "--people", str(bad), "--program", str(files / "program.json")]) == 3
    assert "people.csv, line 3: 3 cells, but the header has 2" in capsys.readouterr().err


def test_bad_program_json_names_the_path(tmp_path, files, capsys):
    """A malformed program names each offending field of the JSON document."""
    program = tmp_path / "program.json"
    program.write_text('{"name": 3}')
    assert main(["triage", "--people", str(files / "people.csv"), "--program", str(program)]) == 3
    err = capsys.readouterr().err
    assert "program.json, at name: expected a string, got int 3" in err
    assert "program.json, at budget: required field is missing" in err


def test_invalid_json_gives_line_and_column(tmp_path, files, capsys):
    """Text that is not JSON is reported with its line and column."""
    program = tmp_path / "program.json"
    program.write_text('{"name": }')
    assert main(["triage", "--people", str(files / "people.csv"), "--program", str(program)]) == 3
    assert "program.json, line 1, column 10: not valid JSON" in capsys.readouterr().err


def test_evaluate_rejects_a_non_binary_treatment(files, capsys):
    """A treatment column that is not 0/1 is refused, naming the line and the fix."""
    code = main(["evaluate", str(files / "people.csv"), "--outcome", "outcome_post",
                 "--pre", "outcome_pre", "--treated", "support"])  # fmt: skip
    assert code == 3
    err = capsys.readouterr().err
    assert "line 2, column support: expected 0/1 or true/false" in err
    assert "--treated support=VALUE" in err


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """Files for an organisation large enough that the plan gives coaching and mentoring."""
    directory = tmp_path_factory.mktemp("large")
    assert main(["synthetic", str(directory), "--n", "1500", "--seed", "2"]) == 0
    return directory


@pytest.fixture(scope="module")
def plan_file(large):
    """The plan `sparkus plan` writes for the large organisation."""
    out = large / "plan.csv"
    args = ["--people", str(large / "people.csv"), "--program", str(large / "program.json")]
    assert main(["plan", *args, "--out", str(out)]) == 0
    return out


def test_match_places_every_planned_participant_within_capacity(large, plan_file, tmp_path):
    """`sparkus match` lists each planned mentee once, and no mentor gets more than capacity."""
    out = tmp_path / "matches.csv"
    args = ["--people", str(large / "people.csv"), "--program", str(large / "program.json")]
    assert main(["match", *args, "--plan", str(plan_file), "--out", str(out)]) == 0
    rows = read_csv(out)
    planned = [r["id"] for r in read_csv(plan_file) if r["support"] in ("coaching", "mentoring")]
    assert sorted(r["id"] for r in rows) == sorted(planned)
    assert planned
    document = json.loads((large / "program.json").read_text())
    capacity = {p["id"]: p["capacity"] for p in document["providers"]}
    load: dict[str, int] = {}
    for r in rows:
        if r["provider_id"]:
            load[r["provider_id"]] = load.get(r["provider_id"], 0) + 1
        else:
            assert r["reason"]
    assert all(load[p] <= capacity[p] for p in load)


def test_match_keeps_a_fixed_pair(large, plan_file, tmp_path):
    """A pair chosen beforehand (--fixed) is kept and marked as fixed."""
    first = tmp_path / "first.csv"
    args = ["--people", str(large / "people.csv"), "--program", str(large / "program.json"),
            "--plan", str(plan_file)]  # fmt: skip
    assert main(["match", *args, "--out", str(first)]) == 0
    rows = read_csv(first)
    # Choose, for the first mentee, a mentor other than the one the solver picked.
    mentee = next(r for r in rows if r["support"] == "mentoring")
    mentors = sorted({r["provider_id"] for r in rows if r["support"] == "mentoring"} - {""})
    other = next(m for m in mentors if m != mentee["provider_id"])
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(f"id,provider_id\n{mentee['id']},{other}\n")
    second = tmp_path / "second.csv"
    assert main(["match", *args, "--fixed", str(fixed), "--out", str(second)]) == 0
    row = next(r for r in read_csv(second) if r["id"] == mentee["id"])
    assert (row["provider_id"], row["fixed"]) == (other, "true")


def test_match_rejects_a_plan_naming_unknown_people(files, tmp_path, capsys):
    """A plan row whose id is not among the people is named by its line."""
    plan = tmp_path / "plan.csv"
    plan.write_text("id,support\nNOBODY,coaching\n")
    args = ["--people", str(files / "people.csv"), "--program", str(files / "program.json")]
    assert main(["match", *args, "--plan", str(plan)]) == 3
    assert "plan.csv, line 2, column id: 'NOBODY' is not in the people file" in (
        capsys.readouterr().err
    )


def test_evaluate_aipw_matches_the_library(files, capsys):
    """`--method aipw` reports what `aipw()` gives on the same rows and covariates."""
    from sparkus.metrics import aipw

    code = main([
        "evaluate", str(files / "people.csv"), "--outcome", "outcome_post", "--pre", "outcome_pre",
        "--covariates", "self_motivation", "--treated", "support=mentoring",
        "--control", "support=none", "--method", "aipw", "--json",
    ])  # fmt: skip
    assert code == 0
    reported = json.loads(capsys.readouterr().out)
    pop = synthetic_org(240, seed=4).population
    support = pop.decode("support").astype(str)
    keep = np.isin(support, ["mentoring", "none"])
    design = {
        "outcome_pre": pop["outcome_pre"][keep],
        "self_motivation": pop["self_motivation"][keep],
    }
    expected = aipw(pop["outcome_post"][keep], support[keep] == "mentoring", design)
    assert reported["estimate"] == pytest.approx(expected.estimate, rel=1e-12)
