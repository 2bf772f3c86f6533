from django.urls import path

from apps.publications import views

app_name = "publications"

urlpatterns = [
    path("", views.queue_page, name="queue"),
]
