"""Reading the retention review list and what a subject-access export includes (the DSL's latest decision)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from safeguarding.models import (
    ChronologyEntry,
    Concern,
    Decision,
    ProtectionStatus,
    ReceivedFile,
    Referral,
    ReferralUpdate,
    RetentionReview,
    SubjectAccessDecision,
)
from safeguarding.permissions import safeguarding_pupil_q

NO_DECISION = (
    "Withheld: the DSL has not recorded a decision on this child's safeguarding records for subject access."
)


def review_list(user: Any) -> QuerySet[RetentionReview]:
    """Files listed for review (DOB + 25 years passed) on the files this user may open."""
    return RetentionReview.objects.filter(safeguarding_pupil_q(user, prefix="pupil__")).select_related(
        "pupil"
    )


def subject_access_decision(pupil: Any) -> SubjectAccessDecision | None:
    return (
        SubjectAccessDecision.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil)
        .order_by("-decided_at", "-id")
        .first()
    )


def subject_access_records(pupil: Any) -> dict[str, Any]:
    """The safeguarding part of a subject-access export: only what the DSL's latest decision includes."""
    from people.subject_access import records

    decision = subject_access_decision(pupil)
    if decision is None:
        return {"included": "nothing", "withheld": NO_DECISION}
    document: dict[str, Any] = {
        "included": decision.get_scope_display(),
        "decision": {"decided_at": decision.decided_at.isoformat(), "reason": decision.reason},
    }
    if decision.scope == SubjectAccessDecision.Scope.WITHHOLD:
        return document
    mine = {"organisation_id": pupil.organisation_id, "pupil": pupil}
    skip = ("organisation", "pupil", "recorded_by", "logged_by", "decided_by", "made_by")
    document["statuses"] = records(ProtectionStatus.objects.filter(**mine), skip)
    if decision.scope == SubjectAccessDecision.Scope.INCLUDE:
        concerns = Concern.objects.filter(**mine).order_by("happened_at", "id")  # as the chronology has them
        referrals = Referral.objects.filter(**mine)
        document["concerns"] = records(concerns, skip)
        document["decisions"] = records(Decision.objects.filter(concern__in=concerns), skip)
        document["referrals"] = records(referrals, skip)
        document["referral_updates"] = records(ReferralUpdate.objects.filter(referral__in=referrals), skip)
        document["chronology_entries"] = records(ChronologyEntry.objects.filter(**mine), skip)
        document["from_previous_schools"] = [
            {"from_school": r.from_school, "received_at": r.received_at.isoformat(), "records": r.rows}
            for r in ReceivedFile.objects.filter(**mine)
        ]
    return document
