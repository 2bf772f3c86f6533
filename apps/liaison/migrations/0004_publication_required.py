import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("liaison", "0003_publication"),
    ]

    operations = [
        migrations.AlterField(
            model_name="liaisonnote",
            name="publication",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="liaison_note",
                to="publications.publication",
            ),
        ),
    ]
