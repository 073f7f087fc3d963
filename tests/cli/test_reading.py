"""Reading input files: encodings, CSV structure, JSON guards, each problem located."""

from __future__ import annotations

import codecs
import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus._json import MAX_JSON_DEPTH
from sparkus.cli import _csv, _text
from sparkus.cli._csv import escape, read_table, unescape, write_table
from sparkus.cli._exits import FileInputError
from sparkus.cli._json import read_json
from sparkus.cli._text import read_text

TEXT = "id,score\nE1,3\nE2,4\n"


def problems(call, *args):
    with pytest.raises(FileInputError) as info:
        call(*args)
    return list(info.value.lines)


# encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoded",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with its BOM, as Excel's "Unicode text"
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-32"),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16 LE with BOM", "utf-16 BE with BOM", "utf-32"],
)
def test_unicode_encodings_with_a_mark_are_read(tmp_path, encoded):
    """UTF-8 (BOM or not) and UTF-16/32 with their BOM read as the same text."""
    (tmp_path / "f.csv").write_bytes(encoded)
    assert read_text(tmp_path / "f.csv") == TEXT


def test_latin1_is_refused_at_its_line_and_character(tmp_path):
    """A Latin-1 byte is named by line and character, with how to fix the file."""
    (tmp_path / "people.csv").write_bytes("id,dept\nE1,Café\n".encode("latin-1"))
    (line,) = problems(read_text, tmp_path / "people.csv")
    assert line.startswith("people.csv, line 2, character 7: byte 0xE9 is not UTF-8")
    assert "save it as UTF-8" in line


def test_utf16_without_mark_is_refused(tmp_path):
    """UTF-16 without its BOM shows NUL characters: refused as not text."""
    (tmp_path / "f.csv").write_bytes(TEXT.encode("utf-16-le"))
    (line,) = problems(read_text, tmp_path / "f.csv")
    assert "f.csv, line 1, character 2: a NUL character" in line


def test_binary_garbage_is_refused(tmp_path):
    """Bytes that are not text are refused with the file named."""
    (tmp_path / "f.csv").write_bytes(bytes(range(256)) * 4)
    (line,) = problems(read_text, tmp_path / "f.csv")
    assert line.startswith("f.csv, line 1, character 1: a NUL character")


def test_missing_file_and_folder_are_named(tmp_path):
    """A missing path and a folder are each named, with what to give instead."""
    assert problems(read_text, tmp_path / "nope.csv") == [f"{tmp_path / 'nope.csv'}: no such file"]
    (line,) = problems(read_text, tmp_path)
    assert line == f"{tmp_path}: is a folder; give the path of a file in it"


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    """A file over the limit is refused from its size, before its bytes are read."""
    monkeypatch.setattr(_text, "MAX_INPUT_BYTES", 10)
    (tmp_path / "f.csv").write_text(TEXT)
    (line,) = problems(read_text, tmp_path / "f.csv")
    assert "is larger than" in line


# CSV structure -----------------------------------------------------------------------------


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_line_endings_are_all_read(tmp_path, ending):
    """LF, CRLF and CR line endings give the same table and line numbers."""
    (tmp_path / "f.csv").write_bytes(TEXT.replace("\n", ending).encode())
    table = read_table(tmp_path / "f.csv")
    assert table.cells == {"id": ["E1", "E2"], "score": ["3", "4"]}
    assert table.lines == [2, 3]


def test_lines_count_quoted_line_breaks_and_blank_lines(tmp_path):
    """A quoted cell over two lines and a blank line shift the lines later rows are named by."""
    (tmp_path / "f.csv").write_text('id,note\nE1,"two\nlines"\n\nE2,x\nE3,x,extra\n')
    assert problems(read_table, tmp_path / "f.csv") == [
        "f.csv, line 6: 3 cells, but the header has 2"
    ]
    (tmp_path / "g.csv").write_text('id,note\nE1,"two\nlines"\n\nE2,x\n')
    assert read_table(tmp_path / "g.csv").lines == [2, 5]


def test_header_problems_are_all_named(tmp_path):
    """An unnamed column and a repeated one are both reported on line 1."""
    (tmp_path / "f.csv").write_text("id,,id\n1,2,3\n")
    assert problems(read_table, tmp_path / "f.csv") == [
        "f.csv, line 1: column 2 has no name",
        "f.csv, line 1: column 'id' appears twice (columns 1 and 3)",
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [('id,x\nE1,"open\n', 2), ('id,x\nE1,"a"b\n', 2)],
    ids=["unclosed quote", "text after a closing quote"],
)
def test_malformed_quoting_is_refused_at_its_line(tmp_path, text, line):
    """Quoting that is not CSV is refused at the line it starts on, saying how to quote."""
    (tmp_path / "f.csv").write_text(text)
    (message,) = problems(read_table, tmp_path / "f.csv")
    assert message.startswith(f"f.csv, line {line}: not valid CSV")


