"""The pieces every section of the report page is built from: a section's opening and a table.

Every cell is text, escaped here, so no name from a snapshot can inject markup.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

__all__ = ["E", "html_table", "open_section"]

E = html.escape
"""HTML-escape a text (quotes included)."""


def open_section(section: str, heading: str) -> str:
    """The start of a section of the page: its element and its heading, linked for readers."""
    return (
        f'<section id="{section}" aria-labelledby="{section}-heading">'
        f'<h2 id="{section}-heading">{heading}</h2>'
    )


def html_table(
    caption: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    row_classes: Sequence[str] = (),
    text_columns: int = 1,
    scroll: bool = False,
) -> str:
    """An HTML table whose first column heads the rows; every cell is text, escaped here.

    The first `text_columns` columns hold words (left-aligned), the others figures.
    """

    def align(j: int) -> str:
        return ' class="text"' if j < text_columns else ""

    head = "".join(f'<th scope="col"{align(j)}>{E(h)}</th>' for j, h in enumerate(headers))
    body = []
    for i, row in enumerate(rows):
        klass = row_classes[i] if i < len(row_classes) and row_classes[i] else ""
        cells = [f'<th scope="row">{E(row[0])}</th>']
        cells += [f"<td{align(j)}>{E(c)}</td>" for j, c in enumerate(row[1:], start=1)]
        attr = f' class="{klass}"' if klass else ""
        body.append(f"<tr{attr}>{''.join(cells)}</tr>")
    table = (
        f"<table><caption>{E(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    return f'<div class="scroll">{table}</div>' if scroll else table
