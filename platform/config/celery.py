"""Celery application: tasks run in the schema of the commune that queued them."""

from __future__ import annotations

import logging
import os
from typing import Any

from celery.signals import after_setup_logger, after_setup_task_logger
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = CeleryApp("ent")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def _name_schema_in_logs(logger: logging.Logger, **kwargs: Any) -> None:
    from config.logging import SchemaFilter

    for handler in logger.handlers:
        handler.addFilter(SchemaFilter())
        if handler.formatter is not None:
            handler.setFormatter(
                logging.Formatter(
                    "%(asctime)s %(levelname)s [%(schema_name)s] %(name)s: %(message)s"
                )
            )
