from django.urls import path

from apps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("activation/<str:uidb64>/<str:token>/", views.activate, name="activate"),
]
