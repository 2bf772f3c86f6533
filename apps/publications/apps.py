from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    """The publication kernel: one owner row (``Publication``) per thing a feature publishes —
    its kind, author, state and dates — that the shared services (attachments, notifications,
    and the comments and reactions to come) point to. Features keep their own models and
    register their kind (``apps.publications.registry``); nothing here names a feature."""

    name = "apps.publications"
    label = "publications"
    verbose_name = "Publications"

    def ready(self) -> None:
        from apps.publications import notifications

        notifications.register_kinds()
