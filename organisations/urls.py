from django.urls import path

from organisations import views

app_name = "organisations"

urlpatterns = [
    path("switch/", views.switch, name="switch"),
    path("calendar/", views.calendar, name="calendar"),
]
