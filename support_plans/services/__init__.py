"""Every write to a Pastoral Support Programme, one rule at a time, by concern: `plans` (opening, fields, parties,
settings, closing), `questionnaires` (and their secure links), `targets` (and signatures), `meetings`,
`monitoring` (the report card and its alerts), `arrangements` (meetings arranged in advance, the family's side),
`documents` and `retention`. Reads live in `support_plans.selectors`.

The names are re-exported here: `from support_plans import services; services.plan_open(...)` keeps working.
"""

from __future__ import annotations

from support_plans.services.meetings import initial_meeting_correct, meeting_record
from support_plans.services.monitoring import (
    alert_resolve,
    missing_scores_check,
    missing_scores_resolve,
    monitoring_check,
    monitoring_set,
)
from support_plans.services.plans import (
    assessments_save,
    party_save,
    plan_close,
    plan_open,
    plan_update,
    settings_save,
)
from support_plans.services.questionnaires import (
    LINK_DAYS,
    LinkUnusable,
    link_create,
    link_resolve,
    questionnaire_create,
    questionnaire_link_email,
    questionnaire_submit,
)
from support_plans.services.retention import apply_retention
from support_plans.services.targets import (
    REVISION_FIELDS,
    sign_targets,
    signature_matches,
    target_add,
    target_retire,
    target_revise,
)

__all__ = [
    "LINK_DAYS",
    "REVISION_FIELDS",
    "LinkUnusable",
    "alert_resolve",
    "apply_retention",
    "assessments_save",
    "initial_meeting_correct",
    "link_create",
    "link_resolve",
    "meeting_record",
    "missing_scores_check",
    "missing_scores_resolve",
    "monitoring_check",
    "monitoring_set",
    "party_save",
    "plan_close",
    "plan_open",
    "plan_update",
    "questionnaire_create",
    "questionnaire_link_email",
    "questionnaire_submit",
    "settings_save",
    "sign_targets",
    "signature_matches",
    "target_add",
    "target_retire",
    "target_revise",
]
