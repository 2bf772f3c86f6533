"""The ``unaccent`` extension, in the public schema that every commune's search path ends
with: the messagerie's French full-text search folds accents with it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
