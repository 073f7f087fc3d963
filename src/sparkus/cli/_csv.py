"""CSV files in and out: every cell located, numbers checked one by one, formulas escaped.

Reading keeps every cell as text with the physical line its row starts on (a quoted cell may
span lines), so any later problem names its line. A column is read as numbers when asked to,
or when every filled cell is one; then each cell that is not a finite number is one problem at
its place, and the column stays numeric.

Writing follows the OWASP rule against CSV injection: a text cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is written with a leading ``'`` and quoted, so
a spreadsheet shows it as text instead of running it. Numbers are written as numbers (``-3.5``
stays ``-3.5``). Reading undoes the escape, so ``sparkus plan``'s output reads back as the ids
it was given.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, NamedTuple, TextIO

import numpy as np
import numpy.typing as npt

from sparkus._labels import number
from sparkus.cli._exits import FileInputError, UsageError, shown
from sparkus.cli._text import read_text

__all__ = [
    "FORMULA_STARTS",
    "MAX_CELL_CHARACTERS",
    "Located",
    "Table",
    "check_output",
    "escape",
    "like_number",
    "lines_of",
    "number",
    "read_table",
    "same_file",
    "unescape",
    "write_file",
    "write_table",
]

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet read a cell as a formula (OWASP)."""

MAX_CELL_CHARACTERS: Final = 131_072
"""The longest cell read: the default limit of Python's csv module, kept on purpose."""


def escape(text: str) -> str:
    """`text` as a spreadsheet shows it as text: a leading ``'`` before a formula start.

    A text that already starts with ``'`` followed by a formula start (or another ``'``) gets
    one more, so that :func:`unescape` gives back exactly what was written.
    """
    if text.startswith(FORMULA_STARTS) or (
        text.startswith("'") and text[1:2] in (*FORMULA_STARTS, "'")
    ):
        return "'" + text
    return text


def unescape(text: str) -> str:
    """Undo :func:`escape`."""
    if text.startswith("'") and text[1:2] in (*FORMULA_STARTS, "'"):
        return text[1:]
    return text


_MARKUP: Final = re.compile(r"\s*<(?:!doctype\s+html|html|table|\?xml)\b", re.IGNORECASE)
"""The start of an HTML table or an XML spreadsheet, which some systems save as ``.xls``."""

_CODE: Final = re.compile(r"[+-]?0[0-9]+")
"""A whole number written with leading zeros: a code (``00123``), as no number is written."""

_SEP_LINE: Final = re.compile(r'"?sep=(.?)"?[ \t]*(?:\r\n|\r|\n|$)', re.IGNORECASE)
"""Excel's first line naming the delimiter (``sep=,``), which it writes and reads itself."""

_GROUPED: Final = re.compile(r"[+-]?[0-9]+(?:[,.' \u00a0\u202f][0-9]+)+")
"""A number written with a decimal comma (``3,5``) or grouped digits: ``1,234``, ``3,179.2``,
``1.234,5``, ``1 234,5`` (a space, or the no-break spaces French Excel writes), ``1'234.5``."""


def like_number(text: str) -> bool:
    """Whether `text` is a number, or one written with a decimal comma or grouped digits."""
    return number(text) is not None or _GROUPED.fullmatch(text.strip()) is not None


class Located(NamedTuple):
    """One problem at its place in a CSV file: sorted, problems follow the file's lines."""

    line: int
    """The line (0 for a problem of the whole file or column)."""
    column: str
    """The column ("" for a problem of a whole line)."""
    text: str
    """The message, starting with the file, line and column."""
    follows: bool = False
    """Whether it sums up the rows before it (``... and 180 more rows with the same problem``):
    then `line` is the last of those rows, and it comes after that line's problems of its
    column."""


def lines_of(problems: Iterable[Located]) -> list[str]:
    """The problems' messages in the order of the file.

    By line, then column; a summary of rows comes right after the last of its rows.
    """
    ordered = sorted(problems, key=lambda p: (p.line, p.column, p.follows, p.text))
    return [p.text for p in ordered]


