from django.urls import path

from mis_import import views

app_name = "mis_import"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/status/", views.job_status, name="job_status"),
    path("<int:pk>/import/", views.job_commit, name="job_commit"),
]
