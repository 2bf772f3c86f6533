"""Celery's autodiscovery imports `<app>.tasks`: the provisioning tasks live in their pipelines."""

from provisioning.onde.tasks import import_onde_job

__all__ = ["import_onde_job"]
