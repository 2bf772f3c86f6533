"""``/api/v1/messages/…``: the messagerie through the API, with the rules of the pages: what
one holds only (404 otherwise), one French sentence for a refusal that changes nothing."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.messaging import services
from apps.messaging.models import Box, Copy, Field, Folder, GroupKind, Message, State
from apps.messaging.rules import Group
from tests.helpers import count_queries
from tests.messaging.conftest import parents_of, send, to_person
from tests.world import World, add_pupils, build_bordeaux, log_in

URL = "/api/v1/messages/"


def post(client: Client, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(URL + path, data or {}, content_type="application/json")


def copy_of(world: World, name: str, message: Message) -> Copy:
    with schema_context(world.schema):
        return Copy.objects.get(message=message, owner=world[name])


def class_parents_key(world: World, classroom: str = "A1") -> str:
    return Group(
        kind=GroupKind.CLASS_PARENTS,
        school_id=world.classes[classroom].school_id,
        classroom_id=world.classes[classroom].pk,
    ).key


# --- folders -------------------------------------------------------------------------------


def test_the_boxes_count_messages_and_unread_ones(bordeaux: World, as_user) -> None:
    send(bordeaux, "t1", [to_person(bordeaux, "par1")])
    send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Piscine")

    parent = as_user(bordeaux, "par1").get(URL + "folders/").json()
    teacher = as_user(bordeaux, "t1").get(URL + "folders/").json()

    boxes = {box["key"]: (box["count"], box["unread"]) for box in parent["boxes"]}
    assert boxes == {"inbox": (2, 2), "sent": (0, 0), "drafts": (0, 0), "trash": (0, 0)}
    assert [box["label"] for box in parent["boxes"]][3] == "Corbeille"
    assert {box["key"]: box["unread"] for box in teacher["boxes"]}["sent"] == 0
    assert {box["key"]: box["count"] for box in teacher["boxes"]}["sent"] == 2
    assert parent["folders"] == []


def test_folders_are_created_renamed_and_deleted_by_their_owner_only(
    bordeaux: World, as_user
) -> None:
    client = as_user(bordeaux, "par1")
    created = post(client, "folders/", {"name": "  École  "})
    assert created.status_code == 201
    folder = created.json()
    sub = post(client, "folders/", {"name": "Sorties", "parent": folder["id"]}).json()

    too_deep = post(client, "folders/", {"name": "Trop", "parent": sub["id"]})
    same_name = post(client, "folders/", {"name": "École"})
    listed = client.get(URL + "folders/").json()["folders"]

    assert folder["name"] == "École" and sub["parent"] == folder["id"]
    assert too_deep.status_code == 400
    assert too_deep.json() == {"detail": "Un sous-dossier ne contient pas d'autre dossier."}
    assert same_name.json() == {"detail": "Un dossier porte déjà ce nom."}
    assert [(f["name"], f["count"], f["unread"]) for f in listed] == [
        ("École", 0, 0),
        ("Sorties", 0, 0),
    ]

    other = as_user(bordeaux, "par3")
    path = f"folders/{folder['id']}/"
    assert (
        other.patch(URL + path, {"name": "À moi"}, content_type="application/json").status_code
        == 404
    )
    assert other.delete(URL + path).status_code == 404
    assert post(other, "folders/", {"name": "Sous", "parent": folder["id"]}).status_code == 404

    renamed = client.patch(URL + path, {"name": "Classe"}, content_type="application/json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "Classe"
    assert client.delete(URL + path).status_code == 204
    with schema_context(bordeaux.schema):
        assert not Folder.objects.filter(owner=bordeaux["par1"]).exists()


# --- a box's copies ------------------------------------------------------------------------


def test_the_inbox_lists_newest_first_with_filters(bordeaux: World, as_user) -> None:
    first = send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Premier").message
    send(bordeaux, "dA", [to_person(bordeaux, "par1")], subject="Second")
    client = as_user(bordeaux, "par1")
    post(client, "copies/read/", {"copies": [copy_of(bordeaux, "par1", first).pk]})

    inbox = client.get(URL + "copies/").json()
    unread = client.get(URL + "copies/", {"unread": "true"}).json()
    from_t1 = client.get(URL + "copies/", {"sender": bordeaux["t1"].pk}).json()
    with_files = client.get(URL + "copies/", {"with_files": "true"}).json()

    assert inbox["count"] == 2
    assert [row["subject"] for row in inbox["results"]] == ["Second", "Premier"]
    line = inbox["results"][1]
    assert line["read"] is True and line["sender"] == bordeaux["t1"].pk
    assert line["preview"] == "Sortie jeudi. Prévoir un goûter."
    assert line["recipients"][0]["kind"] == "person"
    assert [row["subject"] for row in unread["results"]] == ["Second"]
    assert [row["subject"] for row in from_t1["results"]] == ["Premier"]
    assert with_files["count"] == 0


def test_a_box_and_a_folder_are_not_asked_together_and_anothers_folder_is_404(
    bordeaux: World, as_user
) -> None:
    with schema_context(bordeaux.schema):
        folder = services.folder_create(owner_id=bordeaux["par1"].pk, name="École")

    both = as_user(bordeaux, "par1").get(URL + "copies/", {"box": "inbox", "folder": folder.pk})
    theirs = as_user(bordeaux, "par3").get(URL + "copies/", {"folder": folder.pk})

    assert both.status_code == 400
    assert theirs.status_code == 404


def test_a_parent_of_another_class_sees_nothing_of_the_message(bordeaux: World, as_user) -> None:
    sent = send(bordeaux, "t1", [parents_of(bordeaux)])
    copy = copy_of(bordeaux, "par1", sent.message)
    other = as_user(bordeaux, "par3")

    assert other.get(URL + "copies/").json()["count"] == 0
    assert other.get(URL + f"{sent.message.pk}/thread/").status_code == 404
    for path in ("reply/", "forward/", "recall/", "report/"):
        assert post(other, f"{sent.message.pk}/{path}").status_code == 404
    for path in ("read/", "unread/", "trash/", "restore/"):
        assert post(other, f"copies/{path}", {"copies": [copy.pk]}).status_code == 404
    assert post(other, "copies/move/", {"copies": [copy.pk], "folder": None}).status_code == 404


# --- a thread ------------------------------------------------------------------------------


def test_a_thread_shows_groups_by_label_and_bcc_to_the_sender_only(
    bordeaux: World, as_user
) -> None:
    sent = send(
        bordeaux, "t1", [parents_of(bordeaux), to_person(bordeaux, "dA", Field.BCC)]
    ).message

    seen_by_parent = as_user(bordeaux, "par1").get(URL + f"{sent.pk}/thread/").json()
    seen_by_sender = as_user(bordeaux, "t1").get(URL + f"{sent.pk}/thread/").json()

    [message] = seen_by_parent["messages"]
    assert seen_by_parent["thread"] == sent.pk
    assert [a["label"] for a in message["to"]] == ["Parents de CP A1"]
    assert message["to"][0]["person"] is None
    assert message["to"][0]["group"] == class_parents_key(bordeaux)
    assert message["bcc"] == []
    assert message["body"] == "Sortie jeudi.\nPrévoir un goûter."
    assert message["sender_name"] == bordeaux["t1"].display_name
    [own] = seen_by_sender["messages"]
    assert [a["person"] for a in own["bcc"]] == [bordeaux["dA"].pk]
    assert own["box"] == Box.SENT and own["may_recall"] is True


def test_a_reply_joins_the_thread(bordeaux: World, as_user) -> None:
    first = send(bordeaux, "t1", [parents_of(bordeaux)]).message
    parent = as_user(bordeaux, "par1")

    reply = post(parent, f"{first.pk}/reply/")
    assert reply.status_code == 201
    draft = reply.json()
    assert draft["subject"].startswith("RE : ") and draft["reply_to"] == first.pk
    assert [r["person"] for r in draft["recipients"]] == [bordeaux["t1"].pk]
    assert post(parent, f"drafts/{draft['id']}/send/").json()["state"] == State.DELIVERED

    thread = as_user(bordeaux, "t1").get(URL + f"{first.pk}/thread/").json()
    assert [m["id"] for m in thread["messages"]] == [first.pk, draft["id"]]


def test_a_reply_says_re_once_even_to_a_subject_starting_with_re(bordeaux: World, as_user) -> None:
    first = send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Rentrée").message
    parent = as_user(bordeaux, "par1")
    reply = post(parent, f"{first.pk}/reply/").json()
    post(parent, f"drafts/{reply['id']}/send/")

    again = post(as_user(bordeaux, "t1"), f"{reply['id']}/reply/").json()

    assert reply["subject"] == "RE : Rentrée"
    assert again["subject"] == "RE : Rentrée"


def test_a_recalled_message_has_no_text_for_its_recipients(bordeaux: World, as_user) -> None:
    sent = send(bordeaux, "t1", [to_person(bordeaux, "par1")]).message
    by_recipient = post(as_user(bordeaux, "par1"), f"{sent.pk}/recall/")
    recalled = post(as_user(bordeaux, "t1"), f"{sent.pk}/recall/")

    thread = as_user(bordeaux, "par1").get(URL + f"{sent.pk}/thread/").json()
    line = as_user(bordeaux, "par1").get(URL + "copies/").json()["results"][0]
    own = as_user(bordeaux, "t1").get(URL + f"{sent.pk}/thread/").json()["messages"][0]

    assert by_recipient.status_code == 400
    assert by_recipient.json() == {"detail": "Ce message ne peut pas être rappelé."}
    assert recalled.status_code == 200 and recalled.json()["recalled_at"]
    [message] = thread["messages"]
    assert message["recalled"] is True and message["body"] is None
    assert message["notice"] == "Message rappelé par l'expéditeur."
    assert line["preview"] == "Message rappelé par l'expéditeur."
    assert own["body"] == "Sortie jeudi.\nPrévoir un goûter." and own["notice"] == ""


def test_a_departed_sender_is_a_former_account(bordeaux: World, as_user) -> None:
    sent = send(bordeaux, "t1", [to_person(bordeaux, "par1")]).message
    with schema_context(bordeaux.schema):
        User.objects.filter(pk=bordeaux["t1"].pk).update(left_at=timezone.now())

    [message] = as_user(bordeaux, "par1").get(URL + f"{sent.pk}/thread/").json()["messages"]
    line = as_user(bordeaux, "par1").get(URL + "copies/").json()["results"][0]

    assert (message["sender"], message["sender_name"]) == (None, "Ancien compte")
    assert (line["sender"], line["sender_name"]) == (None, "Ancien compte")


# --- compose -------------------------------------------------------------------------------


def test_a_teacher_writes_a_draft_to_a_person_and_a_group_then_sends_it(
    bordeaux: World, as_user
) -> None:
    client = as_user(bordeaux, "t1")
    created = post(
        client,
        "drafts/",
        {
            "subject": "Sortie",
            "body": "Jeudi.",
            "recipients": [
                {"group": class_parents_key(bordeaux)},
                {"field": "cc", "person": bordeaux["dA"].pk},
            ],
        },
    )
    assert created.status_code == 201
    draft = created.json()
    assert [(r["field"], r["kind"]) for r in draft["recipients"]] == [
        ("to", GroupKind.CLASS_PARENTS),
        ("cc", "person"),
    ]
    updated = client.put(
        URL + f"drafts/{draft['id']}/",
        {"subject": "Sortie au musée", "recipients": [{"group": class_parents_key(bordeaux)}]},
        content_type="application/json",
    )
    assert updated.status_code == 200
    assert client.get(URL + f"drafts/{draft['id']}/").json()["subject"] == "Sortie au musée"
    assert client.get(URL + "copies/", {"box": "drafts"}).json()["count"] == 1

    sent = post(client, f"drafts/{draft['id']}/send/")

    assert sent.status_code == 200
    assert sent.json()["state"] == State.DELIVERED and sent.json()["state_label"] == "Remis"
    assert sent.json()["deliver_at"]
    assert as_user(bordeaux, "par1").get(URL + "copies/").json()["count"] == 1
    assert client.get(URL + f"drafts/{draft['id']}/").status_code == 404


def test_a_parent_cannot_write_to_a_group_and_nothing_is_written(bordeaux: World, as_user) -> None:
    response = post(
        as_user(bordeaux, "par1"),
        "drafts/",
        {"subject": "Bonjour", "recipients": [{"group": class_parents_key(bordeaux)}]},
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Vous ne pouvez pas écrire à ce groupe."}
    with schema_context(bordeaux.schema):
        assert not Message.objects.exists()


def test_a_parent_cannot_write_to_a_teacher_of_another_class(bordeaux: World, as_user) -> None:
    response = post(
        as_user(bordeaux, "par1"), "drafts/", {"recipients": [{"person": bordeaux["t2"].pk}]}
    )

    assert response.status_code == 400
    assert response.json() == {"detail": services.REFUSED_PERSON}


def test_the_recipients_offered_follow_the_rules(bordeaux: World, as_user) -> None:
    parent = as_user(bordeaux, "par1").get(URL + "recipients/").json()
    teacher = as_user(bordeaux, "t1").get(URL + "recipients/", {"q": "parents"}).json()
    pupil = as_user(bordeaux, "p1").get(URL + "recipients/").json()

    people = {person["id"] for person in parent["people"]}
    assert bordeaux["t1"].pk in people and bordeaux["t2"].pk not in people
    assert {group["kind"] for group in parent["groups"]} == {GroupKind.SCHOOL_DIRECTION}
    assert class_parents_key(bordeaux) in {group["key"] for group in teacher["groups"]}
    assert all("parents" in group["label"].lower() for group in teacher["groups"])
    assert pupil["groups"] == []


def test_a_refused_send_says_why_and_the_draft_stays(bordeaux: World, as_user) -> None:
    client = as_user(bordeaux, "t1")
    draft = post(client, "drafts/", {"subject": "Sans destinataire"}).json()

    response = post(client, f"drafts/{draft['id']}/send/")

    assert response.status_code == 400
    assert response.json() == {"detail": services.NO_RECIPIENT}
    with schema_context(bordeaux.schema):
        assert Message.objects.get(pk=draft["id"]).state == State.DRAFT


def test_past_thirty_families_the_sender_confirms_first(db, tenant_client) -> None:
    world = build_bordeaux()
    add_pupils(world, 31)
    client = log_in(tenant_client, world.schema, world["t1"])
    draft = post(
        client,
        "drafts/",
        {"subject": "Kermesse", "recipients": [{"group": class_parents_key(world)}]},
    ).json()

    asked = post(client, f"drafts/{draft['id']}/send/")
    with schema_context(world.schema):
        still_draft = Message.objects.get(pk=draft["id"]).state
    confirmed = post(client, f"drafts/{draft['id']}/send/", {"confirmed": True})

    assert asked.status_code == 409
    assert asked.json() == {
        "detail": "Ce message sera remis à 32 familles. Confirmez pour l'envoyer.",
        "families": 32,
    }
    assert still_draft == State.DRAFT
    assert confirmed.status_code == 200 and confirmed.json()["state"] == State.DELIVERED


def test_only_the_direction_sends_urgent(bordeaux: World, as_user) -> None:
    client = as_user(bordeaux, "t1")
    draft = post(
        client, "drafts/", {"recipients": [{"person": bordeaux["par1"].pk}], "subject": "Urgent"}
    ).json()

    response = post(client, f"drafts/{draft['id']}/send/", {"urgent": True})

    assert response.status_code == 400
    assert response.json() == {"detail": "Seule la direction peut envoyer un message urgent."}


def test_a_draft_is_deleted_by_its_author_only(bordeaux: World, as_user) -> None:
    draft = post(as_user(bordeaux, "t1"), "drafts/", {"subject": "Brouillon"}).json()
    path = URL + f"drafts/{draft['id']}/"

    assert as_user(bordeaux, "t2").delete(path).status_code == 404
    assert as_user(bordeaux, "t2").get(path).status_code == 404
    assert as_user(bordeaux, "t1").delete(path).status_code == 204
    with schema_context(bordeaux.schema):
        assert not Message.objects.exists()


# --- what one holds ------------------------------------------------------------------------


def test_read_unread_trash_restore_and_move(bordeaux: World, as_user) -> None:
    sent = send(bordeaux, "t1", [to_person(bordeaux, "par1")]).message
    copy = copy_of(bordeaux, "par1", sent)
    client = as_user(bordeaux, "par1")
    folder = post(client, "folders/", {"name": "École"}).json()
    selection = {"copies": [copy.pk]}

    assert post(client, "copies/read/", selection).json() == {"changed": 1}
    assert client.get(URL + "folders/").json()["boxes"][0]["unread"] == 0
    assert post(client, "copies/unread/", selection).json() == {"changed": 1}
    assert post(client, "copies/move/", {**selection, "folder": folder["id"]}).json() == {
        "changed": 1
    }
    in_folder = client.get(URL + "copies/", {"folder": folder["id"]}).json()
    assert [row["id"] for row in in_folder["results"]] == [copy.pk]
    assert post(client, "copies/trash/", selection).json() == {"changed": 1}
    assert client.get(URL + "copies/", {"box": "trash"}).json()["count"] == 1
    assert post(client, "copies/restore/", selection).json() == {"changed": 1}
    assert post(client, "copies/move/", {**selection, "folder": None}).json() == {"changed": 1}
    assert client.get(URL + "copies/").json()["count"] == 1


def test_a_selection_with_a_copy_of_someone_else_changes_nothing(bordeaux: World, as_user) -> None:
    sent = send(bordeaux, "t1", [to_person(bordeaux, "par1"), to_person(bordeaux, "par3")])
    mine = copy_of(bordeaux, "par1", sent.message)
    theirs = copy_of(bordeaux, "par3", sent.message)

    response = post(as_user(bordeaux, "par1"), "copies/read/", {"copies": [mine.pk, theirs.pk]})

    assert response.status_code == 404
    with schema_context(bordeaux.schema):
        assert Copy.objects.get(pk=mine.pk).read_at is None


def test_a_received_message_is_reported_a_sent_one_is_not(bordeaux: World, as_user) -> None:
    sent = send(bordeaux, "t1", [to_person(bordeaux, "par1")]).message

    reported = post(as_user(bordeaux, "par1"), f"{sent.pk}/report/", {"reason": "Insultant"})
    own = post(as_user(bordeaux, "t1"), f"{sent.pk}/report/")

    assert reported.status_code == 200 and reported.json()["message"] == sent.pk
    assert own.status_code == 400
    assert own.json() == {"detail": "Vous ne pouvez signaler qu'un message reçu."}


# --- moderation ----------------------------------------------------------------------------


def test_a_pupils_message_goes_to_moderation_then_the_teacher_approves_it_edited(
    bordeaux: World, as_user
) -> None:
    pupil = as_user(bordeaux, "p1")
    draft = post(
        pupil,
        "drafts/",
        {
            "subject": "Question",
            "body": "Bonjour maitresse",
            "recipients": [{"person": bordeaux["t1"].pk}],
        },
    ).json()
    sent = post(pupil, f"drafts/{draft['id']}/send/").json()
    assert sent["state"] == State.MODERATION
    assert sent["state_label"] == "En attente de validation"

    teacher = as_user(bordeaux, "t1")
    queue = teacher.get(URL + "moderation/").json()
    assert [row["id"] for row in queue["results"]] == [draft["id"]]
    assert queue["results"][0]["classroom"] == bordeaux.classes["A1"].pk
    assert as_user(bordeaux, "t2").get(URL + "moderation/").json()["count"] == 0
    assert as_user(bordeaux, "par1").get(URL + "moderation/").json()["count"] == 0
    path = f"moderation/{draft['id']}/approve/"
    assert post(as_user(bordeaux, "t2"), path).status_code == 404

    approved = post(teacher, path, {"body": "Bonjour maîtresse"})

    assert approved.status_code == 200 and approved.json()["state"] == State.DELIVERED
    [line] = teacher.get(URL + "copies/").json()["results"]
    assert line["preview"] == "Bonjour maîtresse"
    assert post(teacher, path).status_code == 404


def test_the_teacher_refuses_a_pupils_message(bordeaux: World, as_user) -> None:
    sent = send(bordeaux, "p1", [to_person(bordeaux, "t1")]).message

    refused = post(
        as_user(bordeaux, "t1"), f"moderation/{sent.pk}/refuse/", {"reason": "Trop long"}
    )

    assert refused.status_code == 200 and refused.json()["state"] == State.REFUSED
    with schema_context(bordeaux.schema):
        assert not Copy.objects.filter(message=sent, box=Box.INBOX).exists()
        assert actor_for(bordeaux["t1"]).taught_class_ids


# --- cost ----------------------------------------------------------------------------------


def _list_cost(client: Client) -> tuple[int, int]:
    client.get(URL + "copies/")  # warm: routing cache, session state
    with count_queries() as captured:
        response = client.get(URL + "copies/")
    assert response.status_code == 200
    return len(captured), len(response.json()["results"])


def _many(world: World, count: int) -> None:
    with schema_context(world.schema):
        teacher = actor_for(world["t1"])
        for n in range(count):
            draft = services.draft_save(
                actor=teacher,
                subject=f"Message {n}",
                body="Texte",
                recipients=[to_person(world, "par1"), to_person(world, "dA", Field.CC)],
            )
            services.message_send(actor=teacher, draft=draft)


# Session and user (2), the Actor (5); the count, the page and the page's addresses (3).
COPIES_LIST_QUERIES = 10


def test_the_copies_list_costs_the_same_with_10_or_40_messages(db, tenant_client) -> None:
    world = build_bordeaux()
    client = log_in(tenant_client, world.schema, world["par1"])
    _many(world, 10)
    with_10 = _list_cost(client)
    _many(world, 30)
    with_40 = _list_cost(client)

    assert (with_10, with_40) == ((COPIES_LIST_QUERIES, 10), (COPIES_LIST_QUERIES, 25))
