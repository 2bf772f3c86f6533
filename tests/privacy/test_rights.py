"""Families' data-protection rights: a person (or a guardian for their child) downloads
everything the ENT holds about them; the commune administrator handles an erasure request,
which leaves nothing but the legal exceptions (the journal)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.liaison.models import Acknowledgement, LiaisonNote, NoteRecipient
from apps.liaison.notifications import LIAISON_NOTE
from apps.liaison.publications import NOTE
from apps.notifications.models import Notification
from apps.privacy.selectors import REDACTED, person_links, personal_data
from apps.publications.models import Publication
from tests.world import World

pytestmark = pytest.mark.django_db


def _references(user_id: int) -> dict[str, int]:
    """Straight from PostgreSQL's catalogue, not from the code under test: every column of the
    commune's schema with a foreign key to the users table, and how many rows hold ``user_id``."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT cl.relname, att.attname
            FROM pg_constraint con
            JOIN pg_class cl ON cl.oid = con.conrelid
            JOIN pg_namespace ns ON ns.oid = cl.relnamespace
            JOIN pg_class ref ON ref.oid = con.confrelid
            JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
            WHERE con.contype = 'f' AND ref.relname = 'accounts_user'
              AND ns.nspname = current_schema()
            """
        )
        columns = cursor.fetchall()
        counts = {}
        for table, column in columns:
            cursor.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}" = %s',  # noqa: S608 - catalogue
                [user_id],
            )
            counts[f"{table}.{column}"] = cursor.fetchone()[0]
    return counts


def _a_note_with_everything(world: World) -> LiaisonNote:
    """A note to p1's class, confirmed by par1, with a notification; par1 has a password."""
    world["par1"].set_password("Un-mot-de-passe-2026")
    world["par1"].save(update_fields=["password"])
    note = LiaisonNote.objects.create(
        publication=Publication.objects.create(kind=NOTE),
        author=world["t1"],
        author_name="Thomas",
        school=world.schools["A"],
        classroom=world.classes["A1"],
        audience="class",
        title="Sortie",
        text="Jeudi.",
    )
    NoteRecipient.objects.create(note=note, child=world["p1"], classroom=world.classes["A1"])
    Acknowledgement.objects.create(
        note=note, child=world["p1"], guardian=world["par1"], guardian_name="Paul"
    )
    Notification.objects.create(
        recipient=world["par1"], kind=LIAISON_NOTE, title="Nouveau mot", url="/liaison/"
    )
    return note


def _zip(response: Any) -> tuple[dict[str, Any], list[str]]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return json.loads(archive.read("donnees.json")), archive.namelist()


def test_every_table_pointing_at_a_person_is_in_the_export(bordeaux: World) -> None:
    with schema_context("bordeaux"):
        _a_note_with_everything(bordeaux)
        parent = bordeaux["par1"]
        data = personal_data(parent)
        exported = {key: len(rows) for key, rows in data.tables.items()}
        expected = {key: count for key, count in _references(parent.pk).items() if count}
        assert expected, "the fixture should give the parent rows in several tables"
        for key, count in expected.items():
            assert exported.get(key) == count, key
        # And every such column of the schema is known to the walker, rows or not.
        known = {f"{link.table}.{link.column}" for link in person_links()}
        assert set(_references(parent.pk)) <= known


def test_a_parent_downloads_their_data_and_their_childs(
    bordeaux: World, as_user: Callable[[World, str], Client]
) -> None:
    with schema_context("bordeaux"):
        _a_note_with_everything(bordeaux)
    client = as_user(bordeaux, "par1")
    page = client.get("/mon-compte/mes-donnees/")
    assert page.status_code == 200
    assert "Télécharger mes données (zip)" in page.content.decode()
    assert 'href="/mon-compte/mes-donnees/"' in client.get("/mon-compte/").content.decode()

    mine = client.post("/mon-compte/mes-donnees/", {"personne": bordeaux["par1"].pk})
    child = client.post("/mon-compte/mes-donnees/", {"personne": bordeaux["p1"].pk})
    other = client.post("/mon-compte/mes-donnees/", {"personne": bordeaux["p3"].pk})

    assert mine["Content-Type"] == "application/zip"
    document, names = _zip(mine)
    assert {"LISEZMOI.txt", "donnees.json"} <= set(names)
    tables = {t["table"]: t for t in document["tables"]}
    assert tables["accounts_user"]["lignes"][0]["username"] == bordeaux["par1"].username
    assert tables["accounts_user"]["lignes"][0]["password"] == REDACTED
    assert "liaison_acknowledgement.guardian_id" in tables
    child_document, _ = _zip(child)
    assert child_document["personne"]["identifiant"] == bordeaux["p1"].username
    assert other.status_code == 404
    with schema_context("bordeaux"):
        assert AuditEvent.objects.filter(action="privacy.exported").count() == 2


def test_the_administrator_erases_a_parent_leaving_only_the_journal(
    bordeaux: World, verified_login: Callable[..., Client]
) -> None:
    with schema_context("bordeaux"):
        note = _a_note_with_everything(bordeaux)
        parent = bordeaux["par1"]
        parent_id, username = parent.pk, parent.username
        AuditEvent.objects.create(action="login.success", actor=parent, actor_name="Paul")
    client = verified_login(bordeaux["adm"], "bordeaux")
    assert (
        f'href="/comptes/{parent_id}/effacement/"'
        in client.get(f"/comptes/{parent_id}/blocage/").content.decode()
    )

    wrong = client.post(
        f"/comptes/{parent_id}/effacement/", {"reason": "Courrier du 2/12", "username": "x"}
    )
    assert wrong.status_code == 400
    assert "ne correspond pas" in wrong.content.decode()
    with schema_context("bordeaux"):
        assert User.objects.filter(pk=parent_id).exists()

    done = client.post(
        f"/comptes/{parent_id}/effacement/",
        {"reason": "Courrier du 2/12", "username": username},
    )

    assert done.status_code == 302
    with schema_context("bordeaux"):
        assert not User.objects.filter(pk=parent_id).exists()
        left = {key: count for key, count in _references(parent_id).items() if count}
        assert left == {}
        # The legal exception: the journal keeps its lines (by name), and the erasure itself.
        assert AuditEvent.objects.filter(action="login.success", actor_name="Paul").exists()
        assert AuditEvent.objects.filter(action="privacy.erased", target=username).exists()
        # What others wrote stays.
        assert LiaisonNote.objects.filter(pk=note.pk).exists()


def test_erasure_is_for_the_administrator_only_and_never_of_an_administrator(
    bordeaux: World,
    as_user: Callable[[World, str], Client],
    verified_login: Callable[..., Client],
) -> None:
    teacher = as_user(bordeaux, "t1")
    assert teacher.get(f"/comptes/{bordeaux['p1'].pk}/effacement/").status_code == 404
    admin = verified_login(bordeaux["adm"], "bordeaux")
    assert admin.get(f"/comptes/{bordeaux['adm'].pk}/effacement/").status_code == 404
    assert admin.get("/comptes/99999999/effacement/").status_code == 404
