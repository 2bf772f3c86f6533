"""A forum's page and a subject's page cost the same number of queries with 5 items or 500
(each shows a page of them), for a pupil and for the moderator."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.forum.models import Message, Subject
from apps.forum.publications import MESSAGE, SUBJECT
from apps.forum.selectors import MESSAGES_PER_PAGE, SUBJECTS_PER_PAGE
from apps.publications.models import Publication, State
from tests.forum.helpers import class_forum, first_category, subject_in
from tests.helpers import assert_num_queries

# The session, the user, the Actor (5: year, memberships, guardianships, classes taught,
# enrolments), the forum, its categories with their counts, the subjects' count and their
# page (with their publication, category and published replies' count), the header's two
# badges (messages, notifications). Adjust once, with the reason.
FORUM_QUERIES = 13
# The session, the user, the Actor (5), the subject (with its publication, category, forum,
# school and class), the messages' count and their page (with their publication), the
# header's two badges.
SUBJECT_QUERIES = 12


def _publications(world, kind: str, count: int, forum) -> list[Publication]:
    return Publication.objects.bulk_create(
        Publication(
            kind=kind,
            author_id=world["p2"].pk,
            state=State.PUBLISHED,
            school_id=forum.school_id,
            classroom_id=forum.classroom_id,
        )
        for _ in range(count)
    )


def _subjects(world, count: int) -> int:
    with schema_context("bordeaux"):
        forum = class_forum(world)
        category = first_category(forum)
        Subject.objects.bulk_create(
            Subject(
                publication=publication,
                forum=forum,
                category=category,
                author_name="Pia Deux",
                title=f"Sujet {n}",
                body="Texte",
            )
            for n, publication in enumerate(_publications(world, SUBJECT, count, forum))
        )
        return forum.pk


def _messages(world, count: int) -> int:
    with schema_context("bordeaux"):
        subject = subject_in(world)
        Message.objects.bulk_create(
            Message(publication=publication, subject=subject, author_name="Pia Deux", body="Oui")
            for publication in _publications(world, MESSAGE, count, subject.forum)
        )
        return subject.pk


@pytest.mark.parametrize("count", [5, 500])
@pytest.mark.parametrize("who", ["p1", "t1"])
def test_the_forum_page_costs_the_same_whatever_its_number_of_subjects(
    bordeaux, as_user, count, who
):
    forum_id = _subjects(bordeaux, count)
    client = as_user(bordeaux, who)
    client.get(f"/forums/{forum_id}/")  # warm: the session and the Actor's cache
    with assert_num_queries(FORUM_QUERIES):
        page = client.get(f"/forums/{forum_id}/")
    assert page.content.decode().count('class="forum-subject"') == min(count, SUBJECTS_PER_PAGE)


@pytest.mark.parametrize("count", [5, 500])
@pytest.mark.parametrize("who", ["p1", "t1"])
def test_the_subject_page_costs_the_same_whatever_its_number_of_messages(
    bordeaux, as_user, count, who
):
    subject_id = _messages(bordeaux, count)
    client = as_user(bordeaux, who)
    client.get(f"/forums/sujets/{subject_id}/")
    with assert_num_queries(SUBJECT_QUERIES):
        page = client.get(f"/forums/sujets/{subject_id}/")
    assert page.content.decode().count('class="forum-message"') == min(count, MESSAGES_PER_PAGE)


# The session, the user, the Actor (5), the open reports (with their subject, forum, message,
# publications and reporter), the header's two badges.
REPORTS_QUERIES = 10


def _reports(world, count: int) -> None:
    from apps.forum.models import Report

    with schema_context("bordeaux"):
        subject = subject_in(world)
        messages = Message.objects.bulk_create(
            Message(publication=publication, subject=subject, author_name="Pia Deux", body="Oui")
            for publication in _publications(world, MESSAGE, count, subject.forum)
        )
        Report.objects.bulk_create(
            Report(subject=subject, message=message, reporter=world["p1"], reason="Pas gentil")
            for message in messages
        )


@pytest.mark.parametrize("count", [5, 500])
def test_the_reports_page_costs_the_same_whatever_its_number_of_reports(bordeaux, as_user, count):
    _reports(bordeaux, count)
    client = as_user(bordeaux, "t1")
    client.get("/forums/signalements/")
    with assert_num_queries(REPORTS_QUERIES):
        page = client.get("/forums/signalements/")
    # The page shows the oldest hundred.
    assert page.content.decode().count('class="report-item"') == min(count, 100)
