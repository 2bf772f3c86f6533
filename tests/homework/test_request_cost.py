"""What the teacher's "nouvelle séance" POST with one file costs: the Actor read once for the
whole request (view, homework service, attachments service), and a bounded number of queries.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.attachments.models import Attachment
from apps.homework.models import HomeworkEntry
from apps.outbox import queue as outbox_queue
from tests.attachments import files
from tests.helpers import count_queries

# Reads and writes of the POST, once the teacher has opened the form (so the session already
# holds its second-factor state): the session, the user, the Actor's five relationship
# queries (current year, memberships, guardianships, classes taught, enrolments), the class,
# the pending files' count, insert and read-back, the entry's insert, then joining the file
# (the entry locked, the claimed file read, the entry's files counted, the file updated).
# 16 on this branch's last count; the budget leaves no room for a second Actor.
POST_WITH_ONE_FILE_BUDGET = 16

# The five relationship queries of ``apps.accounts.selectors.actors_for``, by their table.
RELATIONSHIP_TABLES = (
    '"schools_schoolyear"',
    '"schools_schoolmembership"',
    '"schools_guardianship"',
    '"schools_classroom_teachers"',
    '"schools_enrolment"',
)

ENTRY = {
    "domain": "francais",
    "on": "2026-10-05",
    "done": "Le son [ou].",
    "due_on": "2026-10-08",
    "todo": "Lire p. 12",
    "repeat": "",
    "publish": "on",
}


@pytest.fixture
def no_broker(monkeypatch):
    # The families are told by a Celery task queued after commit: not this request's cost.
    monkeypatch.setattr(outbox_queue, "queue_task", lambda *args, **kwargs: True)


def _statements(queries) -> list[str]:
    """The reads and writes: SAVEPOINT / RELEASE are the transaction's bookkeeping (in a test,
    every ``atomic`` block is a savepoint, the test itself running in a transaction)."""
    return [
        query["sql"]
        for query in queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def _relationship_reads(statements: list[str]) -> dict[str, int]:
    return {
        table: sum(1 for sql in statements if sql.startswith("SELECT") and f"FROM {table}" in sql)
        for table in RELATIONSHIP_TABLES
    }


def _post_one_file(bordeaux, as_user, django_capture_on_commit_callbacks) -> list[str]:
    client = as_user(bordeaux, "t1")
    url = reverse("homework:new", args=[bordeaux.classes["A1"].pk])
    assert client.get(url).status_code == 200  # the teacher opens the form first
    with count_queries() as queries, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {**ENTRY, "attachments": [files.upload("Fiche.pdf", files.PDF)]}
        )
    statements = _statements(queries)
    assert response.status_code == 302
    with schema_context(bordeaux.schema):
        entry = HomeworkEntry.objects.get()
        joined = Attachment.objects.values_list("publication__homework_entry", flat=True)
        assert list(joined) == [entry.pk]
    return statements


def test_the_teachers_post_with_one_file_reads_the_actor_once(
    bordeaux, as_user, media, no_broker, django_capture_on_commit_callbacks
):
    statements = _post_one_file(bordeaux, as_user, django_capture_on_commit_callbacks)

    # The view, the homework service and the attachments service share the caller's Actor.
    assert _relationship_reads(statements) == dict.fromkeys(RELATIONSHIP_TABLES, 1)


def test_the_teachers_post_with_one_file_stays_within_its_query_budget(
    bordeaux, as_user, media, no_broker, django_capture_on_commit_callbacks
):
    statements = _post_one_file(bordeaux, as_user, django_capture_on_commit_callbacks)

    listing = "\n".join(f"{n}. {sql[:160]}" for n, sql in enumerate(statements, 1))
    assert len(statements) <= POST_WITH_ONE_FILE_BUDGET, listing
