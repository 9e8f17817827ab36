from django.urls import path

from attendance import views
from mis_import.views import kind_upload

app_name = "attendance"

urlpatterns = [
    path("", views.my_registers, name="my_registers"),
    path("register/<int:group_pk>/", views.take_register, name="register"),
    path("not-taken/", views.not_taken, name="not_taken"),
    path("n-queue/", views.n_queue, name="n_queue"),
    path("n-queue/<int:pk>/", views.resolve_n, name="resolve_n"),
    path("first-day-calls/", views.first_day_calls, name="first_day_calls"),
    path("pupil/<int:pk>/", views.pupil_history, name="pupil"),
    path("pupil/<int:pk>/amend/", views.amend, name="amend"),
    path("pupil/<int:pk>/contact/", views.log_contact, name="log_contact"),
    path("pupil/<int:pk>/letter/", views.letter, name="letter"),
    path("pupil/<int:pk>/escalate/", views.escalate, name="escalate"),
    path("figures/", views.dashboard, name="dashboard"),
    path("figures/absence/", views.absence_list, name="absence_list"),
    # The marks file is a kind of MIS import: mis_import serves its upload page (attendance/imports.py registers it).
    path("import/", kind_upload, {"kind": "marks"}, name="import"),
    path("settings/", views.settings_view, name="settings"),
    path("caseload/", views.pal_view, name="caseload"),
    path("lessons/", views.lesson_registers, name="lessons"),
    path("lessons/<int:group_pk>/", views.take_lesson_register, name="lesson_register"),
    path("truancy/", views.truancy, name="truancy"),
    path("escalations/", views.escalations_due, name="escalations_due"),
    path("settings/stage/<int:pk>/", views.edit_stage, name="edit_stage"),
]
