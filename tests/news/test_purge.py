"""News expired more than three years ago are deleted with their files by the nightly
retention task (``privacy.enforce_retention``, in every live commune's schema); the others
stay."""

from __future__ import annotations

import datetime

from django.core.files.storage import default_storage
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.attachments.models import Attachment
from apps.attachments.services import attachments_change
from apps.news.models import Banner, News
from apps.privacy.tasks import enforce_retention
from apps.publications.models import Publication
from tests.attachments import files
from tests.news.helpers import write
from tests.world import World


def test_news_expired_three_years_ago_go_with_their_files_and_the_others_stay(
    bordeaux: World, media, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    with schema_context("bordeaux"):
        old = write(bordeaux, "dA", title="Ancienne")
        [photo] = attachments_change(
            user=bordeaux["dA"],
            publication=old.publication,
            add=[files.upload("fete.png", files.png())],
        )
        stored = photo.file.name
        kept = write(bordeaux, "dA", title="Expirée il y a deux ans")
        current = write(bordeaux, "dA", title="En cours")
        News.objects.filter(pk=old.pk).update(
            expires_on=today.replace(year=today.year - 3) - datetime.timedelta(days=1)
        )
        News.objects.filter(pk=kept.pk).update(expires_on=today.replace(year=today.year - 2))
        banner = Banner.objects.create(
            message="Ancienne alerte",
            expires_at=timezone.now() - datetime.timedelta(days=3 * 366),
            author_name="Diane Direction",
        )
        assert default_storage.exists(stored)

        with django_capture_on_commit_callbacks(execute=True):
            result = enforce_retention.run()

        assert result["schema"] == "bordeaux"
        assert set(News.objects.values_list("pk", flat=True)) == {kept.pk, current.pk}
        assert not Publication.objects.filter(pk=old.publication_id).exists()
        assert not Attachment.objects.filter(pk=photo.pk).exists()
        assert not default_storage.exists(stored)
        assert not Banner.objects.filter(pk=banner.pk).exists()
        # Run again: nothing more is due.
        assert enforce_retention.run()["actualites"] == 0
