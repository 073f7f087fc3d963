"""Tests of the dashboard's HTML report and matplotlib figures, rendered from a snapshot."""

from __future__ import annotations

import html
import math
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.metrics import (
    plot_engagement,
    plot_funnel,
    plot_progress,
    render_html,
    write_html,
)
from tests.metrics.tracking._dashboard_fixture import dashboard_snapshot

EVIL = "<script>alert(1)</script>"
DASH = "\N{EN DASH}"


class _Page(HTMLParser):
    """Reads a page into its tags, ids, text, tables (by caption) and SVG charts."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "line", "circle", "rect",
                      "polyline", "path"})  # fmt: skip

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._in_caption = False
        self.feed(page)
        self.close()
        assert not self.stack, f"unclosed tags: {self.stack}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)
        if tag == "table":
            self._table, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in {"td", "th"} and self._table is not None:
            self._cell = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        assert self.stack[-1:] == [tag], f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()
        if tag == "caption":
            self._in_caption = False
        elif tag in {"td", "th"} and self._table is not None and self._cell is not None:
            self._table[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table" and self._table is not None:
            self.tables[self._caption or ""] = self._table
            self._table = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_caption:
            self._caption = (self._caption or "") + data
        elif self._cell is not None:
            self._cell.append(data)

    def body(self, caption: str) -> list[list[str]]:
        """The rows of the table with this caption, header row left out."""
        return self.tables[caption][1:]

    def all(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.tags
            if t == tag
            and all((a.get(k.rstrip("_")) or "").split().count(v) for k, v in attrs.items())
        ]


@pytest.fixture
def snapshot() -> dict[str, Any]:
    return dashboard_snapshot()


@pytest.fixture
def page(snapshot: dict[str, Any]) -> str:
    return render_html(snapshot)


@pytest.fixture
def parsed(page: str) -> _Page:
    return _Page(page)


# -- structure ------------------------------------------------------------------------------


def test_page_is_a_well_formed_html_document(page, parsed):
    """The page is one HTML5 document in English with a title, every tag closed."""
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert page.endswith("</html>\n")
    (head,) = re.findall(r"<head>.*</head>", page, flags=re.DOTALL)
    assert head.count("<title>") == 1
    assert "<title>Leadership 2027: dashboard as of 2027-03-31</title>" in page
    assert parsed.all("meta", charset="utf-8")


def test_every_section_is_present(parsed):
    """The page has the headline, engagement, funnel, groups, impact, ROI and suppressed sections."""
    ids = [a["id"] for a in parsed.all("section")]
    assert ids == ["totals", "engagement", "funnel", "groups", "impact", "roi", "suppressed"]


def test_headline_figures_are_formatted(page):
    """Counts take thousands separators, rates percentages, NPS a sign, ratings two decimals."""
    tiles = dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", page))
    assert tiles == {
        "Participants": "1,200",
        "Active (last 14 days)": "830",
        "Participation rate": "69.2%",
        "Completion rate": "41.0%",
        "Overdue steps": "95",
        "Mean session rating": "4.30",
        "Net promoter score": "+38",
    }


def test_engagement_table_lists_every_date(parsed, snapshot):
    """The engagement table has one row per date with active, enrolled and their ratio."""
    rows = parsed.body("Engagement by date")
    assert len(rows) == len(snapshot["engagement"]["series"]) == 12
    assert rows[0] == ["2027-01-04", "210", "300", "70.0%"]
    assert rows[-1] == ["2027-03-22", "830", "1,200", "69.2%"]


def test_funnel_table_and_bars_agree_with_the_snapshot(parsed, page):
    """The funnel has a row per step, and the completed bar is completed/due of the due bar."""
    rows = parsed.body("Completion by step")
    assert rows[0] == ["kickoff_webinar", "kickoff webinar", "1,200", "1,100", "91.7%", "2.0"]
    assert rows[-1] == ["checkpoint", "checkpoint", "300", "95", "31.7%", DASH]
    due = [float(a["width"] or "nan") for a in parsed.all("rect", class_="due")]
    done = [float(a["width"] or "nan") for a in parsed.all("rect", class_="completed")]
    assert len(due) == len(done) == 6
    assert due[0] == max(due)  # the biggest step spans the plot
    assert done[0] / due[0] == pytest.approx(1100 / 1200, abs=1e-3)
    assert due[3] / due[0] == pytest.approx(900 / 1200, abs=1e-3)
    assert "1,100 of 1,200 (91.7%)" in page


def test_engagement_chart_draws_a_point_per_date(parsed):
    """The active line has one vertex per date; enrolled is drawn as its own line."""
    (active,) = parsed.all("polyline", class_="active")
    (enrolled,) = parsed.all("polyline", class_="enrolled")
    assert len((active["points"] or "").split()) == 12
    assert len((enrolled["points"] or "").split()) == 12
    assert len(parsed.all("circle", class_="active")) == 12


def test_a_null_count_breaks_the_engagement_line(snapshot):
    """A null active count leaves a gap: two line segments, no vertex for that date."""
    snapshot["engagement"]["series"][5]["active"] = None
    parsed = _Page(render_html(snapshot))
    lines = parsed.all("polyline", class_="active")
    assert [len((a["points"] or "").split()) for a in lines] == [5, 6]
    assert parsed.body("Engagement by date")[5] == ["2027-02-08", DASH, "1,200", DASH]


def test_group_tables_show_figures_and_suppressed_cells(parsed):
    """Each grouping has a table; suppressed cells are rows that say so and show no figure."""
    rows = parsed.body("Figures by department")
    assert rows[0] == [
        "Sales",
        "240",
        "170",
        "70.8%",
        "44.0%",
        "4.40",
        "+41",
        "3.10 (2.20 to 4.00)",
    ]
    assert rows[3] == ["Finance", "216", "150", "69.4%", "40.0%", DASH, DASH, DASH]
    assert rows[4] == ["Legal", *["suppressed"] * 7]
    assert rows[5] == ["Facilities", *["suppressed"] * 7]
    assert [r[0] for r in parsed.body("Figures by level")] == [
        "executive",
        "manager",
        "individual contributor",
    ]


def test_progress_chart_marks_each_group(parsed):
    """The progress chart has a dot per estimate and says 'suppressed' or 'no estimate' otherwise."""
    text = "".join(parsed.text)
    # department: 3 estimates; level: 3; impact: 1; ROI: 1.
    assert len(parsed.all("circle", class_="estimate")) == 8
    assert len(parsed.all("line", class_="ci")) == 8
    assert text.count("suppressed") >= 2 + 2 * 7
    assert "no estimate" in text


def test_suppressed_cells_are_listed_with_reasons(parsed, page):
    """The suppressed section lists every suppressed cell with its grouping and reason."""
    assert parsed.body("Suppressed cells") == [
        ["department", "Legal", "all", "3 participants, fewer than 5"],
        ["department", "Facilities", "all", "complementary: protects Legal"],
    ]
    assert "2 cells withheld to protect individuals (minimum group size 5)" in page


def test_impact_and_roi_are_shown_with_their_intervals(parsed, page):
    """The impact estimate and ROI appear with their intervals, levels, n and p-value."""
    assert parsed.body("Impact estimate") == [
        ["ANCOVA", "3.90", "2.10 to 5.70", "4,000", "< 0.001"]
    ]
    assert (
        "ANCOVA: estimated effect 3.90, adjusted for prior scores (95% confidence interval 2.10 "
        "to 5.70), n = 4,000, p &lt; 0.001." in page
    )
    assert parsed.body("Return on investment") == [
        ["ROI (EUR)", "120%", "40.0% to 210%", "2.20 : 1"]
    ]
    assert "Return on investment 120% (90% interval 40.0% to 210%)" in page


def test_missing_impact_and_roi_are_said_not_invented(snapshot):
    """Without impact and ROI the page says there is no estimate and has no ROI section."""
    del snapshot["roi"]
    snapshot["impact"] = None
    parsed = _Page(render_html(snapshot))
    assert [a["id"] for a in parsed.all("section")] == [
        "totals", "engagement", "funnel", "groups", "impact", "suppressed",
    ]  # fmt: skip
    assert "This snapshot has no impact estimate." in "".join(parsed.text)


def test_null_figures_render_as_a_dash(snapshot):
    """A null figure is an en dash, never 'None', 'nan' or 0."""
    snapshot["totals"].update(mean_rating=None, nps=None, participation_rate=None)
    snapshot["impact"].update(estimate=None, ci=None, pvalue=None)
    page = render_html(snapshot)
    tiles = dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", page))
    assert tiles["Mean session rating"] == tiles["Net promoter score"] == DASH
    assert tiles["Participation rate"] == DASH
    assert _Page(page).body("Impact estimate") == [["ANCOVA", DASH, DASH, "4,000", "not available"]]
    assert "p \N{EN DASH}" not in page  # a missing p-value is left out of the sentence
    assert not re.search(r"\b(None|nan|NaN)\b", page)


def test_empty_parts_render_a_note(snapshot):
    """No dates, no steps, no groups and nothing suppressed each render a short note."""
    snapshot["engagement"]["series"] = []
    snapshot.update(funnel=[], groups={}, suppressed=[])
    page = render_html(snapshot)
    for note in ("No engagement data yet.", "No journey steps are due yet.",
                 "This snapshot has no groupings.", "No cell was suppressed."):  # fmt: skip
        assert note in page
    assert "<svg" in page  # the impact and ROI charts remain


def test_a_suppressed_cell_never_shows_its_figures(snapshot):
    """A cell listed as suppressed shows no figure even when the snapshot also carries one."""
    legal = dict(snapshot["groups"]["department"][0], group="Legal", participants=3, active=2,
                 mean_rating=1.23, nps=-77.0)  # fmt: skip
    snapshot["groups"]["department"].append(legal)
    page = render_html(snapshot)
    assert "1.23" not in page
    assert "-77" not in page
    rows = _Page(page).body("Figures by department")
    assert [r for r in rows if r[0] == "Legal"] == [["Legal", *["suppressed"] * 7]]


def test_suppressed_cells_of_a_grouping_with_no_published_group_get_a_table(snapshot):
    """A grouping whose every cell is suppressed still appears, with its suppressed rows."""
    snapshot["groups"]["cohort"] = []
    snapshot["suppressed"].append({"grouping": "cohort", "group": "2027-A", "reason": "4 people"})
    parsed = _Page(render_html(snapshot))
    assert parsed.body("Figures by cohort") == [["2027-A", *["suppressed"] * 7]]


def test_one_suppressed_figure_hides_only_that_figure(snapshot):
    """An entry with a `figure` hides that figure of a cell, the totals, a date or a step."""
    snapshot["suppressed"] += [
        {"grouping": "department", "group": "Sales", "figure": "progress", "reason": "4 pairs"},
        {"grouping": "department", "group": "Sales", "figure": "rating", "reason": "2 raters"},
        {"grouping": "total", "group": "all", "figure": "rating", "reason": "3 raters"},
        {"grouping": "engagement", "group": "2027-01-04", "reason": "3 enrolled"},
        {"grouping": "funnel", "group": "checkpoint", "reason": "due for 3"},
    ]
    page = render_html(snapshot)
    parsed = _Page(page)
    rows = parsed.body("Figures by department")
    assert rows[0] == ["Sales", "240", "170", "70.8%", "44.0%", *["suppressed"] * 3]
    tiles = dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", page))
    assert tiles["Mean session rating"] == tiles["Net promoter score"] == "suppressed"
    assert tiles["Participants"] == "1,200"
    assert parsed.body("Engagement by date")[0] == ["2027-01-04", "suppressed", "300", "suppressed"]
    assert parsed.body("Completion by step")[-1][3:] == ["suppressed"] * 3
    assert "due for 300; completions suppressed" in page
    assert "95 of 300" not in page
    assert parsed.body("Suppressed cells")[2] == ["department", "Sales", "progress", "4 pairs"]
    # no pseudo-grouping appears among the groups
    assert "Figures by total" not in parsed.tables
    assert "Figures by funnel" not in parsed.tables


def test_charts_are_accessible(parsed, page):
    """Every chart is an img with a title and a description, and a table sits beside it."""
    svgs = parsed.all("svg")
    assert len(svgs) == 6  # engagement, funnel, 2 groupings, impact, ROI
    ids = {a.get("id") for _, a in parsed.tags}
    for svg in svgs:
        assert svg["role"] == "img"
        title_id, desc_id = (svg["aria-labelledby"] or "").split()
        assert {title_id, desc_id} <= ids
    assert len(parsed.tables) >= len(svgs)
    assert page.count("<desc") == len(svgs)
    all_ids = [a["id"] for _, a in parsed.tags if a.get("id")]
    assert len(all_ids) == len(set(all_ids))


def test_page_is_print_friendly(page):
    """The stylesheet has print rules: no clipped scroll boxes, no split charts."""
    assert "@media print" in page
    assert "break-inside: avoid" in page


# -- safety: escaping and no network --------------------------------------------------------


def test_every_snapshot_string_is_escaped(snapshot):
    """Names from the snapshot are escaped wherever they appear: no tag can be injected."""
    snapshot["program"] = EVIL
    snapshot["funnel"][0]["step"] = EVIL
    snapshot["funnel"][0]["kind"] = EVIL
    snapshot["groups"]["department"][0]["group"] = EVIL
    snapshot["groups"][EVIL] = snapshot["groups"].pop("level")
    snapshot["suppressed"][0]["reason"] = EVIL
    snapshot["suppressed"][1]["group"] = EVIL.replace("1", "2")
    snapshot["impact"]["method"] = EVIL
    snapshot["roi"]["currency"] = EVIL
    page = render_html(snapshot, title=EVIL)
    assert "<script" not in page.lower()
    assert html.escape(EVIL) in page
    parsed = _Page(page)
    assert {t for t, _ in parsed.tags} <= {
        "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p",
        "time", "main", "section", "dl", "div", "dt", "dd", "svg", "desc", "line", "text",
        "polyline", "circle", "rect", "table", "caption", "thead", "tbody", "tr", "th", "td",
        "footer", "ul", "li", "strong",
    }  # fmt: skip
    assert parsed.body("Figures by department")[0][0] == EVIL


_PLAIN = _Page(render_html(dashboard_snapshot()))


@given(name=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_any_group_name_round_trips_as_text(name):
    """Any group name reads back as the same text and adds no tag or attribute to the page."""
    snapshot = dashboard_snapshot()
    snapshot["groups"]["department"][0]["group"] = name
    plain = _PLAIN
    parsed = _Page(render_html(snapshot))
    assert parsed.body("Figures by department")[0][0] == name.strip()
    assert [t for t, _ in parsed.tags] == [t for t, _ in plain.tags]
    assert [sorted(a) for _, a in parsed.tags] == [sorted(a) for _, a in plain.tags]


def test_page_references_nothing_outside_itself(page):
    """No URL, no script, no external resource: nothing the browser could fetch."""
    lowered = page.lower()
    for needle in ("http://", "https://", "//", "<script", "<link", "<img", "<iframe", "src=",
                   "href=", "url(", "@import", "xlink"):  # fmt: skip
        assert needle not in lowered, needle
    assert "default-src 'none'" in page  # and the browser is told to refuse any fetch


# -- validation -----------------------------------------------------------------------------


def _problems(snapshot: object) -> dict[str, str]:
    with pytest.raises(SchemaError) as info:
        render_html(snapshot)
    return {p.location: p.message for p in info.value.problems}


def test_wrong_schema_is_refused_first():
    """Another document, or a newer schema version, is refused before reading its fields."""
    assert list(_problems({"schema": "other", "schema_version": 1})) == ["schema"]
    problems = _problems({**dashboard_snapshot(), "schema_version": 2})
    assert list(problems) == ["schema_version"]
    assert "upgrade sparkus" in problems["schema_version"]
    assert list(_problems([1, 2])) == ["$"]


@pytest.mark.parametrize(
    ("change", "location", "fragment"),
    [
        (lambda s: s.pop("totals"), "totals", "required but missing"),
        (lambda s: s["funnel"][1].update(due="12"), "funnel[1].due", "the string '12'"),
        (lambda s: s["totals"].update(nps=math.nan), "totals.nps", "write null"),
        (lambda s: s["totals"].update(completion_rate=1.5), "totals.completion_rate", "from 0 to 1"),
        (lambda s: s["totals"].update(active=True), "totals.active", "the boolean true"),
        (lambda s: s["impact"].update(ci=[5.7, 2.1]), "impact.ci", "low 5.7 is above high"),
        (lambda s: s["roi"].update(ci=[1.0]), "roi.ci", "a pair"),
        (lambda s: s.update(as_of="2027-03-31T00:00:00"), "as_of", "no time zone"),
        (lambda s: s.update(as_of="yesterday"), "as_of", "ISO 8601"),
        (lambda s: s["engagement"]["series"][3].update(date="2027-01-04"),
         "engagement.series[3].date", "appears twice"),
        (lambda s: s["engagement"]["series"][0].update(date="4 Jan"),
         "engagement.series[0].date", "ISO date"),
        (lambda s: s.update(groups=[]), "groups", "expected an object"),
        (lambda s: s["groups"]["level"][1].pop("progress"), "groups.level[1].progress",
         "required but missing"),
        (lambda s: s["suppressed"].append("Legal"), "suppressed[2]", "expected an object"),
        (lambda s: s.update(min_group_size=0), "min_group_size", "at least 2"),
        (lambda s: s["funnel"][2].update(median_days_to_complete="1 day"),
         "funnel[2].median_days_to_complete", "expected a number or null"),
    ],
)  # fmt: skip
def test_each_problem_is_named_by_its_path(snapshot, change, location, fragment):
    """A malformed field is a SchemaError naming its path, what was expected and what arrived."""
    change(snapshot)
    problems = _problems(snapshot)
    assert list(problems) == [location]
    assert fragment in problems[location]


def test_every_problem_is_reported_at_once(snapshot):
    """Several problems in one snapshot are all reported in one error."""
    snapshot["funnel"][0].pop("due")
    snapshot["groups"]["department"][2]["nps"] = "high"
    snapshot["impact"]["n"] = -1
    assert list(_problems(snapshot)) == [
        "funnel[0].due",
        "groups.department[2].nps",
        "impact.n",
    ]


def test_unknown_keys_are_ignored(snapshot):
    """Keys the contract does not name (a newer tracker's) change nothing in the page."""
    expected = render_html(snapshot)
    snapshot["shards"] = 16
    snapshot["totals"]["sessions_held"] = 4200
    snapshot["funnel"][0]["p90_days"] = 6.0
    snapshot["groups"]["level"][0]["progress"]["se"] = 0.8
    assert render_html(snapshot) == expected


def test_a_result_with_to_json_dict_is_accepted(snapshot):
    """An object whose to_json_dict() gives the snapshot renders like the dict itself."""

    class Snapshot:
        def to_json_dict(self) -> dict[str, Any]:
            return dashboard_snapshot()

    assert render_html(Snapshot()) == render_html(snapshot)


def test_title_must_be_text(snapshot):
    """A title that is not a string is refused, naming `title`."""
    with pytest.raises(SchemaError, match="title: expected a string"):
        render_html(snapshot, title=3)  # type: ignore[arg-type]
    assert "<title>Q1 review</title>" in render_html(snapshot, title="Q1 review")


# -- determinism and files ------------------------------------------------------------------


def test_same_snapshot_gives_the_same_bytes(snapshot):
    """Rendering is deterministic and leaves the snapshot as it was."""
    first = render_html(snapshot)
    assert render_html(dashboard_snapshot()) == first
    assert snapshot == dashboard_snapshot()


def test_write_html_writes_the_rendered_page(snapshot, tmp_path):
    """write_html writes render_html's page as UTF-8 and returns the path."""
    snapshot["program"] = "Führung 2027 \N{EN DASH} Ü"
    path = write_html(snapshot, tmp_path / "report.html")
    assert path == tmp_path / "report.html"
    assert path.read_bytes() == render_html(snapshot).encode("utf-8")


def test_write_html_writes_nothing_for_a_bad_snapshot(tmp_path):
    """A snapshot that fails validation leaves no file behind."""
    with pytest.raises(SchemaError):
        write_html({"schema": "x"}, tmp_path / "report.html")
    assert not (tmp_path / "report.html").exists()


# -- matplotlib figures ---------------------------------------------------------------------


def test_importing_metrics_does_not_import_matplotlib():
    """`import sparkus.metrics` leaves matplotlib unimported (it is the optional plot extra)."""
    code = "import sys, sparkus.metrics; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.fixture(name="plt")
def pyplot_agg():
    import matplotlib as mpl

    mpl.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def test_plot_engagement_draws_both_series(plt, snapshot):
    """plot_engagement draws enrolled and active against the dates; a null is a gap."""
    snapshot["engagement"]["series"][2]["active"] = None
    _, ax = plt.subplots()
    assert plot_engagement(snapshot, ax=ax) is ax
    enrolled, active = ax.get_lines()
    assert enrolled.get_label() == "enrolled"
    assert list(enrolled.get_ydata()) == [p["enrolled"] for p in snapshot["engagement"]["series"]]
    ys = list(active.get_ydata())
    assert math.isnan(ys[2])
    assert ys[:2] + ys[3:] == [210, 455, 860, 905, 890, 870, 845, 850, 838, 826, 830]
    assert ax.get_ylim()[0] == 0
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "enrolled",
        "active (last 14 days)",
    ]


