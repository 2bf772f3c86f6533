"""Backup codes stored before they were hashed: each plain code becomes its digest.

The codes keep working (what is typed is hashed the same way) and no longer appear in the
database. One way only: a digest cannot be turned back into its code, so going back leaves
the digests, which the earlier code would not recognise (those accounts would regenerate
their codes).
"""

from typing import Any

from django.db import migrations

from apps.accounts.security.two_factor import BACKUP_DIGEST_SHAPE, backup_code_digest


def hash_plain_backup_codes(apps: Any, schema_editor: Any) -> None:
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.select_related("device").iterator():
        if BACKUP_DIGEST_SHAPE.match(token.token):
            continue  # already a digest (codes are lower case)
        token.token = backup_code_digest(token.device.user_id, token.token)
        token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_activated_at_user_activation_code_and_more"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.RunPython(hash_plain_backup_codes, migrations.RunPython.noop, elidable=True),
    ]
