"""The messagerie's pages as each person uses them: search, read table, print, folders and
signature, the safety switches; others' messages answer 404 and change nothing."""

from __future__ import annotations

import html

from django_tenants.utils import schema_context

from apps.messaging.models import Copy, Folder, Message, Restriction, Settings, State
from tests.messaging.conftest import parents_of, send, to_person
from tests.messaging.test_query_counts import plant
from tests.world import World


def text(answer) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(answer.content.decode())


def test_the_search_page_finds_by_words_without_accents(bordeaux: World, as_user) -> None:
    send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Fête de l'école", body="Samedi.")
    send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Piscine", body="Bonnet.")
    client = as_user(bordeaux, "par1")
    page = text(client.get("/messagerie/recherche/", {"q": "fete ecole"}))
    assert "Fête de l'école" in page and "Piscine" not in page
    assert "1 message trouvé" in page
    assert "Aucun message ne correspond" in text(
        client.get("/messagerie/recherche/", {"q": "zèbre"})
    )
    # Another family finds nothing of it.
    assert "Fête" not in text(
        as_user(bordeaux, "par3").get("/messagerie/recherche/", {"q": "fete"})
    )


def test_the_sender_reads_who_has_read_per_family(bordeaux: World, as_user) -> None:
    message = send(bordeaux, "t1", [parents_of(bordeaux)], acknowledgement_requested=True).message
    teacher = as_user(bordeaux, "t1")
    page = text(teacher.get(f"/messagerie/messages/{message.pk}/lectures/"))
    assert "0 sur 1 destinataire" in page and "Non lu" in page
    parent = as_user(bordeaux, "par1")
    parent.get(f"/messagerie/messages/{message.pk}/")
    parent.post(f"/messagerie/messages/{message.pk}/accuser/")
    page = text(teacher.get(f"/messagerie/messages/{message.pk}/lectures/"))
    assert "1 sur 1 destinataire" in page and "Famille de" in page and "Oui" in page
    # Only the sender has that page.
    assert parent.get(f"/messagerie/messages/{message.pk}/lectures/").status_code == 404


def test_print_folders_and_signature(bordeaux: World, as_user) -> None:
    message = send(bordeaux, "t1", [to_person(bordeaux, "par1")], body="À imprimer.").message
    client = as_user(bordeaux, "par1")
    assert "À imprimer." in text(client.get(f"/messagerie/messages/{message.pk}/imprimer/"))
    client.post("/messagerie/reglages/", {"what": "dossier", "name": "École", "parent": ""})
    client.post("/messagerie/reglages/", {"what": "signature", "signature": "Mme Dupont"})
    with schema_context(bordeaux.schema):
        folder = Folder.objects.get(owner=bordeaux["par1"])
        assert Settings.objects.get(user=bordeaux["par1"]).signature == "Mme Dupont"
        copy = Copy.objects.get(owner=bordeaux["par1"], message=message)
    client.post(
        "/messagerie/actions/",
        {"copies": [copy.pk], "action": "deplacer", "folder": folder.pk, "next": "/messagerie/"},
    )
    assert "À imprimer" not in text(client.get("/messagerie/"))
    assert message.subject in text(client.get(f"/messagerie/dossiers/{folder.pk}/"))
    assert "Mme Dupont" in text(client.get("/messagerie/ecrire/"))  # under what one writes


def test_someone_elses_message_answers_404_and_changes_nothing(bordeaux: World, as_user) -> None:
    message = send(bordeaux, "t1", [to_person(bordeaux, "par1")]).message
    other = as_user(bordeaux, "par3")
    for path in ("", "imprimer/", "lectures/"):
        assert other.get(f"/messagerie/messages/{message.pk}/{path}").status_code == 404
    assert other.post(f"/messagerie/messages/{message.pk}/corbeille/").status_code == 404
    with schema_context(bordeaux.schema):
        assert not Copy.objects.filter(message=message, trashed_at__isnull=False).exists()


def test_the_direction_restricts_its_school_from_the_switches_page(
    bordeaux: World, as_user
) -> None:
    director = as_user(bordeaux, "dA")
    assert "Sécurité de la messagerie" in text(director.get("/"))
    director.post(
        "/messagerie/restrictions/", {"school": bordeaux.schools["A"].pk, "restricted": "1"}
    )
    with schema_context(bordeaux.schema):
        assert Restriction.objects.get(school=bordeaux.schools["A"]).restricted
    # Another school's switch is not this director's; a teacher has no such page.
    answer = director.post(
        "/messagerie/restrictions/", {"school": bordeaux.schools["B"].pk, "restricted": "1"}
    )
    assert answer.status_code == 404
    assert as_user(bordeaux, "t1").get("/messagerie/restrictions/").status_code == 404


def test_a_long_moderation_queue_is_paged_and_approve_all_takes_the_page_shown(
    bordeaux: World, as_user
) -> None:
    waiting = {"state": State.MODERATION, "moderation_class": bordeaux.classes["A1"]}
    planted = plant(bordeaux, "p1", "t1", 30, **waiting)
    client = as_user(bordeaux, "t1")

    first = client.get("/messagerie/moderation/").content.decode()
    assert "30 messages en attente" in first
    assert "Valider les 25 messages de cette page" in first
    assert first.count('name="messages"') == 25
    last = client.get("/messagerie/moderation/?page=2").content.decode()
    assert last.count('name="messages"') == 5 and "Tout valider" not in last

    shown = [m.pk for m in planted[:25]]
    client.post("/messagerie/moderation/", {"what": "tout", "messages": shown})
    with schema_context(bordeaux.schema):
        assert Message.objects.filter(pk__in=shown, state=State.DELIVERED).count() == 25
        assert Message.objects.filter(state=State.MODERATION).count() == 5
