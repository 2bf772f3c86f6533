"""Commune administration: ONDE imports (mounted at /administration/imports/)."""

from django.urls import path

from apps.schools import imports

app_name = "school_imports"

urlpatterns = [
    path("", imports.import_index, name="index"),
    path("<int:job_id>/", imports.import_status, name="status"),
    path("<int:job_id>/etat.json", imports.import_status_json, name="status_json"),
]
