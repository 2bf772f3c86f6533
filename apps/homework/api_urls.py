"""``/api/v1/homework/``, included once by ``apps.api.urls`` (namespace ``api``)."""

from django.urls import path

from apps.apikit.base import by_method
from apps.homework.apis import HomeworkCreateApi, HomeworkWeekApi

urlpatterns = [path("", by_method(get=HomeworkWeekApi, post=HomeworkCreateApi), name="homework")]
