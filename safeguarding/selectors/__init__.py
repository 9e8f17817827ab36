"""Reading safeguarding records, within what the user's role reaches (see permissions.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from audit.models import AuditEvent
from safeguarding.models import (
    Action,
    ActionDone,
    ChronologyEntry,
    Concern,
    ConcernLink,
    Decision,
    ProtectionStatus,
    SafeguardingSettings,
)
from safeguarding.permissions import safeguarding_pupil_q

RECEIVED = "Received by the safeguarding team"
REVIEWED = "Reviewed by the safeguarding team"


def visible_concerns(user: Any) -> QuerySet[Concern]:
    """Every concern on the files this user may open (DSL team, a DSO only their area)."""
    return Concern.objects.filter(safeguarding_pupil_q(user, prefix="pupil__"))


def queue(user: Any) -> QuerySet[Concern]:
    """New concerns awaiting a decision, oldest first."""
    decided = Decision.objects.filter(concern=OuterRef("pk"))
    return (
        visible_concerns(user)
        .filter(~Exists(decided))
        .select_related("pupil", "logged_by", "corrects")
        .order_by("logged_at", "id")
    )


def age_label(logged_at: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """How long ago a concern was logged, in the largest whole unit: '45 min', '3 h', '2 days'."""
    seconds = max(0, int(((now or timezone.now()) - logged_at).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    days = seconds // 86400
    return f"{days} day" + ("s" if days != 1 else "")


def my_concerns(user: Any) -> QuerySet[Concern]:
    """The concerns this user logged, with whether the team has reviewed each (never what it decided)."""
    decided = Decision.objects.filter(concern=OuterRef("pk"))
    return (
        Concern.objects.filter(logged_by=user)
        .annotate(is_reviewed=Exists(decided))
        .select_related("pupil")
        .order_by("-logged_at", "-id")
    )


def status_label(concern: Concern) -> str:
    reviewed = getattr(concern, "is_reviewed", None)
    if reviewed is None:
        reviewed = concern.decisions.exists()
    return REVIEWED if reviewed else RECEIVED


def other_concerns(concern: Concern) -> QuerySet[Concern]:
    """The child's other concerns (the DSL sees the pattern)."""
    return (
        Concern.objects.filter(pupil_id=concern.pupil_id)
        .exclude(pk=concern.pk)
        .select_related("logged_by")
        .order_by("-logged_at")
    )


def linked_concerns(concern: Concern) -> list[tuple[Concern, str]]:
    """Concerns about other children linked to this one (either way round), with how they are connected."""
    links = ConcernLink.objects.filter(Q(concern=concern) | Q(linked=concern)).select_related(
        "concern__pupil", "linked__pupil"
    )
    return [
        (link.linked if link.concern_id == concern.pk else link.concern, link.get_reason_display())
        for link in links
    ]


def current_status(pupil: Any, on: datetime.date | None = None) -> ProtectionStatus | None:
    """The child protection status in force on a day (the latest started on or before it)."""
    on = on or timezone.localdate()
    found = (
        ProtectionStatus.objects.filter(pupil=pupil, starts_on__lte=on).order_by("-starts_on", "-id").first()
    )
    if found is None or found.status == ProtectionStatus.Status.NONE:
        return None
    return found


def flag_roles(organisation_id: int) -> frozenset[str]:
    """Roles besides the DSL team that the school chose to show the discreet flag to."""
    found = SafeguardingSettings.objects.filter(organisation_id=organisation_id).first()
    return frozenset(found.flag_roles) if found else frozenset()


FLAG_ROLE_CHOICES = [
    (r.value, r.label)
    for r in (
        Role.SENIOR_LEADER,
        Role.HEAD_OF_YEAR,
        Role.PAL,
        Role.TUTOR,
        Role.SENCO,
        Role.ATTENDANCE_OFFICER,
    )
]


def file_viewers(pupil: Any) -> QuerySet[AuditEvent]:
    """Every read of this child's safeguarding records, newest first: the 'who has viewed this file' page."""
    concern_ids = [str(pk) for pk in Concern.objects.filter(pupil=pupil).values_list("pk", flat=True)]
    status_ids = [str(pk) for pk in ProtectionStatus.objects.filter(pupil=pupil).values_list("pk", flat=True)]
    about_file = Q(object_type="people.Pupil", object_id=str(pupil.pk), note__startswith="safeguarding")
    about_concerns = Q(object_type="safeguarding.Concern", object_id__in=concern_ids)
    about_status = Q(object_type="safeguarding.ProtectionStatus", object_id__in=status_ids)
    return AuditEvent.objects.filter(
        Q(action=AuditEvent.Action.READ) & (about_file | about_concerns | about_status),
        organisation_id=pupil.organisation_id,
    ).order_by("-at", "-id")


# --- The chronology ---------------------------------------------------------------------------


@dataclass
class Entry:
    on: datetime.date
    at: datetime.datetime | None
    kind: str
    title: str
    detail: str
    url: str = ""
    by: str = ""


KINDS = {
    "concern": "Concerns",
    "decision": "Decisions",
    "action": "Actions",
    "entry": "Contacts, discussions and meetings",
    "status": "Child protection status",
    "suspension": "Suspensions and exclusions",
    "psp": "Pastoral Support Programmes",
    "referral": "Referrals and signposting",
}


def chronology(pupil: Any, kinds: set[str] | None = None) -> list[Entry]:
    """Everything on a child's file, with significant events from other apps, in date order."""
    wanted = kinds or set(KINDS)
    entries: list[Entry] = []
    for kind, collect in _COLLECTORS:
        if kind in wanted:
            entries.extend(collect(pupil))
    return sorted(entries, key=lambda e: (e.on, e.at or datetime.datetime.min.replace(tzinfo=datetime.UTC)))


