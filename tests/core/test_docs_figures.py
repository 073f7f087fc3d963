"""The figures a docs page quotes in its prose come from the examples on the same page.

A page that reads its examples' output in words ("the plan costs 748,910") goes stale when the
code changes and the doctest outputs are updated but the prose is not: issue 14 found
``planning.md`` quoting 511, 1,465 euros a unit and 8 classes beside outputs that said 507.9,
1,475 and 6. Doctests keep the outputs true; this test keeps the prose true to the outputs.

Every number in a checked page's prose (outside code, inline code, tables and headings) must
appear in one of the page's examples, as the example prints it or as the prose rounds it
(``85.7%`` may be quoted as ``86%``, ``0.2098`` as ``0.21``, ``2.098e-04`` as ``0.00021``), or
in the page's example code itself (``synthetic_org(5_000)`` for "5,000 people"). Years of
citations are not figures. What a page states as a fact of the method rather than of a run
(a default, a limit) is listed below with the reason.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"

_NUMBER = re.compile(
    r"(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+|\d[\d_]*)(?:\.\d+)?(?:e[-+]?\d+)?%?", re.IGNORECASE
)
_YEAR = re.compile(r"(19|20)\d\d")

STATED: dict[str, dict[str, str]] = {
    "planning.md": {
        "1": "the default readiness modifier, a stated default",
        "0.1%": "the default `mip_rel_gap`, a stated default",
        "300": "a budget of 300: the example of float scaling, not a result",
        "1e300": "likewise",
        "1e20": "HiGHS' infinity, a fact of the solver",
        "1e-9": "the solver's tolerance, a fact of the method",
        "1e12": "the equity weights' upper limit, a rule of the contract",
        "20": "the benchmark instance's 20 pools, an input of the benchmark",
        "20,000": "the size from which the structured path is tried (STRUCTURED_FROM), a fact",
        "5": "the structured path's core per coupling row, a fact of the method",
    },
    "report.md": {"10": "the rating scale's top (0 to 10), a rule of the contract"},
    "evidence-loop.md": {
        "10": "the synthetic outcome's standard deviation in points, a fact of the simulation",
        "95%": "the intervals' stated level",
        "6,000": "the integration test's organisation size, stated there",
        "90%": "the integration test's stated share of the oracle's value",
    },
}
"""Per page, numbers its prose states as facts of the method rather than of a run."""


def _split(text: str) -> tuple[str, str]:
    """The page's prose and its code (every example's input and output), as two texts."""
    prose: list[str] = []
    code: list[str] = []
    inside = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            inside = not inside
            continue
        if inside:
            code.append(line)
        elif not line.startswith(("|", "#")):
            prose.append(line)
    words = re.sub(r"`[^`]*`", " ", "\n".join(prose))  # inline code is code, not a figure
    words = re.sub(r"\{[a-z:]+\}", " ", words)  # MyST roles
    words = re.sub(r"\]\([^)]*\)", "]", words)  # link targets
    return words, "\n".join(code)


def _value(token: str) -> float:
    return float(token.rstrip("%").replace(",", "").replace("_", ""))


def _decimals(token: str) -> int:
    body = token.rstrip("%")
    return len(body.split(".")[1]) if "." in body else 0


def _quoted(token: str, printed: list[str]) -> bool:
    """Whether `token` (from the prose) is one of the `printed` numbers, or one rounded."""
    want, places = _value(token), _decimals(token)
    percent = token.endswith("%")
    for shown in printed:
        if shown.endswith("%") != percent and percent:
            continue
        value = _value(shown)
        if math.isclose(round(value, places), want, rel_tol=0, abs_tol=10 ** -(places + 6)):
            return True
    return False


def unquoted_figures(page: str, stated: dict[str, str] | None = None) -> list[str]:
    """The numbers of `page`'s prose that none of its examples prints or uses."""
    prose, code = _split(page)
    printed = _NUMBER.findall(code)
    stated = stated or {}
    out = []
    for token in _NUMBER.findall(prose):
        if token in stated or _YEAR.fullmatch(token):
            continue
        if not _quoted(token, printed):
            out.append(token)
    return out


@pytest.mark.parametrize("name", sorted(STATED))
def test_prose_figures_come_from_the_examples(name):
    """Every figure a page's prose quotes is printed (or used) by an example on the page."""
    page = (DOCS / name).read_text(encoding="utf-8")
    assert unquoted_figures(page, STATED[name]) == []


def test_a_stale_figure_is_caught():
    """The check fails on prose that quotes a figure the output no longer prints."""
    page = (
        "The plan:\n\n```python\n>>> plan\nSupportPlan(cost=748,910 EUR, effect=507.9)\n\n```\n\n"
        "It costs 748,910 for an effect of 511, about 508 rounded.\n"
    )
    assert unquoted_figures(page) == ["511"]


def test_rounding_and_code_inputs_count_as_quoted():
    """A figure the prose rounds from the output, or takes from the example's code, is quoted."""
    page = (
        "```python\n>>> org = synthetic_org(5_000)\n>>> m\n85.7% 0.2098 2.098e-04\n\n```\n\n"
        "Of 5,000 people it keeps 86%, 0.21 per 1,000 (0.00021 per euro), as Smith (2016) said.\n"
    )
    assert unquoted_figures(page, {"1,000": "a unit of money, stated"}) == []


def test_the_planning_page_had_stale_figures():
    """The figures issue 14 found in planning.md's prose are each caught by the check."""
    page = (DOCS / "planning.md").read_text(encoding="utf-8")
    _, code = _split(page)
    for stale in ("511", "1,465", "12.9", "67,570"):
        assert unquoted_figures(f"```\n{code}\n```\n\nA figure: {stale}.\n") == [stale]
