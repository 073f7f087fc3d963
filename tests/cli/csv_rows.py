"""Reading and writing the rows of a CSV file, as the command-line tests alter their inputs."""

from __future__ import annotations

import csv
from pathlib import Path


def read_rows(path: Path) -> list[list[str]]:
    """Every row of the UTF-8 CSV file at `path`, header first."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]], delimiter: str = ",") -> None:
    """Write `rows` to `path` as UTF-8 CSV with "\\n" line ends."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\n").writerows(rows)
