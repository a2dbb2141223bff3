"""Reading a spreadsheet file row by row, for every import (attendees, sessions, sign-ups).

CSV (comma, semicolon or tab; UTF-8 or Excel's UTF-16 "Unicode text"; quoted line breaks) and
Excel workbooks (.xlsx); a broken file raises CsvError naming the line.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_CELL = 200  # characters in one cell: the imports refuse longer ones


class CsvError(ValueError):
    """The file cannot be imported; nothing was written. The message names the line."""


def _decode(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise CsvError(f"the file is larger than {MAX_FILE_BYTES // 2**20} MB")
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))  # Excel's "Unicode text"
    try:
        return data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as exc:
        newline = "\n".encode("utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be")
        line = data[: exc.start].count(newline if utf16 else b"\n") + 1
        encoding = "UTF-16" if utf16 else "UTF-8"
        raise CsvError(
            f"line {line}: the file is not {encoding} text (save it as 'CSV UTF-8' and try again)"
        ) from None


def _cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code or number typed into a cell: 1234, not 1234.0
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _workbook_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The first sheet of an Excel workbook, row by row with its row number."""
    import openpyxl  # only an .xlsx import needs it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged zip or workbook fails in many ways, each the same to a user
        raise CsvError("line 1: the file is not a readable Excel workbook (.xlsx)") from None
    number = 0
    try:
        for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in row]
            while cells and not cells[-1]:
                cells.pop()  # a sheet's rows are as wide as its widest: drop the empty tail
            yield number, cells
    except (zipfile.BadZipFile, SyntaxError, KeyError, ValueError, OSError):  # damaged sheet
        raise CsvError(f"line {number + 1}: the workbook is damaged here") from None
    finally:
        book.close()


def read_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """Every record with the line it starts on (the header is line 1), any import's reader.

    An Excel workbook (.xlsx) is read from its first sheet. Text is UTF-8 with or without BOM
    or UTF-16 with BOM, separated by commas, semicolons or tabs (whichever the header uses
    most); a broken record raises CsvError naming the line where it starts.
    """
    if data.startswith(b"PK\x03\x04"):  # a zip file: what Excel saves as .xlsx
        rows = _workbook_rows(data)
        first = next(rows, None)
        if first is None or not any(c.strip() for c in first[1]):
            raise CsvError("line 1: the file is empty (a header row is required)")
        yield first
        yield from rows
        return
    text = _decode(data)
    if not text.strip():
        raise CsvError("line 1: the file is empty (a header row is required)")
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)  # the first of equals: a comma
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            yield start, cells
    except csv.Error as exc:  # the record that starts on `line` never ended properly
        hint = " (a quote that is never closed?)" if "end of data" in str(exc) else ""
        raise CsvError(f"line {line}: {exc}{hint}") from None
