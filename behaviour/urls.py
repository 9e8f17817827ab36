from django.urls import path

from behaviour import notice_views, views

app_name = "behaviour"

urlpatterns = [
    path("", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/edit/", views.incident_edit, name="incident_edit"),
    path("pupils/<int:pupil_pk>/", views.pupil_behaviour, name="pupil_behaviour"),
    path("pupils/<int:pupil_pk>/report-cards/new/", views.card_create, name="card_create"),
    path("pupils/<int:pupil_pk>/suspensions/new/", views.suspension_create, name="suspension_create"),
    path("report-cards/<int:pk>/", views.card_detail, name="card_detail"),
    path("report-cards/<int:pk>/record/", views.card_record, name="card_record"),
    path("suspensions/<int:pk>/", views.suspension_detail, name="suspension_detail"),
    path("suspensions/<int:pk>/letter.pdf", views.suspension_letter, name="suspension_letter"),
    path("suspensions/<int:pk>/edit/", views.suspension_edit, name="suspension_edit"),
    path("suspensions/<int:pk>/withdraw/", views.suspension_withdraw, name="suspension_withdraw"),
    path("suspensions/<int:pk>/notices/", notice_views.suspension_notices, name="suspension_notices"),
    path("notice-addresses/", notice_views.notice_addresses, name="notice_addresses"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("categories/<int:pk>/delete/", views.category_delete, name="category_delete"),
]
