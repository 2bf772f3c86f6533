"""CSV files for spreadsheets, written in one place for every export of the project.

Excel and LibreOffice in a French locale open them as they are: ``;``-separated (the French
list separator), UTF-8 with a byte-order mark (without one, Excel reads the local code page),
CRLF line ends.

Every cell goes through ``neutralised``: a cell that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is a formula to a spreadsheet (CSV injection, e.g. a commune named
``=HYPERLINK(...)``), so it gets a leading apostrophe, which the spreadsheet shows as text. A
plain number (``-1125,00`` on a credit note) cannot run anything and stays as it is, so finance
software still reads negative amounts.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A sign, digits and at most one decimal separator: a spreadsheet reads it as a number, never
# as a formula ("-1+2" does not match, and is neutralised).
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def neutralised(value: object) -> str:
    """The cell's text, with an apostrophe in front when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return f"'{text}"
    return text


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """The whole file as text, byte-order mark included; encode it as UTF-8."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralised(cell) for cell in header])
    writer.writerows([neutralised(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """The whole file as UTF-8 bytes with a byte-order mark, ready for an HTTP response."""
    return csv_text(header, rows).encode("utf-8")
