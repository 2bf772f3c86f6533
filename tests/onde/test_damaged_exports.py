"""Damaged exports: each is refused with its line, changing nothing, or read as the whole file.

A corpus is generated from one small valid export pair (ten pupils, a quoted address
holding a ``;`` and a line break in each file, three pupils at the end of the file that no
guardian line names): truncated at every byte, one line at a time in another encoding or
garbled, a column doubled or dropped, a control character in a line. Every damaged file
must be either refused, with a French message naming its file and line and no row changed
in the tables an import writes, or imported exactly as the undamaged file would be. A file
cut exactly at the end of a line is a valid shorter file: it is imported as that file,
and the confirmation asked before marking more than a fifth of the pupils as leaving
still applies.

The reader is tried at every byte (it is a pure function of the bytes); the full import on
every line end and a sample of cuts inside lines, each attempt in a savepoint rolled back,
over the state left by importing the undamaged pair.
"""

from __future__ import annotations

import dataclasses
import random
import re
from itertools import accumulate

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.schools.models import (
    Classroom,
    Enrolment,
    EnrolmentStatus,
    Guardianship,
    School,
    SchoolMembership,
    SchoolYear,
)
from apps.schools.onde import ImportReport, OndeImportError, SourceFile, import_for_school
from apps.schools.onde.csvfile import Issue, _ends_inside_quotes
from apps.schools.onde.linking import link_guardians
from apps.schools.onde.names import match_key
from apps.schools.onde.parsing import parse_files
from apps.schools.onde.report import LeaversNotConfirmed
from tests.onde.generator import GUARDIAN_HEADER, PUPIL_HEADER, OndeExport, encode, render
from tests.onde.helpers import SCHEMA, export, run_import

PUPILS, GUARDIANS = "eleves.csv", "responsables.csv"
NAMES = {"pupils": PUPILS, "guardians": GUARDIANS}
WITHOUT_GUARDIANS = 3  # the last pupils of the file, named by no guardian line
CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1a", "\x1b", "\x1f", "\x7f", "\r", "\x85"]
# Why the reader refuses a whole file: one of these reasons, in French.
REASONS = (
    "tronqué",
    "au lieu des",
    "encodage",
    "Windows-1252",
    "UTF-8",
    "vide",
    "colonne",
    "guillemet",
    "caractère",
    "retour chariot",
    "Le fichier ne contient aucune ligne",
    "lettres déformées",
)


def small_export() -> OndeExport:
    data = export(10, 16, seed=21)
    data.pupils[4].address = "Résidence Les Essais\nbât. B; porte 4"
    tail = [id(p) for p in data.pupils[-WITHOUT_GUARDIANS:]]
    for guardian in data.guardians:
        guardian.children = [c for c in guardian.children if id(c) not in tail]
    data.guardians = [g for g in data.guardians if g.children]
    data.guardians[1].address = "Chez Mme Essai; 2e étage\nescalier C"
    return data


def rows_of(data: OndeExport, which: str) -> list[list[str]]:
    return data.pupil_rows() if which == "pupils" else data.guardian_rows()


