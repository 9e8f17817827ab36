from django.urls import path

from caseloads.views import caseload, coaching, passports, reviews, sessions, stage_one

app_name = "caseloads"

urlpatterns = [
    path("", caseload.home, name="home"),
    path("assign/", caseload.assign, name="assign"),
    path("assign/<int:pk>/remove/", caseload.unassign, name="unassign"),
    path("settings/", caseload.settings_view, name="settings"),
    path("figures/", caseload.figures, name="figures"),
    path("unexplained/", caseload.n_marks, name="n_marks"),
    path("unexplained/<int:pk>/", caseload.resolve_n, name="resolve_n"),
    path("student/<int:pk>/amend/", caseload.amend, name="amend"),
    # Tutorial programme and group sessions
    path("programme/", sessions.programme, name="programme"),
    path("programme/<int:pk>/remove/", sessions.topic_delete, name="topic_delete"),
    path("sessions/", sessions.sessions, name="sessions"),
    path("sessions/calendar.ics", sessions.ical, name="ical"),
    path("groups/<int:pk>/", sessions.group, name="group"),
    path("groups/<int:pk>/plan/", sessions.session_plan, name="session_plan"),
    path("sessions/<int:pk>/", sessions.session, name="session"),
    path("sessions/<int:pk>/record/", sessions.session_record, name="session_record"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    # The eLLP: Learning and Progress Reviews
    path("student/<int:pk>/", reviews.ellp, name="ellp"),
    path("student/<int:pk>/review/", reviews.review_start, name="review_start"),
    path("reviews/<int:pk>/", reviews.review, name="review"),
    path("reviews/<int:pk>/save/", reviews.review_save, name="review_save"),
    path("reviews/<int:pk>/progress/", reviews.progress_save, name="progress_save"),
    path("reviews/<int:pk>/targets/", reviews.target_add, name="target_add"),
    path("reviews/<int:pk>/actions/", reviews.action_add, name="action_add"),
    path("reviews/<int:pk>/sign-off/", reviews.sign_off, name="sign_off"),
    path("reviews/<int:pk>/addenda/", reviews.addendum_add, name="addendum_add"),
    path("reviews/due/", reviews.reviews_due, name="reviews_due"),
    path("reviews/completion/", reviews.completion, name="completion"),
    path("windows/", reviews.windows, name="windows"),
    path("windows/<int:pk>/", reviews.window_edit, name="window_edit"),
    # Stage-one disciplinary meetings
    path("student/<int:pk>/stage-one/", stage_one.stage_one_add, name="stage_one_add"),
    path("stage-one/<int:pk>/", stage_one.stage_one, name="stage_one"),
    path("stage-one/<int:pk>/letter.pdf", stage_one.stage_one_letter, name="stage_one_letter"),
    # Coaching, the listening service, passports and progression, the parents' evening list (issue 12, items 4, 6, 7)
    path("coaching/", coaching.coaching_list, name="coaching_list"),
    path("coaching/<int:pk>/", coaching.coaching, name="coaching"),
    path("student/<int:pk>/coaching/", coaching.coaching_add, name="coaching_add"),
    path("listening/", coaching.notes, name="notes"),
    path("listening/<int:pk>/", coaching.note, name="note"),
    path("listening/<int:pk>/refer/", coaching.note_refer, name="note_refer"),
    path("listening/<int:pk>/pass/", coaching.note_pass, name="note_pass"),
    path("student/<int:pk>/listening/", coaching.note_add, name="note_add"),
    path("passports/", passports.passports, name="passports"),
    path("passports/<int:pk>/", passports.passport, name="passport"),
    path("passports/completion/", passports.completion, name="passport_completion"),
    path("passports/done/<int:pk>/remove/", passports.completion_remove, name="passport_completion_remove"),
    path("student/<int:pk>/passports/", passports.student_passports, name="student_passports"),
    path("student/<int:pk>/progression/", passports.progression, name="progression"),
    path("groups/<int:pk>/parents-evening/", passports.parents_evening, name="parents_evening"),
]

# Reports to parents and caseload statistics (issue 12, items 7 and 8)
from caseloads.views import reports as report_views  # noqa: E402
from caseloads.views import statistics as statistics_views  # noqa: E402

urlpatterns += [
    path("reports/", report_views.reports, name="reports"),
    path("reports/<int:pk>/", report_views.batch, name="report_batch"),
    path("reports/<int:pk>/status/", report_views.batch_status, name="report_batch_status"),
    path("reports/<int:pk>/reports.zip", report_views.batch_download, name="report_batch_download"),
    path("student/<int:pk>/report.pdf", report_views.student_report, name="student_report"),
    path("statistics/", statistics_views.statistics, name="statistics"),
]
