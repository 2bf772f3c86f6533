"""The password-reset mail is sent by a Celery task; the page answers the same whether or not
an account has the address, and is rate limited per address and per e-mail address."""

from __future__ import annotations

import re
import smtplib
from typing import Any

import pytest
from django.core import mail

from apps.accounts import tasks
from apps.accounts.models import Profile
from apps.accounts.security.views import password_reset
from tests.helpers import count_queries
from tests.security.helpers import make_user

KNOWN = "marie.durand@example.org"
UNKNOWN = "personne@example.org"


class Queued:
    """Stands for the task in the page: records what would be queued, sends nothing."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def delay(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


@pytest.fixture
def reset_mails(monkeypatch: pytest.MonkeyPatch) -> Queued:
    stub = Queued()
    monkeypatch.setattr(password_reset, "send_password_reset", stub)
    return stub


def _ask(client, email: str):
    client.get("/mot-de-passe-oublie/")  # warm: routing cache
    with count_queries() as queries:
        response = client.post("/mot-de-passe-oublie/", {"email": email})
    return response, [q["sql"] for q in queries.captured_queries]


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(tenant_client, reset_mails):
    make_user("bordeaux", "m.durand", email=KNOWN)

    known, known_sql = _ask(tenant_client("bordeaux"), KNOWN)
    unknown, unknown_sql = _ask(tenant_client("bordeaux"), UNKNOWN)

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/mot-de-passe-oublie/envoye/"
    assert known.content == unknown.content
    assert sorted(known.headers.keys()) == sorted(unknown.headers.keys())
    # The page looks nothing up: the same queries (none about accounts), and no mail sent.
    assert known_sql == unknown_sql
    assert not any("accounts_user" in sql for sql in known_sql)
    assert mail.outbox == []
    # Both requests are handed to the task the same way.
    assert [sorted(call) for call in reset_mails.calls] == [sorted(reset_mails.calls[0])] * 2
    assert [call["email"] for call in reset_mails.calls] == [KNOWN, UNKNOWN]
    assert {call["schema_name"] for call in reset_mails.calls} == {"bordeaux"}
    assert reset_mails.calls[0]["request_id"] != reset_mails.calls[1]["request_id"]


def test_the_task_mails_the_link_for_a_known_address_only(tenant_client, reset_mails):
    make_user("bordeaux", "m.durand", email=KNOWN)
    client = tenant_client("bordeaux")
    client.post("/mot-de-passe-oublie/", {"email": KNOWN})
    client.post("/mot-de-passe-oublie/", {"email": UNKNOWN})
    known_call, unknown_call = reset_mails.calls

    assert tasks.send_password_reset(**unknown_call) == 0
    assert mail.outbox == []
    assert tasks.send_password_reset(**known_call) == 1

    (message,) = mail.outbox
    assert message.to == [KNOWN]
    assert message.subject == "ENT Bordeaux : choisir un nouveau mot de passe"
    link = re.search(
        r"http://bordeaux\.ent\.localhost(/mot-de-passe-oublie/\S+/)", str(message.body)
    )
    assert link is not None
    assert client.get(link.group(1), follow=True).status_code == 200


def test_the_task_is_idempotent(tenant_client, reset_mails):
    make_user("bordeaux", "m.durand", email=KNOWN)
    tenant_client("bordeaux").post("/mot-de-passe-oublie/", {"email": KNOWN})
    (call,) = reset_mails.calls

    assert tasks.send_password_reset(**call) == 1
    assert tasks.send_password_reset(**call) == 0  # delivered twice: mailed once

    assert len(mail.outbox) == 1


def test_a_failed_send_is_sent_by_the_retry(tenant_client, reset_mails, monkeypatch):
    make_user("bordeaux", "m.durand", email=KNOWN)
    tenant_client("bordeaux").post("/mot-de-passe-oublie/", {"email": KNOWN})
    (call,) = reset_mails.calls
    real_send_mail = tasks.send_mail

    def smtp_down(*args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPServerDisconnected("connexion perdue")

    monkeypatch.setattr(tasks, "send_mail", smtp_down)
    with pytest.raises(smtplib.SMTPException):
        tasks.send_password_reset(**call)
    monkeypatch.setattr(tasks, "send_mail", real_send_mail)

    assert tasks.send_password_reset(**call) == 1
    assert len(mail.outbox) == 1


def test_the_page_queues_the_task_which_sends_the_mail(tenant_client):
    # Celery runs tasks in the request in these tests (conftest): the whole way through.
    make_user("bordeaux", "m.durand", email=KNOWN)
    make_user("bordeaux", "lea.martin", Profile.PUPIL, email="famille.martin@example.org")
    client = tenant_client("bordeaux")

    assert client.post("/mot-de-passe-oublie/", {"email": KNOWN}).status_code == 302
    assert client.post("/mot-de-passe-oublie/", {"email": UNKNOWN}).status_code == 302
    pupil = client.post("/mot-de-passe-oublie/", {"email": "famille.martin@example.org"})
    assert pupil.status_code == 302

    assert [message.to for message in mail.outbox] == [[KNOWN]]


def test_a_coordinator_resets_on_the_base_domain(tenant_client):
    make_user("public", "coord", Profile.COORDINATOR, email="coord@example.org")
    client = tenant_client()

    assert client.post("/mot-de-passe-oublie/", {"email": "coord@example.org"}).status_code == 302

    (message,) = mail.outbox
    assert message.subject == "ENT Groupement : choisir un nouveau mot de passe"
    link = re.search(r"http://ent\.localhost(/mot-de-passe-oublie/\S+/)", str(message.body))
    assert link is not None
    assert client.get(link.group(1), follow=True).status_code == 200


# --- rate limits -----------------------------------------------------------------------------


def test_one_e_mail_address_is_asked_for_three_times_an_hour(tenant_client, reset_mails):
    make_user("bordeaux", "m.durand", email=KNOWN)
    answers = [
        tenant_client("bordeaux", REMOTE_ADDR=f"198.51.100.{i}").post(
            "/mot-de-passe-oublie/", {"email": email}
        )
        for i, email in enumerate([KNOWN, KNOWN.upper(), f" {KNOWN} ", KNOWN], start=1)
    ]

    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert answers[-1]["Retry-After"] == "3595"
    assert "Trop de demandes de nouveau mot de passe" in answers[-1].content.decode()
    assert len(reset_mails.calls) == 3
    # Another address is still served.
    other = tenant_client("bordeaux", REMOTE_ADDR="198.51.100.1")
    assert other.post("/mot-de-passe-oublie/", {"email": UNKNOWN}).status_code == 302


def test_an_unknown_e_mail_address_is_limited_the_same_way(tenant_client, reset_mails):
    answers = [
        tenant_client("bordeaux", REMOTE_ADDR=f"198.51.100.{i}").post(
            "/mot-de-passe-oublie/", {"email": UNKNOWN}
        )
        for i in range(1, 5)
    ]

    assert [a.status_code for a in answers] == [302, 302, 302, 429]


def test_one_address_asks_for_thirty_resets_an_hour(tenant_client, reset_mails):
    client = tenant_client("bordeaux", REMOTE_ADDR="203.0.113.10")

    answers = [
        client.post("/mot-de-passe-oublie/", {"email": f"adresse{i}@example.org"})
        for i in range(31)
    ]

    assert [a.status_code for a in answers] == [302] * 30 + [429]
    assert len(reset_mails.calls) == 30
    # Showing the form is not limited.
    assert client.get("/mot-de-passe-oublie/").status_code == 200
