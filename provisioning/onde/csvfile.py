"""Reading the CSV files ONDE exports (and the teachers' file, which follows the same habits).

``;``-separated, Windows-1252 or UTF-8 with or without a byte order mark, CRLF or LF line
ends, fields quoted when they hold a ``;``, a quote or a line break. Columns are found by
their normalised header (case, accents, spaces and apostrophes do not matter), never by
position, because ONDE's column set and spelling vary between versions and settings.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from provisioning.onde.names import ascii_fold

UTF8_BOM = b"\xef\xbb\xbf"
DELIMITER = ";"
# Spreadsheets sometimes protect leading zeros as ="0123".
_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.DOTALL)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class SourceFile:
    """An uploaded or read file: its name (for messages) and its bytes."""

    name: str
    content: bytes


@dataclass(frozen=True, order=True)
class Issue:
    """One problem found in a file; ``line`` is the physical line (1 = the header)."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file} : {self.message}"
        return f"{self.file}, ligne {self.line} : {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class Record:
    line: int
    cells: list[str]


@dataclass(frozen=True)
class Table:
    file: str
    encoding: str
    header: list[str]
    records: list[Record]


class FileProblem(Exception):
    def __init__(self, issue: Issue) -> None:
        super().__init__(str(issue))
        self.issue = issue


def decode(content: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: BOM → UTF-8; else strict UTF-8; else cp1252."""
    if content.startswith(UTF8_BOM):
        return content[len(UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return content.decode("cp1252"), "cp1252"


def header_key(label: str) -> str:
    """``Nom d'usage élève`` → ``nomdusageeleve``: what matches whatever the spelling."""
    return _NOT_ALNUM.sub("", ascii_fold(label))


def clean_cell(value: str) -> str:
    value = value.strip()
    excel = _EXCEL_TEXT.match(value)
    return excel.group(1).strip() if excel else value


def read_table(source: SourceFile) -> Table:
    """Header and records (blank lines skipped), each with the line it starts on."""
    if not source.content.strip():
        raise FileProblem(Issue(source.name, None, "le fichier est vide."))
    try:
        text, encoding = decode(source.content)
    except UnicodeDecodeError as exc:
        raise FileProblem(
            Issue(
                source.name,
                None,
                "encodage non reconnu (ni UTF-8 ni Windows-1252) : "
                "enregistrez le fichier en CSV UTF-8.",
            )
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITER, quotechar='"')
    header: list[str] | None = None
    records: list[Record] = []
    start = 1
    try:
        for row in reader:
            cells = [clean_cell(cell) for cell in row]
            if any(cells):
                if header is None:
                    header = cells
                else:
                    records.append(Record(line=start, cells=cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileProblem(
            Issue(source.name, start, f"ligne illisible ({exc}) : guillemet non fermé ?")
        ) from exc
    if header is None:
        raise FileProblem(Issue(source.name, None, "le fichier est vide."))
    return Table(file=source.name, encoding=encoding, header=header, records=records)


@dataclass(frozen=True)
class Column:
    """A column we read: its ONDE label (for messages) and the spellings it is known by."""

    field: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def keys(self) -> set[str]:
        return {header_key(self.label), *(header_key(alias) for alias in self.aliases)}


def resolve_columns(
    table: Table, columns: Sequence[Column], *, extra_required: Iterable[str] = ()
) -> dict[str, int]:
    """field → index of its column; every missing required column in one message."""
    positions: dict[str, int] = {}
    by_key: dict[str, Column] = {}
    for column in columns:
        for key in column.keys():
            by_key[key] = column
    for index, label in enumerate(table.header):
        found = by_key.get(header_key(label))
        if found is not None and found.field not in positions:
            positions[found.field] = index
    missing = [c.label for c in columns if c.required and c.field not in positions]
    missing.extend(extra_required)
    if missing:
        read = ", ".join(f"« {label} »" for label in table.header if label) or "aucune"
        raise FileProblem(
            Issue(
                table.file,
                1,
                "colonnes obligatoires absentes : "
                + ", ".join(f"« {label} »" for label in missing)
                + f" (colonnes lues : {read}).",
            )
        )
    return positions


def cell(record: Record, positions: dict[str, int], field: str) -> str:
    index = positions.get(field)
    if index is None or index >= len(record.cells):
        return ""
    return record.cells[index]
