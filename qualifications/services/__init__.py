"""Writes for qualifications, by concern: the catalogue (programme content, editions, clusters, training days), fees,
bookings (places, cancellations, withdrawals, completions) and invoices (numbers, payment, reminders, settings).
Reads (quotes, invoice totals, due dates, the booking rules) are in qualifications.selectors."""

from qualifications.services.bookings import (
    BookingRefused,
    BookingUnacknowledged,
    Cancellation,
    PlaceRequest,
    booking_cancel,
    booking_create,
    enrolment_cancel,
    enrolment_complete,
    enrolment_reopen,
    enrolment_withdraw,
    mentor_session_join,
    safeguarding_record,
)
from qualifications.services.catalogue import (
    DATA_DIR,
    DATA_FILES,
    EDITION_TEXT_FIELDS,
    academic_year_named,
    activity_update,
    attendance_record,
    cluster_create,
    cluster_update,
    edition_clone,
    edition_load_file,
    edition_update,
    facilitator_assign,
    mentor_session_create,
    move_years_in_text,
    programmes_load_all,
    training_day_create,
)
from qualifications.services.fees import fee_rule_create, fee_rule_retire, fee_rule_update, fees_update
from qualifications.services.invoices import (
    booking_set_paid,
    document_number_next,
    invoice_send_again,
    invoice_settings_save,
    payment_reminder_send,
)

# The names portfolios has called these by since before the services were named <noun>_<verb>.
cancel_enrolment = enrolment_cancel
complete_enrolment = enrolment_complete
reopen_enrolment = enrolment_reopen

__all__ = [
    "cancel_enrolment",
    "complete_enrolment",
    "reopen_enrolment",
    "DATA_DIR",
    "DATA_FILES",
    "EDITION_TEXT_FIELDS",
    "BookingRefused",
    "BookingUnacknowledged",
    "Cancellation",
    "PlaceRequest",
    "academic_year_named",
    "facilitator_assign",
    "booking_cancel",
    "enrolment_cancel",
    "edition_clone",
    "enrolment_complete",
    "booking_create",
    "cluster_create",
    "fee_rule_create",
    "mentor_session_create",
    "training_day_create",
    "mentor_session_join",
    "programmes_load_all",
    "edition_load_file",
    "move_years_in_text",
    "document_number_next",
    "attendance_record",
    "safeguarding_record",
    "enrolment_reopen",
    "fee_rule_retire",
    "invoice_settings_save",
    "invoice_send_again",
    "payment_reminder_send",
    "booking_set_paid",
    "cluster_update",
    "fee_rule_update",
    "fees_update",
    "activity_update",
    "edition_update",
    "enrolment_withdraw",
]
