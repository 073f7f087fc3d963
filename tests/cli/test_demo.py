"""The sparkus command line: the demo report, its JSON, and bad arguments."""

import json
import subprocess
import sys

from sparkus.cli import main
from sparkus.cli._demo_text import render_report


def run_json(capsys, *args):
    assert main(["demo", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_demo_json_has_every_section(capsys):
    """The JSON report carries the organisation, providers, program, triage and truth."""
    report = run_json(capsys, "--n", "400", "--seed", "3")
    assert set(report) == {
        "organisation", "providers", "program", "readiness_instrument", "triage", "planning",
        "matching", "impact", "tracking", "evidence_loop", "ground_truth",
    }  # fmt: skip
    assert report["organisation"]["n"] == 400
    assert sum(report["triage"]["counts"].values()) == 400


def test_demo_is_reproducible(capsys):
    """The same --n and --seed give the same report, exactly."""
    first = run_json(capsys, "--n", "300", "--seed", "9")
    second = run_json(capsys, "--n", "300", "--seed", "9")
    assert first == second


def test_demo_never_shows_a_small_group(capsys):
    """No published audit group and no outcome cell is smaller than the minimum group size."""
    report = run_json(capsys, "--n", "300", "--seed", "1")
    minimum = report["program"]["min_group_size"]
    for audit in report["triage"]["audits"].values():
        assert all(count >= minimum for count in audit["counts"].values())
        if audit["suppressed"]:
            assert audit["n"] is None
    for row in report["ground_truth"]["effects"]:
        assert row["n"] is None or row["n"] >= minimum


def test_text_report_names_the_naive_bias(capsys):
    """The text report compares the naive difference with the true effect."""
    assert main(["demo", "--n", "500"]) == 0
    out = capsys.readouterr().out
    assert "naive difference" in out
    assert "Fairness audit by department" in out


def test_bad_n_is_a_clear_error(capsys):
    """A headcount below 20 exits with status 2 and says why on stderr."""
    assert main(["demo", "--n", "5"]) == 2
    assert "argument --n: expected a whole number from 20 to 20,000, got 5" in (
        capsys.readouterr().err
    )


def test_console_entry_point_runs():
    """`python -m sparkus demo --help` explains the demo."""
    done = subprocess.run(
        [sys.executable, "-m", "sparkus", "demo", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "synthetic organisation" in done.stdout


def test_progress_bar_goes_to_stderr_only(capsys):
    """With --progress the bar is drawn on stderr; stdout holds only the JSON report."""
    assert main(["demo", "--n", "200", "--json", "--progress"]) == 0
    captured = capsys.readouterr()
    json.loads(captured.out)
    assert captured.err.rstrip().endswith("s")
    assert "done" in captured.err.splitlines()[-1]


def test_demo_adjusted_estimates_cover_the_truth_and_naive_does_not(capsys):
    """On the demo's organisation the naive difference misses the truth; ANCOVA and AIPW cover it.

    Effects differ between people (issue 15), so each estimate is held to what it targets: AIPW
    (estimand ATT) and the naive difference to the treated's mean true gain, ANCOVA to its
    Frisch-Waugh-Lovell weighted mean of the treated's gains; both differ from the ATE.
    """
    report = run_json(capsys)
    effects = report["impact"]["effects"]
    assert {r["support_type"] for r in effects} == {"coaching", "mentoring"}
    for r in effects:
        att = r["true_att"]
        assert not r["naive"]["ci"][0] <= att <= r["naive"]["ci"][1]
        for method, truth in (("ancova", r["ancova_target"]), ("aipw", att)):
            low, high = r[method]["ci"]
            assert low <= truth <= high, (r["support_type"], method)
    coaching = next(r for r in effects if r["support_type"] == "coaching")
    assert coaching["true_att"] > 1.5 * coaching["true_effect"]  # the coached gain most


def test_demo_matches_within_capacity(capsys):
    """Every planned coaching and mentoring participant is assigned or listed with a reason."""
    report = run_json(capsys, "--n", "1500", "--seed", "2")
    for a in report["matching"]["assignments"]:
        assert a["assigned"] + sum(a["unassigned"].values()) == a["participants"]
        assert a["assigned"] <= a["places"]
        assert 0.0 <= a["mean_compatibility"] <= 1.0


def test_demo_writes_a_self_contained_html_dashboard(capsys, tmp_path):
    """`--html` writes the dashboard as one HTML file that references nothing outside it."""
    path = tmp_path / "dashboard.html"
    report = run_json(capsys, "--n", "600", "--seed", "5", "--html", str(path))
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page
    assert "https://" not in page
    assert report["tracking"]["html"] == str(path)
    assert report["tracking"]["totals"]["participants"] > 0
    # issue 14: the ANCOVA's p-value is shown (it was "p" and a dash), with its plain-words note, the
    # ROI's assumptions beside the ROI, and support types as words
    coaching = next(r for r in report["impact"]["effects"] if r["support_type"] == "coaching")
    pvalue = coaching["ancova"]["pvalue"]
    assert 0 <= pvalue <= 1
    assert "p \N{EN DASH}" not in page
    assert ("p &lt; 0.001" if pvalue < 0.001 else f"p = {pvalue:.3f}") in page
    assert "adjusted for prior scores" in page
    assert "What this ROI assumes" in page
    assert "self_guided_reflection" not in page
    assert "self-guided reflection" in page


def test_demo_runs_on_the_smallest_organisations(capsys):
    """The demo runs end to end on 20 and 60 people, where most groups are suppressed."""
    for n in ("20", "60"):
        report = run_json(capsys, "--n", n, "--seed", "1")
        assert report["organisation"]["n"] == int(n)
        assert report["planning"]["scenarios"]


def _refuse_constant(name):
    raise AssertionError(f"{name} in the JSON report")


def test_demo_json_never_holds_nan(capsys):
    """A tiny organisation where nobody is matched reports null, not NaN (invalid JSON)."""
    for seed in (0, 1, 2):
        assert main(["demo", "--n", "20", "--seed", str(seed), "--json"]) == 0
        report = json.loads(capsys.readouterr().out, parse_constant=_refuse_constant)
        for row in report["matching"]["assignments"]:
            if row["assigned"] == 0:
                assert row["mean_compatibility"] is None


def test_demo_tells_the_evidence_loop(capsys):
    """The loop's section: season one evaluated, priors updated, season two three ways, rollout."""
    assert main(["demo", "--json", "--n", "1500", "--seed", "2"]) == 0
    captured = capsys.readouterr()
    assert "SparkusWarning" not in captured.err  # overlap warnings are in the report, as text
    report = json.loads(captured.out)
    loop = report["evidence_loop"]
    assert set(loop) == {"features", "season_one", "priors", "season_two", "rollout", "notes"}
    assert {"evaluation", "overlap_concerns", "people", "supported", "outcome_sd"} == set(
        loop["season_one"]
    )
    assert [p["plan"] for p in loop["season_two"]["plans"]] == [
        "by readiness", "by predicted benefit", "oracle",
    ]  # fmt: skip
    budget = loop["season_two"]["budget"]
    assert all(p["cost"] <= budget for p in loop["season_two"]["plans"])
    assert loop["season_two"]["plans"][2]["share_of_oracle"] == 1.0
    assert {r["support_type"] for r in loop["priors"]} <= {
        r["support_type"] for r in loop["season_one"]["evaluation"]
    }
    assert loop["rollout"]["waves"] == 3
    assert sum(loop["rollout"]["wave_sizes"]) == loop["rollout"]["participants"]
    simulated = loop["rollout"]["simulated"]
    assert abs(simulated["att"] - simulated["true_att"]) < 4 * simulated["att_se"]
    assert 0 < simulated["randomization_p"] <= 1
    text = render_report(report)  # what `sparkus demo` prints, from the same report
    assert "Evidence loop" in text
    assert "Updated priors" in text
    assert "of oracle" in text
    assert "The same budget buys" in text
    assert "whole teams randomised to 3 waves" in text
    assert "staggered DiD simple ATT" in text
    assert "randomisation p-value" in text


def test_demo_loop_is_skipped_with_a_reason_on_a_tiny_organisation(capsys):
    """Where too few people had a support for the model's folds, the loop says so and stops."""
    report = run_json(capsys, "--n", "60", "--seed", "1")
    assert "too few people" in report["evidence_loop"]["skipped"]
    assert main(["demo", "--n", "60", "--seed", "1"]) == 0
    assert "skipped:" in capsys.readouterr().out
