"""Writes for caseloads, group sessions and the eLLP: each a keyword-only function, validated, audited."""

from caseloads.services.caseloads import caseload_assign, caseload_unassign, settings_for, settings_save
from caseloads.services.reviews import (
    action_add,
    addendum_add,
    frozen_figures,
    previous_targets,
    progress_record,
    review_sign_off,
    review_start,
    review_update,
    target_add,
    target_delete,
    window_add,
    window_save,
    windows_for,
)
from caseloads.services.sessions import (
    academic_year_for,
    session_cancel,
    session_plan,
    session_record,
    session_update,
    topic_create,
    topic_delete,
)
from caseloads.services.stage_one import stage_one_letter_pdf, stage_one_letter_text, stage_one_record

__all__ = [
    "academic_year_for",
    "action_add",
    "addendum_add",
    "caseload_assign",
    "caseload_unassign",
    "frozen_figures",
    "previous_targets",
    "progress_record",
    "review_sign_off",
    "review_start",
    "review_update",
    "session_cancel",
    "session_plan",
    "session_record",
    "session_update",
    "settings_for",
    "settings_save",
    "stage_one_letter_pdf",
    "stage_one_letter_text",
    "stage_one_record",
    "target_add",
    "target_delete",
    "topic_create",
    "topic_delete",
    "window_add",
    "window_save",
    "windows_for",
]
