"""What the teacher's "nouvelle séance" POST with one file costs: the Actor read once for the
whole request (view, homework service, attachments service), and a bounded number of queries.
"""

from __future__ import annotations

from django.urls import reverse
from django_tenants.utils import schema_context

from apps.attachments.models import Attachment
from apps.homework.models import HomeworkEntry
from tests.attachments import files
from tests.helpers import RELATIONSHIP_TABLES, count_queries, relationship_reads, statements

# Reads and writes of the POST, once the teacher has opened the form (so the session already
# holds its second-factor state): the session, the user, the Actor's five relationship
# queries (current year, memberships, guardianships, classes taught, enrolments), the class,
# the pending files' count, insert and read-back, the entry's insert, then joining the file
# (the entry locked, the claimed file read, the entry's files counted, the file updated).
# 16 on this branch's last count; the budget leaves no room for a second Actor.
POST_WITH_ONE_FILE_BUDGET = 16

ENTRY = {
    "domain": "francais",
    "on": "2026-10-05",
    "done": "Le son [ou].",
    "due_on": "2026-10-08",
    "todo": "Lire p. 12",
    "repeat": "",
    "publish": "on",
}


def _post_one_file(bordeaux, as_user, django_capture_on_commit_callbacks) -> list[str]:
    client = as_user(bordeaux, "t1")
    url = reverse("homework:new", args=[bordeaux.classes["A1"].pk])
    assert client.get(url).status_code == 200  # the teacher opens the form first
    with count_queries() as queries, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {**ENTRY, "attachments": [files.upload("Fiche.pdf", files.PDF)]}
        )
    sql = statements(queries)
    assert response.status_code == 302
    with schema_context(bordeaux.schema):
        entry = HomeworkEntry.objects.get()
        joined = Attachment.objects.values_list("publication__homework_entry", flat=True)
        assert list(joined) == [entry.pk]
    return sql


def test_the_teachers_post_with_one_file_reads_the_actor_once(
    bordeaux, as_user, media, no_broker, django_capture_on_commit_callbacks
):
    sql = _post_one_file(bordeaux, as_user, django_capture_on_commit_callbacks)

    # The view, the homework service and the attachments service share the caller's Actor.
    assert relationship_reads(sql) == dict.fromkeys(RELATIONSHIP_TABLES, 1)


def test_the_teachers_post_with_one_file_stays_within_its_query_budget(
    bordeaux, as_user, media, no_broker, django_capture_on_commit_callbacks
):
    sql = _post_one_file(bordeaux, as_user, django_capture_on_commit_callbacks)

    listing = "\n".join(f"{n}. {line[:160]}" for n, line in enumerate(sql, 1))
    assert len(sql) <= POST_WITH_ONE_FILE_BUDGET, listing
