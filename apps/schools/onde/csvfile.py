"""Reading the CSV files ONDE exports (and the teachers' file, which follows the same habits).

``;``-separated, Windows-1252 or UTF-8 with or without a byte order mark, CRLF or LF line
ends, fields quoted when they hold a ``;``, a quote or a line break. Columns are found by
their normalised header (case, accents, spaces and apostrophes do not matter), never by
position, because ONDE's column set and spelling vary between versions and settings.

A file is read whole and without guessing, or refused with its line: the import marks the
pupils missing from an export as leaving, so a file cut short, half in another encoding or
with a column twice must not pass for a complete export.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from apps.schools.onde.names import ascii_fold

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
    header_line: int = 1


class FileProblem(Exception):
    """The file cannot be read whole and unambiguously: nothing of it is used."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(str(issue))
        self.issue = issue


_ENCODING_LABELS = {"utf-8": "UTF-8", "cp1252": "Windows-1252"}
# What UTF-8 bytes look like once read as Windows-1252 (or Latin-1): a lead byte of a
# Latin letter or of punctuation (``Ã``, ``Å``, ``â``…) followed by continuation bytes
# (0x80-0xBF), as in ``Ã©`` for ``é`` or ``â€™`` for ``’``. No French name holds these pairs.
_CONTINUATION = "".join(
    {bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(0x80, 0xC0)}
    | {chr(b) for b in range(0x80, 0xC0)}
)
_MOJIBAKE = re.compile(
    f"[\u00c2-\u00c5][{re.escape(_CONTINUATION)}]|[\u00e2\u00ef][{re.escape(_CONTINUATION)}]{{2}}"
)
# Characters no export holds: C0 controls but tab and line ends, DEL, C1 controls, a
# replacement character (letters already lost by a conversion), a byte order mark inside
# the text (files put end to end), and a carriage return that does not end a line.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ufeff]|\r(?!\n|\\Z)")
_CONTROL_NAMES = {"\x00": "NUL", "\x1a": "fin de fichier DOS", "\x1b": "ESC", "\x7f": "DEL"}


def _problem(file: str, line: int | None, message: str) -> FileProblem:
    return FileProblem(Issue(file, line, message))


def _line_at(data: bytes | str, offset: int) -> int:
    """The physical line (1 = first) that holds ``offset``."""
    newline: bytes | str = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, offset) + 1  # type: ignore[arg-type]


