"""What is written in one commune's schema is never seen through another commune's host."""

from __future__ import annotations

import logging

from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from config.sessions import key_belongs_to, key_for_schema
from tenants.db import use_public_schema


def _make_teacher(schema: str, username: str = "m.durand") -> User:
    with schema_context(schema):
        user = User(
            username=username, first_name="Marie", last_name="Durand", profile=Profile.TEACHER
        )
        user.set_password("un-mot-de-passe-solide")
        user.save()
    return user


def test_a_user_written_in_bordeaux_does_not_exist_in_pessac(db):
    _make_teacher("bordeaux")

    with schema_context("pessac"):
        assert not User.objects.filter(username="m.durand").exists()
    with schema_context("bordeaux"):
        assert User.objects.filter(username="m.durand").exists()
    use_public_schema()
    assert not User.objects.filter(username="m.durand").exists()


def test_bordeaux_credentials_log_in_on_bordeaux_only(tenant_client):
    _make_teacher("bordeaux")
    credentials = {"username": "m.durand", "password": "un-mot-de-passe-solide"}

    on_pessac = tenant_client("pessac").post("/connexion/", credentials)
    on_bordeaux = tenant_client("bordeaux").post("/connexion/", credentials)

    assert on_pessac.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in tenant_client("pessac").session
    assert on_bordeaux.status_code == 302


def test_session_cookie_replayed_on_another_commune_is_anonymous_and_logged(tenant_client, caplog):
    _make_teacher("bordeaux")
    bordeaux = tenant_client("bordeaux")
    bordeaux.post("/connexion/", {"username": "m.durand", "password": "un-mot-de-passe-solide"})
    assert "Bonjour Marie Durand" in bordeaux.get("/").content.decode()
    stolen = bordeaux.cookies["sessionid"].value

    pessac = tenant_client("pessac")
    pessac.cookies["sessionid"] = stolen
    with caplog.at_level(logging.WARNING, logger="ent.security"):
        page = pessac.get("/").content.decode()

    assert "Bonjour" not in page
    assert "Se connecter" in page
    events = [r for r in caplog.records if r.name == "ent.security"]
    assert len(events) == 1
    assert getattr(events[0], "event", None) == "session_schema_mismatch"
    assert "pessac" in events[0].getMessage()
    # The rightful host still knows the session.
    assert "Bonjour Marie Durand" in bordeaux.get("/").content.decode()


def test_session_keys_are_bound_to_their_schema():
    key = key_for_schema("bordeaux")

    assert key_belongs_to(key, "bordeaux")
    assert not key_belongs_to(key, "pessac")
    assert not key_belongs_to(key[:-1] + ("0" if key[-1] != "0" else "1"), "bordeaux")
    assert not key_belongs_to("short", "bordeaux")


def test_session_cookies_are_host_only(settings):
    assert settings.SESSION_COOKIE_DOMAIN is None
    assert settings.CSRF_COOKIE_DOMAIN is None
