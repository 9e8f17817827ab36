from django.urls import path

from early_warning import views

app_name = "early_warning"
urlpatterns = [
    path("", views.warning_list, name="list"),
    path("settings/", views.settings_view, name="settings"),
    path("pupil/<int:pk>/", views.pupil, name="pupil"),
]