def test_number_cells_are_checked_one_by_one(tmp_path):
    """Each bad cell of a number column is one problem; the good cells are read."""
    (tmp_path / "f.csv").write_text("id,y\na,1\nb,inf\nc,\nd,x\ne,nan\nf,-2.5\n")
    table = read_table(tmp_path / "f.csv")
    found: list[_csv.Located] = []
    values = table.numbers("y", found)
    assert [p.text for p in found] == [
        "f.csv, line 3, column y: 'inf' is not a finite number",
        "f.csv, line 4, column y: empty; a number is required",
        "f.csv, line 5, column y: expected a number, got 'x'",
        "f.csv, line 6, column y: 'nan' is not a finite number",
    ]
    assert values[0] == 1.0
    assert values[-1] == -2.5
    assert np.isnan(values[1:5]).all()


def test_unused_rows_are_not_checked(tmp_path):
    """Cells of rows left out of an analysis are not reported."""
    (tmp_path / "f.csv").write_text("id,y\na,1\nb,x\n")
    found: list[_csv.Located] = []
    read_table(tmp_path / "f.csv").numbers("y", found, rows=np.array([True, False]))
    assert found == []


@pytest.mark.parametrize("text", ["42", "-3.5", "+.5", "5.", "1e-3", "-2.5E+10", " 7 ", "007"])
def test_plain_ascii_numbers_are_read(text):
    """Decimal and scientific ASCII numbers read as float() reads them."""
    assert _csv.number(text) == float(text)


@pytest.mark.parametrize("text", ["inf", "-Infinity", "NaN", "+nan", "-INF", "1e400"])
def test_inf_and_nan_stay_numbers_that_are_not_finite(text):
    """The words of inf and nan (and an overflow) are numbers, named as not finite."""
    value = _csv.number(text)
    assert value is not None
    assert not math.isfinite(value)


@pytest.mark.parametrize(
    "text",
    ["3_06", "1_000", "1e1_0", "1_0.5", "\u0663", "\uff13", "1\u0665", "\U0001d7d1", "0x10",
     "1,5", "", "e5", ".", "1e", "--1", "in f", "infinit", "nan1", "1 2"],  # codespell:ignore infinit
)  # fmt: skip
def test_numbers_only_python_reads_are_refused(text):
    """PEP 515 underscores and the digits of other scripts are not numbers in a CSV cell."""
    assert _csv.number(text) is None


@given(st.text(max_size=12))
def test_a_number_is_what_float_reads_in_ascii_without_underscores(text):
    """A cell read as a number is ASCII without "_", and reads as float() reads it."""
    value = _csv.number(text)
    if value is not None:
        assert text.strip().isascii()
        assert "_" not in text
        assert value == float(text) or (math.isnan(value) and math.isnan(float(text)))


@given(st.floats())
def test_every_float_as_python_writes_it_is_a_number(value):
    """repr() of any float, the form write_table uses, reads back as that float."""
    read = _csv.number(repr(value))
    assert read is not None
    assert read == value or (math.isnan(read) and math.isnan(value))


def test_underscored_and_foreign_digits_are_located_problems(tmp_path):
    """`3_06` and `٣` in a number column are "expected a number", not 306 and 3."""
    (tmp_path / "f.csv").write_text("id,y\na,1\nb,3_06\nc,\u0663\n", encoding="utf-8")
    table = read_table(tmp_path / "f.csv")
    assert not table.is_numeric("y")
    found: list[_csv.Located] = []
    values = table.numbers("y", found)
    assert [p.text for p in found] == [
        "f.csv, line 3, column y: expected a number, got '3_06'",
        "f.csv, line 4, column y: expected a number, got '\u0663'",
    ]
    assert values[0] == 1.0
    assert np.isnan(values[1:]).all()


# JSON guards -------------------------------------------------------------------------------


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path):
    """Depth counts only real arrays and objects, not brackets inside strings."""
    (tmp_path / "f.json").write_text(json.dumps({"name": "[" * 1000 + '"{' * 100}))
    assert read_json(tmp_path / "f.json")["name"].startswith("[[[")


def test_nesting_at_the_limit_is_read(tmp_path):
    """Nesting up to the documented depth is read; one more level is refused."""
    depth = MAX_JSON_DEPTH
    (tmp_path / "f.json").write_text("[" * depth + "]" * depth)
    read_json(tmp_path / "f.json")
    (tmp_path / "g.json").write_text("[" * (depth + 1) + "]" * (depth + 1))
    (line,) = problems(read_json, tmp_path / "g.json")
    assert line == (
        f"g.json, line 1, column {depth + 1}: is nested more than {depth} deep (a document "
        "needs far fewer)"
    )


