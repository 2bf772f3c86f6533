"""Database sessions whose keys are bound to the schema (commune) that issued them.

Each commune keeps its sessions in its own schema, so a cookie replayed on another
subdomain finds no row there anyway. Binding the key to the schema with an HMAC lets us
tell such a replay apart from a merely expired session, without looking into any other
commune's schema, and log it as a security event.
"""

from __future__ import annotations

import hmac
import logging
from hashlib import sha256
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.utils.crypto import get_random_string

from tenants.db import current_schema

security_log = logging.getLogger("ent.security")

_RANDOM_PART = 24
_MAC_PART = 8
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def _schema() -> str:
    return current_schema()


def _mac(schema: str, random_part: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"session:{schema}:{random_part}".encode(), sha256
    ).hexdigest()
    return digest[:_MAC_PART]


def key_for_schema(schema: str) -> str:
    random_part = get_random_string(_RANDOM_PART, _ALPHABET)
    return random_part + _mac(schema, random_part)


def key_belongs_to(key: str, schema: str) -> bool:
    if len(key) != _RANDOM_PART + _MAC_PART:
        return False
    random_part, mac = key[:_RANDOM_PART], key[_RANDOM_PART:]
    return hmac.compare_digest(mac, _mac(schema, random_part))


class SessionStore(DBStore):
    def _get_new_session_key(self) -> str:
        while True:
            key = key_for_schema(_schema())
            if not self.exists(key):
                return key

    def load(self) -> dict[str, Any]:
        key = self.session_key
        if key and not key_belongs_to(key, _schema()):
            security_log.warning(
                "session cookie issued for another commune presented on schema %s: "
                "treated as anonymous",
                _schema(),
                extra={"event": "session_schema_mismatch"},
            )
            self._session_key = None
            return {}
        data: dict[str, Any] = super().load()
        stored_schema = data.get("_schema")
        if stored_schema is not None and stored_schema != _schema():
            security_log.warning(
                "session data of schema %s presented on schema %s: treated as anonymous",
                stored_schema,
                _schema(),
                extra={"event": "session_schema_mismatch"},
            )
            self._session_key = None
            return {}
        return data

    def save(self, must_create: bool = False) -> None:
        self._get_session(no_load=must_create)["_schema"] = _schema()  # type: ignore[attr-defined]
        super().save(must_create=must_create)