def test_plot_funnel_draws_due_and_completed_bars(plt, snapshot):
    """plot_funnel draws a due bar and a completed bar per step, first step on top."""
    _, ax = plt.subplots()
    plot_funnel(snapshot, ax=ax)
    widths = [p.get_width() for p in ax.patches]
    assert widths == [1200, 1150, 1100, 900, 700, 300, 1100, 940, 820, 610, 520, 95]
    assert ax.get_yticklabels()[0].get_text() == "kickoff_webinar"
    assert ax.yaxis_inverted()
    assert [t.get_text() for t in ax.texts][-1] == "95 of 300 (31.7%)"


def test_plot_progress_draws_estimates_intervals_and_suppressed_rows(plt, snapshot):
    """plot_progress draws each estimate with its interval and labels suppressed rows."""
    _, ax = plt.subplots()
    plot_progress(snapshot, "department", ax=ax)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Sales", "Engineering", "Operations", "Finance", "Legal", "Facilities"]
    dots, _caps, (bars,) = ax.containers[0].lines
    assert list(dots.get_xdata()) == [3.1, 3.6, 2.4]
    assert list(dots.get_ydata()) == [0, 1, 2]
    segments = [[tuple(map(float, pt)) for pt in seg] for seg in bars.get_segments()]
    assert segments == [
        [(pytest.approx(2.2), 0.0), (pytest.approx(4.0), 0.0)],
        [(pytest.approx(2.9), 1.0), (pytest.approx(4.3), 1.0)],
        [(pytest.approx(1.5), 2.0), (pytest.approx(3.3), 2.0)],
    ]
    assert [(t.get_text(), t.get_position()[1]) for t in ax.texts] == [
        ("no estimate", 3),
        ("suppressed", 4),
        ("suppressed", 5),
    ]


