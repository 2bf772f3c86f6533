"""One's own e-mail address, from the account page: a link mailed to the new address confirms
it, the old address is told, parents may remove theirs, pupils have none."""

from __future__ import annotations

import re
import smtplib
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client
from django_tenants.utils import schema_context

from apps.accounts import tasks
from apps.accounts.models import Profile, User
from apps.accounts.security import email_change
from apps.audit.models import AuditEvent
from apps.schools.models import GuardianKind, Guardianship
from tests.security.helpers import ADULT_PASSWORD, enrol, log_in, log_in_verified, make_user

PAGE = "/mon-compte/adresse-electronique/"
REMOVE = "/mon-compte/adresse-electronique/retirer/"
NEW = "nouvelle.adresse@example.org"
OLD = "ancienne.adresse@example.org"
LINK = re.compile(
    r"http://bordeaux\.ent\.localhost(/mon-compte/adresse-electronique/confirmer/\S+/)"
)


def _email(username: str, schema: str = "bordeaux") -> str:
    with schema_context(schema):
        return User.objects.get(username=username).email


def _changes(schema: str = "bordeaux") -> list[tuple[str, dict[str, Any]]]:
    with schema_context(schema):
        return [
            (event.target, event.details)
            for event in AuditEvent.objects.filter(action="account.email_changed").order_by("pk")
        ]


def _logged_in(tenant_client, username: str) -> Client:
    client = tenant_client("bordeaux")
    assert log_in(client, username)["Location"] == "/"
    return client


def _ask(client: Client, email: str = NEW, password: str = ADULT_PASSWORD) -> Any:
    return client.post(PAGE, {"email": email, "password": password})


def _link_in(message: Any) -> str:
    found = LINK.search(str(message.body))
    assert found is not None, message.body
    return found.group(1)


def _requested_link(client: Client, email: str = NEW) -> str:
    before = len(mail.outbox)
    assert _ask(client, email).status_code == 302
    assert len(mail.outbox) == before + 1
    return _link_in(mail.outbox[-1])


def _account_named(message: Any) -> str:
    found = re.search(r"« (\S+) »", str(message.body))
    assert found is not None, message.body
    return found.group(1)


def _guardian_of(schema: str, guardian: User, child: User) -> None:
    with schema_context(schema):
        Guardianship.objects.create(guardian=guardian, child=child, kind=GuardianKind.LEGAL_1)


# --- asking ---------------------------------------------------------------------------------


def test_a_parent_adds_an_address_a_link_is_mailed_to_it_and_nothing_changes_yet(tenant_client):
    make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")

    page = client.get("/mon-compte/").content.decode()
    assert "Adresse électronique" in page and "Aucune adresse" in page
    assert PAGE in page
    assert client.get(PAGE).status_code == 200

    answer = _ask(client, "  Nouvelle.Adresse@Example.org ")

    assert answer.status_code == 302 and answer["Location"] == "/mon-compte/"
    (message,) = mail.outbox
    assert message.to == [NEW]
    assert message.subject == "ENT Bordeaux : confirmer votre adresse électronique"
    assert "« p.martin »" in str(message.body)
    assert "ouvrez ce lien dans les 48 heures, connecté à ce compte" in str(message.body)
    _link_in(message)
    assert _email("p.martin") == ""
    assert _changes() == []
    followed = client.get("/mon-compte/").content.decode()
    assert f"Un lien de confirmation a été envoyé à {NEW}" in followed
    assert "Aucune adresse" in followed


def test_the_link_confirms_the_address(tenant_client):
    make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")
    link = _requested_link(client)

    shown = client.get(link)
    assert shown.status_code == 200
    assert NEW in shown.content.decode()
    assert _email("p.martin") == ""  # opening the link (a mail scanner does) changes nothing

    confirmed = client.post(link)

    assert confirmed.status_code == 302 and confirmed["Location"] == "/mon-compte/"
    assert _email("p.martin") == NEW
    with schema_context("bordeaux"):
        # Chosen by the person: a later ONDE import keeps it (tests/onde/test_import.py).
        assert User.objects.get(username="p.martin").email_chosen_at is not None
    assert _changes() == [("p.martin", {"adresse": "ajoutée"})]
    assert len(mail.outbox) == 1  # no previous address: no notice
    page = client.get("/mon-compte/").content.decode()
    assert f"L&#x27;adresse de votre compte est désormais {NEW}" in page


