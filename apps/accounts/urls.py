from django.urls import include, path

from apps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", include("apps.accounts.security.urls")),
    path("activation/<str:uidb64>/<str:token>/", views.activate, name="activate"),
]
