from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("", views.pupil_list, name="pupil_list"),
    path("<int:pk>/", views.pupil_detail, name="pupil_detail"),
    path("<int:pk>/edit/", views.pupil_edit, name="pupil_edit"),
    path("<int:pk>/subject-access/", views.pupil_subject_access, name="pupil_subject_access"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
]
