"""How the dashboard page looks, and what it may load: its stylesheet and its security policy.

The stylesheet is inline (the page loads no file), uses the system's fonts, keeps every colour
legible under the common colour blindnesses (Okabe-Ito blue and orange, greys of 4.5:1 on
white) and lays the page out again for print. The Content-Security-Policy forbids every fetch,
so a browser refuses a request even if one slipped into the page.
"""

from __future__ import annotations

from typing import Final

__all__ = ["CSP", "CSS"]

CSS: Final = """
:root { color-scheme: light; --ink: #1a1a1a; --muted: #595959; --rule: #d0d0d0;
  --blue: #0072b2; --orange: #d55e00; --light: #d9e6f2; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 32px 48px; color: var(--ink);
  background: #fff; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
  Arial, sans-serif; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 36px 0 8px; border-bottom: 2px solid var(--rule);
  padding-bottom: 4px; }
h3 { font-size: 1.05rem; margin: 20px 0 6px; }
p { margin: 4px 0 10px; max-width: 72ch; }
.meta, .note, caption { color: var(--muted); }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
  gap: 12px; margin: 12px 0; }
.tiles div { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; }
.tiles dt { color: var(--muted); font-size: 0.85rem; }
.tiles dd { margin: 2px 0 0; font-size: 1.5rem; font-weight: 600;
  font-variant-numeric: tabular-nums; }
.figure { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 24px;
  align-items: start; }
.figure.stacked { grid-template-columns: 1fr; gap: 8px; }
.figure.stacked .chart { max-width: 760px; }
@media (max-width: 900px) { .figure { grid-template-columns: 1fr; } }
.chart { width: 100%; height: auto; font-size: 12px; }
.chart text { fill: var(--ink); }
.chart .tick, .chart .axis-label { fill: var(--muted); }
.chart .note { fill: var(--muted); font-style: italic; }
.chart .grid { stroke: #ececec; }
.chart .axis { stroke: #9a9a9a; }
.chart .reference { stroke: #555; stroke-dasharray: 4 3; }
.chart .line { fill: none; stroke-width: 2.5; }
.chart .active { stroke: var(--blue); fill: var(--blue); }
.chart polyline.active { fill: none; }
.chart .enrolled { stroke: #767676; stroke-dasharray: 6 4; }
.chart .due { fill: var(--light); }
.chart .completed { fill: var(--blue); }
.chart .key-completed { fill: var(--blue); font-weight: 600; }
.chart .key-due { fill: #4d7ea8; font-weight: 600; }
.chart .ci { stroke: var(--orange); stroke-width: 3; }
.chart .estimate { fill: var(--orange); stroke: #fff; stroke-width: 1; }
table { border-collapse: collapse; width: 100%; font-size: 0.88rem;
  font-variant-numeric: tabular-nums; margin: 4px 0 12px; }
caption { text-align: left; font-size: 0.85rem; padding-bottom: 4px; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e4e4e4; text-align: right;
  vertical-align: top; }
th:first-child, td:first-child, .text { text-align: left; }
thead th { border-bottom: 2px solid var(--rule); }
tr.suppressed td { color: var(--muted); font-style: italic; }
.scroll { max-height: 420px; overflow: auto; }
.headline { font-size: 1.15rem; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.85rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  section, .figure, table, svg { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .scroll { max-height: none; overflow: visible; }
  .figure { grid-template-columns: 1fr; }
}
@page { margin: 14mm; }
"""

CSP: Final = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