class Table:
    """A CSV file's cells as text, column by column, with the line each row starts on.

    Attributes
    ----------
    name : str
        The file's name, as messages show it.
    cells : dict of str to list of str
        Each column's cells, stripped, with the formula escape undone.
    lines : list of int
        The line (1 is the header) on which each row starts.
    """

    def __init__(self, name: str, cells: dict[str, list[str]], lines: list[int]) -> None:
        self.name = name
        self.cells = cells
        self.lines = lines

    def __len__(self) -> int:
        return len(self.lines)

    def where(self, row: int, column: str) -> str:
        """``people.csv, line 7, column level``."""
        return f"{self.name}, line {self.lines[row]}, column {_label(column)}"

    def in_column(self, column: str) -> str:
        """``people.csv, column level``: a problem of a whole column."""
        return f"{self.name}, column {_label(column)}"

    def require(self, *names: str, why: str = "") -> None:
        """Refuse when a column is missing, listing the columns the file has."""
        missing = [name for name in names if name not in self.cells]
        if missing:
            note = self.columns_note()
            raise FileInputError(
                [f"{self.name}: no column {name!r}{why}{note}" for name in missing]
            )

    def columns_note(self) -> str:
        """The file's columns, to add to a message about one it lacks: `` (columns: id, level)``.

        A header read as one column that holds a ``;`` is first said to use it as the
        delimiter: ``; the file seems to use ';' as its delimiter: save it comma-separated``.
        """
        columns = [_label(name) for name in self.cells]
        known = ", ".join(columns[:60]) or "none"
        if len(columns) > 60:
            known += f", ... and {len(columns) - 60:,} more"
        hint = _delimiter_hint(list(self.cells))
        return (f"; {hint}" if hint else "") + f" (columns: {known})"

    def require_one_delimiter(self) -> None:
        """Refuse a file read as one column whose header holds a ``;``."""
        (name, *others) = list(self.cells) or [""]
        if not others and (hint := _delimiter_hint([name])):
            raise FileInputError([f"{self.name}: one column, {shown(name)}; {hint}"])

    def require_rows(self) -> None:
        """Refuse a file with a header and no rows."""
        if not self.lines:
            raise FileInputError([f"{self.name}: has a header but no rows"])

    def is_numeric(self, name: str) -> bool:
        """Whether every filled cell of the column is a number (finite or not), and one is.

        A column with a code written with leading zeros (``00123``, a cost centre or a postal
        code) is text: read as numbers, ``00123`` would become 123, the code of another.
        """
        filled = [cell for cell in self.cells[name] if cell]
        return (
            bool(filled)
            and all(number(cell) is not None for cell in filled)
            and not any(_CODE.fullmatch(cell) for cell in filled)
        )

    def numbers(
        self,
        name: str,
        problems: list[Located],
        *,
        rows: npt.NDArray[np.bool_] | None = None,
        required: bool = True,
    ) -> npt.NDArray[np.float64]:
        """The column as floats, NaN where a cell is not a finite number.

        Each such cell of `rows` (all rows by default) is added to `problems` at its line;
        empty cells too when `required`.
        """
        self.require(name)
        cells = self.cells[name]
        values = np.full(len(cells), math.nan)
        for i, cell in enumerate(cells):
            value = number(cell) if cell else None
            if value is not None and math.isfinite(value):
                values[i] = value
                continue
            if rows is not None and not rows[i]:
                continue
            if not cell:
                if not required:
                    continue
                message = "empty; a number is required"
            elif value is None:
                message = f"expected a number, got {shown(cell)}"
                if _GROUPED.fullmatch(cell):
                    message += ": write it with '.' as the decimal point and no thousands separator"
            else:
                message = f"{shown(cell)} is not a finite number"
                if not required:
                    message += "; leave the cell empty for a missing value"
            problems.append(self.problem(i, name, message))
        return values

    def problem(self, row: int, column: str, message: str) -> Located:
        """A problem at one cell."""
        return Located(self.lines[row], column, f"{self.where(row, column)}: {message}")

    def text(self, name: str, *, empty_is_none: bool = False) -> npt.NDArray[Any]:
        """The column as an object array of str (None for empty cells when asked)."""
        self.require(name)
        cells = self.cells[name]
        if empty_is_none:
            return np.array([cell or None for cell in cells], dtype=object)
        return np.array(cells, dtype=object)