def decode(file: str, content: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with, the whole file read strictly.

    A byte order mark means UTF-8; else the file is UTF-8 if all of it is; else
    Windows-1252, provided no line of it is UTF-8 (a file assembled from two sources, or
    with one line retyped elsewhere, would otherwise be read half garbled). A file holding
    UTF-8 read as Windows-1252 earlier (``Ã©``) is refused as well: its names are already
    garbled.
    """
    if content.startswith(UTF8_BOM):
        body = content[len(UTF8_BOM) :]
        try:
            text, encoding = body.decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _problem(
                file,
                _line_at(body, exc.start),
                "octets invalides en UTF-8, alors que le fichier s'annonce en UTF-8 (marque "
                "BOM) : fichier abîmé ou tronqué ; exportez-le de nouveau.",
            ) from exc
    else:
        try:
            text, encoding = content.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _decode_cp1252(file, content), "cp1252"
    garbled = _MOJIBAKE.search(text)
    if garbled is not None:
        raise _problem(
            file,
            _line_at(text, garbled.start()),
            f"lettres déformées « {garbled.group()} » (du UTF-8 relu en Windows-1252, "
            "comme « Ã© » pour « é ») : réenregistrez le fichier d'origine en CSV UTF-8.",
        )
    return text, encoding


def _decode_cp1252(file: str, content: bytes) -> str:
    """Windows-1252, once sure that no line of the file is UTF-8.

    A line that is not plain ASCII is either valid UTF-8 or not; when both kinds occur, the
    lines of the rarer kind are the odd ones out (on a tie, those unlike the first): the
    first of them is named.
    """
    kinds: dict[str, list[int]] = {"utf-8": [], "cp1252": []}
    for number, raw in enumerate(content.split(b"\n"), start=1):
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
            kinds["utf-8"].append(number)
        except UnicodeDecodeError:
            try:
                raw.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise _problem(
                    file,
                    number,
                    "encodage non reconnu (ni UTF-8 ni Windows-1252) : "
                    "enregistrez le fichier en CSV UTF-8.",
                ) from exc
            kinds["cp1252"].append(number)
    utf8, cp1252 = kinds["utf-8"], kinds["cp1252"]
    if utf8:
        if len(utf8) < len(cp1252) or (len(utf8) == len(cp1252) and utf8[0] > cp1252[0]):
            odd, usual = "utf-8", "cp1252"
        else:
            odd, usual = "cp1252", "utf-8"
        line, other = kinds[odd][0], kinds[usual][0]
        raise _problem(
            file,
            line,
            f"cette ligne est en {_ENCODING_LABELS[odd]}, la ligne {other} en "
            f"{_ENCODING_LABELS[usual]} : fichier abîmé (tronqué ?) ou assemblé à partir de "
            "plusieurs fichiers ; réenregistrez-le en CSV UTF-8.",
        )
    return content.decode("cp1252")


def _check_characters(file: str, text: str) -> None:
    found = _FORBIDDEN.search(text)
    if found is None:
        return
    char = found.group()
    line = _line_at(text, found.start())
    if char == "\r":
        reason = "retour chariot isolé au milieu d'une ligne"
    elif char == "\ufffd":
        reason = "caractère « \ufffd » : des lettres ont été perdues lors d'une conversion"
    elif char == "\ufeff":
        reason = "marque d'ordre des octets (BOM) au milieu du fichier : fichiers mis bout à bout ?"
    else:
        name = _CONTROL_NAMES.get(char, f"code {ord(char):#04x}")
        reason = f"caractère de contrôle invisible ({name})"
    raise _problem(file, line, f"{reason} ; le fichier est abîmé : exportez-le de nouveau.")


def _csv_reason(error: str) -> str:
    if "end of data" in error:
        return (
            "guillemet non fermé à la fin du fichier : le fichier semble tronqué ; "
            "exportez-le de nouveau."
        )
    if "expected after" in error:
        return (
            "guillemets mal placés : un champ entre guillemets doit être suivi de « ; » ou "
            "de la fin de la ligne."
        )
    if "field larger" in error:
        return "champ démesurément long (guillemet non fermé ?) : ligne illisible."
    return "ligne illisible (guillemets mal placés ?)."


def _ends_inside_quotes(record: str) -> bool:
    """Whether the text of a record (the file's last) stops inside a quoted field."""
    quoted, at_field_start = False, True
    index = 0
    while index < len(record):
        char = record[index]
        if quoted:
            if char == '"':
                if record.startswith('"', index + 1):
                    index += 1  # a doubled quote stands for one quote
                else:
                    quoted = False
        elif char == '"' and at_field_start:
            quoted = True
        at_field_start = not quoted and char in (DELIMITER, "\n", "\r")
        index += 1
    return quoted


def header_key(label: str) -> str:
    """``Nom d'usage élève`` → ``nomdusageeleve``: what matches whatever the spelling."""
    return _NOT_ALNUM.sub("", ascii_fold(label))


def clean_cell(value: str) -> str:
    value = value.strip()
    excel = _EXCEL_TEXT.match(value)
    return excel.group(1).strip() if excel else value


def read_table(source: SourceFile) -> Table:
    """Header and records, each with the line it starts on; the file read whole or refused.

    Refused, with the line: bytes that do not decode the same way throughout, control
    characters, a quote left open (strict csv: an export cut inside a quoted field), a last
    line without its line end (cut inside a line), a line with more or fewer fields than the
    header. Blank lines are skipped.
    """
    name = source.name
    if not source.content.strip():
        raise _problem(name, 1, "le fichier est vide.")
    text, encoding = decode(name, source.content)
    _check_characters(name, text)
    # Lines as csv sees them (ended by CRLF, LF or CR), and where each starts in the text.
    lines = list(io.StringIO(text, newline=""))
    offsets = list(accumulate((len(line) for line in lines), initial=0))
    reader = csv.reader(lines, delimiter=DELIMITER, quotechar='"', strict=True)
    header: list[str] | None = None
    header_line = 1
    records: list[Record] = []
    start = last_start = 1
    try:
        for row in reader:
            last_start = start
            cells = [clean_cell(cell) for cell in row]
            if header is None:
                if any(cells):
                    header, header_line = cells, start
            elif len(cells) != len(header):
                if cells:
                    raise _problem(
                        name,
                        start,
                        f"{len(cells)} champ{'s' if len(cells) > 1 else ''} au lieu des "
                        f"{len(header)} de l'en-tête (séparateur « ; » en trop ou manquant, ou "
                        "ligne coupée).",
                    )
            elif any(cells):
                records.append(Record(line=start, cells=cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _problem(name, start, _csv_reason(str(exc))) from exc
    if header is None:
        raise _problem(name, 1, "le fichier est vide.")
    if _ends_inside_quotes(text[offsets[last_start - 1] :]):
        # Not left to the csv module alone: without strict, it reads an end of file inside
        # a quoted field as the end of the field, and a cut export as a whole one.
        raise _problem(name, last_start, _csv_reason("unexpected end of data"))
    last_break = max(text.rfind("\n"), text.rfind("\r"))
    if text[last_break + 1 :].strip():
        # csv reads a last line cut short as if it were whole: "Oui" cut to "Ou", a class
        # "CM2 B" cut to "CM2 ". Only a line end proves the line is all there.
        line = records[-1].line if records else header_line
        raise _problem(
            name,
            line,
            "la dernière ligne n'a pas de fin de ligne : le fichier semble tronqué au milieu "
            "de cette ligne ; exportez-le de nouveau (un fichier complet se termine par un "
            "retour à la ligne).",
        )
    return Table(
        file=name, encoding=encoding, header=header, records=records, header_line=header_line
    )


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
    table: Table,
    columns: Sequence[Column],
    *,
    extra_required: Iterable[str] = (),
    repeatable: Iterable[str] = (),
) -> dict[str, int]:
    """field → index of its column; every missing required column in one message.

    A column named twice, or two columns that both name one field (``Nom`` and ``Nom
    élève``), are refused: which of the two holds the data is a guess. Only the header keys
    in ``repeatable`` (the guardians' columns repeated per child) may come back.
    """
    positions: dict[str, int] = {}
    by_key: dict[str, Column] = {}
    for column in columns:
        for key in column.keys():
            by_key[key] = column
    allowed = set(repeatable)
    seen: dict[str, int] = {}
    for index, label in enumerate(table.header):
        key = header_key(label)
        if not key or key in allowed:
            continue
        if key in seen:
            raise FileProblem(
                Issue(
                    table.file,
                    table.header_line,
                    f"la colonne « {label} » figure deux fois (colonnes n° {seen[key] + 1} et "
                    f"{index + 1}) : impossible de savoir laquelle lire.",
                )
            )
        seen[key] = index
        found = by_key.get(key)
        if found is None:
            continue
        if found.field in positions:
            other = table.header[positions[found.field]]
            raise FileProblem(
                Issue(
                    table.file,
                    table.header_line,
                    f"les colonnes « {other} » et « {label} » désignent toutes deux "
                    f"« {found.label} » : impossible de savoir laquelle lire.",
                )
            )
        positions[found.field] = index
    missing = [c.label for c in columns if c.required and c.field not in positions]
    missing.extend(extra_required)
    if missing:
        read = ", ".join(f"« {label} »" for label in table.header if label) or "aucune"
        raise FileProblem(
            Issue(
                table.file,
                table.header_line,
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
