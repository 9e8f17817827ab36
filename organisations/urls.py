from django.urls import path

from organisations import views

app_name = "organisations"

urlpatterns = [
    path("switch/", views.switch, name="switch"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/terms/add/", views.term_edit, name="term_add"),
    path("calendar/terms/<int:pk>/", views.term_edit, name="term_edit"),
    path("calendar/closures/add/", views.closure_add, name="closure_add"),
    path("calendar/closures/<int:pk>/delete/", views.closure_delete, name="closure_delete"),
]