def test_plots_respect_suppressed_figures(plt, snapshot):
    """A suppressed progress figure or funnel step is drawn as suppressed, not as a value."""
    snapshot["suppressed"] += [
        {"grouping": "department", "group": "Sales", "figure": "progress", "reason": "4 pairs"},
        {"grouping": "funnel", "group": "checkpoint", "reason": "due for 3"},
    ]
    _, (top, bottom) = plt.subplots(2, 1)
    plot_progress(snapshot, "department", ax=top)
    assert (top.texts[0].get_text(), top.texts[0].get_position()[1]) == ("suppressed", 0)
    assert list(top.containers[0].lines[0].get_xdata()) == [3.6, 2.4]
    plot_funnel(snapshot, ax=bottom)
    assert bottom.patches[-1].get_width() == 0
    assert bottom.texts[-1].get_text() == "due for 300; completions suppressed"


def test_plot_progress_refuses_an_unknown_grouping(plt, snapshot):
    """An unknown grouping is refused with the list of the snapshot's groupings."""
    with pytest.raises(SchemaError, match="'department', 'level'"):
        plot_progress(snapshot, "site")


def test_plots_default_to_the_current_axes(plt, snapshot):
    """Without `ax`, each plot draws on the current axes and returns them."""
    _, ax = plt.subplots()
    assert plot_funnel(snapshot) is ax
    assert plot_engagement(snapshot) is ax
    assert plot_progress(snapshot, "level") is ax


def test_plots_validate_the_snapshot(plt, snapshot):
    """The plots refuse a malformed snapshot with the same SchemaError as the page."""
    snapshot["funnel"][0]["due"] = "many"
    with pytest.raises(SchemaError, match=r"funnel\[0\]\.due"):
        plot_funnel(snapshot)


def test_figures_save_as_png(plt, snapshot, tmp_path):
    """The three figures render to a PNG file (a smoke test of the whole drawing)."""
    fig, axes = plt.subplots(3, 1, figsize=(6, 8), dpi=50)
    plot_engagement(snapshot, ax=axes[0])
    plot_funnel(snapshot, ax=axes[1])
    plot_progress(snapshot, "department", ax=axes[2])
    fig.tight_layout()
    fig.savefig(tmp_path / "dashboard.png")
    assert Path(tmp_path / "dashboard.png").stat().st_size > 5_000
