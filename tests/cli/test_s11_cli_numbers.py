"""Every number an option takes is read by the one rule for numbers written as text.

The options read their numbers with Python's ``float()`` and ``int()``, which take PEP 515
underscores and the digits of other scripts: ``--budget 1_000`` planned with 1000 and
``--seed 1_000`` seeded with 1000, where :func:`sparkus._labels.number` (the CSV reader's
rule) refuses ``1_000`` as no number. Each option now refuses them, with ``nan`` and ``inf``,
in one line naming the option and the value.
"""

from __future__ import annotations

import pytest

# (command and its positional arguments, option, a value in range spelled with "_", and one
# spelled in fullwidth digits)
OPTIONS = [
    (["plan"], "--budget", "1_000", "\uff11\uff10"),
    (["evaluate", "data.csv"], "--trim", "0.2_5", "\uff10.\uff12"),
    (["match"], "--load-penalty", "1_0", "\uff11\uff10"),
    (["synthetic", "out"], "--n", "1_000", "\uff11\uff10\uff10"),
    (["synthetic", "out"], "--seed", "1_000", "\uff11\uff10"),
    (["demo"], "--n", "1_000", "\uff11\uff10\uff10"),
    (["demo"], "--seed", "1_000", "\uff11\uff10"),
]


@pytest.mark.parametrize(("command", "option", "grouped", "fullwidth"), OPTIONS)
def test_an_option_refuses_numbers_no_spreadsheet_writes(
    run, command, option, grouped, fullwidth, tmp_path, monkeypatch
):
    """`--budget 1_000`, fullwidth digits, `nan` and `inf` exit 2 naming the option and value."""
    monkeypatch.chdir(tmp_path)  # code that read the value would write `out` here
    for value in (grouped, fullwidth, "nan", "inf"):
        done = run(*command, option, value)
        assert done.status == 2, (option, value)
        assert done.err.count("\n") == 1, done.err
        assert f"sparkus {command[0]}: error: argument {option}: expected " in done.err
        assert value in done.err
