from django.urls import path

from apps.chat import views

app_name = "chat"

urlpatterns = [
    path("", views.rooms_page, name="rooms"),
    path("signalements/", views.reports_page, name="reports"),
    path("<int:room_id>/", views.room_page, name="room"),
    path("<int:room_id>/horaires/", views.schedule_page, name="schedule"),
    path("<int:room_id>/signaler/<int:number>/", views.report_post_page, name="report"),
]
