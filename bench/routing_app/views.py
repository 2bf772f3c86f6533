"""The measured view: one query, reading one row of the commune's accounts_user."""

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse


def first_user(request: HttpRequest) -> HttpResponse:
    username = get_user_model().objects.order_by("pk").values_list("username", flat=True).first()
    return HttpResponse(f"{username}\n", content_type="text/plain")
