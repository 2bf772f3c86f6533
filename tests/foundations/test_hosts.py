"""Commune hosts are built by tenants/hosts.py only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_unknown_host_page_shows_a_commune_address_built_by_the_one_helper(settings):
    settings.ENT_BASE_DOMAIN = "ent.example.fr"
    settings.ALLOWED_HOSTS = ["*"]

    page = Client(HTTP_HOST="inconnu.example").get("/")

    assert page.status_code == 404
    assert "<code>bordeaux.ent.example.fr</code>" in page.content.decode()


def test_no_module_but_the_hosts_one_builds_a_host_from_the_base_domain():
    pattern = re.compile(r"ENT_BASE_DOMAIN")
    found = []
    for folder in ("apps", "tenants", "provisioning"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == ROOT / "tenants/hosts.py":
                continue
            if pattern.search(path.read_text()):
                found.append(str(path.relative_to(ROOT)))
    templates = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if "ent_base_domain" in path.read_text()
    ]
    assert found == [] and templates == []
