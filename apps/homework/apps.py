from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    """The *cahier de textes* — the class's logbook kept by its teachers: what was done in
    class each day, by domain, and the work to do for a given day. Pupils and parents read it;
    it is not the cahier de liaison (notes to families, see ``apps.liaison``)."""

    name = "apps.homework"
    label = "homework"
    verbose_name = "Cahier de textes"

    def ready(self) -> None:
        # What it publishes, who hears of it and which fields hold rich text, for the shared
        # services that name no feature.
        from apps.homework import notifications, publications, richtext

        publications.register_kind()
        notifications.register_kinds()
        richtext.register_fields()
