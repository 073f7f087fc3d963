"""The demo's fairness audits: told that the triage publishes the total selected, they say
which hidden group that total exposes, and the text report shows it."""

from __future__ import annotations

import json

from sparkus.cli import main


def test_the_demos_audits_know_the_published_total_and_say_what_it_exposes(capsys):
    """Each audit assumes the total is known; every exposure is named in the text report."""
    assert main(["demo", "--n", "300", "--seed", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    audits = report["triage"]["audits"]
    assert all(a["total_known"] for a in audits.values())
    # the Executive Office is the CEO alone: the triage's total, less the published
    # departments, gives their selection, and the audit says so rather than hide a department
    assert "Executive Office" in audits["department"]["exposed"]
    assert main(["demo", "--n", "300", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    for a in audits.values():
        for g in a["exposed"]:
            assert f"not protected: {g}:" in out
