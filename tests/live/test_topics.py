"""What a page watches live: each topic renders what its person may see (else nothing), and the
services say who must hear of a change, once their transaction commits."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.liaison.services import liaison_note_confirm
from apps.live import push, topics
from tests.liaison.conftest import class_note
from tests.messaging.conftest import send, to_person
from tests.world import World


@pytest.fixture
def heard(monkeypatch) -> list[tuple[str, list[int], str]]:
    """What ``push`` would send to the channel layer, in order."""
    sent: list[tuple[str, list[int], str]] = []
    monkeypatch.setattr(
        push, "send_changed", lambda schema, ids, topic: sent.append((schema, ids, topic))
    )
    return sent


def test_a_notes_follow_up_renders_for_those_who_manage_it_only(bordeaux: World):
    note = class_note(bordeaux)
    with schema_context("bordeaux"):
        shown = topics.render(bordeaux["t1"], f"liaison.status:{note.pk}")
        assert shown is not None and "Suivi : 2 élèves" in shown
        for name in ("par1", "p1", "t2"):
            assert topics.render(bordeaux[name], f"liaison.status:{note.pk}") is None, name
        assert topics.render(bordeaux["t1"], "liaison.status:abc") is None
        assert topics.render(bordeaux["t1"], "inconnu") is None
        assert topics.render(bordeaux["par1"], "messaging.moderation") is None
        assert "Aucun message d'élève" in (
            topics.render(bordeaux["t1"], "messaging.moderation") or ""
        )


def test_a_confirmation_tells_the_notes_managers_after_it_commits(
    bordeaux: World, heard, django_capture_on_commit_callbacks
):
    note = class_note(bordeaux)
    with schema_context("bordeaux"), django_capture_on_commit_callbacks(execute=True):
        liaison_note_confirm(guardian=actor_for(bordeaux["par1"]), note=note, child=bordeaux["p1"])
    (schema, ids, topic) = heard[-1]
    assert (schema, topic) == ("bordeaux", f"liaison.status:{note.pk}")
    assert set(ids) == {bordeaux["t1"].pk, bordeaux["dA"].pk}


def test_a_delivered_message_tells_its_recipients_badge(
    bordeaux: World, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(bordeaux, "t1", [to_person(bordeaux, "par1")])
    assert ("bordeaux", [bordeaux["par1"].pk], "messaging.badge") in heard


def test_nothing_is_pushed_when_the_transaction_rolls_back(bordeaux: World, heard):
    from django.db import transaction

    with schema_context("bordeaux"):
        try:
            with transaction.atomic():
                push.changed([bordeaux["par1"].pk], "messaging.badge")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert heard == []
