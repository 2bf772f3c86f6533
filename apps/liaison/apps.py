from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    """The *cahier de liaison* — the French school's home–school notebook: notes from the
    teacher or the direction to families, which parents confirm they have read (and sign)."""

    name = "apps.liaison"
    label = "liaison"
    verbose_name = "Cahier de liaison"
