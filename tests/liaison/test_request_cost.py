"""What the teacher's "nouveau mot" POST for the class with one file costs: the Actor read once
for the whole request (view, liaison service, attachments service), and a pinned number of
queries (tests/homework/test_request_cost.py does the same for the cahier de textes).
"""

from __future__ import annotations

from django.urls import reverse
from django_tenants.utils import schema_context

from apps.attachments.models import Attachment
from apps.liaison.models import LiaisonNote, NoteRecipient, Recipients
from tests.attachments import files
from tests.helpers import RELATIONSHIP_TABLES, count_queries, relationship_reads, statements

# Reads and writes of the POST, once the teacher has opened the form (so the session already
# holds its second-factor state):
#  1-2.   the session, the user;
#  3-7.   the Actor's five relationship queries (current year, memberships, guardianships,
#         classes taught, enrolments), read once for the view and both services;
#  8-9.   the class, the form's pupils;
#  10-12. the pending files' count, insert and read-back;
#  13-19. the note: its publication inserted, the note inserted, locked and read back, the
#         pupils it concerns read and its recipients inserted, the note and its publication
#         stamped published;
#  20-21. joining the file: the claimed file read, then updated. The note was created in
#         this transaction by a service that checked its author's right: no right to check
#         again, no row to lock, no file already joined to count (``created=True``).
POST_WITH_ONE_FILE_QUERIES = 21


NOTE = {
    "title": "Sortie au musée",
    "text": "Sortie jeudi.\nPrévoir un goûter.",
    "acknowledgement_required": "on",
    "audience": Recipients.CLASS,
}


def _post_one_file(bordeaux, as_user, django_capture_on_commit_callbacks) -> list[str]:
    client = as_user(bordeaux, "t1")
    url = reverse("liaison:new_class", args=[bordeaux.classes["A1"].pk])
    assert client.get(url).status_code == 200  # the teacher opens the form first
    with count_queries() as queries, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {**NOTE, "attachments": [files.upload("Autorisation.pdf", files.PDF)]}
        )
    sql = statements(queries)
    assert response.status_code == 302
    with schema_context(bordeaux.schema):
        note = LiaisonNote.objects.get()
        assert note.author_id == bordeaux["t1"].pk
        assert note.author_name == bordeaux["t1"].display_name
        assert set(NoteRecipient.objects.values_list("child_id", flat=True)) == {
            bordeaux["p1"].pk,
            bordeaux["p2"].pk,
        }
        joined = Attachment.objects.values_list("publication__liaison_note", flat=True)
        assert list(joined) == [note.pk]
    return sql


def test_the_teachers_note_with_one_file_reads_the_actor_once(
    bordeaux, as_user, media, no_broker, django_capture_on_commit_callbacks
):
    sql = _post_one_file(bordeaux, as_user, django_capture_on_commit_callbacks)

    # The view, the liaison service and the attachments service share the caller's Actor.
    assert relationship_reads(sql) == dict.fromkeys(RELATIONSHIP_TABLES, 1)


def test_the_teachers_note_with_one_file_costs_its_pinned_queries(
    bordeaux, as_user, media, no_broker, django_capture_on_commit_callbacks
):
    sql = _post_one_file(bordeaux, as_user, django_capture_on_commit_callbacks)

    listing = "\n".join(f"{n}. {line[:160]}" for n, line in enumerate(sql, 1))
    assert len(sql) == POST_WITH_ONE_FILE_QUERIES, listing
