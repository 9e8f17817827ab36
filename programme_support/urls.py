from django.urls import path

from programme_support import views

app_name = "programme_support"

urlpatterns = [
    path("", views.home, name="home"),
    path("editions/<int:pk>/materials/", views.library, name="library"),
    path("editions/<int:pk>/materials/new/", views.resource_add, name="resource_add"),
    path("materials/<int:pk>/", views.resource_open, name="resource"),
    path("materials/<int:pk>/remove/", views.resource_remove, name="resource_remove"),
    path("questions/new/", views.question_new, name="question_new"),
    path("questions/<int:pk>/", views.question_detail, name="question"),
    path("questions/<int:pk>/close/", views.question_close, name="question_close"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
