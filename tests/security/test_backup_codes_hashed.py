"""Backup codes are stored as keyed digests: shown once when generated, never kept in clear.

The database holds, for each code, an HMAC of the account and the code; a typed code is
hashed the same way and compared. Codes stored in clear before this change are hashed by
the accounts migration ``0003_hash_backup_codes``.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_tenants.utils import schema_context

from apps.accounts.models import Profile
from apps.accounts.security import two_factor
from tests.security.helpers import BACKUP_CODE, code_for, enrol, log_in, make_user

ENROL_PAGE = "/mon-compte/double-authentification/activer/"


@pytest.fixture(autouse=True)
def _no_otp_throttle_delay(settings):
    # django-otp's growing delay after a wrong code: tests that give a right code after a
    # wrong one would otherwise have to wait.
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _stored(user) -> list[str]:
    with schema_context("bordeaux"):
        return list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def test_the_codes_shown_at_enrolment_are_not_what_is_stored(tenant_client):
    admin = make_user("bordeaux", "admin.bordeaux", Profile.COMMUNE_ADMIN)
    client = tenant_client("bordeaux")
    log_in(client, admin.username)
    client.get(ENROL_PAGE)
    with schema_context("bordeaux"):
        device = two_factor.pending_totp_device(admin)
    confirmed = client.post(ENROL_PAGE, {"code": code_for(device)})
    shown = client.get(confirmed["Location"]).content.decode()
    codes = [
        code.replace("-", "")
        for code in re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", shown)
    ]
    assert len(codes) == two_factor.BACKUP_CODE_COUNT

    stored = _stored(admin)

    assert len(stored) == two_factor.BACKUP_CODE_COUNT
    for value in stored:
        assert two_factor.BACKUP_DIGEST_SHAPE.match(value)
        assert not any(code in value.lower() for code in codes)
    assert set(stored) == {two_factor.backup_code_digest(admin.pk, code) for code in codes}


def test_a_stored_code_works_once_and_a_wrong_one_never(db):
    teacher = make_user("bordeaux", "m.durand")
    enrol("bordeaux", teacher, backup_codes=(BACKUP_CODE, "zzzz7777"))
    assert BACKUP_CODE not in _stored(teacher)

    with schema_context("bordeaux"):
        assert two_factor.verify_backup_code(teacher, "wxyz2345") is None
        assert len(_stored(teacher)) == 2  # nothing consumed by a wrong code
        # Typed from paper: upper case, with a dash — still the same code.
        device = two_factor.verify_backup_code(teacher, "ABCD-2345")
        assert isinstance(device, StaticDevice)
        assert two_factor.verify_backup_code(teacher, BACKUP_CODE) is None
        assert two_factor.verify_backup_code(teacher, "zzzz7777") is not None

    assert _stored(teacher) == []


def test_a_wrong_code_is_throttled_like_before(db, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 1
    teacher = make_user("bordeaux", "m.durand")
    enrol("bordeaux", teacher)

    with schema_context("bordeaux"):
        assert two_factor.verify_backup_code(teacher, "wxyz2345") is None
        static = StaticDevice.objects.get(user=teacher)
        assert static.throttling_failure_count == 1
        # Within the delay, even the right code is refused, and it is not consumed.
        assert two_factor.verify_backup_code(teacher, BACKUP_CODE) is None
    assert len(_stored(teacher)) == 1


def test_a_digest_copied_to_another_account_is_worthless(db):
    owner = make_user("bordeaux", "m.durand")
    other = make_user("bordeaux", "c.petit")
    enrol("bordeaux", owner)
    with schema_context("bordeaux"):
        device = StaticDevice.objects.create(user=other, name="Codes de secours", confirmed=True)
        device.token_set.create(token=_stored(owner)[0])

        assert two_factor.verify_backup_code(other, BACKUP_CODE) is None


def test_codes_survive_a_secret_key_rotation_listed_in_fallbacks(db, settings):
    teacher = make_user("bordeaux", "m.durand")
    enrol("bordeaux", teacher)
    old_key = settings.SECRET_KEY

    settings.SECRET_KEY = "une-toute-nouvelle-clé-secrète-assez-longue-pour-django-0123456789"
    with schema_context("bordeaux"):
        assert two_factor.verify_backup_code(teacher, BACKUP_CODE) is None
    settings.SECRET_KEY_FALLBACKS = [old_key]
    with schema_context("bordeaux"):
        assert two_factor.verify_backup_code(teacher, BACKUP_CODE) is not None


def test_the_migration_hashes_codes_stored_in_clear(db):
    migration = importlib.import_module("apps.accounts.migrations.0003_hash_backup_codes")
    # The models as the migration sees them (historical), not today's.
    historical = (
        MigrationLoader(connection)
        .project_state(("accounts", "0003_hash_backup_codes"), at_end=False)
        .apps
    )
    teacher = make_user("bordeaux", "m.durand")
    with schema_context("bordeaux"):
        device = StaticDevice.objects.create(user=teacher, name="Codes de secours", confirmed=True)
        device.token_set.create(token=BACKUP_CODE)  # as stored before the change
        device.token_set.create(token="zzzz7777")

        migration.hash_plain_backup_codes(historical, None)
        after_once = sorted(_stored(teacher))
        migration.hash_plain_backup_codes(historical, None)  # digests are left alone

        assert sorted(_stored(teacher)) == after_once
        assert set(after_once) == {
            two_factor.backup_code_digest(teacher.pk, BACKUP_CODE),
            two_factor.backup_code_digest(teacher.pk, "zzzz7777"),
        }
        assert two_factor.verify_backup_code(teacher, BACKUP_CODE) is not None
        assert two_factor.verify_backup_code(teacher, BACKUP_CODE) is None


def test_backup_codes_left_still_counts_the_unused_codes(db):
    teacher = make_user("bordeaux", "m.durand")
    enrol("bordeaux", teacher, backup_codes=(BACKUP_CODE, "zzzz7777", "mmmm2222"))
    with schema_context("bordeaux"):
        two_factor.verify_backup_code(teacher, "zzzz7777")

        assert two_factor.backup_codes_left(teacher) == 2
