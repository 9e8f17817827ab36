"""The Pastoral Support Programme's pages, by concern: `plans` (dashboard, settings, opening, the plan's own fields,
parties, alerts, closing), `questionnaires` (and the public secure link), `targets`, `meetings` (and signing),
`arrangements` (meetings arranged in advance, the family's side) and `documents`; `common` holds what they share.

The views are re-exported here, so `support_plans.views.plan_detail` keeps working."""

from __future__ import annotations

from support_plans.views.common import PANEL_ROWS, PER_PAGE
from support_plans.views.meetings import initial_meeting_date, meeting_add, sign
from support_plans.views.plans import (
    alert_list,
    alert_resolve,
    assessments_edit,
    dashboard,
    due_list,
    monitoring_edit,
    pack_edit,
    party_add,
    party_edit,
    party_sign_link,
    plan_close,
    plan_create,
    plan_detail,
    plan_edit,
    plan_pdf,
    settings_edit,
    terms_edit,
)
from support_plans.views.questionnaires import (
    link,
    questionnaire_add,
    questionnaire_detail,
    questionnaire_email,
    questionnaire_link,
    questionnaire_paper,
)
from support_plans.views.targets import target_add, target_revise

__all__ = [
    "PANEL_ROWS",
    "PER_PAGE",
    "alert_list",
    "alert_resolve",
    "assessments_edit",
    "dashboard",
    "due_list",
    "initial_meeting_date",
    "link",
    "meeting_add",
    "monitoring_edit",
    "pack_edit",
    "party_add",
    "party_edit",
    "party_sign_link",
    "plan_close",
    "plan_create",
    "plan_detail",
    "plan_edit",
    "plan_pdf",
    "questionnaire_add",
    "questionnaire_detail",
    "questionnaire_email",
    "questionnaire_link",
    "questionnaire_paper",
    "settings_edit",
    "sign",
    "target_add",
    "target_revise",
    "terms_edit",
]