def test_every_refused_value_is_named_by_its_path(tmp_path):
    """Repeated keys are listed with their paths; a long number with its line and column."""
    text = '{"a": [1, 2], "b": {"c": 1, "c": 2}, "d": {"e": 3, "e": 4}}'
    (tmp_path / "f.json").write_text(text)
    assert problems(read_json, tmp_path / "f.json") == [
        "f.json, at b.c: repeats a key of its object; give each key once",
        "f.json, at d.e: repeats a key of its object; give each key once",
    ]
    (tmp_path / "g.json").write_text('{"a": [1,\n ' + "7" * 1_500 + "]}")
    assert problems(read_json, tmp_path / "g.json") == [
        (
            "g.json, line 2, column 2: has a number of 1,500 characters (numbers may have at "
            "most 1,000 characters)"
        )
    ]


def test_half_a_surrogate_pair_is_refused(tmp_path):
    """A lone \\ud83d escape cannot be written as UTF-8 later: refused at its path."""
    (tmp_path / "f.json").write_text('{"name": "x\\ud83d"}')
    (line,) = problems(read_json, tmp_path / "f.json")
    assert line.startswith("f.json, at name: holds half of a UTF-16 surrogate pair")


# writing: CSV injection ----------------------------------------------------------------------

cell_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))


@given(cell_text)
def test_escape_round_trips_and_never_starts_a_formula(text):
    """escape() gives text no spreadsheet runs, and unescape() gives the original back."""
    escaped = escape(text)
    assert not escaped.startswith(_csv.FORMULA_STARTS)
    assert unescape(escaped) == text


@given(st.lists(cell_text.map(str.strip), min_size=1, max_size=5))
def test_text_cells_survive_a_write_and_a_read(tmp_path_factory, cells):
    """Whatever text is written (formulas, quotes, commas, line breaks) reads back the same."""
    path = tmp_path_factory.mktemp("w") / "f.csv"
    write_table(path, {"id": ["x"] * len(cells), "text": cells})
    assert read_table(path).cells["text"] == cells


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_are_written_plain_and_read_back_exactly(tmp_path_factory, value):
    """Every finite float, negative ones too, is written unescaped and reads back exactly."""
    path = tmp_path_factory.mktemp("w") / "f.csv"
    write_table(path, {"id": ["a"], "y": [value]})
    assert not path.read_text().splitlines()[1].split(",")[1].startswith(("'", '"'))
    found: list[_csv.Located] = []
    (read,) = read_table(path).numbers("y", found)
    assert found == []
    assert read == value
    assert math.copysign(1, read) == math.copysign(1, value)


def test_formula_cells_are_quoted_with_a_leading_quote(tmp_path):
    """Each formula start is escaped and quoted; numbers and booleans are not."""
    path = tmp_path / "f.csv"
    starts = ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "'=x", "plain"]
    write_table(path, {"t": starts, "n": [-1.5, -2, True, None, 0.0, 1e308, -0.0, 3]})
    rows = path.read_bytes().decode().split("\n")
    assert rows[1:8] == [
        "\"'=1+1\",-1.5", "\"'+1\",-2", "\"'-1\",true", "\"'@A1\",", "\"'\tx\",0.0",
        "\"'\rx\",1e+308", "\"''=x\",-0.0",
    ]  # fmt: skip
    assert rows[8] == "plain,3"


def test_tuple_cells_are_written_joined_with_semicolons(tmp_path):
    """Tuples and lists (languages, focus goals) are written `;`-joined, as they are read."""
    from sparkus.model import Goal

    path = tmp_path / "f.csv"
    write_table(path, {
        "id": ["a", "b", "c"],
        "languages": [("en", "fr"), (), ["de"]],
        "focus_goals": [(Goal.LEADERSHIP_DEVELOPMENT, Goal.TEAM_COLLABORATION), (), []],
    })  # fmt: skip
    assert read_table(path).cells == {
        "id": ["a", "b", "c"],
        "languages": ["en;fr", "", "de"],
        "focus_goals": ["leadership_development;team_collaboration", "", ""],
    }


def test_existing_file_is_left_whole_when_writing_fails(tmp_path):
    """A failure while writing leaves the existing file as it was (written via a temp file)."""
    path = tmp_path / "out.csv"
    path.write_text("keep")

    class Boom:
        def __str__(self):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_table(path, {"a": [Boom()]})
    assert path.read_text() == "keep"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_long_cells_are_cut_in_messages(tmp_path):
    """A 5,000-digit cell is named with its length, not printed whole; every line is capped."""
    (tmp_path / "f.csv").write_text("id,y\na," + "9" * 5000 + "\n")
    found: list[_csv.Located] = []
    read_table(tmp_path / "f.csv").numbers("y", found)
    (problem,) = found
    assert problem.text.endswith("... (5,000 characters) is not a finite number")
    assert len(problem.text) < 120
    error = FileInputError(["x" * 100_000])
    assert len(error.shown[0]) == 1_000
