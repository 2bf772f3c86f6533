"""Host routing: each subdomain serves its commune, the base domain the groupement."""

from __future__ import annotations

import logging

import pytest
from django.db import DatabaseError, connection
from django.test import Client

from config.logging import SchemaFilter
from tenants.models import Commune, Domain
from tenants.routing import current_version, host_cache


def test_commune_host_serves_its_home_page(tenant_client):
    response = tenant_client("bordeaux").get("/")

    assert response.status_code == 200
    assert "Bordeaux" in response.content.decode()
    assert "Pessac" not in response.content.decode()


def test_base_domain_lists_the_communes_with_their_status(tenant_client):
    response = tenant_client().get("/")

    body = response.content.decode()
    assert response.status_code == 200
    for name in ("Bordeaux", "Pessac", "Bassens"):
        assert name in body
    assert "Active" in body
    assert "ent_template" not in body


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_subdomain_gets_the_french_not_found_page(tenant_client, settings, debug):
    settings.DEBUG = debug

    response = tenant_client("nulle-part").get("/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "Page introuvable" in body
    assert '<html lang="fr">' in body


def test_unknown_path_on_a_commune_gets_the_french_not_found_page(tenant_client):
    response = tenant_client("bordeaux").get("/pas-de-page-ici/")

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_host_outside_the_base_domain_is_refused(db):
    response = Client(HTTP_HOST="evil.example.org").get("/")

    assert response.status_code == 400


@pytest.mark.parametrize(("status", "code"), [("suspended", 503), ("archived", 410)])
def test_suspended_or_archived_commune_shows_service_suspendu(
    tenant_client, django_capture_on_commit_callbacks, status, code
):
    with django_capture_on_commit_callbacks(execute=True):
        Commune.objects.filter(slug="pessac").update(status=status)
        Commune.objects.get(slug="pessac").save()  # signals bump the routing stamp

    response = tenant_client("pessac").get("/")

    assert response.status_code == code
    assert "Service suspendu" in response.content.decode()
    assert "Se connecter" not in response.content.decode()


def test_known_host_costs_no_lookup_query(tenant_client, django_assert_num_queries):
    client = tenant_client("bordeaux")
    client.get("/connexion/")  # warms the process cache

    # The anonymous login page reads nothing from the database (the home page lists the
    # commune's schools): any query here would be routing's.
    with django_assert_num_queries(0):
        response = client.get("/connexion/")

    assert response.status_code == 200


def test_a_domain_change_in_another_process_is_seen_after_the_stamp_interval(
    tenant_client, settings
):
    client = tenant_client("bordeaux")
    assert client.get("/").status_code == 200
    settings.ENT_ROUTING_STAMP_SECONDS = 0  # next request re-reads the stamp
    # Another process changes the domain and bumps the stamp; nothing here is told.
    before = current_version()
    Domain.objects.filter(domain="bordeaux.ent.localhost").update(domain="bdx.ent.localhost")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tenants_routingversion SET version = version + 1 WHERE id = 1")

    assert current_version() == before + 1
    assert client.get("/").status_code == 404
    assert tenant_client("bdx").get("/").status_code == 200


@pytest.mark.parametrize("host", ["bordeaux.ent.localhost", "ent.localhost", "inconnu.example"])
def test_healthz_answers_on_every_host(db, host):
    response = Client(HTTP_HOST=host).get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_is_503_when_the_database_does_not_answer(db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", broken_cursor)
        response = Client(HTTP_HOST="bordeaux.ent.localhost").get("/healthz")

    assert response.status_code == 503


def test_log_lines_of_a_request_name_the_commune_schema(tenant_client):
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Collect()
    handler.addFilter(SchemaFilter())
    handler.setFormatter(logging.Formatter("[%(schema_name)s] %(name)s: %(message)s"))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        tenant_client("pessac").get("/introuvable/")
    finally:
        logger.removeHandler(handler)

    assert any(line.startswith("[pessac] django.request: Not Found") for line in records)


def test_host_cache_is_dropped_when_a_commune_changes(db, django_capture_on_commit_callbacks):
    host_cache.resolve("bordeaux.ent.localhost")
    assert host_cache._routes

    with django_capture_on_commit_callbacks(execute=True):
        commune = Commune.objects.get(slug="bordeaux")
        commune.name = "Bordeaux (renommée)"
        commune.save()

    assert not host_cache._routes
    route = host_cache.resolve("bordeaux.ent.localhost")
    assert route.commune is not None
    assert route.commune.name == "Bordeaux (renommée)"
