"""Everything the ENT holds about a person, found from the schema rather than listed by hand.

Every table of the commune's schema with a foreign key to the person (directly, or through a
many-to-many table) is read, so a service added later is in the export without an edit here.
Secrets (password hash, second-factor keys, API tokens, activation codes) are never copied:
the export says that they exist, not what they are.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile

from apps.accounts.models import User

# Field names whose value is a secret or a credential: shown as "(secret, non exporté)".
SECRET_FIELDS = frozenset(
    {
        "password",
        "key",
        "bin_key",
        "token",
        "activation_code",
        "secret",
        "throttling_failure_timestamp",
    }
)
REDACTED = "(secret, non exporté)"


@dataclass(frozen=True)
class Link:
    """A way a table refers to a person: ``model.field`` is (or holds) the person's id."""

    model: type[models.Model]
    field: str

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def column(self) -> str:
        return str(self.model._meta.get_field(self.field).column)  # type: ignore[union-attr]

    @property
    def field_label(self) -> str:
        model_field = self.model._meta.get_field(self.field)
        return str(getattr(model_field, "verbose_name", self.field))

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural or self.model._meta.verbose_name)


@dataclass
class PersonalData:
    user: User
    # table → rows (JSON-friendly dicts), in a stable order.
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, FieldFile]] = field(default_factory=list)

    def row_count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def _tenant_app_labels() -> set[str]:
    labels = set()
    for name in settings.TENANT_APPS:
        for config in apps.get_app_configs():
            if config.name == name:
                labels.add(config.label)
    return labels


def person_links() -> list[Link]:
    """Every (model, field) of the commune's schema that points at a user."""
    tenant_labels = _tenant_app_labels()
    links = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in tenant_labels or model._meta.proxy:
            continue
        for model_field in model._meta.concrete_fields:
            if model_field.is_relation and model_field.related_model is User:
                links.append(Link(model=model, field=model_field.name))
    return sorted(links, key=lambda link: (link.table, link.field))


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, bytes | memoryview):
        return REDACTED
    return str(value)


def _row(instance: models.Model) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for model_field in instance._meta.concrete_fields:
        name = model_field.attname
        if model_field.name in SECRET_FIELDS or name in SECRET_FIELDS:
            value = getattr(instance, name)
            row[model_field.name] = REDACTED if value not in (None, "") else None
            continue
        row[model_field.name] = _plain(getattr(instance, name))
    return row


def _rows(link: Link, user: User) -> Iterator[models.Model]:
    yield from link.model._default_manager.filter(**{link.field: user}).order_by("pk")


def personal_data(user: User) -> PersonalData:
    """Every row of the current commune's schema about ``user``, and the files they gave."""
    data = PersonalData(user=user)
    data.tables["accounts_user"] = [_row(user)]
    data.labels["accounts_user"] = "compte"
    for link in person_links():
        rows = [_row(instance) for instance in _rows(link, user)]
        if not rows:
            continue
        key = f"{link.table}.{link.column}"
        data.tables[key] = rows
        data.labels[key] = f"{link.label} ({link.field_label})"
        for instance in _rows(link, user) if link.field == "uploaded_by" else ():
            for model_field in instance._meta.concrete_fields:
                if isinstance(model_field, models.FileField):
                    stored = getattr(instance, model_field.attname)
                    if stored:
                        data.files.append((f"{instance.pk}-{_file_name(instance)}", stored))
    return data


def _file_name(instance: models.Model) -> str:
    name = str(getattr(instance, "original_name", "") or "fichier")
    return "".join(c if c.isalnum() or c in "._- " else "_" for c in name)[:120]