def file_of(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    return encode(render(rows), encoding=encoding)


def record_ends(rows: list[list[str]], encoding: str = "utf-8") -> list[int]:
    """Byte offset just after each record's line end (the header's first)."""
    return list(accumulate(len(file_of([row], encoding)) for row in rows))


def record_lines(rows: list[list[str]]) -> list[int]:
    """Physical line each record starts on."""
    return list(accumulate((render([row]).count("\n") for row in rows[:-1]), initial=1))


def parse(pupils: bytes, guardians: bytes) -> tuple[object, object, list[Issue]]:
    files, issues = parse_files(
        SourceFile(PUPILS, pupils), SourceFile(GUARDIANS, guardians), today=timezone.localdate()
    )
    if files is None:
        return None, None, issues
    families, link_issues = link_guardians(files)
    return files, families, issues + link_issues


def assert_line_numbered(issues: list[Issue]) -> None:
    assert issues
    for issue in issues:
        assert issue.line is not None and issue.line >= 1, issue
        assert issue.message.endswith("."), issue


def assert_file_reason(issue: Issue) -> None:
    """A file refused whole says why, in one of the reader's words."""
    assert_line_numbered([issue])
    assert any(reason in issue.message for reason in REASONS), issue


def snapshot() -> dict[str, list[dict[str, object]]]:
    """Every row of the tables an import writes, in the commune's schema."""
    with schema_context(SCHEMA):
        return {
            model.__name__: [dict(row) for row in model.objects.order_by("pk").values()]
            for model in (User, SchoolYear, Classroom, Enrolment, Guardianship, SchoolMembership)
        }


class _RolledBack(Exception):
    pass


@dataclasses.dataclass
class Attempt:
    issues: list[Issue] | None = None  # refused
    state: dict[str, list[dict[str, object]]] | None = None  # imported (then rolled back)

    @property
    def refusal(self) -> list[Issue]:
        assert self.issues is not None, "imported, not refused"
        return self.issues


def attempt(school: School, pupils: bytes, guardians: bytes, *, confirm: bool = False) -> Attempt:
    """One import in a savepoint, rolled back; a refusal must leave every row as it was."""
    before = snapshot()
    outcome = Attempt()
    try:
        with transaction.atomic():
            with schema_context(SCHEMA):
                import_for_school(
                    school=school,
                    pupils=SourceFile(PUPILS, pupils),
                    guardians=SourceFile(GUARDIANS, guardians),
                    confirm_leavers=confirm,
                )
            outcome.state = snapshot()
            raise _RolledBack
    except OndeImportError as exc:
        outcome.issues = exc.issues
        assert_line_numbered(exc.issues)
    except _RolledBack:
        pass
    assert snapshot() == before
    return outcome


def with_leavers(
    state: dict[str, list[dict[str, object]]], pupils: list[int]
) -> dict[str, list[dict[str, object]]]:
    """``state`` with these pupils' enrolments marked as leaving."""
    enrolments = [
        {**row, "status": EnrolmentStatus.LEAVING} if row["pupil_id"] in pupils else row
        for row in state["Enrolment"]
    ]
    return {**state, "Enrolment": enrolments}


@pytest.fixture
def imported(school: School) -> tuple[OndeExport, dict[str, list[dict[str, object]]], list[int]]:
    """The small export imported: the export, the state it left, the pupils' ids in order."""
    data = small_export()
    run_import(school, data)
    with schema_context(SCHEMA):
        ids = [
            User.objects.get(first_name=p.first_name, birth_date=p.birth_date).pk
            for p in data.pupils
        ]
    return data, snapshot(), ids


# --- truncation ----------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["pupils", "guardians"])
def test_the_reader_refuses_every_cut_inside_a_line_and_reads_a_cut_at_a_line_end_whole(which):
    data = small_export()
    full = {"pupils": data.pupils_csv(), "guardians": data.guardians_csv()}
    rows = rows_of(data, which)
    whole = full[which]
    assert whole == file_of(rows)
    ends = record_ends(rows)
    starts = record_lines(rows)
    name = NAMES[which]
    prefixes = {end: parse(**{**full, which: whole[:end]}) for end in ends}
    refused = read_short = 0

    for cut in range(len(whole)):
        damaged = whole[:cut]
        files, families, issues = parse(**{**full, which: damaged})
        # A cut between the CR and the LF of a line end leaves that line whole.
        end = cut if cut in ends else cut + 1 if cut + 1 in ends else None
        if end is None:
            refused += 1
            assert files is None, f"cut at byte {cut} read as a whole file"
            [issue] = [i for i in issues if i.file == name]
            assert_file_reason(issue)
            assert issue.line is not None
            record = max(i for i, e in enumerate([0, *ends]) if e <= cut)
            assert starts[record] <= issue.line <= damaged.count(b"\n") + 1, (cut, issue)
        else:
            read_short += 1
            assert (files, families, issues) == prefixes[end], f"cut at byte {cut}"
            if end == ends[0]:  # the header alone
                kind = "d'élève" if which == "pupils" else "de responsable"
                assert issues == [Issue(name, 2, f"Le fichier ne contient aucune ligne {kind}.")]
            elif issues:
                assert_line_numbered(issues)

    assert read_short == 2 * (len(rows) - 1) + 1  # every line end but the file's own
    assert refused == len(whole) - read_short


def test_a_cut_inside_a_quoted_field_is_refused_with_its_line():
    data = small_export()
    pupils = data.pupils_csv()
    cut = pupils.index("Résidence Les Essais\n".encode()) + len("Résidence Les Essais\n".encode())

    _, _, issues = parse(pupils[:cut], data.guardians_csv())

    assert [str(i) for i in issues] == [
        "eleves.csv, ligne 6 : guillemet non fermé à la fin du fichier : le fichier semble "
        "tronqué ; exportez-le de nouveau."
    ]


@pytest.mark.parametrize(
    ("record", "open_quote"),
    [
        ('a;"b\r\n', True),
        ('a;"Résidence\nbât. B', True),
        ('a;"b""', True),
        ('a;"b"""\r\n', False),
        ('a;"b\nc"\r\n', False),
        ('a;b"c;d\r\n', False),
        ('a;;""\r\n', False),
    ],
)
def test_the_last_record_is_rescanned_for_an_open_quote(record, open_quote):
    # Checked apart from the csv module, which accepts an end of file inside quotes
    # when it is not strict.
    assert _ends_inside_quotes(record) is open_quote


def _sample_cuts(rows: list[list[str]], whole: bytes, count: int, seed: int) -> list[int]:
    ends = set(record_ends(rows))
    inside = [cut for cut in range(1, len(whole)) if cut not in ends and cut + 1 not in ends]
    # Inside the quoted address that holds a line break: just after the break, and before.
    inner = re.search(rb"(?:Essais|tage)(\n)", whole)
    assert inner is not None
    quoted = [inner.end(1), inner.start(1) - 2]
    return sorted(set(random.Random(seed).sample(inside, count) + quoted))


@pytest.mark.parametrize("which", ["pupils", "guardians"])
def test_a_truncated_file_is_refused_or_imported_as_the_shorter_file_it_is(school, which, imported):
    data, state, ids = imported
    full = {"pupils": data.pupils_csv(), "guardians": data.guardians_csv()}
    rows = rows_of(data, which)
    whole = full[which]
    ends = record_ends(rows)

    for cut in _sample_cuts(rows, whole, 20, seed=len(which)):
        outcome = attempt(school, **{**full, which: whole[:cut]})
        assert outcome.issues is not None, f"cut at byte {cut} (inside a line) imported"
        assert any(i.file == NAMES[which] for i in outcome.refusal), (cut, outcome.refusal)

    seen: set[str] = set()
    for lines, end in enumerate(ends[:-1]):  # the header, then the header and one line…
        for cut in (end - 1, end):
            outcome = attempt(school, **{**full, which: whole[:cut]})
            if which == "guardians":
                # Fewer guardian lines: no guardian or link is ever removed.
                if lines == 0:
                    assert [str(i) for i in outcome.refusal] == [
                        "responsables.csv, ligne 2 : Le fichier ne contient aucune ligne de "
                        "responsable."
                    ]
                else:
                    assert outcome.state == state, f"guardians cut after line {lines + 1}"
                continue
            missing = len(data.pupils) - lines
            if lines == 0:
                assert [str(i) for i in outcome.refusal] == [
                    "eleves.csv, ligne 2 : Le fichier ne contient aucune ligne d'élève."
                ]
            elif missing > WITHOUT_GUARDIANS:  # guardian lines name pupils no longer there
                assert outcome.issues is not None
                assert all(i.file == GUARDIANS for i in outcome.refusal)
            elif missing > 0.2 * len(data.pupils):
                [issue] = outcome.refusal
                assert (issue.file, issue.line) == (PUPILS, record_lines(rows)[lines])
                assert f"{missing} des {len(data.pupils)} élèves" in issue.message
                assert "--confirm-leavers" in issue.message
                assert "Confirmer les départs" in issue.message
                confirmed = attempt(school, **{**full, which: whole[:cut]}, confirm=True)
                assert confirmed.state == with_leavers(state, ids[lines:])
                seen.add("confirmation asked")
            else:
                assert outcome.state == with_leavers(state, ids[lines:]), f"cut at {cut}"
                seen.add("shorter file imported")
    if which == "pupils":
        assert seen == {"confirmation asked", "shorter file imported"}


# --- encodings -----------------------------------------------------------------------------


def _garbled(line: bytes) -> bytes:
    """UTF-8 read as Windows-1252 (Latin-1 where it has no character), saved as UTF-8."""
    text = "".join(
        bytes([b]).decode("cp1252", "ignore") or chr(b) for b in line
    )  # byte by byte: the undefined bytes become C1 controls, as Latin-1 makes them
    return text.encode("utf-8")


def _mixed(base: bytes, other: bytes, bom: bool = False) -> list[tuple[int, bytes]]:
    """For each line that differs between the two encodings, ``base`` with that one line
    taken from ``other``, and the line's number."""
    lines, others = base.split(b"\n"), other.split(b"\n")
    assert len(lines) == len(others)
    damaged = []
    for index, (line, replacement) in enumerate(zip(lines, others, strict=True)):
        if line != replacement:
            mixed = b"\n".join([*lines[:index], replacement, *lines[index + 1 :]])
            damaged.append((index + 1, (b"\xef\xbb\xbf" if bom else b"") + mixed))
    return damaged


@pytest.mark.parametrize("which", ["pupils", "guardians"])
@pytest.mark.parametrize(
    "variant", ["utf8-line-in-cp1252", "cp1252-line-in-utf8", "bom", "garbled"]
)
def test_a_line_in_another_encoding_is_refused_naming_that_line(school, imported, which, variant):
    data, state, _ = imported
    full = {"pupils": data.pupils_csv(), "guardians": data.guardians_csv()}
    as_utf8 = full[which]
    as_cp1252 = file_of(rows_of(data, which), "cp1252")
    base, other = {
        "utf8-line-in-cp1252": (as_cp1252, as_utf8),
        "cp1252-line-in-utf8": (as_utf8, as_cp1252),
        "bom": (as_utf8, as_cp1252),
        "garbled": (as_utf8, b"\n".join(_garbled(line) for line in as_utf8.split(b"\n"))),
    }[variant]
    corpus = _mixed(base, other, bom=variant == "bom")
    assert len(corpus) >= 8  # names with accents on most lines

    for line, damaged in corpus:
        outcome = attempt(school, **{**full, which: damaged})
        assert outcome.issues is not None, f"line {line} in another encoding imported"
        [issue] = outcome.refusal
        assert (issue.file, issue.line) == (NAMES[which], line), issue

    # The same file in one encoding, whichever, is the same file.
    assert attempt(school, **{**full, which: as_cp1252}).state == state
    assert attempt(school, **{**full, which: b"\xef\xbb\xbf" + as_utf8}).state == state


def test_a_garbled_whole_file_is_refused_at_its_first_garbled_line(school, imported):
    data, _, _ = imported
    garbled = b"\n".join(_garbled(line) for line in data.pupils_csv().split(b"\n"))

    outcome = attempt(school, garbled, data.guardians_csv())

    [issue] = outcome.refusal
    assert str(issue).startswith("eleves.csv, ligne 1 : lettres déformées « Ã© »")


# --- columns -------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["pupils", "guardians"])
def test_a_doubled_column_is_refused(school, imported, which):
    data, _, _ = imported
    full = {"pupils": data.pupils_csv(), "guardians": data.guardians_csv()}
    rows = rows_of(data, which)
    alias = ("Nom", 0) if which == "pupils" else ("Prénom", 3)  # another name of a column

    corpus = [
        [row[: index + 1] + [row[index]] + row[index + 1 :] for row in rows]
        for index in range(len(rows[0]))
    ]
    corpus.append([rows[0] + [alias[0]]] + [row + [row[alias[1]]] for row in rows[1:]])
    for damaged in corpus:
        outcome = attempt(school, **{**full, which: file_of(damaged)})
        assert outcome.issues is not None, f"doubled column imported: {damaged[0]}"
        [issue] = outcome.refusal
        assert (issue.file, issue.line) == (NAMES[which], 1)
        assert any(
            words in issue.message for words in ("deux fois", "toutes deux", "incomplètes")
        ), issue


REQUIRED = {
    "pupils": {
        "Nom élève",
        "Nom d'usage élève",
        "Prénom élève",
        "Date naissance",
        "Libellé classe",
    },
    "guardians": {"Nom usage responsable", "Nom responsable", "Prénom responsable"},
}


@pytest.mark.parametrize("which", ["pupils", "guardians"])
def test_a_dropped_column_is_refused_or_changes_nothing_the_ent_knows(school, imported, which):
    """Absent, a column that only adds data leaves what the ENT has as it is; a column that
    names people or classes is required."""
    data, state, _ = imported
    full = {"pupils": data.pupils_csv(), "guardians": data.guardians_csv()}
    rows = rows_of(data, which)
    refused: set[str] = set()

    for index, label in enumerate(rows[0]):
        damaged = [row[:index] + row[index + 1 :] for row in rows]
        outcome = attempt(school, **{**full, which: file_of(damaged)})
        if outcome.issues is None:
            assert outcome.state == state, f"without « {label} »"
            continue
        refused.add(label)
        if label in REQUIRED[which]:
            [issue] = outcome.refusal
            assert (issue.file, issue.line) == (NAMES[which], 1)
            assert f"colonnes obligatoires absentes : « {label} »" in issue.message

    header = PUPIL_HEADER if which == "pupils" else GUARDIAN_HEADER
    assert {label for label in refused if label in header} == REQUIRED[which]


# --- control characters --------------------------------------------------------------------


@pytest.mark.parametrize("which", ["pupils", "guardians"])
def test_a_control_character_is_refused_with_its_line(school, imported, which):
    data, _, _ = imported
    full = {"pupils": data.pupils_csv(), "guardians": data.guardians_csv()}
    rows = rows_of(data, which)
    column = (PUPIL_HEADER if which == "pupils" else GUARDIAN_HEADER).index(
        "Prénom élève" if which == "pupils" else "Prénom responsable"
    )
    starts = record_lines(rows)

    for record, row in enumerate(rows):
        for char in CONTROLS:
            value = row[column]
            damaged = [list(r) for r in rows]
            damaged[record][column] = value[:2] + char + value[2:]
            outcome = attempt(school, **{**full, which: file_of(damaged)})
            assert outcome.issues is not None, f"{char!r} on line {starts[record]} imported"
            [issue] = outcome.refusal
            assert (issue.file, issue.line) == (NAMES[which], starts[record]), (char, issue)


def test_a_nul_byte_in_a_name_is_one_clear_error():
    data = small_export()
    rows = data.pupil_rows()
    rows[3][PUPIL_HEADER.index("Nom élève")] = "BRÉ\x00LOUVAC"

    _, _, issues = parse(file_of(rows), data.guardians_csv())

    assert [str(i) for i in issues] == [
        "eleves.csv, ligne 4 : caractère de contrôle invisible (NUL) ; le fichier est abîmé : "
        "exportez-le de nouveau."
    ]


# --- files with nothing in them ------------------------------------------------------------


def test_a_file_with_a_header_and_no_line_is_refused():
    data = small_export()
    pupils_header = file_of(data.pupil_rows()[:1])
    guardians_header = file_of(data.guardian_rows()[:1])

    _, _, issues = parse(pupils_header, guardians_header)

    assert [str(i) for i in issues] == [
        "eleves.csv, ligne 2 : Le fichier ne contient aucune ligne d'élève.",
        "responsables.csv, ligne 2 : Le fichier ne contient aucune ligne de responsable.",
    ]


def test_an_empty_file_is_refused_with_line_one():
    data = small_export()

    _, _, issues = parse(b"", b"\xef\xbb\xbf\r\n")

    assert [str(i) for i in issues] == [
        "eleves.csv, ligne 1 : le fichier est vide.",
        "responsables.csv, ligne 1 : le fichier est vide.",
    ]
    assert data  # the export is not needed: both files are empty


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "other"),
    [
        ("Łucja", "LUCJA"),
        ("ŒUVRAY-D’ARÇON", "oeuvray darcon"),
        ("Strauß", "STRAUSS"),
        ("Ørsted", "Orsted"),
        ("Đorđe", "DORDE"),
        ("Æsa", "aesa"),
        ("İlkay", "Ilkay"),
        ("Jean\u2011Baptiste", "Jean Baptiste"),
        ("Zoé", "Zoe\u0301"),  # precomposed or combining accent
    ],
)
def test_two_spellings_of_a_name_have_one_key(written, other):
    assert match_key(written) == match_key(other)


