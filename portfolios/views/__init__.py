"""The portfolio pages, by concern (the same module names as `portfolios.services`): `dashboards`, `entries`,
`meetings`, `submission`, `review`, `moderation`, `certificates`, `public`, `evaluation`; `common` holds what
they share. The views are re-exported here for `portfolios.urls`."""

from __future__ import annotations

from portfolios.views.certificates import (
    certificate_json,
    certificate_pdf,
    certificate_revoke,
)
from portfolios.views.dashboards import (
    allocate,
    home,
    portfolio_list,
    provider_admin,
)
from portfolios.views.entries import (
    attachment_delete,
    attachment_download,
    attachment_upload,
    comment_add,
    entry_edit,
    entry_skip,
    moderation_attachment,
    module_detail,
    portfolio_detail,
)
from portfolios.views.evaluation import (
    evaluation,
    evaluation_summary,
)
from portfolios.views.meetings import (
    meeting_confirm,
    meetings,
    statement,
)
from portfolios.views.moderation import (
    finalise,
    moderate,
    resolve,
    sample_detail,
    sample_draw,
)
from portfolios.views.public import (
    credential_public,
    public_issuer,
    public_status_list,
    verify,
    verify_lookup,
)
from portfolios.views.review import (
    review,
)
from portfolios.views.submission import (
    extension,
    submit,
)

__all__ = [
    "allocate",
    "attachment_delete",
    "attachment_download",
    "attachment_upload",
    "certificate_json",
    "certificate_pdf",
    "certificate_revoke",
    "comment_add",
    "credential_public",
    "entry_edit",
    "entry_skip",
    "evaluation",
    "evaluation_summary",
    "extension",
    "finalise",
    "home",
    "meeting_confirm",
    "meetings",
    "moderate",
    "moderation_attachment",
    "module_detail",
    "portfolio_detail",
    "portfolio_list",
    "provider_admin",
    "public_issuer",
    "public_status_list",
    "resolve",
    "review",
    "sample_detail",
    "sample_draw",
    "statement",
    "submit",
    "verify",
    "verify_lookup",
]
