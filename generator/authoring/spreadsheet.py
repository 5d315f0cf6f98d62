"""Reading a spreadsheet export for `handbook import-pairs`: .csv (whatever Excel's locale made
the delimiter) or the first sheet of an .xlsx workbook, as numbered rows of text cells.

Why a module of its own: what a cell means (columns, pairs) is importer.py's business; here
only how to get text out of the file, with a located error when it cannot be read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ContentError, HandbookError

# Control characters (C0 but tab, line feed and carriage return; DEL; C1) never belong in a
# name, and an ANSI colour sequence goes whole rather than leaving "[31m" behind.
CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _cell(value: Any) -> str:
    """A spreadsheet cell as text: numbers without a spurious .0, empty cells as ''. Spaces
    and control characters are dealt with by `clean`, which counts what it removes."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def clean(text: str) -> tuple[str, bool]:
    """The cell with control characters removed and runs of spaces made one; and whether any
    control character was there. Removed rather than reported: they are invisible in the
    spreadsheet, so a row named for them could hardly be fixed at the source."""
    stripped = CONTROL.sub("", text)
    return " ".join(stripped.split()), stripped != text


def read_rows(path: Path, shown: str) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row number, cells) for every row, the header included."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise HandbookError([ContentError(shown, "the spreadsheet does not exist",
                                          hint="check the path and the file name")])
    if suffix == ".csv":
        return _csv_rows(path, shown)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, shown)
    raise HandbookError([ContentError(
        shown, f"cannot read {suffix or 'files without an extension'}",
        hint="save the spreadsheet as .xlsx or as CSV UTF-8 (.csv)",
    )])


def _csv_rows(path: Path, shown: str) -> Iterator[tuple[int, list[str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as exc:
        raise HandbookError([ContentError(
            shown, f"not UTF-8 text ({exc.reason} at byte {exc.start})",
            hint="in Excel, save as 'CSV UTF-8 (Comma delimited)'",
        )]) from None
    first = text.split("\n", 1)[0]
    # Excel writes ';' where the decimal separator is a comma; tabs come from copy and paste.
    delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [[_cell(c) for c in row] for row in reader]
    except csv.Error as exc:
        raise HandbookError([ContentError(shown, f"not a readable CSV file: {exc}",
                                          line=reader.line_num)]) from None
    return iter(list(enumerate(rows, start=1)))


def _xlsx_rows(path: Path, shown: str) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # imported here: only this command needs it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise HandbookError([ContentError(
            shown, f"not a readable .xlsx workbook ({exc})",
            hint="open it in Excel and save it again as .xlsx, or export it as CSV UTF-8",
        )]) from None
    try:
        sheet = book.worksheets[0]  # the first sheet, whichever was active when saved
        rows = [[_cell(c) for c in row]
                for row in sheet.iter_rows(min_row=1, values_only=True)]
    finally:
        book.close()
    return iter(list(enumerate(rows, start=1)))
