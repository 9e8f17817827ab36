from django.urls import path

from safeguarding import (
    destruction_views,
    file_views,
    meeting_views,
    received_views,
    referral_views,
    transfer_views,
    views,
)

app_name = "safeguarding"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("step-up/", views.step_up, name="step_up"),
    path("log/", views.concern_log, name="concern_log"),
    path("mine/", views.my_concerns, name="my_concerns"),
    path("mine/<int:pk>/", views.my_concern, name="my_concern"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern_detail"),
    path("concerns/<int:pk>/correct/", views.concern_correct, name="concern_correct"),
    path("concerns/<int:pk>/decide/", views.decision_add, name="decision_add"),
    path("concerns/<int:pk>/actions/", views.action_add, name="action_add"),
    path("concerns/<int:pk>/links/", views.concern_link, name="concern_link"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("pupils/<int:pupil_pk>/", file_views.chronology, name="chronology"),
    path("pupils/<int:pupil_pk>/chronology.pdf", file_views.chronology_pdf, name="chronology_pdf"),
    path("pupils/<int:pupil_pk>/entries/", file_views.entry_add, name="entry_add"),
    path("pupils/<int:pupil_pk>/viewers/", file_views.viewers, name="viewers"),
    path("pupils/<int:pupil_pk>/status/", file_views.status, name="status"),
    path("settings/", file_views.settings_edit, name="settings"),
    path("agencies/", referral_views.agencies, name="agencies"),
    path("agencies/<int:pk>/", referral_views.agency_edit, name="agency"),
    path("referrals/", referral_views.referrals, name="referrals"),
    path("referrals/<int:pk>/", referral_views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/update/", referral_views.referral_update, name="referral_update"),
    path("pupils/<int:pupil_pk>/transfers/", transfer_views.pupil_transfers, name="transfers"),
    path("transfer/<str:token>/", transfer_views.transfer_link, name="transfer_link"),
    path("incoming/", transfer_views.incoming, name="incoming"),
    path("incoming/<int:pk>/file/", transfer_views.incoming_fetch, name="incoming_fetch"),
    path("incoming/<int:pk>/confirm/", transfer_views.incoming_confirm, name="incoming_confirm"),
    path("incoming/<int:pk>/attach/", received_views.incoming_attach, name="incoming_attach"),
    path("received/", received_views.received, name="received"),
    path("received/<int:pk>/cp-file.pdf", received_views.received_file, {"what": "pdf"}, name="received_pdf"),
    path(
        "received/<int:pk>/cp-file.json", received_views.received_file, {"what": "json"}, name="received_json"
    ),
    path("pupils/<int:pupil_pk>/subject-access/", file_views.subject_access, name="subject_access"),
    path("retention/", file_views.retention_review, name="retention"),
    path("pupils/<int:pupil_pk>/destroy/", destruction_views.file_destroy, name="destroy"),
    path("pupils/<int:pupil_pk>/hold/", destruction_views.file_hold, name="hold"),
    path("meetings/", meeting_views.meetings, name="meetings"),
    path("meetings/<int:pk>/", meeting_views.meeting, name="meeting"),
    path("meetings/<int:pk>/minutes.pdf", meeting_views.meeting_pdf, name="meeting_pdf"),
    path(
        "meetings/<int:pk>/attendance/",
        meeting_views.meeting_write,
        {"what": "attendance"},
        name="meeting_attendance",
    ),
    path(
        "meetings/<int:pk>/minutes/", meeting_views.meeting_write, {"what": "minute"}, name="meeting_minute"
    ),
    path(
        "meetings/<int:pk>/actions/", meeting_views.meeting_write, {"what": "action"}, name="meeting_action"
    ),
    path("meeting-actions/<int:pk>/done/", meeting_views.meeting_action_done, name="meeting_action_done"),
    path("pupils/<int:pupil_pk>/referrals/new/", referral_views.referral_new, name="referral_new"),
]
