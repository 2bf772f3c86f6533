"""Progress of a long import, told to whoever watches: a terminal, a job row, or nobody.

``JobProgress`` writes to the ``ImportJob`` row through a connection of its own, in
autocommit, so that the status page (another request, another connection) sees the progress
while the import's own transaction is still open. It never touches the row through the
import's connection, and the import never locks that row, so the two cannot wait on each
other.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Protocol

from django.db import connection
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class ProgressReporter(Protocol):
    def phase(self, label: str, total: int) -> None: ...

    def advance(self, step: int = 1) -> None: ...


class NullProgress:
    def phase(self, label: str, total: int) -> None:
        pass

    def advance(self, step: int = 1) -> None:
        pass


class RichProgress:
    """A bar per phase on the terminal (management commands)."""

    def __init__(self, console: Console | None = None) -> None:
        self._progress = Progress(
            TextColumn("{task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console or Console(stderr=True),
            transient=False,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def phase(self, label: str, total: int) -> None:
        if self._task is not None:  # the previous phase is over
            self._progress.update(self._task, completed=self._progress.tasks[-1].total)
        self._task = self._progress.add_task(label, total=max(total, 1))

    def advance(self, step: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, step)


class JobProgress:
    """Progress written to an ImportJob row, visible to other connections at once."""

    def __init__(self, *, job_id: int, schema: str, min_interval: float = 0.25) -> None:
        self._job_id = job_id
        self._table = (
            f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name('schools_importjob')}"
        )
        self._min_interval = min_interval
        self._side = connection.copy()
        self._label = ""
        self._total = 0
        self._done = 0
        self._written_at = 0.0

    def phase(self, label: str, total: int) -> None:
        self._label, self._total, self._done = label, total, 0
        self._write()

    def advance(self, step: int = 1) -> None:
        self._done = min(self._done + step, self._total) if self._total else self._done + step
        if time.monotonic() - self._written_at >= self._min_interval or self._done == self._total:
            self._write()

    def close(self) -> None:
        self._side.close()

    def _write(self) -> None:
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self._table} SET phase = %s, processed = %s, total = %s "  # noqa: S608 - quoted identifiers
                "WHERE id = %s",
                [self._label[:60], self._done, self._total, self._job_id],
            )
        self._written_at = time.monotonic()
