from django.urls import path

from apps.qrlogin import views

app_name = "qrlogin"

urlpatterns = [
    path("<str:token>/", views.qr_login, name="login"),
]
