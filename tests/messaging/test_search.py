"""Searching one's messages (``apps.messaging.search``): French words with or without
accents, the sender's name, the list's filters and places, only one's own copies, in one
query, and through the GIN index ``messaging_message_search`` on a table of some size."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.accounts.signals import names_changed
from apps.attachments.models import Attachment
from apps.messaging import services
from apps.messaging.models import Box, Copy, Message, State
from apps.messaging.search import search_copies
from apps.publications.models import Publication
from tests.messaging.conftest import send, to_person, write
from tests.world import World


def found(world: World, name: str, query: str, **options: object) -> list[int]:
    """The ids of the messages ``name``'s search finds, in the order it gives them."""
    with schema_context(world.schema):
        return [
            copy.message_id
            for copy in search_copies(world[name].pk, query, **options)  # type: ignore[arg-type]
        ]


def copy_of(world: World, name: str, message: Message) -> Copy:
    with schema_context(world.schema):
        return Copy.objects.get(owner=world[name], message=message)


def test_words_are_found_with_or_without_accents_and_in_other_forms(bordeaux: World) -> None:
    outing = send(
        bordeaux,
        "t1",
        [to_person(bordeaux, "par1")],
        subject="Réunion à l'École",
        body="Prévoir un goûter pour les élèves.",
    ).message
    send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Cantine", body="Menu du jour.")
    for query in ("ecole", "école", "ÉCOLE", "écoles", "reunion", "gouter", "eleve", "GOÛTER"):
        assert found(bordeaux, "par1", query) == [outing.pk], query


def test_the_senders_name_is_found(bordeaux: World) -> None:
    by_teacher = send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Sortie").message
    send(bordeaux, "dA", [to_person(bordeaux, "par1")], subject="Sortie")
    # t1 is Théo Maître: the name is folded like the text.
    assert found(bordeaux, "par1", "maitre") == [by_teacher.pk]
    assert found(bordeaux, "par1", "Théo Maître") == [by_teacher.pk]


def test_a_renamed_sender_is_found_by_the_name_they_now_bear(bordeaux: World) -> None:
    by_teacher = send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Sortie").message
    with schema_context(bordeaux.schema):
        User.objects.filter(pk=bordeaux["t1"].pk).update(first_name="Théa", last_name="Dupré")
        names_changed.send(sender=User, user_ids=[bordeaux["t1"].pk])  # as an import does
    assert found(bordeaux, "par1", "dupre") == [by_teacher.pk]
    assert found(bordeaux, "par1", "maitre") == []
    assert found(bordeaux, "par1", "sortie") == [by_teacher.pk]  # the text is still indexed


def test_the_subject_weighs_more_than_the_body_then_newest_first(bordeaux: World) -> None:
    in_body = send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Info", body="Piscine")
    in_subject = send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Piscine", body="-")
    older = send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Piscine", body="-")
    with schema_context(bordeaux.schema):
        Copy.objects.filter(message=older.message).update(
            sort_at=timezone.now() - datetime.timedelta(days=2)
        )
    assert found(bordeaux, "par1", "piscine") == [
        in_subject.message.pk,
        older.message.pk,
        in_body.message.pk,
    ]


