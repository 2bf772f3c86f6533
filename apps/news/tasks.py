"""Scheduled news told when their date comes and the banners put back in the cache (every five
minutes), and the school sites drawn again when a public news item expires (every night), in
every live commune. The purge of
news expired three years ago is a retention rule (``apps.privacy.retention``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from apps.news import banners
from apps.news.services import news_announce_due, news_expired_sweep
from apps.quiethours import clock
from config.celery import app
from tenants.db import current_schema
from tenants.tasks import commune_task, for_each_live_commune


@commune_task("news.announce_due")
def announce_due(now: str | None = None) -> dict[str, Any]:
    """``now`` (ISO 8601) is the beat run's moment, so that a late worker tells what was due
    then and no more, and a test's frozen moment reaches a worker in another process."""
    moment = datetime.datetime.fromisoformat(now) if now else clock.now()
    return {"schema": current_schema(), "told": news_announce_due(moment)}


@app.task(name="news.announce_all_communes")
def announce_all_communes(now: str | None = None) -> list[str]:
    return for_each_live_commune(announce_due, now or clock.now().isoformat())


@commune_task("news.expired_sweep")
def expired_sweep() -> dict[str, Any]:
    return {
        "schema": current_schema(),
        "schools": sorted(news_expired_sweep(timezone.localdate())),
    }


@app.task(name="news.expired_sweep_all_communes")
def expired_sweep_all_communes() -> list[str]:
    return for_each_live_commune(expired_sweep)


@commune_task("news.refresh_banners")
def refresh_banners() -> dict[str, Any]:
    """The cache is the pages' only source of banners (``apps.news.banners``): refilled here
    after Redis lost it."""
    return {"schema": current_schema(), "banners": [b.pk for b in banners.refresh()]}


@app.task(name="news.refresh_banners_all_communes")
def refresh_banners_all_communes() -> list[str]:
    return for_each_live_commune(refresh_banners)
