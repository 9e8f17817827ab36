"""Retention of safeguarding records: kept until the child's date of birth + 25 years, then **listed for review** by
the DSL, never deleted automatically, and never listed while the pupil's retention (legal) hold is set. No other
app's retention job touches them (every safeguarding row PROTECTs its pupil).

`retention_counts` and `apply_retention` have the shape of the other apps' jobs (keyword-only `organisation`,
`today`, `actor`; one transaction and one audit event per school), with `retention_line` and `retention_total`
for the report, so the retention registry can run them; `manage.py retention --only safeguarding` runs them (registered in registrations.py).

Also here: the DSL's decision on what a subject-access export includes of a child's safeguarding records."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from audit.services import record_event
from core.retention import years_before
from safeguarding import permissions
from safeguarding.models import (
    Concern,
    ProtectionStatus,
    ReceivedFile,
    Referral,
    RetentionReview,
    SubjectAccessDecision,
)

RETENTION_YEARS = 25


@dataclass
class RetentionCounts:
    organisation: Any
    pupils: int = 0
    held: int = 0

    @property
    def total(self) -> int:
        return self.pupils


def kept_until(date_of_birth: datetime.date) -> datetime.date:
    """The day a child's safeguarding records come up for review: their 25th birthday (29 Feb → 28 Feb)."""
    return years_before(date_of_birth, -RETENTION_YEARS)


def born_on_or_before(today: datetime.date) -> datetime.date:
    """The latest date of birth whose 25th birthday (`kept_until`) has come by `today`: today − 25 years, and on
    28 February of a common year, 29 February too (their birthday falls back to the 28th)."""
    born_by = years_before(today, RETENTION_YEARS)
    if (
        (today.month, today.day) == (2, 28)
        and calendar.isleap(born_by.year)
        and not calendar.isleap(today.year)
    ):
        return born_by.replace(day=29)
    return born_by


def _with_records(organisation: Any, today: datetime.date) -> QuerySet:
    from people.models import Pupil

    born_by = born_on_or_before(today)
    has = (
        Exists(Concern.objects.filter(organisation=organisation, pupil=OuterRef("pk")))
        | Exists(ProtectionStatus.objects.filter(organisation=organisation, pupil=OuterRef("pk")))
        | Exists(Referral.objects.filter(organisation=organisation, pupil=OuterRef("pk")))
        | Exists(ReceivedFile.objects.filter(organisation=organisation, pupil=OuterRef("pk")))
    )
    listed = Exists(RetentionReview.objects.filter(organisation=organisation, pupil=OuterRef("pk")))
    return (
        Pupil.objects.filter(organisation=organisation, date_of_birth__lte=born_by)
        .filter(has)
        .filter(~listed)
    )


def pupils_due_for_review(organisation: Any, today: datetime.date) -> QuerySet:
    """Pupils whose DOB + 25 years has come, with safeguarding records not yet listed, and no retention hold."""
    return _with_records(organisation, today).filter(retention_hold="")


def retention_counts(*, organisation: Any, today: datetime.date | None = None, **_: Any) -> RetentionCounts:
    """What the job would list for review today (the dry run)."""
    today = today or timezone.localdate()
    due = _with_records(organisation, today)
    return RetentionCounts(
        organisation,
        pupils=due.filter(retention_hold="").count(),
        held=due.exclude(retention_hold="").count(),
    )


def apply_retention(
    *, organisation: Any, today: datetime.date | None = None, actor: Any = None, **_: Any
) -> RetentionCounts:
    """List the files due for review (nothing is deleted), in one transaction with one audit event."""
    today = today or timezone.localdate()
    with transaction.atomic():
        counts = retention_counts(organisation=organisation, today=today)
        rows = [
            RetentionReview(
                organisation=organisation, pupil=p, due_on=kept_until(p.date_of_birth), listed_on=today
            )
            for p in pupils_due_for_review(organisation, today)
        ]
        RetentionReview.objects.bulk_create(rows)
        if rows:
            record_event(
                action="create",
                actor=actor,
                organisation_id=organisation.pk,
                object_type="safeguarding_retention",
                note=f"retention: the safeguarding files of {len(rows)} pupil(s) past date of birth + "
                f"{RETENTION_YEARS} years listed for the DSL's review (nothing deleted); {counts.held} held",
            )
    return counts


def retention_line(organisation: Any, counts: RetentionCounts, verb: str) -> str | None:
    if not counts.pupils and not counts.held:
        return None
    listed = (
        "listed for review" if verb.startswith("deleted") else "to list for review (dry run: add --apply)"
    )
    return f"{organisation.name}: {counts.pupils} safeguarding file(s) {listed}; {counts.held} under a retention hold"


def retention_total(all_counts: list[RetentionCounts], verb: str) -> str:
    listed = (
        "listed for review" if verb.startswith("deleted") else "to list for review (dry run: add --apply)"
    )
    return f"Total: {sum(c.pupils for c in all_counts)} safeguarding file(s) {listed} (none deleted)."


def subject_access_decide(*, actor: Any, pupil: Any, scope: str, reason: str) -> SubjectAccessDecision:
    """The DSL records what a subject-access export includes of the child's safeguarding records, and why."""
    if not permissions.can_decide_subject_access(actor, pupil):
        raise PermissionDenied("Only the DSL decides what a subject-access export includes.")
    decision = SubjectAccessDecision(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        scope=scope,
        reason=reason.strip(),
        decided_by=actor,
    )
    decision.full_clean()
    with transaction.atomic():
        decision.save()
    return decision