@pytest.mark.parametrize("profile", [Profile.TEACHER, Profile.DIRECTOR, Profile.STAFF])
def test_the_old_address_is_told_of_the_change(
    tenant_client, django_capture_on_commit_callbacks, profile
):
    make_user("bordeaux", "m.durand", profile, email=OLD)
    client = _logged_in(tenant_client, "m.durand")
    assert "Changer d'adresse électronique" in client.get("/mon-compte/").content.decode()
    link = _requested_link(client)

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 302

    assert _email("m.durand") == NEW
    confirmation, notice = mail.outbox
    assert confirmation.to == [NEW]
    assert notice.to == [OLD]
    assert notice.subject == "ENT Bordeaux : l'adresse électronique de votre compte a changé"
    body = str(notice.body)
    assert "Votre adresse électronique a été changée" in body and "« m.durand »" in body
    assert NEW not in body  # the notice does not hand the new address to the old inbox
    assert _changes() == [("m.durand", {"adresse": "changée"})]


def test_a_wrong_password_is_refused_and_nothing_is_sent(tenant_client):
    make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")

    answer = _ask(client, password="pas-le-bon-mot-de-passe")

    assert answer.status_code == 200
    assert "Mot de passe incorrect." in answer.content.decode()
    assert mail.outbox == []
    assert _email("p.martin") == ""
    with schema_context("bordeaux"):
        failure = AuditEvent.objects.get(action="login.failure")
    assert failure.target == "p.martin" and failure.details == {"stage": "password_reauth"}


def test_a_missing_password_is_refused(tenant_client):
    make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")

    answer = client.post(PAGE, {"email": NEW})

    assert answer.status_code == 200
    assert "Saisissez le mot de passe de votre compte." in answer.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("typed", ["pas-une-adresse", "jean@", "@example.org", "a b@example.org"])
def test_a_malformed_address_is_refused(tenant_client, typed):
    make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")

    answer = _ask(client, typed)

    assert answer.status_code == 200
    assert "Cette adresse électronique n&#x27;est pas valide" in answer.content.decode()
    assert mail.outbox == []


def test_the_current_address_is_refused(tenant_client):
    make_user("bordeaux", "m.durand", email=OLD)
    client = _logged_in(tenant_client, "m.durand")

    answer = _ask(client, OLD.upper())

    assert "C&#x27;est déjà l&#x27;adresse de votre compte." in answer.content.decode()
    assert mail.outbox == []


def test_an_address_of_another_account_is_refused_without_naming_it(tenant_client):
    make_user("bordeaux", "c.leroy", Profile.TEACHER, email=NEW, last_name="Leroy")
    make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")

    answer = _ask(client, NEW.upper())

    text = answer.content.decode()
    assert answer.status_code == 200
    assert "Cette adresse est déjà celle d&#x27;un autre compte de la commune." in text
    assert "c.leroy" not in text and "Leroy" not in text
    assert mail.outbox == []


def test_the_address_is_only_checked_once_the_password_is_right(tenant_client):
    # The answer "already used" would tell whether an address has an account: only the
    # account holder, with their password, gets it.
    make_user("bordeaux", "c.leroy", Profile.TEACHER, email=NEW)
    make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")

    text = _ask(client, NEW, password="pas-le-bon-mot-de-passe").content.decode()

    assert "Mot de passe incorrect." in text
    assert "déjà celle d&#x27;un autre compte" not in text


def test_an_address_taken_in_another_commune_is_free_here(tenant_client):
    make_user("pessac", "c.leroy", Profile.TEACHER, email=NEW)
    make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")

    assert _ask(client).status_code == 302
    assert [message.to for message in mail.outbox] == [[NEW]]


def test_a_pupils_address_does_not_keep_an_adult_from_using_it(tenant_client):
    make_user("bordeaux", "lea.martin", Profile.PUPIL, email=NEW)
    make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")

    assert _ask(client).status_code == 302


# --- parents sharing the family's address ---------------------------------------------------


def test_the_two_parents_of_a_child_may_share_an_address(tenant_client):
    child = make_user("bordeaux", "lea.martin", Profile.PUPIL)
    mother = make_user("bordeaux", "a.martin", Profile.PARENT, email=NEW)
    father = make_user("bordeaux", "b.martin", Profile.PARENT)
    _guardian_of("bordeaux", mother, child)
    _guardian_of("bordeaux", father, child)
    client = _logged_in(tenant_client, "b.martin")

    assert client.post(_requested_link(client)).status_code == 302

    assert _email("a.martin") == _email("b.martin") == NEW


