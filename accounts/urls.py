from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/new-link/", views.enrolment_request, name="enrolment_request"),
    path("enrol/<str:token>/", views.enrol, name="enrol"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("logout/", views.sign_out, name="logout"),
]
