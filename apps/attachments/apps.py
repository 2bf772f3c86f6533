from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    """Pièces jointes: files (documents, photos, short sounds and videos) joined to an entry of
    the cahier de textes or to a note of the cahier de liaison, stored under the commune's
    schema name and served only to those who may see the item they belong to."""

    name = "apps.attachments"
    label = "attachments"
    verbose_name = "Pièces jointes"

    def ready(self) -> None:
        from apps.attachments import signals  # noqa: F401 - connects the receivers
