"""Reading safeguarding records, within what the user's role reaches (see permissions.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from access.roles import TWO_FACTOR_ROLES, Role
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
    """Roles besides the DSL team that the school chose to show the discreet flag to. Only roles that sign in
    with a second factor (`TWO_FACTOR_ROLES`) can be chosen: the flag reads the child protection status, a
    safeguarding record; a role saved before that rule (a tutor) is ignored."""
    return flag_roles_of([organisation_id])[organisation_id]


def flag_roles_of(organisation_ids: list[int]) -> dict[int, frozenset[str]]:
    """`flag_roles` for several schools in one query (a group of schools' early-warning list and statistics)."""
    found = {i: frozenset[str]() for i in organisation_ids}
    for organisation_id, roles in SafeguardingSettings.objects.filter(
        organisation_id__in=organisation_ids
    ).values_list("organisation_id", "flag_roles"):
        found[organisation_id] = frozenset(roles) & TWO_FACTOR_ROLES
    return found


# Every role here is in TWO_FACTOR_ROLES (checked by test_two_factor.py).
FLAG_ROLE_CHOICES = [
    (r.value, r.label)
    for r in (
        Role.SENIOR_LEADER,
        Role.HEAD_OF_YEAR,
        Role.PAL,
        Role.SENCO,
    )
]


def file_viewers(pupil: Any) -> QuerySet[AuditEvent]:
    """Every read of this child's safeguarding records, newest first: the 'who has viewed this file' page."""
    concern_ids = [str(pk) for pk in Concern.objects.filter(pupil=pupil).values_list("pk", flat=True)]
    status_ids = [str(pk) for pk in ProtectionStatus.objects.filter(pupil=pupil).values_list("pk", flat=True)]
    about_file = Q(object_type="people.Pupil", object_id=str(pupil.pk), note__startswith="safeguarding")
    about_concerns = Q(object_type="safeguarding.Concern", object_id__in=concern_ids)
    about_status = Q(object_type="safeguarding.ProtectionStatus", object_id__in=status_ids)
    received_ids = [str(pk) for pk in pupil.safeguarding_received_files.values_list("pk", flat=True)]
    about_received = Q(object_type="safeguarding.ReceivedFile", object_id__in=received_ids)
    referral_ids = [str(pk) for pk in pupil.safeguarding_referrals.values_list("pk", flat=True)]
    about_referrals = Q(object_type="safeguarding.Referral", object_id__in=referral_ids)
    about = about_file | about_concerns | about_status | about_received | about_referrals
    return AuditEvent.objects.filter(
        Q(action=AuditEvent.Action.READ) & about,
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
    "attendance": "Attendance (persistent or severe absence)",
    "received": "From previous schools",
    "transfer": "File sent to another school",
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


def _url(name: str) -> Any:
    """`pk -> URL` for a URL name, reversing once (a chronology has hundreds of links)."""
    marker = 987654321
    pattern = reverse(name, args=[marker])
    return lambda pk: pattern.replace(str(marker), str(pk))


def _labels(model: Any, field: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in model._meta.get_field(field).choices}


def logged_note(logged_at: datetime.datetime) -> str:
    """'logged 7 Dec 2026': a concern sits on the day it happened, so the day it was logged is said beside it."""
    logged = _local(logged_at)
    return f"logged {logged.day} {logged:%b %Y}"


def _concerns(pupil: Any) -> list[Entry]:
    """Each concern on the day it *happened* (a chronology is read in the order events happened, KCSIE), saying
    when it was logged: a late disclosure sits among the events of its own time, not on the day it was told."""
    url, category = _url("safeguarding:concern_detail"), _labels(Concern, "category")
    rows = Concern.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil).values_list(
        "pk", "happened_at", "logged_at", "category", "corrects_id", "seen_or_heard", "logged_by__full_name"
    )
    return [
        Entry(
            _local(happened),
            happened,
            "concern",
            f"Concern #{pk}: {category.get(cat, cat)}"
            + (f" (correction of #{corrects})" if corrects else "")
            + f" ({logged_note(logged)})",
            text,
            url(pk),
            by,
        )
        for pk, happened, logged, cat, corrects, text, by in rows
    ]


def _decisions(pupil: Any) -> list[Entry]:
    url, outcome = _url("safeguarding:concern_detail"), _labels(Decision, "outcome")
    rows = Decision.objects.filter(organisation_id=pupil.organisation_id, concern__pupil=pupil).values_list(
        "concern_id", "decided_at", "outcome", "corrects_id", "reason", "decided_by__full_name"
    )
    return [
        Entry(
            _local(at),
            at,
            "decision",
            f"Decision on concern #{concern}: {outcome.get(out, out)}"
            + (f" (correction of decision #{corrects})" if corrects else ""),
            reason,
            url(concern),
            by,
        )
        for concern, at, out, corrects, reason, by in rows
    ]


def _actions(pupil: Any) -> list[Entry]:
    url = _url("safeguarding:concern_detail")
    rows = Action.objects.filter(organisation_id=pupil.organisation_id, concern__pupil=pupil).values_list(
        "concern_id", "created_at", "due_on", "description", "owner__full_name"
    )
    return [
        Entry(
            _local(at),
            at,
            "action",
            f"Action set (concern #{concern}), due {due:%d %b %Y}",
            text,
            url(concern),
            by,
        )
        for concern, at, due, text, by in rows
    ]


def _done(pupil: Any) -> list[Entry]:
    rows = ActionDone.objects.filter(
        organisation_id=pupil.organisation_id, action__concern__pupil=pupil
    ).values_list("done_on", "recorded_at", "action__description", "note", "recorded_by__full_name")
    return [Entry(on, at, "action", f"Action done: {what}", note, "", by) for on, at, what, note, by in rows]


def _entries(pupil: Any) -> list[Entry]:
    kind = _labels(ChronologyEntry, "kind")
    rows = ChronologyEntry.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil).values_list(
        "occurred_on", "recorded_at", "kind", "corrects_id", "summary", "recorded_by__full_name"
    )
    return [
        Entry(
            on,
            at,
            "entry",
            kind.get(k, k) + (f" (correction of entry #{corrects})" if corrects else ""),
            summary,
            "",
            by,
        )
        for on, at, k, corrects, summary, by in rows
    ]


