"""The command-line failures listed in issue 12, each answered without a traceback.

Exit statuses: 0 success, 1 internal error, 2 usage, 3 bad input data, 4 infeasible,
5 estimation impossible.
"""

from __future__ import annotations

import csv
import json
import re

import pytest

from tests.cli.csv_rows import read_rows, write_rows


def set_cell(org, line, column, value):
    """Change one cell of people.csv (`line` counts the header as line 1)."""
    rows = read_rows(org / "people.csv")
    rows[line - 1][rows[0].index(column)] = value
    write_rows(org / "people.csv", rows)


def set_budget(org, literal):
    """Write `literal` as the program's budget, as it stands in the JSON text."""
    text = (org / "program.json").read_text()
    text, count = re.subn(r'"budget": [0-9.]+', f'"budget": {literal}', text)
    assert count == 1
    (org / "program.json").write_text(text)


def files(org):
    return ["--people", str(org / "people.csv"), "--program", str(org / "program.json")]


# --providers --------------------------------------------------------------------------------


def test_providers_option_reads_a_valid_file(org, run):
    """`--providers` on a valid providers file plans (it used to fail on tuple[Provider, ...])."""
    document = json.loads((org / "program.json").read_text())
    (org / "providers.json").write_text(json.dumps(document["providers"]))
    done = run("plan", *files(org), "--providers", str(org / "providers.json"))
    assert done.status == 0, done.err
    assert done.out.startswith("id,support,")


def test_providers_option_reads_a_program_document(org, run):
    """`--providers` also takes a program document and reads the providers inside it."""
    done = run("plan", *files(org), "--providers", str(org / "program.json"))
    assert done.status == 0, done.err


def test_providers_problems_are_located_by_list_index(org, run):
    """A bad provider is named by its index in the list and its field, exit 3."""
    document = json.loads((org / "program.json").read_text())
    providers = document["providers"]
    providers[1]["capacity"] = 8.5
    del providers[2]["support_type"]
    (org / "providers.json").write_text(json.dumps(providers))
    done = run("plan", *files(org), "--providers", str(org / "providers.json"))
    assert done.status == 3
    assert "providers.json, at [1].capacity: expected an integer, got float 8.5" in done.err
    assert "providers.json, at [2].support_type: required field is missing" in done.err


def test_providers_file_that_is_not_a_list(org, run):
    """A providers file holding neither a list nor a document with providers says so."""
    (org / "providers.json").write_text('{"name": "x"}')
    done = run("plan", *files(org), "--providers", str(org / "providers.json"))
    assert done.status == 3
    assert "providers.json" in done.err
    assert "a list of providers" in done.err


# CSV field limit ----------------------------------------------------------------------------


def test_csv_cell_longer_than_the_limit_is_located(org, run):
    """A cell over 131,072 characters is a data error naming its line, not a csv.Error."""
    set_cell(org, 4, "department", "x" * 200_000)
    done = run("triage", *files(org))
    assert done.status == 3
    assert "people.csv, line 4" in done.err
    assert "131,072" in done.err


# JSON depth and huge numbers ---------------------------------------------------------------


def test_json_nested_100k_deep_is_a_located_data_error(org, run):
    """JSON nested 100,000 deep is refused at the line and column where it gets too deep."""
    (org / "program.json").write_text('{"name": ' + "[" * 100_000 + "]" * 100_000 + "}")
    done = run("triage", *files(org))
    assert done.status == 3
    assert "program.json, line 1, column" in done.err
    assert "nested more than 64 deep" in done.err


def test_json_huge_number_is_a_located_data_error(org, run):
    """A 5,000-digit number is refused at its line and column (it used to be a bare ValueError)."""
    set_budget(org, "9" * 5_000)
    done = run("triage", *files(org))
    assert done.status == 3
    assert "program.json, line " in done.err
    assert "a number of 5,000 characters" in done.err


@pytest.mark.parametrize("literal", ["1e999", "-1e999", "NaN", "Infinity", "-Infinity"])
def test_json_non_finite_number_is_located(org, run, literal):
    """Numbers JSON cannot hold finitely (1e999, NaN, Infinity) are refused at their path."""
    set_budget(org, literal)
    done = run("triage", *files(org))
    assert done.status == 3
    assert "program.json, at program.budget:" in done.err
    assert "is not finite" in done.err


def test_json_duplicate_key_is_located(org, run):
    """A key given twice in one JSON object is refused, not silently overwritten."""
    set_budget(org, '1000.0, "budget": 1.0')
    done = run("triage", *files(org))
    assert done.status == 3
    assert "program.json, at program.budget: repeats a key of its object" in done.err


# evaluate --------------------------------------------------------------------------------


def evaluate(org, *more):
    return (
        "evaluate", str(org / "people.csv"), "--outcome", "outcome_post", "--pre", "outcome_pre",
        "--treated", "support=coaching", "--control", "support=none", *more,
    )  # fmt: skip


def test_evaluate_unknown_clusters_column_names_the_file_and_columns(org, run):
    """`--clusters nope` names the file and the columns it has (exit 3), not a KeyError."""
    done = run(*evaluate(org, "--clusters", "nope"))
    assert done.status == 3
    assert "people.csv: no column 'nope'" in done.err
    assert "outcome_post" in done.err  # the columns that exist


