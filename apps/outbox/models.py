"""Tasks the broker (Redis) did not take when they were queued, kept until it does.

One table in the public schema for every commune (the app is shared only): the task that
sends them again reads one table, and a request of any commune writes to it through the
search path, in its own transaction.
"""

from __future__ import annotations

from django.db import models


class OutboxTask(models.Model):
    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    # The schema the task runs in (tenant-schemas-celery's header).
    schema_name = models.CharField(max_length=63)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.task} [{self.schema_name}]"
