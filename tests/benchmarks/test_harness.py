"""The benchmark harness skips a case whose peer is not installed, and fails a broken one.

CI runs every ``benchmarks/*.py`` once with ``--quick`` (``nox -s bench_quick``) in whatever
environment it has: a peer missing there must skip its case with a note, while a case broken
by a change (an error, or a module of sparkus itself missing) must still fail the run. The
scripts here are tiny stand-ins that import only the standard library, so the test is fast.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
from _harness import missing_peer

SCRIPT = """
import os
import sys
from pathlib import Path

from _harness import Case, main


def ours(params):
    return lambda: sum(range(1000))


def peer_present(params):
    import json  # noqa: F401
    return lambda: sum(range(1000))


def peer_absent(params):
    import sparkus_no_such_peer.sub  # noqa: F401
    return lambda: None


def broken(params):
    raise RuntimeError("the peer is broken")


def check_absent(params):
    import sparkus_no_such_peer  # noqa: F401
    return {}


PEER = {"present": peer_present, "absent": peer_absent, "broken": broken}
CASES = [
    Case("kept", "sum", ours, peer_present, "json", {"n": 1}, {"n": 1}),
    Case("gone", "sum", ours, PEER[os.environ["STANDIN_PEER"]], "missing peer", {"n": 1}, {"n": 1}),
    Case("gone_check", "sum", ours, peer_present, "json", {"n": 1}, {"n": 1},
         check=check_absent),
]

if __name__ == "__main__":
    sys.exit(main(CASES, title="t", doc="a stand-in", script=__file__,
                  results=Path(os.environ["STANDIN_RESULTS"])))
"""


def _run(tmp_path: Path, peer: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    script = tmp_path / "bench_standin.py"
    script.write_text(SCRIPT)
    results = tmp_path / "results"
    env = {
        **os.environ,
        "PYTHONPATH": str(BENCHMARKS),
        "STANDIN_PEER": peer,
        "STANDIN_RESULTS": str(results),
    }
    argv = [sys.executable, str(script), "--quick"]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120, check=False)
    return done, results


def _record(results: Path) -> dict[str, Any]:
    (path,) = results.glob("*.json")
    record: dict[str, Any] = json.loads(path.read_text())
    return record


def test_a_missing_peer_skips_its_case_and_the_run_passes(tmp_path: Path) -> None:
    # the peer's child (case "gone") and the check's child (case "gone_check") both miss the
    # module; the case beside them is measured as usual
    done, results = _run(tmp_path, "absent")
    assert done.returncode == 0, done.stderr
    assert "- gone: skipped: sparkus_no_such_peer is not installed" in done.stdout
    assert "- gone_check: skipped: sparkus_no_such_peer is not installed" in done.stdout
    record = _record(results)
    assert [case["name"] for case in record["cases"]] == ["kept"]
    assert set(record["skipped"]) == {"gone", "gone_check"}


def test_a_broken_peer_still_fails_the_run(tmp_path: Path) -> None:
    done, _ = _run(tmp_path, "broken")
    assert done.returncode != 0
    assert "the peer is broken" in done.stderr


@pytest.mark.parametrize(
    ("stderr", "expected"),
    [
        ("ModuleNotFoundError: No module named 'sparkus_no_such_peer'", "sparkus_no_such_peer"),
        (
            "ModuleNotFoundError: No module named 'sparkus_no_such_peer.graph'",
            "sparkus_no_such_peer",
        ),
        # sparkus and its runtime dependencies are never a peer: missing, the run is broken
        ("ModuleNotFoundError: No module named 'sparkus.nowhere'", None),
        ("ModuleNotFoundError: No module named 'scipy.nowhere'", None),
        # an installed package missing a submodule is a broken install or a typo, not a skip
        ("ModuleNotFoundError: No module named 'json.nowhere'", None),
        ("ImportError: cannot import name 'x' from 'json'", None),
        ("", None),
    ],
)
def test_which_missing_modules_count_as_a_missing_peer(stderr: str, expected: str | None) -> None:
    assert missing_peer("Traceback (most recent call last):\n" + stderr) == expected