@pytest.mark.parametrize("option", ["--outcome", "--pre", "--covariates", "--treated"])
def test_evaluate_every_column_option_is_checked(org, run, option):
    """Each option naming a column is checked against the file's columns."""
    args = list(evaluate(org))
    if option in args:
        args[args.index(option) + 1] = "nope"
    else:
        args += [option, "nope"]
    done = run(*args)
    assert done.status == 3
    assert "no column 'nope'" in done.err


def test_evaluate_outcome_from_numeric_id_column(tmp_path, run):
    """`--outcome id` with numeric ids reads them as numbers (it used to raise StopIteration)."""
    rows = [["id", "group", "pre"]]
    rows += [[str(i), "a" if i % 2 else "b", str(i % 7)] for i in range(1, 41)]
    write_rows(tmp_path / "data.csv", rows)
    done = run("evaluate", str(tmp_path / "data.csv"), "--outcome", "id", "--pre", "pre",
               "--treated", "group=a")  # fmt: skip
    assert done.status == 0, done.err


def test_evaluate_outcome_text_ids_are_located(org, run):
    """`--outcome id` with text ids names the first cells that are not numbers."""
    done = run("evaluate", str(org / "people.csv"), "--outcome", "id", "--pre", "outcome_pre",
               "--treated", "support=coaching")  # fmt: skip
    assert done.status == 3
    assert "people.csv, line 2, column id: expected a number, got 'E000001'" in done.err


def test_empty_outcome_cell_is_located(org, run):
    """An empty outcome cell of a row in the analysis names its file, line and column."""
    rows = read_rows(org / "people.csv")
    support = rows[0].index("support")
    line = next(i for i, r in enumerate(rows[1:], start=2) if r[support] == "coaching")
    set_cell(org, line, "outcome_post", "")
    done = run(*evaluate(org))
    assert done.status == 3
    assert f"people.csv, line {line}, column outcome_post: empty" in done.err


def test_one_inf_cell_is_one_problem_and_keeps_the_column_numeric(org, run):
    """One `inf` outcome is one located problem; the other rows still read as numbers."""
    set_cell(org, 5, "outcome_post", "inf")
    done = run(*evaluate(org, "--control", "support=none"))
    assert done.status == 3
    problems = [line for line in done.err.splitlines() if line.startswith("  ")]
    assert problems == ["  people.csv, line 5, column outcome_post: 'inf' is not a finite number"]


def test_one_inf_cell_in_people_is_one_problem(org, run):
    """An `inf` tenure in people.csv is one located problem, not "got str" on every row."""
    set_cell(org, 3, "tenure_years", "inf")
    done = run("triage", *files(org))
    assert done.status == 3
    assert "got str" not in done.err
    problems = [line for line in done.err.splitlines() if line.startswith("  ")]
    assert problems == ["  people.csv, line 3, column tenure_years: 'inf' is not a finite number"]


def test_one_text_cell_in_a_number_column_is_one_problem(org, run):
    """A word in tenure_years is one located problem; the column stays numeric."""
    set_cell(org, 7, "tenure_years", "five")
    done = run("triage", *files(org))
    assert done.status == 3
    problems = [line for line in done.err.splitlines() if line.startswith("  ")]
    assert problems == ["  people.csv, line 7, column tenure_years: expected a number, got 'five'"]


# demo --html and synthetic ---------------------------------------------------------------


def test_demo_html_in_a_missing_folder_is_a_usage_error(tmp_path, run):
    """`demo --html no/such/dir/r.html` exits 2 naming the path and why, before any work."""
    target = tmp_path / "no" / "such" / "dir" / "r.html"
    done = run("demo", "--n", "100", "--html", str(target))
    assert done.status == 2
    assert str(target) in done.err
    assert "folder" in done.err
    assert "does not exist" in done.err


def test_synthetic_onto_an_existing_file_is_refused(tmp_path, run):
    """`synthetic existing_file` exits 2: the target is a file, not a folder."""
    (tmp_path / "existing_file").write_text("keep me")
    done = run("synthetic", str(tmp_path / "existing_file"))
    assert done.status == 2
    assert "existing_file" in done.err
    assert "not a folder" in done.err
    assert (tmp_path / "existing_file").read_text() == "keep me"


def test_synthetic_does_not_overwrite_without_force(org, run):
    """`synthetic` into a folder that holds its files refuses unless --force."""
    before = (org / "people.csv").read_text()
    done = run("synthetic", str(org), "--n", "50")
    assert done.status == 2
    assert "people.csv" in done.err
    assert "--force" in done.err
    assert (org / "people.csv").read_text() == before
    assert run("synthetic", str(org), "--n", "50", "--force").status == 0
    assert (org / "people.csv").read_text() != before


