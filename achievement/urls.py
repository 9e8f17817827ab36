from django.urls import path

from achievement import views

app_name = "achievement"
urlpatterns = [
    path("", views.progress, name="progress"),
    path("import/", views.import_results, name="import"),
    path("pupil/<int:pk>/", views.pupil, name="pupil"),
]
