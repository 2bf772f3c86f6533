"""Importing ONDE exports: the pupils and their guardians of one school, all or nothing.

ONDE (*Outil Numérique pour la Direction d'École*) is the national application where
primary schools keep their pupils; each school exports two CSV files, pupils and
responsables. ``import_for_school`` reads both, checks every line, links guardians to pupils
by name and class, works out what to create or update against the commune's accounts, and
writes it in one transaction with a fixed number of queries.

Modules: ``csvfile`` (encodings, headers), ``parsing`` (lines → records), ``linking``
(guardians → pupils), ``plan`` (against the database), ``apply`` (bulk writes), ``service``
(the entry point), ``progress``, ``report``; the web import's Celery task is
``apps.schools.tasks``, the operator's command ``provisioning.operations.onde_import``.
"""

from apps.schools.onde.csvfile import Issue, SourceFile
from apps.schools.onde.report import ImportReport, OndeImportError
from apps.schools.onde.service import import_for_school

__all__ = [
    "ImportReport",
    "Issue",
    "OndeImportError",
    "SourceFile",
    "import_for_school",
]