def test_out_file_is_not_overwritten_without_force(org, run):
    """An existing --out file is refused (exit 2) unless --force, and left as it was."""
    out = org / "triage.csv"
    out.write_text("keep me")
    done = run("triage", *files(org), "--out", str(out))
    assert done.status == 2
    assert "triage.csv" in done.err
    assert "--force" in done.err
    assert out.read_text() == "keep me"
    assert run("triage", *files(org), "--out", str(out), "--force").status == 0
    assert out.read_text().startswith("id,readiness")


# match --fixed ---------------------------------------------------------------------------


def test_fixed_pairs_for_people_not_in_the_plan_are_refused(org, run):
    """A --fixed pair for someone the plan does not match is an error naming them and the line."""
    plan = org / "plan.csv"
    assert run("plan", *files(org), "--out", str(plan)).status == 0
    with plan.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    outside = next(r["id"] for r in rows if r["support"] not in ("coaching", "mentoring"))
    (org / "fixed.csv").write_text(f"id,provider_id\n{outside},P0001\nNOBODY,P0001\n")
    done = run("match", *files(org), "--plan", str(plan), "--fixed", str(org / "fixed.csv"))
    assert done.status == 3
    assert f"fixed.csv, line 2, column id: {outside!r} is not matched" in done.err
    assert "fixed.csv, line 3, column id: 'NOBODY' is not matched" in done.err


def test_fixed_pairs_beyond_a_capacity_are_infeasible(org, run):
    """More fixed pairs than a provider's places: exit 4, naming the --fixed file."""
    import numpy as np

    from sparkus.cli import _files
    from sparkus.matching import candidate_matrix
    from sparkus.model import SupportType

    plan = org / "plan.csv"
    assert run("plan", *files(org), "--out", str(plan)).status == 0
    with plan.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    people = _files.read_people(org / "people.csv")
    program, providers = _files.read_program(org / "program.json")
    found = []
    for kind in (SupportType.COACHING, SupportType.MENTORING):
        members = np.array([r["support"] == kind.value for r in rows])
        candidates = candidate_matrix(
            people, providers, members=members, support_type=kind, program=program
        )
        scores = candidates.scores.tocsc()
        for j, provider in enumerate(candidates.provider_ids):
            allowed = [candidates.participant_ids[i] for i in scores[:, j].nonzero()[0]]
            if len(allowed) > candidates.capacity[j]:
                found.append((provider, allowed))
    provider, allowed = found[0]
    lines = "".join(f"{pid},{provider}\n" for pid in allowed)
    (org / "fixed.csv").write_text("id,provider_id\n" + lines)
    done = run("match", *files(org), "--plan", str(plan), "--fixed", str(org / "fixed.csv"))
    assert done.status == 4
    assert "infeasible: the pairs of fixed.csv:" in done.err


# exit statuses ---------------------------------------------------------------------------


def test_usage_and_data_errors_exit_differently(org, run):
    """An unknown option exits 2; a bad value in a file exits 3."""
    assert run("triage", *files(org), "--nope").status == 2
    set_cell(org, 2, "level", "intern")
    assert run("triage", *files(org)).status == 3


# CSV injection ---------------------------------------------------------------------------


def test_formula_ids_are_escaped_in_output_csv(org, run):
    """Ids a spreadsheet would run as formulas are written quoted with a leading '."""
    rows = read_rows(org / "people.csv")
    ids = {r[0] for r in rows[1:]}
    evil = {'=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)"}
    old = sorted(i for i in ids if not any(r[rows[0].index("manager_id")] == i for r in rows))
    renamed = dict(zip(old, sorted(evil), strict=False))
    for row in rows[1:]:
        row[0] = renamed.get(row[0], row[0])
    write_rows(org / "people.csv", rows)
    out = org / "triage.csv"
    done = run("triage", *files(org), "--out", str(out))
    assert done.status == 0, done.err
    text = out.read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(""http://x"",""y"")",' in text
    for escaped in ("'+1", "'-1", "'@SUM(A1)"):
        assert f'\n"{escaped}",' in text
    # numbers stay numbers: negative values of numeric columns are not escaped
    with out.open(newline="", encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert {r["id"][1:] for r in written} >= evil
    assert all(not r["sessions"].startswith("'") for r in written)


def test_escaped_ids_read_back_as_written(org, run):
    """An escaped id in a plan CSV is read back as the id it stands for (plan then match)."""
    rows = read_rows(org / "people.csv")
    manager = rows[0].index("manager_id")
    leaf = next(r[0] for r in rows[1:] if not any(x[manager] == r[0] for x in rows[1:]))
    for row in rows[1:]:
        if row[0] == leaf:
            row[0] = "=1+1"
    write_rows(org / "people.csv", rows)
    plan = org / "plan.csv"
    assert run("plan", *files(org), "--out", str(plan)).status == 0
    assert '"\'=1+1"' in plan.read_text()
    done = run("match", *files(org), "--plan", str(plan))
    assert done.status == 0, done.err


def test_negative_numbers_are_not_escaped(tmp_path, run):
    """Negative utc_offset values written by `synthetic` stay plain numbers."""
    assert run("synthetic", str(tmp_path / "o"), "--n", "200").status == 0
    text = (tmp_path / "o" / "people.csv").read_text()
    assert ",-5.0," in text
    assert "'-5.0" not in text