def test_filters_and_places_narrow_the_search(bordeaux: World) -> None:
    par1 = bordeaux["par1"].pk
    from_teacher = send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Sortie").message
    from_director = send(bordeaux, "dA", [to_person(bordeaux, "par1")], subject="Sortie").message
    filed = send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Sortie rangée").message
    thrown = send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Sortie jetée").message
    with schema_context(bordeaux.schema):
        folder = services.folder_create(owner_id=par1, name="Sorties")
        services.copies_move(
            owner_id=par1, copy_ids=[copy_of(bordeaux, "par1", filed).pk], folder=folder
        )
        services.copies_trash(owner_id=par1, copy_ids=[copy_of(bordeaux, "par1", thrown).pk])
        services.copies_mark_read(
            owner_id=par1, copy_ids=[copy_of(bordeaux, "par1", from_teacher).pk]
        )
        Attachment.objects.create(
            publication_id=from_director.publication_id,
            file="messaging/plan.pdf",
            original_name="plan.pdf",
            size=1,
            content_type="application/pdf",
            sha256="0" * 64,
        )
    everywhere = {from_teacher.pk, from_director.pk, filed.pk}
    assert set(found(bordeaux, "par1", "sortie")) == everywhere  # the trash is left out
    assert set(found(bordeaux, "par1", "sortie", folder=Box.INBOX)) == {
        from_teacher.pk,
        from_director.pk,
    }
    assert found(bordeaux, "par1", "sortie", folder=folder.pk) == [filed.pk]
    assert found(bordeaux, "par1", "sortie", folder="trash") == [thrown.pk]
    assert set(found(bordeaux, "par1", "sortie", unread=True)) == {from_director.pk, filed.pk}
    assert found(bordeaux, "par1", "sortie", with_files=True) == [from_director.pk]
    assert found(bordeaux, "par1", "sortie", sender_id=bordeaux["dA"].pk) == [from_director.pk]
    with schema_context(bordeaux.schema):
        line = search_copies(par1, "sortie", with_files=True).get()
        assert line.has_files and line.message.sender.pk == bordeaux["dA"].pk  # type: ignore
    assert found(bordeaux, "par1", "sortie -jetée -rangée") == [
        from_director.pk,
        from_teacher.pk,
    ]


def test_nobody_finds_what_is_not_theirs_to_read(bordeaux: World) -> None:
    to_par1 = send(bordeaux, "dA", [to_person(bordeaux, "par1")], subject="Kermesse").message
    to_par3 = send(bordeaux, "dA", [to_person(bordeaux, "par3")], subject="Kermesse").message
    recalled = send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Kermesse").message
    with schema_context(bordeaux.schema):
        services.message_recall(actor=actor_for(bordeaux["t1"]), message=recalled)
        draft = services.draft_save(actor=actor_for(bordeaux["t2"]), subject="Kermesse")
    assert found(bordeaux, "par1", "kermesse") == [to_par1.pk]
    assert found(bordeaux, "par3", "kermesse") == [to_par3.pk]
    assert found(bordeaux, "dA", "kermesse", folder=Box.SENT) == [to_par3.pk, to_par1.pk]
    assert found(bordeaux, "t1", "kermesse") == [recalled.pk]  # the sender keeps their own
    assert found(bordeaux, "par4", "kermesse") == []
    assert found(bordeaux, "t2", "kermesse") == [draft.pk]  # their draft, no one else's
    with schema_context(bordeaux.schema):
        services.message_remove(actor=actor_for(bordeaux["adm"]), message=to_par1)
        assert Message.objects.get(pk=to_par1.pk).state == State.REMOVED
    assert found(bordeaux, "par1", "kermesse") == []
    assert found(bordeaux, "dA", "kermesse") == [to_par3.pk]


def test_a_draft_is_found_by_its_writer_only_as_it_is_now(bordeaux: World) -> None:
    draft = write(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Brouillon de sortie")
    assert found(bordeaux, "t1", "sortie", folder=Box.DRAFTS) == [draft.pk]
    with schema_context(bordeaux.schema):
        services.draft_save(
            actor=actor_for(bordeaux["t1"]), draft=draft, subject="Piscine", body="Bonnet."
        )
    assert found(bordeaux, "t1", "sortie") == []
    assert found(bordeaux, "t1", "bonnet") == [draft.pk]
    assert found(bordeaux, "par1", "bonnet") == []


@pytest.mark.parametrize("query", ["", "   ", "?!", "-kermesse", '-"la kermesse"', "de la du"])
def test_an_empty_or_meaningless_query_finds_nothing(bordeaux: World, query: str) -> None:
    send(bordeaux, "dA", [to_person(bordeaux, "par1")], subject="La kermesse", body="de la du")
    assert found(bordeaux, "par1", query) == []


def test_a_search_is_one_query_whatever_it_finds(
    bordeaux: World, django_assert_num_queries: object
) -> None:
    for n in range(6):
        send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject=f"Atelier {n}")
    with schema_context(bordeaux.schema):
        for query, expected in (("atelier", 6), ("atelier 3", 1), ("absent", 0)):
            with django_assert_num_queries(1):  # type: ignore[operator]
                lines = list(search_copies(bordeaux["par1"].pk, query))
                assert len(lines) == expected
                for line in lines:  # what a list line shows costs nothing more
                    assert line.message.subject and line.message.sender.display_name
                    assert line.has_files is False
        with django_assert_num_queries(0):  # type: ignore[operator]
            assert list(search_copies(bordeaux["par1"].pk, " -atelier ")) == []