def test_a_parent_of_another_family_may_not_take_the_address(tenant_client):
    child = make_user("bordeaux", "lea.martin", Profile.PUPIL)
    other_child = make_user("bordeaux", "tom.petit", Profile.PUPIL)
    mother = make_user("bordeaux", "a.martin", Profile.PARENT, email=NEW)
    stranger = make_user("bordeaux", "c.petit", Profile.PARENT)
    _guardian_of("bordeaux", mother, child)
    _guardian_of("bordeaux", stranger, other_child)
    client = _logged_in(tenant_client, "c.petit")

    assert "déjà celle d&#x27;un autre compte" in _ask(client).content.decode()
    assert mail.outbox == []


def test_a_shared_address_gets_one_reset_link_per_account_each_resetting_its_own(tenant_client):
    child = make_user("bordeaux", "lea.martin", Profile.PUPIL)
    for username in ("a.martin", "b.martin"):
        parent = make_user("bordeaux", username, Profile.PARENT, email=NEW)
        _guardian_of("bordeaux", parent, child)
    client = tenant_client("bordeaux")

    assert client.post("/mot-de-passe-oublie/", {"email": NEW}).status_code == 302

    assert [message.to for message in mail.outbox] == [[NEW], [NEW]]
    assert {_account_named(message) for message in mail.outbox} == {"a.martin", "b.martin"}
    # Each link resets the account its mail names, and only that one.
    for message in mail.outbox:
        username = _account_named(message)
        link = re.search(
            r"http://bordeaux\.ent\.localhost(/mot-de-passe-oublie/\S+/)", str(message.body)
        )
        assert link is not None
        browser = tenant_client("bordeaux")
        form = browser.get(link.group(1), follow=True)
        chosen = f"un-autre-mot-de-passe-pour-{username}"
        done = browser.post(
            form.redirect_chain[-1][0], {"new_password1": chosen, "new_password2": chosen}
        )
        assert done.status_code == 302
        with schema_context("bordeaux"):
            assert User.objects.get(username=username).check_password(chosen)
    with schema_context("bordeaux"):
        assert User.objects.get(username="a.martin").check_password(
            "un-autre-mot-de-passe-pour-a.martin"
        )
        assert User.objects.get(username="b.martin").check_password(
            "un-autre-mot-de-passe-pour-b.martin"
        )


# --- the link ---------------------------------------------------------------------------------


def test_a_used_link_is_refused(tenant_client):
    make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")
    link = _requested_link(client)
    assert client.post(link).status_code == 302

    again = client.post(link)

    assert again.status_code == 400
    assert "Ce lien ne peut plus servir : il a déjà été utilisé" in again.content.decode()
    assert client.get(link).status_code == 400
    assert len(_changes()) == 1


def test_changing_back_does_not_revive_an_old_link(tenant_client):
    make_user("bordeaux", "m.durand", email=OLD)
    client = _logged_in(tenant_client, "m.durand")
    away = _requested_link(client, NEW)
    assert client.post(away).status_code == 302
    back = _requested_link(client, OLD)
    assert client.post(back).status_code == 302
    assert _email("m.durand") == OLD

    assert client.post(away).status_code == 400
    assert _email("m.durand") == OLD


def test_an_earlier_link_stops_working_once_another_is_confirmed(tenant_client):
    make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")
    first = _requested_link(client, "premiere@example.org")
    second = _requested_link(client, NEW)
    assert client.post(second).status_code == 302

    assert client.post(first).status_code == 400
    assert _email("p.martin") == NEW


def test_an_expired_link_is_refused(tenant_client, monkeypatch):
    make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")
    link = _requested_link(client)
    sent_at = time.time()

    monkeypatch.setattr(
        signing, "time", SimpleNamespace(time=lambda: sent_at + email_change.LINK_MAX_AGE - 60)
    )
    assert client.get(link).status_code == 200  # still valid a minute before the end
    monkeypatch.setattr(
        signing, "time", SimpleNamespace(time=lambda: sent_at + email_change.LINK_MAX_AGE + 60)
    )
    expired = client.post(link)

    assert expired.status_code == 400
    assert "Ce lien a expiré : il n&#x27;est valable que 48 heures." in expired.content.decode()
    assert _email("p.martin") == ""


def test_a_tampered_link_is_refused(tenant_client):
    make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")
    link = _requested_link(client)
    token = link.rstrip("/").rsplit("/", 1)[1]
    payload, rest = token.split(":", 1)
    # Another address in the payload, the signature kept.
    forged_payload = signing.b64_encode(
        signing.JSONSerializer().dumps({"u": 1, "e": "pirate@example.org", "s": "x"})
    ).decode()

    for bad in (f"{payload}x:{rest}", f"{forged_payload}:{rest}", "abc", token[:-2]):
        answer = client.post(f"/mon-compte/adresse-electronique/confirmer/{bad}/")
        assert answer.status_code == 400, bad
        assert "Ce lien n&#x27;est pas valable" in answer.content.decode()
    assert _email("p.martin") == ""


