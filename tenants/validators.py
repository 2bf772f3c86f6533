"""Validation of the identifiers a commune is known by: INSEE code, slug, schema name."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError

# 2 digits (or 2A/2B for Corsica), then 3 digits.
INSEE_RE = re.compile(r"^(?:\d{2}|2[AB])\d{3}$")
# A lowercase DNS label that also makes a valid unquoted PostgreSQL identifier once its
# hyphens become underscores: starts with a letter, at most 63 characters.
SLUG_RE = re.compile(r"^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$")

RESERVED_SLUGS = frozenset(
    {
        "www",
        "api",
        "admin",
        "static",
        "media",
        "mail",
        "smtp",
        "imap",
        "pop",
        "ftp",
        "public",
        "coordination",
        "ent",
        "ws",
        "wss",
        "cdn",
        "assets",
        "status",
        "healthz",
        "template",
        "information-schema",
    }
)


def schema_name_for_slug(slug: str) -> str:
    return slug.replace("-", "_")


def validate_insee_code(value: str) -> None:
    if not isinstance(value, str) or not INSEE_RE.match(value):
        raise ValidationError(
            "Code INSEE invalide : 5 caractères attendus (2 chiffres ou 2A/2B, puis 3 chiffres).",
            code="invalid_insee",
        )


def validate_commune_slug(value: str) -> None:
    if not isinstance(value, str) or not SLUG_RE.match(value) or "--" in value:
        raise ValidationError(
            "Identifiant invalide : lettres minuscules, chiffres et tirets, "
            "commençant par une lettre (63 caractères au plus).",
            code="invalid_slug",
        )
    schema = schema_name_for_slug(value)
    if (
        value in RESERVED_SLUGS
        or schema == settings.ENT_TEMPLATE_SCHEMA
        or schema == settings.PUBLIC_SCHEMA_NAME
        or schema.startswith("pg_")
        or schema.startswith("information_schema")
    ):
        raise ValidationError(f"L'identifiant « {value} » est réservé.", code="reserved_slug")