def test_not_every_letter_is_folded_away():
    assert match_key("Мария") == "мария"  # another script is kept, not dropped
    assert match_key("Мария") != match_key("Ольга")


def test_a_name_written_without_its_diacritics_is_the_same_pupil(school):
    data = export(10, 16, seed=22)
    pupil = data.pupils[0]
    pupil.ine = ""
    pupil.first_name, pupil.family_name = "Łucja", "ŒUVRAY-D’ARÇON"
    run_import(school, data)
    with schema_context(SCHEMA):
        before = User.objects.count()

    pupil.first_name, pupil.family_name = "LUCJA", "OEUVRAY D'ARCON"
    report = run_import(school, data)

    with schema_context(SCHEMA):
        assert User.objects.count() == before
        account = User.objects.get(birth_date=pupil.birth_date, first_name="LUCJA")
        assert Enrolment.objects.get(pupil=account).status == EnrolmentStatus.ENROLLED
    assert report.enrolments.leaving == []
    assert report.pupils.counts()["created"] == 0


# --- leavers -------------------------------------------------------------------------------


def test_more_than_a_fifth_of_the_pupils_leaving_needs_a_confirmation(school):
    data = export(20, 32, seed=23)
    run_import(school, data)
    gone = data.pupils[:5]  # 25 %
    data.pupils = data.pupils[5:]
    for guardian in data.guardians:
        guardian.children = [c for c in guardian.children if all(c is not g for g in gone)]
    data.guardians = [g for g in data.guardians if g.children]
    before = snapshot()

    with pytest.raises(LeaversNotConfirmed) as raised:
        run_import(school, data)

    assert snapshot() == before
    [issue] = raised.value.issues
    assert str(issue).startswith(
        "eleves.csv, ligne 16 : le fichier s'arrête à cette ligne, et 5 des 20 élèves inscrits "
        "dans l'école (25 %) n'y figurent pas : ils seraient marqués comme partants ("
    )
    preview = run_import(school, data, dry_run=True)
    assert preview.leavers_need_confirmation
    assert len(preview.enrolments.leaving) == 5

    report = run_import_confirmed(school, data)

    assert len(report.enrolments.leaving) == 5
    with schema_context(SCHEMA):
        assert Enrolment.objects.filter(status=EnrolmentStatus.LEAVING).count() == 5


def run_import_confirmed(school: School, data: OndeExport) -> ImportReport:
    with schema_context(SCHEMA):
        return import_for_school(
            school=school,
            pupils=SourceFile(PUPILS, data.pupils_csv()),
            guardians=SourceFile(GUARDIANS, data.guardians_csv()),
            confirm_leavers=True,
        )