# --- the plan on a table of some size -------------------------------------------------------

MESSAGES = 1500
RARE = "hippocampe"
# Where the rare word is: par1 holds the odd rows, par3 the even ones.
RARE_AT = (10, 1001, 2003)


def _fill(world: World) -> None:
    """``MESSAGES`` messages received by par1 (and as many by par3), a rare word in three of
    them, indexed as the service indexes them (one UPDATE, the same expression), analysed."""
    teacher, par1, par3 = world["t1"], world["par1"], world["par3"]
    now = timezone.now()
    publications = Publication.objects.bulk_create(
        Publication(kind="messaging.message", author_id=teacher.pk, state="published")
        for _ in range(2 * MESSAGES)
    )
    messages = Message.objects.bulk_create(
        Message(
            publication=publication,
            sender_id=teacher.pk,
            subject=f"{RARE} n° {n}" if n in RARE_AT else f"Semaine {n % 36}",
            body=f"Le cahier de liaison, la cantine et la sortie du jour {n}.",
            state=State.DELIVERED,
            sent_at=now,
            delivered_at=now,
        )
        for n, publication in enumerate(publications)
    )
    Copy.objects.bulk_create(
        Copy(
            message=message,
            owner_id=(par1.pk if n % 2 else par3.pk),
            box=Box.INBOX,
            field="to",
            sort_at=now - datetime.timedelta(minutes=n),
        )
        for n, message in enumerate(messages)
    )
    services._indexed(messages[0])  # the service's own expression, for the first row...
    with connection.cursor() as cursor:
        cursor.execute("SELECT search::text FROM messaging_message WHERE id = %s", [messages[0].pk])
        expected = cursor.fetchone()[0]
        # ...and the same for all (what _indexed writes, in one statement for all the rows).
        cursor.execute(
            "UPDATE messaging_message m SET search ="
            " setweight(to_tsvector('french', unaccent(m.subject)), 'A')"
            " || setweight(to_tsvector('french', unaccent(m.body)), 'B')"
            " || setweight(to_tsvector('french', unaccent(u.first_name || ' ' || u.last_name)),"
            " 'A') FROM accounts_user u WHERE u.id = m.sender_id"
        )
        cursor.execute("SELECT search::text FROM messaging_message WHERE id = %s", [messages[0].pk])
        assert cursor.fetchone()[0] == expected
        cursor.execute("ANALYZE messaging_message")
        cursor.execute("ANALYZE messaging_copy")


def _plan(queryset: QuerySet[Copy]) -> dict[str, Any]:
    sql, params = queryset.query.get_compiler(using="default").as_sql()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        document = cursor.fetchone()[0]  # psycopg decodes the json column itself
    return (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    nodes = [plan]
    for child in plan.get("Plans", []):
        nodes += _nodes(child)
    return nodes


def test_the_search_reads_the_gin_index_not_the_whole_table(bordeaux: World) -> None:
    with schema_context(bordeaux.schema):
        _fill(bordeaux)
        owner = bordeaux["par1"].pk
        queryset = search_copies(owner, "Hippocampé")
        assert [copy.owner_id for copy in queryset] == [owner, owner]  # 3 rare ones, 2 are par1's
        nodes = _nodes(_plan(queryset))
    on_messages = [node for node in nodes if node.get("Relation Name") == "messaging_message"]
    scans = {(node["Node Type"], node.get("Index Name")) for node in nodes}
    assert ("Bitmap Index Scan", "messaging_message_search") in scans, nodes
    assert not [node for node in on_messages if node["Node Type"] == "Seq Scan"], nodes
