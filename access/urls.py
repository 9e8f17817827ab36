from django.urls import path

from access import views

app_name = "access"

urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("<int:staff_pk>/roles/add/", views.role_add, name="role_add"),
    path("<int:staff_pk>/second-factor/", views.second_factor, name="second_factor"),
    path("<int:staff_pk>/second-factor/link/", views.second_factor_link, name="second_factor_link"),
    path("<int:staff_pk>/second-factor/reset/", views.second_factor_reset, name="second_factor_reset"),
    path("roles/<int:pk>/end/", views.role_end, name="role_end"),
]
