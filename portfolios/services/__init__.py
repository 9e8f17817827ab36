"""Every write to portfolios, by concern: `entries` (and attachments, comments), `meetings` (and the supporting
statement), `submission`, `review`, `moderation`, `certificates`, `evaluation`; `common` holds the rich-text
sanitiser and the after-commit e-mail. Keyword-only, validated, one transaction for anything spanning rows. Reads
(the submission snapshot, a certificate's credential data) live in `portfolios.selectors`.

The names are re-exported here: `from portfolios import services; services.portfolio_submit(...)` works."""

from __future__ import annotations

from portfolios.services.certificates import (
    certificate_issue,
    certificate_revoke,
    signing_key,
    status_list_jwt,
)
from portfolios.services.common import RESUBMISSION_WEEKS, sanitise
from portfolios.services.entries import (
    activity_skip,
    attachment_add,
    attachment_delete,
    comment_add,
    entry_save,
    portfolio_for_enrolment,
)
from portfolios.services.evaluation import evaluation_submit
from portfolios.services.meetings import check_meeting_date, meeting_confirm, meeting_log, statement_save
from portfolios.services.moderation import (
    sample_draw,
    sample_finalise,
    sample_item_moderate,
    sample_item_resolve,
)
from portfolios.services.review import Allocation, review_record, reviews_allocate
from portfolios.services.submission import extension_grant, portfolio_submit

__all__ = [
    "RESUBMISSION_WEEKS",
    "Allocation",
    "activity_skip",
    "attachment_add",
    "attachment_delete",
    "certificate_issue",
    "certificate_revoke",
    "check_meeting_date",
    "comment_add",
    "entry_save",
    "evaluation_submit",
    "extension_grant",
    "meeting_confirm",
    "meeting_log",
    "portfolio_for_enrolment",
    "portfolio_submit",
    "review_record",
    "reviews_allocate",
    "sample_draw",
    "sample_finalise",
    "sample_item_moderate",
    "sample_item_resolve",
    "sanitise",
    "signing_key",
    "status_list_jwt",
    "statement_save",
]
