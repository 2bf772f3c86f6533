from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    """The *cahier de liaison* — the French school's home–school notebook: notes from the
    teacher or the direction to families, which parents confirm they have read (and sign)."""

    name = "apps.liaison"
    label = "liaison"
    verbose_name = "Cahier de liaison"

    def ready(self) -> None:
        # What it publishes and who hears of it, for the shared services that name no feature.
        from apps.liaison import notifications, publications, topics

        publications.register_kind()
        notifications.register_kinds()
        topics.register_topics()
