"""``/api/v1/`` of a commune, its OpenAPI schema and its documentation (no CDN: sidecar)."""

from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from apps.api.classes import ClassroomDetailApi, ClassroomListApi
from apps.api.me import MeApi
from apps.api.people import PersonDetailApi, PersonListApi
from apps.api.schools import SchoolDetailApi, SchoolListApi

app_name = "api"

urlpatterns = [
    path("v1/me/", MeApi.as_view(), name="me"),
    path("v1/schools/", SchoolListApi.as_view(), name="school-list"),
    path("v1/schools/<int:school_id>/", SchoolDetailApi.as_view(), name="school-detail"),
    path("v1/classes/", ClassroomListApi.as_view(), name="classroom-list"),
    path("v1/classes/<int:classroom_id>/", ClassroomDetailApi.as_view(), name="classroom-detail"),
    path("v1/people/", PersonListApi.as_view(), name="person-list"),
    path("v1/people/<int:person_id>/", PersonDetailApi.as_view(), name="person-detail"),
    path("v1/liaison/", include("apps.liaison.api_urls")),
    path("v1/homework/", include("apps.homework.api_urls")),
    path("v1/attachments/", include("apps.attachments.api_urls")),
    path("v1/messages/", include("apps.messaging.api_urls")),
    path("v1/blogs/", include("apps.blog.api_urls")),
    path("v1/moderation/", include("apps.publications.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
