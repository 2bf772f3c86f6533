"""Typed access to the tenant-aware connection (django-tenants' wrapper adds schema methods)."""

from __future__ import annotations

from typing import cast

from django.db import connection
from django_tenants.postgresql_backend.base import DatabaseWrapper


def tenant_connection() -> DatabaseWrapper:
    return cast(DatabaseWrapper, connection)


def use_public_schema() -> None:
    tenant_connection().set_schema_to_public()


def current_schema() -> str:
    return str(tenant_connection().schema_name)