def _statuses(pupil: Any) -> list[Entry]:
    status = _labels(ProtectionStatus, "status")
    rows = ProtectionStatus.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil).values_list(
        "starts_on", "recorded_at", "status", "note", "recorded_by__full_name"
    )
    return [Entry(on, at, "status", status.get(st, st), note, "", by) for on, at, st, note, by in rows]


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

    url, status = _url("safeguarding:referral_detail"), _labels(ReferralUpdate, "status")
    mine = {"organisation_id": pupil.organisation_id}
    made = Referral.objects.filter(pupil=pupil, **mine).values_list(
        "pk", "made_on", "recorded_at", "agency__name", "answer_due_on", "reason", "made_by__full_name"
    )
    entries = [
        Entry(on, at, "referral", f"Referral #{pk} to {agency} (answer due {due:%d %b %Y})", why, url(pk), by)
        for pk, on, at, agency, due, why, by in made
    ]
    steps = ReferralUpdate.objects.filter(referral__pupil=pupil, **mine).values_list(
        "referral_id",
        "on",
        "recorded_at",
        "referral__agency__name",
        "status",
        "note",
        "recorded_by__full_name",
    )
    entries += [
        Entry(on, at, "referral", f"Referral #{pk} to {agency}: {status.get(st, st)}", note, url(pk), by)
        for pk, on, at, agency, st, note, by in steps
    ]
    return entries


def _transfers(pupil: Any) -> list[Entry]:
    """Each time the child protection file was sent to another school, on the day it was sent."""
    from safeguarding.models import FileTransfer

    url = _url("safeguarding:transfers")
    rows = FileTransfer.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil).values_list(
        "pupil_id",
        "sent_on",
        "sent_at",
        "to_school",
        "to_name",
        "to_email",
        "receipt__confirmed_at",
        "sent_by__full_name",
    )
    entries = []
    for pupil_pk, on, at, school, name, email, receipted, by in rows:
        received = _local(receipted) if receipted else None
        detail = f"To {name} ({email})." + (
            f" Receipt confirmed {received.day} {received:%b %Y}."
            if received
            else " Receipt not yet confirmed."
        )
        entries.append(
            Entry(on, at, "transfer", f"Child protection file sent to {school}", detail, url(pupil_pk), by)
        )
    return entries


def _received(pupil: Any) -> list[Entry]:
    from safeguarding.selectors.received import received_entries

    return received_entries(pupil)


def _attendance(pupil: Any) -> list[Entry]:
    from safeguarding.selectors.attendance_events import attendance_events

    return [Entry(on, None, "attendance", title, detail) for on, title, detail in attendance_events(pupil)]


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
    ("attendance", _attendance),
    ("received", _received),
    ("transfer", _transfers),
]


# Re-exported so `safeguarding.selectors.<name>` stays the one import path for every read.
from safeguarding.selectors.referrals import (  # noqa: E402
    closed_referrals,
    open_referrals,
    overdue,
    timer,
    visible_referrals,
    with_answers,
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
    "closed_referrals",
    "current_status",
    "file_viewers",
    "flag_roles",
    "linked_concerns",
    "logged_note",
    "my_concerns",
    "open_referrals",
    "other_concerns",
    "overdue",
    "queue",
    "status_label",
    "timer",
    "visible_concerns",
    "visible_referrals",
    "with_answers",
    "with_timers",
]
