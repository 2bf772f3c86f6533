"""``/api/v1/groupement/`` of the base domain (included by ``config.urls_public``)."""

from django.urls import path

from tenants.dashboard.apis import CommuneListApi, CostSharingApi

app_name = "groupement_api"

urlpatterns = [
    path("communes/", CommuneListApi.as_view(), name="communes"),
    path("cost-sharing/", CostSharingApi.as_view(), name="cost-sharing"),
]
