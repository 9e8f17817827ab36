from django.urls import path

from early_warning import views
from mis_import.views import kind_upload

app_name = "early_warning"
urlpatterns = [
    path("", views.warning_list, name="list"),
    path("settings/", views.settings_view, name="settings"),
    path("pupil/<int:pk>/", views.pupil, name="pupil"),
    path("import/", kind_upload, {"kind": "factors"}, name="import"),
]