def test_a_password_change_cancels_a_pending_link(tenant_client):
    parent = make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")
    link = _requested_link(client)
    with schema_context("bordeaux"):
        parent.set_password("un-nouveau-mot-de-passe")
        parent.save()
    assert log_in(client, "p.martin", "un-nouveau-mot-de-passe").status_code == 302

    assert client.post(link).status_code == 400
    assert _email("p.martin") == ""


def test_a_link_opened_logged_out_asks_to_log_in_then_confirms(tenant_client):
    make_user("bordeaux", "p.martin", Profile.PARENT)
    link = _requested_link(_logged_in(tenant_client, "p.martin"))
    browser = tenant_client("bordeaux")

    asked = browser.get(link)

    assert asked.status_code == 302 and asked["Location"].startswith("/connexion/?next=")
    logged_in = browser.post(
        "/connexion/", {"username": "p.martin", "password": ADULT_PASSWORD, "next": link}
    )
    assert logged_in["Location"] == link
    assert browser.get(link).status_code == 200
    assert browser.post(link).status_code == 302
    assert _email("p.martin") == NEW


def test_a_link_opened_by_another_account_changes_nothing(tenant_client):
    make_user("bordeaux", "p.martin", Profile.PARENT)
    make_user("bordeaux", "m.durand", email=OLD)
    link = _requested_link(_logged_in(tenant_client, "p.martin"))
    other = _logged_in(tenant_client, "m.durand")

    answer = other.post(link)

    assert answer.status_code == 400
    assert "Ce lien a été demandé depuis un autre compte." in answer.content.decode()
    assert _email("p.martin") == "" and _email("m.durand") == OLD


def test_an_address_taken_meanwhile_is_refused_at_confirmation(tenant_client):
    make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")
    link = _requested_link(client)
    make_user("bordeaux", "c.leroy", Profile.TEACHER, email=NEW)

    answer = client.post(link)

    assert answer.status_code == 400
    assert "déjà celle d&#x27;un autre compte" in answer.content.decode()
    assert _email("p.martin") == ""


# --- removing --------------------------------------------------------------------------------


def test_a_parent_removes_their_address_and_it_is_told(
    tenant_client, django_capture_on_commit_callbacks
):
    make_user("bordeaux", "p.martin", Profile.PARENT, email=OLD)
    client = _logged_in(tenant_client, "p.martin")
    assert REMOVE in client.get("/mon-compte/").content.decode()
    assert client.get(REMOVE).status_code == 200

    wrong = client.post(REMOVE, {"password": "pas-le-bon-mot-de-passe"})
    assert wrong.status_code == 200 and "Mot de passe incorrect." in wrong.content.decode()
    assert _email("p.martin") == OLD

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(REMOVE, {"password": ADULT_PASSWORD}).status_code == 302

    assert _email("p.martin") == ""
    (notice,) = mail.outbox
    assert notice.to == [OLD]
    assert notice.subject == "ENT Bordeaux : l'adresse électronique de votre compte a été retirée"
    assert "a été retirée" in str(notice.body)
    assert _changes() == [("p.martin", {"adresse": "retirée"})]
    assert client.get(REMOVE).status_code == 404  # nothing left to remove


def test_a_teacher_cannot_remove_their_address(tenant_client):
    make_user("bordeaux", "m.durand", email=OLD)
    client = _logged_in(tenant_client, "m.durand")

    assert REMOVE not in client.get("/mon-compte/").content.decode()
    assert client.post(REMOVE, {"password": ADULT_PASSWORD}).status_code == 404
    assert _email("m.durand") == OLD


def test_a_commune_admin_changes_but_cannot_remove_the_address(tenant_client):
    admin = make_user("bordeaux", "admin.bordeaux", Profile.COMMUNE_ADMIN, email=OLD)
    device = enrol("bordeaux", admin)
    client = tenant_client("bordeaux")
    log_in_verified(client, "bordeaux", admin, device)

    page = client.get("/mon-compte/").content.decode()
    assert "Changer d'adresse électronique" in page
    assert REMOVE not in page
    assert client.post(REMOVE, {"password": ADULT_PASSWORD}).status_code == 404
    assert client.post(_requested_link(client)).status_code == 302
    assert _email("admin.bordeaux") == NEW


# --- pupils ---------------------------------------------------------------------------------


