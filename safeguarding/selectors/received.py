"""Files received from children's previous schools: those on the files a user may open, and their records as
read-only rows of the child's chronology ("From <previous school>: …", with their original dates)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from safeguarding.models import ReceivedFile
from safeguarding.permissions import safeguarding_pupil_q


def visible_received(user: Any) -> QuerySet[ReceivedFile]:
    return ReceivedFile.objects.filter(safeguarding_pupil_q(user, prefix="pupil__")).select_related(
        "pupil", "received_by"
    )


def pupil_received(pupil: Any) -> QuerySet[ReceivedFile]:
    return ReceivedFile.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil)


def received_entries(pupil: Any) -> list[Any]:
    """The chronology's "received" rows, each linking the original PDF (or the JSON when only that came)."""
    from safeguarding.selectors import Entry

    entries = []
    for pk, has_pdf, rows in pupil_received(pupil).values_list("pk", "pdf", "rows"):
        url = reverse("safeguarding:received_pdf" if has_pdf else "safeguarding:received_json", args=[pk])
        for on, at, title, detail, by in rows:
            entries.append(
                Entry(
                    datetime.date.fromisoformat(on),
                    datetime.datetime.fromisoformat(at) if at else None,
                    "received",
                    title,
                    detail,
                    url,
                    by,
                )
            )
    return entries
