from django.urls import path

from support_plans import views
from support_plans.views import arrangements, documents

app_name = "support_plans"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.plan_create, name="plan_create"),
    path("settings/", views.settings_edit, name="settings_edit"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("due/", views.due_list, name="due_list"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/pack/", views.pack_edit, name="pack_edit"),
    path("<int:pk>/assessments/", views.assessments_edit, name="assessments_edit"),
    path("<int:pk>/rewards/", views.terms_edit, name="terms_edit"),
    path("<int:pk>/monitoring/", views.monitoring_edit, name="monitoring_edit"),
    path("<int:pk>/parties/new/", views.party_add, name="party_add"),
    path("<int:pk>/questionnaires/new/", views.questionnaire_add, name="questionnaire_add"),
    path("<int:pk>/targets/new/", views.target_add, name="target_add"),
    path("<int:pk>/meetings/<str:kind>/new/", views.meeting_add, name="meeting_add"),
    path("<int:pk>/meetings/initial/date/", views.initial_meeting_date, name="initial_meeting_date"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/close/", views.plan_close, name="plan_close"),
    path("<int:pk>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("parties/<int:pk>/", views.party_edit, name="party_edit"),
    path("parties/<int:pk>/sign-link/", views.party_sign_link, name="party_sign_link"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:pk>/link/", views.questionnaire_link, name="questionnaire_link"),
    path("questionnaires/<int:pk>/email/", views.questionnaire_email, name="questionnaire_email"),
    path("questionnaires/<int:pk>/paper/", views.questionnaire_paper, name="questionnaire_paper"),
    path("targets/<int:pk>/revise/", views.target_revise, name="target_revise"),
    path("alerts/<int:pk>/", views.alert_resolve, name="alert_resolve"),
    path("<int:pk>/meetings/arrange/", arrangements.meeting_schedule, name="meeting_schedule"),
    path("arranged/<int:pk>/invite/", arrangements.planned_invite, name="planned_invite"),
    path("arranged/<int:pk>/cancel/", arrangements.planned_cancel, name="planned_cancel"),
    path("parties/<int:pk>/home-link/", arrangements.party_home_link, name="party_home_link"),
    path("<int:pk>/home-contacts/new/", arrangements.home_contact_add, name="home_contact_add"),
    path("<int:pk>/documents/new/", documents.document_add, name="document_add"),
    path("documents/<int:pk>/", documents.document_download, name="document_download"),
    path("documents/<int:pk>/delete/", documents.document_delete, name="document_delete"),
    path("<int:pk>/passport/", documents.passport_edit, name="passport_edit"),
    path("pupils/<int:pk>/passport/", documents.passport_print, name="passport_print"),
    path("<int:pk>/actions/new/", documents.action_add, name="action_add"),
    path("actions/<int:pk>/done/", documents.action_done, name="action_done"),
    path("l/<str:token>/", views.link, name="link"),
]
