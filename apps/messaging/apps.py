from django.apps import AppConfig


class MessagingConfig(AppConfig):
    """The messagerie: the ENT's internal mail between families, pupils and staff, under the
    communication rules, with moderation of pupils' mail, reports and restrictions."""

    name = "apps.messaging"
    label = "messaging"
    verbose_name = "Messagerie"

    def ready(self) -> None:
        # What it publishes and who hears of it, for the shared services that name no feature.
        from apps.messaging import notifications, publications, topics

        publications.register_kind()
        notifications.register_kinds()
        topics.register_topics()
        from apps.accounts.signals import names_changed
        from apps.messaging.signals import on_names_changed

        names_changed.connect(on_names_changed, dispatch_uid="messaging_names_changed")
