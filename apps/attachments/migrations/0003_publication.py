"""Attachments join a publication (apps.publications) instead of one key per notebook: the key
is added and filled from each row's entry or note (whose publication the notebooks'
migrations created); the next migration drops the old keys (its own transaction: PostgreSQL
refuses to alter a table with the rows' pending foreign-key checks)."""

import django.db.models.deletion
from django.db import migrations, models


def to_publications(apps, schema_editor):
    Attachment = apps.get_model("attachments", "Attachment")
    HomeworkEntry = apps.get_model("homework", "HomeworkEntry")
    LiaisonNote = apps.get_model("liaison", "LiaisonNote")
    entries = dict(HomeworkEntry.objects.values_list("pk", "publication_id"))
    notes = dict(LiaisonNote.objects.values_list("pk", "publication_id"))
    rows = Attachment.objects.filter(publication__isnull=True).exclude(
        homework_entry__isnull=True, liaison_note__isnull=True
    )
    for row in rows.iterator():
        if row.homework_entry_id is not None:
            publication_id = entries[row.homework_entry_id]
        else:
            publication_id = notes[row.liaison_note_id]
        Attachment.objects.filter(pk=row.pk).update(publication_id=publication_id)


def to_notebooks(apps, schema_editor):
    Attachment = apps.get_model("attachments", "Attachment")
    HomeworkEntry = apps.get_model("homework", "HomeworkEntry")
    LiaisonNote = apps.get_model("liaison", "LiaisonNote")
    entries = dict(HomeworkEntry.objects.values_list("publication_id", "pk"))
    notes = dict(LiaisonNote.objects.values_list("publication_id", "pk"))
    for row in Attachment.objects.filter(publication__isnull=False).iterator():
        Attachment.objects.filter(pk=row.pk).update(
            homework_entry_id=entries.get(row.publication_id),
            liaison_note_id=notes.get(row.publication_id),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("attachments", "0002_pending"),
        ("homework", "0004_publication_required"),
        ("liaison", "0004_publication_required"),
        ("publications", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="attachment",
            name="attachment_belongs_to_one_item_or_is_pending",
        ),
        migrations.AddField(
            model_name="attachment",
            name="publication",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attachments",
                to="publications.publication",
            ),
        ),
        migrations.RunPython(to_publications, to_notebooks),
    ]
