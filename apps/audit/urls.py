from django.urls import path

from apps.audit import views

app_name = "audit"

urlpatterns = [
    path("administration/journal/", views.journal, name="journal"),
]
