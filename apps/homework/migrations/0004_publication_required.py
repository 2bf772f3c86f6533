import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("homework", "0003_publication"),
    ]

    operations = [
        migrations.AlterField(
            model_name="homeworkentry",
            name="publication",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="homework_entry",
                to="publications.publication",
            ),
        ),
    ]
