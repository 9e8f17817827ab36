from django.urls import path

from access import views

app_name = "access"

urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("<int:staff_pk>/roles/add/", views.role_add, name="role_add"),
    path("roles/<int:pk>/end/", views.role_end, name="role_end"),
]
