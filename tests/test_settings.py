"""Settings come from the environment; production refuses unsafe defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.env import database_from_url, env_bool

ROOT = Path(__file__).resolve().parents[1]


def _import_production(*statements: str, **environment: str) -> subprocess.CompletedProcess[str]:
    unset = {"SECRET_KEY", "DJANGO_DEBUG", "EMAIL_BACKEND", "ENT_HSTS_SECONDS"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", "\n".join(["import config.settings.production", *statements])],
        cwd=ROOT / "platform",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_the_default_secret_key():
    finished = _import_production()

    assert finished.returncode != 0
    assert "SECRET_KEY must be set" in finished.stderr


def test_production_refuses_debug():
    finished = _import_production(SECRET_KEY="x" * 60, DJANGO_DEBUG="1", EMAIL_BACKEND=SMTP)

    assert finished.returncode != 0
    assert "DJANGO_DEBUG must be off" in finished.stderr


SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_production_refuses_to_print_mail_on_the_console():
    finished = _import_production(SECRET_KEY="k" * 64, DJANGO_DEBUG="0")

    assert finished.returncode != 0
    assert "EMAIL_BACKEND must send real mail" in finished.stderr


def test_production_starts_with_a_real_secret_debug_off_and_real_mail():
    finished = _import_production(SECRET_KEY="k" * 64, DJANGO_DEBUG="0", EMAIL_BACKEND=SMTP)

    assert finished.returncode == 0, finished.stderr


_SHOW_HSTS = (
    "from config.settings import production as p; "
    "print(p.SECURE_HSTS_SECONDS, p.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "getattr(p, 'SILENCED_SYSTEM_CHECKS', []))"
)


def test_hsts_is_left_to_the_proxy_unless_asked():
    # nginx (ansible/roles/nginx) sends the header: Django sending it too duplicated it.
    by_proxy = _import_production(
        _SHOW_HSTS, SECRET_KEY="k" * 64, DJANGO_DEBUG="0", EMAIL_BACKEND=SMTP
    )
    by_django = _import_production(
        _SHOW_HSTS,
        SECRET_KEY="k" * 64,
        DJANGO_DEBUG="0",
        EMAIL_BACKEND=SMTP,
        ENT_HSTS_SECONDS="31536000",
    )
    refused = _import_production(
        SECRET_KEY="k" * 64, DJANGO_DEBUG="0", EMAIL_BACKEND=SMTP, ENT_HSTS_SECONDS="un an"
    )

    assert by_proxy.stdout.split() == ["0", "False", "['security.W004']"]
    assert by_django.stdout.split() == ["31536000", "True", "[]"]
    assert refused.returncode != 0
    assert "ENT_HSTS_SECONDS='un an' is not a whole number" in refused.stderr


def test_database_url_is_parsed():
    database = database_from_url(
        "postgres://ent:s%40cret@db.internal:6432/ent_prod?sslmode=require"
    )

    assert database["NAME"] == "ent_prod"
    assert database["USER"] == "ent"
    assert database["PASSWORD"] == "s@cret"
    assert database["HOST"] == "db.internal"
    assert database["PORT"] == "6432"
    assert database["OPTIONS"] == {"sslmode": "require"}


def test_a_non_postgres_database_url_is_refused():
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL only"):
        database_from_url("mysql://root@localhost/ent")


def test_booleans_are_strict(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "peut-être")

    with pytest.raises(ImproperlyConfigured):
        env_bool("DJANGO_DEBUG")


def test_the_standard_library_platform_module_is_not_shadowed():
    import platform

    assert platform.system() == "Linux"
    assert not (ROOT / "platform" / "__init__.py").exists()
    assert "site-packages" not in (platform.__file__ or "")
    assert Path(platform.__file__ or "").parent != ROOT / "platform"
