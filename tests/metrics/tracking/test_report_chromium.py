"""The HTML report in a real browser: headless Chromium renders it, and it fetches nothing.

Chromium writes a screenshot and a NetLog (its own record of every request its network stack
starts). The page must draw (a PNG of many colours, with the charts' blue in it) and must start
no request. The browser itself makes background requests (component updates, account checks)
that no flag fully silences; those carry the initiator "not an origin", while anything the page
asks for carries the page's origin (``null`` for a file) and the page's network isolation key.
A negative test feeds the same check a page with an ``https://`` image and an ``http://``
stylesheet, and the check must catch both. Every run also goes through a proxy that refuses
all connections, so nothing ever leaves the machine.

Chromium is a system package (Debian's ``chromium``), so these tests carry the ``browser``
marker: ``nox -s tests`` leaves them out and installs nothing outside its environment, and
``nox -s browser`` runs them (``.ci/run`` installs Chromium first). Run directly without the
browser, they skip, except where ``SPARKUS_REQUIRE_BROWSER`` or ``CI`` is set: then they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sparkus.metrics import write_html
from tests.metrics.tracking._dashboard_fixture import dashboard_snapshot

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1280, 2000
BLUE = (0x00, 0x72, 0xB2)  # the report's bars and lines

# Quieten the browser's own background traffic; the check does not rely on these flags.
_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--no-sandbox",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-pings",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--hide-scrollbars",
    # A proxy that refuses every connection: whatever is asked for, nothing leaves.
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)


def _chromium() -> str:
    """The chromium executable; skip without it, except in CI, where that is a failure."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    msg = "chromium is not installed: `apt-get install -y chromium` (Debian), then `nox -s browser`"
    if os.environ.get("SPARKUS_REQUIRE_BROWSER") or os.environ.get("CI"):
        pytest.fail(f"the browser test must run here, but {msg}")
    pytest.skip(msg)


def _open(page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Open `page` in headless Chromium with a fresh profile and a NetLog in `tmp_path`."""
    command = [
        _chromium(),
        *_FLAGS,
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--log-net-log={tmp_path / 'netlog.json'}",
        *extra,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=True)


def _page_requests(netlog: Path, page: Path) -> list[str]:
    """The URLs of every request the page started, from Chromium's NetLog."""
    log: dict[str, Any] = json.loads(netlog.read_text(encoding="utf-8"))
    assert log["events"], "the NetLog recorded nothing: the check would prove nothing"
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params", {})
        if event["type"] != start or "url" not in params:
            continue
        from_browser = params.get("initiator") == "not an origin"
        isolation = str(params.get("network_isolation_key", ""))
        if not from_browser or "file://" in isolation:
            urls.append(params["url"])
    return [url for url in urls if url != page.as_uri()]


def _screenshot(page: Path, tmp_path: Path) -> tuple[Path, list[str]]:
    shot = tmp_path / "page.png"
    _open(page, tmp_path, f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}")
    return shot, _page_requests(tmp_path / "netlog.json", page)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    return write_html(dashboard_snapshot(), tmp_path / "report.html")


def test_report_renders_in_chromium_and_requests_nothing(report, tmp_path):
    """Chromium draws the report (a full-size, many-coloured screenshot) and fetches nothing."""
    from PIL import Image

    shot, requests = _screenshot(report, tmp_path)
    assert requests == []
    with Image.open(shot) as image:
        assert image.size == (WIDTH, HEIGHT)
        colours = image.convert("RGB").getcolors(maxcolors=WIDTH * HEIGHT)
    assert colours is not None
    assert len(colours) > 50  # text, tables and charts, not a blank or single-colour page
    counts = {colour: n for n, colour in colours}
    assert counts.get(BLUE, 0) > 2_000  # the SVG charts were drawn: the funnel's solid bars
    assert counts.get((255, 255, 255), 0) > WIDTH * HEIGHT // 2  # and the page is mostly white


def test_report_dom_is_whole_in_chromium(report, tmp_path):
    """Chromium parses the whole page: every section and chart reaches its DOM."""
    dom = _open(report, tmp_path, "--dump-dom").stdout
    for section in ("totals", "engagement", "funnel", "groups", "impact", "roi", "suppressed"):
        assert f'<section id="{section}"' in dom
    assert dom.count("<svg") == 6
    assert "</html>" in dom


def test_network_check_catches_a_page_that_fetches(tmp_path):
    """The check is real: a page with an https image and an http stylesheet is caught."""
    page = tmp_path / "leaky.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>leaky</title>'
        '<link rel="stylesheet" href="http://example.org/style.css"></head><body>'
        '<h1>A page that fetches</h1><img src="https://example.invalid/pixel.png" alt="">'
        "</body></html>",
        encoding="utf-8",
    )
    _, requests = _screenshot(page, tmp_path)
    assert "https://example.invalid/pixel.png" in requests
    assert "http://example.org/style.css" in requests


def test_report_sections_of_the_setup_render_in_chromium(tmp_path):
    """Budget and plan, triage, matching and fairness: drawn in a screenshot, whole in the DOM."""
    from PIL import Image

    from sparkus.datasets import synthetic_org
    from sparkus.triage import audit, triage
    from tests.metrics.tracking.test_report_sections import _Assignment, _Plan

    org = synthetic_org(300, seed=2)
    triaged = triage(org.population, program=org.program)
    audits = {"level": audit(triaged.sessions > 0, org.population.decode("level").astype(str))}
    page = write_html(dashboard_snapshot(), tmp_path / "sections.html", plan=_Plan(),
                      triage=triaged, matching={"coaching": _Assignment()},
                      audit=audits)  # fmt: skip
    shot, requests = _screenshot(page, tmp_path)
    assert requests == []
    with Image.open(shot) as image:
        assert image.size == (WIDTH, HEIGHT)
        colours = image.convert("RGB").getcolors(maxcolors=WIDTH * HEIGHT)
    assert colours is not None
    assert len(colours) > 50
    (tmp_path / "netlog.json").unlink()
    dom = _open(page, tmp_path, "--dump-dom").stdout
    for section in ("triage", "plan", "matching", "fairness"):
        assert f'<section id="{section}"' in dom
    assert "Budget and plan" in dom
    assert "People by readiness level" in dom
    assert "Placements by support type" in dom
    assert "Selection for human sessions by level" in dom
    assert "</html>" in dom
