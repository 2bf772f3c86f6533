"""``/api/v1/homework/``, included once by ``apps.api.urls`` (namespace ``api``)."""

from django.urls import path

from apps.homework.apis import HomeworkWeekApi

urlpatterns = [path("", HomeworkWeekApi.as_view(), name="homework")]
