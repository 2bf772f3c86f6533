"""Log records name the schema (commune) they were emitted in."""

from __future__ import annotations

import logging

from django.db import connection


class SchemaFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Outside Django set-up (early start-up) the connection may not carry a schema yet.
        record.schema_name = getattr(connection, "schema_name", None) or "-"
        return True