def _local(at: datetime.datetime) -> datetime.date:
    return timezone.localtime(at).date()


def _concerns(pupil: Any) -> list[Entry]:
    rows = Concern.objects.filter(pupil=pupil).select_related("logged_by", "corrects")
    return [
        Entry(
            _local(c.logged_at),
            c.logged_at,
            "concern",
            f"Concern #{c.pk}: {c.get_category_display()}"
            + (f" (correction of #{c.corrects_id})" if c.corrects_id else ""),
            c.seen_or_heard,
            reverse("safeguarding:concern_detail", args=[c.pk]),
            c.logged_by.full_name,
        )
        for c in rows
    ]


def _decisions(pupil: Any) -> list[Entry]:
    rows = Decision.objects.filter(concern__pupil=pupil).select_related("decided_by")
    return [
        Entry(
            _local(d.decided_at),
            d.decided_at,
            "decision",
            f"Decision on concern #{d.concern_id}: {d.get_outcome_display()}"
            + (f" (correction of decision #{d.corrects_id})" if d.corrects_id else ""),
            d.reason,
            reverse("safeguarding:concern_detail", args=[d.concern_id]),
            d.decided_by.full_name,
        )
        for d in rows
    ]


def _actions(pupil: Any) -> list[Entry]:
    rows = Action.objects.filter(concern__pupil=pupil).select_related("owner")
    return [
        Entry(
            _local(a.created_at),
            a.created_at,
            "action",
            f"Action set (concern #{a.concern_id}), due {a.due_on:%d %b %Y}",
            a.description,
            reverse("safeguarding:concern_detail", args=[a.concern_id]),
            a.owner.full_name,
        )
        for a in rows
    ]


def _done(pupil: Any) -> list[Entry]:
    rows = ActionDone.objects.filter(action__concern__pupil=pupil).select_related("action", "recorded_by")
    return [
        Entry(
            d.done_on,
            d.recorded_at,
            "action",
            f"Action done: {d.action.description}",
            d.note,
            "",
            d.recorded_by.full_name,
        )
        for d in rows
    ]


def _entries(pupil: Any) -> list[Entry]:
    rows = ChronologyEntry.objects.filter(pupil=pupil).select_related("recorded_by")
    return [
        Entry(
            e.occurred_on,
            e.recorded_at,
            "entry",
            e.get_kind_display() + (f" (correction of entry #{e.corrects_id})" if e.corrects_id else ""),
            e.summary,
            "",
            e.recorded_by.full_name,
        )
        for e in rows
    ]


def _statuses(pupil: Any) -> list[Entry]:
    rows = ProtectionStatus.objects.filter(pupil=pupil).select_related("recorded_by")
    return [
        Entry(
            s.starts_on, s.recorded_at, "status", s.get_status_display(), s.note, "", s.recorded_by.full_name
        )
        for s in rows
    ]


def _suspensions(pupil: Any) -> list[Entry]:
    from behaviour.selectors import pupil_suspensions

    return [
        Entry(s.starts_on, None, "suspension", s.get_kind_display(), s.get_reason_display(), "", "")
        for s in pupil_suspensions(pupil)
    ]


def _plans(pupil: Any) -> list[Entry]:
    from support_plans.selectors import pupil_plans

    entries = []
    for plan in pupil_plans(pupil):
        entries.append(Entry(plan.opened_on, None, "psp", "Pastoral Support Programme opened", plan.reason))
        if plan.closed_on:
            outcome = plan.get_outcome_display()
            entries.append(Entry(plan.closed_on, None, "psp", f"PSP closed: {outcome}", plan.evaluation))
    return entries


def _referrals(pupil: Any) -> list[Entry]:
    from safeguarding.models import Referral, ReferralUpdate

    entries = []
    for r in Referral.objects.filter(pupil=pupil).select_related("agency", "made_by"):
        url = reverse("safeguarding:referral_detail", args=[r.pk])
        title = f"Referral #{r.pk} to {r.agency.name} (answer due {r.answer_due_on:%d %b %Y})"
        entries.append(Entry(r.made_on, r.recorded_at, "referral", title, r.reason, url, r.made_by.full_name))
    updates = ReferralUpdate.objects.filter(referral__pupil=pupil).select_related(
        "referral__agency", "recorded_by"
    )
    for u in updates:
        url = reverse("safeguarding:referral_detail", args=[u.referral_id])
        title = f"Referral #{u.referral_id} to {u.referral.agency.name}: {u.get_status_display()}"
        entries.append(Entry(u.on, u.recorded_at, "referral", title, u.note, url, u.recorded_by.full_name))
    return entries


_COLLECTORS = [
    ("concern", _concerns),
    ("decision", _decisions),
    ("action", _actions),
    ("action", _done),
    ("entry", _entries),
    ("status", _statuses),
    ("suspension", _suspensions),
    ("psp", _plans),
    ("referral", _referrals),
]


# Re-exported so `safeguarding.selectors.<name>` stays the one import path for every read.
from safeguarding.selectors.referrals import (  # noqa: E402
    open_referrals,
    overdue,
    timer,
    visible_referrals,
    with_timers,
)

__all__ = [
    "FLAG_ROLE_CHOICES",
    "KINDS",
    "REVIEWED",
    "RECEIVED",
    "Entry",
    "age_label",
    "chronology",
    "current_status",
    "file_viewers",
    "flag_roles",
    "linked_concerns",
    "my_concerns",
    "open_referrals",
    "other_concerns",
    "overdue",
    "queue",
    "status_label",
    "timer",
    "visible_concerns",
    "visible_referrals",
    "with_timers",
]
