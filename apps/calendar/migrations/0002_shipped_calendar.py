"""Load the calendar shipped in apps/calendar/data/vacances.yaml, so that a new deployment
knows the holidays from the start; later updates go through ``import_holidays``."""

from django.db import migrations


def load(apps, schema_editor):
    from apps.calendar.calendar_file import SHIPPED, read_calendar, rows_for

    DayOff = apps.get_model("calendar", "DayOff")
    calendar = read_calendar(SHIPPED)
    DayOff.objects.filter(school_year__in=[year.label for year in calendar.years]).delete()
    DayOff.objects.bulk_create(DayOff(**row) for row in rows_for(calendar))


class Migration(migrations.Migration):
    dependencies = [("calendar", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
