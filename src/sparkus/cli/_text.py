"""Reading an input file as text: its size, its encoding, and no binary content.

A file is read as UTF-8 (with or without the byte-order mark Excel writes), or as UTF-16 or
UTF-32 when it starts with their byte-order mark (Excel's "Unicode text"). Other encodings
(Latin-1, Windows-1252, ...) cannot be told apart reliably, so they are refused at the first
byte that is not UTF-8, with its line, rather than read as the wrong letters. A spreadsheet
workbook given by mistake (``.xlsx``, ``.ods``: a zip archive; ``.xls``: an OLE2 file) is named
as one, with how to save the sheet as CSV, rather than as a file of NUL characters.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import Final

from sparkus.cli._exits import FileInputError

__all__ = ["MAX_INPUT_BYTES", "read_text"]

MAX_INPUT_BYTES: Final = 256 * 2**20
"""The largest input file read (256 MiB): about 1.5 million people with the 22 columns that
``sparkus synthetic`` writes (a million take 170 MB, and about 2.5 GB of memory to triage)."""

_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WORKBOOKS: Final = (
    (b"PK\x03\x04", "a zip archive, as an Excel workbook (.xlsx) or an OpenDocument sheet (.ods) is"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office file, as an old Excel workbook (.xls) is"),
)  # fmt: skip
"""The first bytes of the files a spreadsheet saves as a workbook, and what to call them."""


def _bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            # A regular file's size is known before anything is read; others (pipes,
            # devices) are read up to one byte past the limit.
            size = os.fstat(handle.fileno()).st_size
            data = b"" if size > MAX_INPUT_BYTES else handle.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise FileInputError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise FileInputError([f"{path}: is a folder; give the path of a file in it"]) from None
    except OSError as error:
        raise FileInputError([f"{path}: cannot be read ({error.strerror or error})"]) from None
    except ValueError:  # a NUL character in the path
        raise FileInputError([f"{str(path)!r}: is not a valid file path"]) from None
    if max(size, len(data)) > MAX_INPUT_BYTES:
        msg = (
            f"{path}: is larger than {MAX_INPUT_BYTES // 2**20} MiB, the largest input file "
            "sparkus reads; split it, or keep only the columns the command needs"
        )
        raise FileInputError([msg])
    return data


def _line_and_character(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and character of `index` in `text`."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _binary(path: Path, before: str) -> FileInputError:
    """The error for a NUL character after the text `before`."""
    line, character = _line_and_character(before, len(before))
    msg = (
        f"{path.name}, line {line}, character {character}: a NUL character; this is a binary "
        "file (or UTF-16 without its byte-order mark), not CSV or JSON text"
    )
    return FileInputError([msg])


def read_text(path: str | Path, *, mark: bool = False) -> str:
    """The file's text; refuses folders, missing, oversized, non-text and non-UTF files.

    The byte-order mark that names the file's encoding is dropped, and only that one: a second
    is text (a CSV's header names it a byte-order mark). With `mark`, the file's mark is kept,
    as U+FEFF, for a reader with its own rule for it: the JSON reader drops one mark and
    refuses a second, from a file as from :func:`~sparkus.model.from_json`.

    Raises
    ------
    FileInputError
        Naming the file and, for a bad byte or a NUL character, its line and character.
    """
    path = Path(path)
    data = _bytes(path)
    for magic, what in _WORKBOOKS:
        if data.startswith(magic):
            msg = (
                f"{path.name}: is {what}, not a text file; save the sheet as CSV (in Excel: File "
                "> Save As > 'CSV UTF-8 (Comma delimited)') and give that file"
            )
            raise FileInputError([msg])
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    # NUL never occurs in UTF-8 text: look for it before decoding, so a binary file is named
    # as one rather than as a wrong encoding.
    nul = data.find(b"\x00") if encoding == "utf-8" else -1
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        if 0 <= nul < error.start:
            raise _binary(path, data[:nul].decode(encoding, errors="replace")) from None
        good = data[: error.start].decode(encoding, errors="replace")
        line, character = _line_and_character(good, len(good))
        byte = data[error.start]
        if encoding == "utf-8":
            msg = (
                f"{path.name}, line {line}, character {character}: byte 0x{byte:02X} is not "
                "UTF-8; the file is in another encoding (Latin-1 or Windows-1252?): save it "
                "as UTF-8 (in Excel: 'CSV UTF-8')"
            )
        else:
            msg = f"{path.name}, line {line}, character {character}: not valid {encoding.upper()}"
        raise FileInputError([msg]) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise _binary(path, text[:nul])
    return "\ufeff" + text if mark and encoding != "utf-8" else text
