"""Each HomeworkEntry gets its Publication (apps.publications): one per existing row, with the
row's author, state (published when it has a publication date, a draft otherwise) and dates,
the key becomes required in the next migration (its own transaction: PostgreSQL
refuses to alter a table with the rows' pending foreign-key checks)."""

import django.db.models.deletion
from django.db import migrations, models


def create_publications(apps, schema_editor):
    Publication = apps.get_model("publications", "Publication")
    HomeworkEntry = apps.get_model("homework", "HomeworkEntry")
    for row in HomeworkEntry.objects.filter(publication__isnull=True).order_by("pk").iterator():
        publication = Publication.objects.create(
            kind="homework.entry",
            author_id=row.author_id,
            state="published" if row.published_at is not None else "draft",
            published_at=row.published_at,
            edited_at=row.updated_at
            if row.published_at is not None and row.updated_at > row.published_at
            else None,
        )
        # created_at is auto_now_add: the row's own creation date is written afterwards.
        Publication.objects.filter(pk=publication.pk).update(created_at=row.created_at)
        HomeworkEntry.objects.filter(pk=row.pk).update(publication=publication)


def drop_publications(apps, schema_editor):
    Publication = apps.get_model("publications", "Publication")
    Publication.objects.filter(kind="homework.entry").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("homework", "0002_occurrence_overrides"),
        ("publications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="homeworkentry",
            name="publication",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="homework_entry",
                to="publications.publication",
            ),
        ),
        migrations.RunPython(create_publications, drop_publications),
    ]
