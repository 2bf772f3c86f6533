"""The coordinator's dashboard, included under ``coordination/`` on the base domain only."""

from django.urls import path

from tenants.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("communes.csv", views.communes_csv_download, name="communes_csv"),
    path("repartition.csv", views.cost_sharing_csv_download, name="cost_sharing_csv"),
    path("journal/", views.journal, name="journal"),
    path("communes/<slug:slug>/", views.commune_detail, name="commune"),
    path(
        "communes/<slug:slug>/corrections/",
        views.class_count_correction,
        name="class_count_correction",
    ),
]