def _label(column: str) -> str:
    """A column's name as a message shows it, each problem on one line.

    A name holding a line break or a control character (a header cell with a quoted line break)
    is quoted.
    """
    return column if column.isprintable() else repr(column)


def _delimiter(text: str) -> str:
    """A tab when the header splits into more cells at tabs than at commas, else a comma.

    Excel's "Unicode text" and "Text (Tab delimited)" and many HR systems export cells
    separated by tabs; a tab is never a decimal separator, so such a file is read as it is.
    A ``;`` is not: a file saved with it often writes numbers with a decimal comma.
    """
    counts = []
    for delimiter in (",", "\t"):
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
        except csv.Error:  # malformed quoting: named at its line when read with commas
            header = []
        counts.append(len(header))
    return "\t" if counts[1] > counts[0] else ","


def _records(text: str, name: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on; malformed quoting is a located error."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    limit = csv.field_size_limit()
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field limit" in str(error):
                msg = (
                    f"{name}, line {start}: a cell longer than {limit:,} characters, the longest "
                    "sparkus reads (an unclosed quote makes one cell of the rest of the file)"
                )
            else:
                msg = (
                    f"{name}, line {start}: not valid CSV ({error}); a cell holding a comma, "
                    'quote or line break must be quoted, with its quotes doubled ("")'
                )
            raise FileInputError([msg]) from None
        yield start, row


def _delimiter_hint(header: list[str]) -> str:
    """What to do when a header read as one column holds a ``;`` ("" if not)."""
    if len(header) == 1 and ";" in header[0]:
        return "the file seems to use ';' as its delimiter: save it comma-separated"
    return ""


def read_table(path: str | Path) -> Table:
    """A CSV file with a header row, as a :class:`Table`.

    Cells are separated by commas, or by tabs when the header splits into more cells at tabs
    (Excel's "Unicode text"); see :func:`_delimiter`. A first line ``sep=,`` (or ``sep=`` and a
    tab), which Excel writes to name the delimiter, is followed and skipped; ``sep=;`` is
    refused with the advice to save the file comma-separated. A header that ends with unnamed
    cells (a delimiter at the end of the header line alone) reads rows that stop at its last
    named column.

    Raises
    ------
    FileInputError
        A file that cannot be read (see :func:`~sparkus.cli._text.read_text`), an HTML or XML
        page (an "Excel" export some systems write), malformed CSV,
        a cell over :data:`MAX_CELL_CHARACTERS`, no header, a repeated column name, a column
        with no name that a row fills (an unnamed column no row fills, as a delimiter at the end
        of every line makes, is left out), or rows with another number of cells than the header
        (each such line named; lines above the header are named as such).
    """
    path = Path(path)
    name = path.name
    text = read_text(path)
    if _MARKUP.match(text):
        msg = (
            f"{name}: is an HTML or XML page, not CSV (some systems save their 'Excel' exports "
            "as such pages); open it in Excel and save it as 'CSV UTF-8 (Comma delimited)'"
        )
        raise FileInputError([msg])
    said = _SEP_LINE.match(text)
    if said and said.group(1) not in (",", "\t"):
        msg = (
            f"{name}, line 1: the file says its delimiter is {said.group(1)!r} ({said.group(0).strip()}); "
            "save it comma-separated"
        )
        raise FileInputError([msg])
    records = _records(text, name, said.group(1) if said else _delimiter(text))
    if said:
        next(records)  # the sep= line
    first = next(records, None)
    if first is None:
        raise FileInputError([f"{path}: is empty; expected a header row naming the columns"])
    header = [unescape(cell.strip()) for cell in first[1]]
    named_width = max((i + 1 for i, column in enumerate(header) if column), default=0)
    problems = []
    seen: dict[str, int] = {}
    for i, column in enumerate(header, start=1):
        if not column:
            continue  # named below if a row fills it
        if column in seen:
            problems.append(
                f"{name}, line {first[0]}: column {column!r} appears twice "
                f"(columns {seen[column]} and {i})"
            )
        else:
            seen[column] = i
    columns: list[list[str]] = [[] for _ in header]
    lines: list[int] = []
    uneven: list[tuple[int, int]] = []
    for line, given in records:
        if not any(cell.strip() for cell in given):
            continue  # blank lines, and rows of empty cells, are skipped
        # a row that stops at the header's last named column has none of its unnamed cells
        row = given + [""] * (len(header) - len(given)) if len(given) == named_width else given
        if [unescape(cell.strip()) for cell in row] == header:
            problems.append(
                f"{name}, line {line}: repeats the header (line {first[0]}); delete it (files "
                "joined one below the other repeat their headers)"
            )
            continue
        if len(row) != len(header):
            problems.append(
                f"{name}, line {line}: {len(row)} cells, but the header has {len(header)}"
            )
            uneven.append((line, len(row)))
            continue
        lines.append(line)
        for cells, cell in zip(columns, row, strict=True):
            cells.append(unescape(cell.strip()))
    # An unnamed column no row fills (a delimiter at the end of every line) holds nothing.
    named = [bool(column) or any(cells) for column, cells in zip(header, columns, strict=True)]
    problems[:0] = [
        f"{name}, line {first[0]}: column {i} has no name"
        for i, (column, filled) in enumerate(zip(header, named, strict=True), start=1)
        if filled and not column
    ]
    if problems:
        if hint := _delimiter_hint(header):
            problems.insert(0, f"{name}, line {first[0]}: one column, {shown(header[0])}; {hint}")
        elif note := _title_lines(name, first[0], len(header), uneven, len(lines)) or (
            _padded_title(name, first[0], header, columns, lines)
        ):
            problems.insert(0, note)
        raise FileInputError(problems)
    kept = [(c, cells) for c, cells, n in zip(header, columns, named, strict=True) if n]
    return Table(name, dict(kept), lines)


def _title_lines(name: str, line: int, width: int, uneven: list[tuple[int, int]], even: int) -> str:
    """What to do when the header has fewer cells than the rows below it ("" if not so).

    Exports often start with a title or the date of the export above the header: then the
    first line is read as the header, and every row has more cells than it.
    """
    if not uneven or even or len({n for _, n in uneven}) != 1 or uneven[0][1] <= width:
        return ""
    return (
        f"{name}, line {line}: the header has {width} cell{'s' * (width != 1)}, and every row "
        f"below it has {uneven[0][1]}: if the header is line {uneven[0][0]}, delete the lines "
        "above it (a title or the date of the export)"
    )


def _padded_title(
    name: str, line: int, header: list[str], columns: list[list[str]], lines: list[int]
) -> str:
    """What to do when a title above the header is padded to its width ("" if not so).

    Excel writes every line of a sheet with as many cells as its widest: a title in the first
    cell of the first line is then a header that names less than half of its columns. The
    first of the next rows with every cell filled in text is taken for the header.
    """
    width = len(header)
    if 2 * sum(map(bool, header)) >= width:
        return ""
    for row, at in enumerate(lines[:20]):
        cells = [column[row] for column in columns]
        if all(cells) and not any(number(cell) is not None for cell in cells):
            return (
                f"{name}, line {line}: the header names {sum(map(bool, header))} of its "
                f"{width} columns: if the header is line {at}, delete the lines above it (a "
                "title or the date of the export)"
            )
    return ""


def check_output(
    path: str | Path | None,
    *,
    force: bool,
    option: str = "--out",
    inputs: Sequence[str | Path | None] = (),
    stdout: bool = True,
) -> None:
    """Refuse, before any work, an output path that cannot be written or would be overwritten.

    ``None`` (no file: standard output, or nothing) needs no check. ``-`` means standard output
    when `stdout` is true, and is refused otherwise: ``demo --html -`` would write its page into
    the report printed there (or, before, a file named ``-`` with no ``--force``).

    Raises
    ------
    UsageError
        The folder does not exist or is not a folder, the path is a folder, the path is one of
        the command's `inputs` (even with `force`), or the file exists and `force` is false.
        A device or a pipe (``/dev/stdout``) is not a file to keep: it needs no `force`.
    """
    if path is not None and str(path) == "-" and not stdout:
        msg = f"{option} -: standard output carries the report; give the path of a file"
        raise UsageError(msg)
    if path is None or str(path) == "-":
        return
    path = Path(path)
    for given in inputs:
        if given is not None and same_file(path, Path(given)):
            raise UsageError(f"{option} {path}: is also an input ({given}); write elsewhere")
    folder = path.parent
    if not folder.exists():
        raise UsageError(f"{option} {path}: the folder {folder} does not exist; create it first")
    if not folder.is_dir():
        raise UsageError(f"{option} {path}: {folder} is not a folder")
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a folder; give a file name in it")
    if path.exists() and not path.is_file():  # a device or a pipe (/dev/stdout): none replaced
        return
    if path.exists() and not force:
        raise UsageError(f"{option} {path}: the file exists; add --force to overwrite it")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{option} {path}: the folder {folder} is not writable")


def same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file (the same path, or links to one file)."""
    try:
        return one.resolve() == other.resolve() or (
            one.exists() and other.exists() and one.samefile(other)
        )
    except (OSError, RuntimeError):  # a path that cannot be resolved: not the same file
        return False


def _cell(value: object) -> str:
    """One cell's text: numbers as numbers, text escaped and quoted where needed.

    A tuple or list (``languages``, ``focus_goals``) is its entries joined with ``;``, the
    form the people files are read in (``en;fr``; empty when there are none).
    """
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else repr(float(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, tuple | list):
        text = ";".join(str(getattr(entry, "value", entry)) for entry in value)
    else:
        text = str(getattr(value, "value", value))
    escaped = escape(text)
    if escaped != text or any(c in text for c in ',"\n\r') or text != text.strip():
        return '"' + escaped.replace('"', '""') + '"'
    return escaped


def _write(handle: TextIO, columns: Mapping[str, Iterable[object]]) -> None:
    names = list(columns)
    handle.write(",".join(_cell(name) for name in names) + "\n")
    rows = zip(*(list(columns[n]) for n in names), strict=True)
    handle.writelines(",".join(_cell(value) for value in row) + "\n" for row in rows)


def write_table(path: str | Path | None, columns: Mapping[str, Iterable[object]]) -> None:
    """Write columns as CSV to `path`, or to standard output when `path` is None or ``-``.

    A file is written whole or not at all (see :func:`write_file`). Call :func:`check_output`
    before the work that produces the columns.

    Raises
    ------
    UsageError
        When the file cannot be written (the reason from the system: disk full, ...).
    """
    if path is None or str(path) == "-":
        _write(sys.stdout, columns)
        return
    write_file(Path(path), lambda handle: _write(handle, columns))


def write_file(path: Path, write: Callable[[TextIO], object]) -> None:
    """Call `write` on a temporary file beside `path`, then rename it to `path`.

    A reader never sees half a file, and a failed run leaves an existing file as it was. A
    symbolic link is followed (the file it names is replaced, the link kept), and a path that
    is neither a file nor a folder (``/dev/stdout``, a named pipe) is written to directly: a
    rename would replace the device or the pipe itself with a file.

    Raises
    ------
    UsageError
        When the file cannot be written (the reason from the system: disk full, ...).
    """
    try:
        if path.exists() and not path.is_file():  # through a link too: /dev/stdout
            with path.open("w", newline="", encoding="utf-8") as handle:
                write(handle)
            return
        if path.is_symlink():
            path = path.resolve()
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as handle:
                write(handle)
            Path(temporary).chmod(0o666 & ~_umask())  # mkstemp's file is private (0600)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except BrokenPipeError:  # the reader of a pipe left: as on standard output (status 141)
        raise
    except OSError as error:
        raise UsageError(f"{path}: cannot be written ({error.strerror or error})") from None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
