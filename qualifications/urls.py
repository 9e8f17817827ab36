from django.urls import path

from qualifications import views

app_name = "qualifications"

urlpatterns = [
    path("", views.edition_list, name="edition_list"),
    path("editions/<int:pk>/", views.edition_detail, name="edition_detail"),
    path("editions/<int:pk>/edit/", views.edition_edit, name="edition_edit"),
    path("editions/<int:pk>/clone/", views.edition_clone, name="edition_clone"),
    path("editions/<int:pk>/fees/", views.edition_fees, name="edition_fees"),
    path("editions/<int:pk>/fees/new/", views.fee_rule_create, name="fee_rule_create"),
    path("fees/<int:pk>/edit/", views.fee_rule_edit, name="fee_rule_edit"),
    path("fees/<int:pk>/retire/", views.fee_rule_retire, name="fee_rule_retire"),
    path("editions/<int:pk>/mentor-sessions/new/", views.mentor_session_create, name="mentor_session_create"),
    path("clusters/<int:pk>/facilitators/new/", views.facilitator_add, name="facilitator_add"),
    path("editions/<int:pk>/clusters/new/", views.cluster_create, name="cluster_create"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("clusters/<int:pk>/", views.cluster_detail, name="cluster_detail"),
    path("clusters/<int:pk>/edit/", views.cluster_edit, name="cluster_edit"),
    path("clusters/<int:pk>/sessions/new/", views.training_day_create, name="training_day_create"),
    path("clusters/<int:pk>/book/", views.booking_create, name="booking_create"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("calendar/cluster/<str:token>.ics", views.ical_cluster, name="ical_cluster"),
    path("calendar/participant/<str:token>.ics", views.ical_participant, name="ical_participant"),
    path("bookings/", views.booking_list, name="booking_list"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/invoice.pdf", views.booking_invoice, name="booking_invoice"),
    path("bookings/<int:pk>/invoice/send/", views.booking_invoice_send, name="booking_invoice_send"),
    path("bookings/<int:pk>/reminder/send/", views.booking_reminder_send, name="booking_reminder_send"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/paid/", views.booking_paid, name="booking_paid"),
    path("places/<int:pk>/cancel/", views.enrolment_cancel, name="enrolment_cancel"),
    path("places/<int:pk>/withdraw/", views.enrolment_withdraw, name="enrolment_withdraw"),
    path("credit-notes/<int:pk>.pdf", views.credit_note_pdf, name="credit_note_pdf"),
    path("places/<int:pk>/mentor-training/", views.enrolment_mentor_session, name="enrolment_mentor_session"),
    path("my-places/", views.my_places, name="my_places"),
    path("safeguarding/", views.safeguarding, name="safeguarding"),
    path("provider/", views.provider_dashboard, name="provider_dashboard"),
    path("provider/invoice-settings/", views.invoice_settings, name="invoice_settings"),
    path("participants/", views.participant_list, name="participant_list"),
    path("export/", views.export, name="export"),
]
