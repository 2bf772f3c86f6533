from django.apps import AppConfig


class CalendarConfig(AppConfig):
    """The national school calendar: the school holidays of each zone (A, B, C) and the public
    holidays. National data, so it lives in the public schema and every commune reads the same
    rows; the groupement's zone is the ``ENT_SCHOOL_ZONE`` setting."""

    name = "apps.calendar"
    label = "calendar"
    verbose_name = "Calendrier scolaire"

    def ready(self) -> None:
        from apps.calendar import checks  # noqa: F401  (registers the zone check)
