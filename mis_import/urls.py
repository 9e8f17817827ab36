from django.urls import path  # noqa: F401

app_name = "mis_import"

urlpatterns: list = []
