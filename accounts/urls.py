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
    path("sign-ins/", views.my_sign_ins, name="my_sign_ins"),
    path("under-attack/", views.under_attack, name="under_attack"),
    path("under-attack/<int:user_pk>/", views.account_sign_ins, name="account_sign_ins"),
]