def test_pupils_have_no_address(tenant_client):
    make_user("bordeaux", "p.martin", Profile.PARENT)
    link = _requested_link(_logged_in(tenant_client, "p.martin"))
    make_user("bordeaux", "lea.martin", Profile.PUPIL)
    client = tenant_client("bordeaux")
    assert log_in(client, "lea.martin", "chat42")["Location"] == "/"

    assert "Adresse électronique" not in client.get("/mon-compte/").content.decode()
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, {"email": NEW, "password": "chat42"}).status_code == 404
    assert client.get(REMOVE).status_code == 404
    assert client.post(link).status_code == 404
    assert _email("lea.martin") == ""
    assert len(mail.outbox) == 1


# --- rate limit -----------------------------------------------------------------------------


def test_five_requests_an_hour_per_account(tenant_client):
    make_user("bordeaux", "p.martin", Profile.PARENT)
    make_user("bordeaux", "m.durand")
    client = _logged_in(tenant_client, "p.martin")

    answers = [_ask(client, f"adresse{i}@example.org") for i in range(5)]
    refused = _ask(client, "encore@example.org")

    assert [a.status_code for a in answers] == [302] * 5
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3595"
    assert "Trop de demandes de changement d&#x27;adresse électronique" in refused.content.decode()
    assert len(mail.outbox) == 5
    # Showing the page is not counted.
    assert client.get(PAGE).status_code == 200
    # Another account is served.
    assert _ask(_logged_in(tenant_client, "m.durand")).status_code == 302


def test_wrong_passwords_count_against_the_limit(tenant_client):
    make_user("bordeaux", "p.martin", Profile.PARENT)
    client = _logged_in(tenant_client, "p.martin")

    answers = [_ask(client, password=f"essai-{i}") for i in range(6)]

    assert [a.status_code for a in answers] == [200] * 5 + [429]
    # Even the right password waits for the window's end.
    assert _ask(client).status_code == 429
    assert mail.outbox == []


# --- the tasks -------------------------------------------------------------------------------


def _confirmation_call(user: User, request_id: str = "r1") -> dict[str, Any]:
    return {
        "schema_name": "bordeaux",
        "user_id": user.pk,
        "email": NEW,
        "domain": "bordeaux.ent.localhost",
        "use_https": False,
        "service_name": "ENT Bordeaux",
        "request_id": request_id,
    }


def test_the_confirmation_task_is_idempotent_and_retried(tenant_client, monkeypatch):
    parent = make_user("bordeaux", "p.martin", Profile.PARENT)
    real_send_mail = tasks.send_mail

    def smtp_down(*args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPServerDisconnected("connexion perdue")

    monkeypatch.setattr(tasks, "send_mail", smtp_down)
    with pytest.raises(smtplib.SMTPException):
        tasks.send_email_change_confirmation(**_confirmation_call(parent))
    monkeypatch.setattr(tasks, "send_mail", real_send_mail)

    assert tasks.send_email_change_confirmation(**_confirmation_call(parent)) == 1
    assert tasks.send_email_change_confirmation(**_confirmation_call(parent)) == 0
    assert len(mail.outbox) == 1
    assert tenant_client("bordeaux").get(_link_in(mail.outbox[0])).status_code == 302


def test_the_confirmation_task_mails_no_pupil_and_no_blocked_account(tenant_client):
    pupil = make_user("bordeaux", "lea.martin", Profile.PUPIL)
    blocked = make_user("bordeaux", "p.martin", Profile.PARENT)
    with schema_context("bordeaux"):
        User.objects.filter(pk=blocked.pk).update(blocked_at="2026-01-01T00:00:00Z")

    assert tasks.send_email_change_confirmation(**_confirmation_call(pupil, "a")) == 0
    assert tasks.send_email_change_confirmation(**_confirmation_call(blocked, "b")) == 0
    assert mail.outbox == []


def test_a_coordinator_confirms_on_the_base_domain(tenant_client):
    coordinator = make_user("public", "coord", Profile.COORDINATOR, email=OLD)
    device = enrol("public", coordinator)
    client = tenant_client()
    log_in_verified(client, "public", coordinator, device)

    assert _ask(client).status_code == 302
    (message,) = mail.outbox
    assert message.subject == "ENT Groupement : confirmer votre adresse électronique"
    link = re.search(
        r"http://ent\.localhost(/mon-compte/adresse-electronique/confirmer/\S+/)", str(message.body)
    )
    assert link is not None
    assert client.post(link.group(1)).status_code == 302
    assert _email("coord", "public") == NEW
