"""Safety-net meetings: the agenda built for the day, and the actions carried from earlier meetings of the area.

The agenda lists the area's students who, on the meeting's day, have a CP, CIN or LAC status; an open referral; a
concern logged since the area's previous meeting (since 1 September for the first); persistent or severe absence
this academic year; an active Pastoral Support Programme; or a place on the early-warning list that day (the
school's own indicators and flag, scored over the indicators the viewer may know of). A DSO sees only the students
of their own area."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from people.models import GroupMembership, Pupil
from safeguarding.models import (
    Concern,
    MeetingAction,
    MeetingActionDone,
    ProtectionStatus,
    Referral,
    ReferralUpdate,
    SafetyNetMeeting,
)
from safeguarding.permissions import DSL_TEAM_ROLES, safeguarding_pupil_q

STATUSES_ON_AGENDA: dict[str, str] = {
    ProtectionStatus.Status.CP_PLAN: "CP plan",
    ProtectionStatus.Status.CHILD_IN_NEED: "Child in need",
    ProtectionStatus.Status.LOOKED_AFTER: "Looked after",
}


def visible_meetings(user: Any) -> QuerySet[SafetyNetMeeting]:
    from access.permissions import access_for

    access = access_for(user)
    orgs: set[int] = set()
    for grant in access.grants:
        if grant.role in DSL_TEAM_ROLES:
            orgs |= set(access.reach.get(grant.organisation_id, {grant.organisation_id}))
    return SafetyNetMeeting.objects.filter(organisation_id__in=orgs)


def area_pupils(meeting: SafetyNetMeeting, user: Any) -> QuerySet[Pupil]:
    """The students of the meeting's area on its day, within the user's safeguarding reach."""
    on = meeting.on
    pupils = Pupil.objects.filter(organisation_id=meeting.organisation_id).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=on)
    )
    if meeting.site_id:
        pupils = pupils.filter(site_id=meeting.site_id)
    if meeting.year_group is not None:
        pupils = pupils.filter(year_group=meeting.year_group)
    if meeting.group_id:
        members = GroupMembership.objects.current(on).filter(group_id=meeting.group_id)
        pupils = pupils.filter(pk__in=members.values("pupil_id"))
    return pupils.filter(safeguarding_pupil_q(user))


def previous_meeting(meeting: SafetyNetMeeting) -> SafetyNetMeeting | None:
    return (
        SafetyNetMeeting.objects.filter(
            organisation_id=meeting.organisation_id, area=meeting.area, on__lt=meeting.on
        )
        .order_by("-on", "-id")
        .first()
    )


# The agenda's students shown in full at first; the rest are one click away on the page (never left off).
AGENDA_FIRST = 25


@dataclass
class AgendaRow:
    pupil: Pupil
    reasons: list[str] = field(default_factory=list)
    score: int = 0
    flagged: bool = False


def agenda(meeting: SafetyNetMeeting, user: Any) -> list[AgendaRow]:
    """The students to discuss, each with why, the most concerning first: the highest early-warning score (over
    the indicators this user may know of, whether or not it reaches the flag), then the most reasons, then name."""
    pupils = {p.pk: p for p in area_pupils(meeting, user)}
    reasons: dict[int, list[str]] = {}
    for collect in (_statuses, _referrals, _concerns, _absence, _plans):
        for pupil_id, why in collect(meeting, list(pupils)):
            reasons.setdefault(pupil_id, []).append(why)
    scores, flagged = _early_warning(meeting, list(pupils), user)
    for pupil_id in sorted(flagged):
        reasons.setdefault(pupil_id, []).append(f"On the early-warning list (score {scores[pupil_id]})")
    rows = [AgendaRow(pupils[pk], why, scores.get(pk, 0), pk in flagged) for pk, why in reasons.items()]
    return sorted(
        rows,
        key=lambda r: (
            -r.score,
            -len(r.reasons),
            r.pupil.legal_last_name,
            r.pupil.legal_first_name,
            r.pupil.pk,
        ),
    )


def _statuses(meeting: SafetyNetMeeting, ids: list[int]) -> list[tuple[int, str]]:
    latest: dict[int, str] = {}
    rows = ProtectionStatus.objects.filter(
        organisation_id=meeting.organisation_id, pupil_id__in=ids, starts_on__lte=meeting.on
    ).order_by("starts_on", "id")
    for pupil_id, status in rows.values_list("pupil_id", "status"):
        latest[pupil_id] = status
    return [(pk, STATUSES_ON_AGENDA[s]) for pk, s in latest.items() if s in STATUSES_ON_AGENDA]


def _referrals(meeting: SafetyNetMeeting, ids: list[int]) -> list[tuple[int, str]]:
    closed = ReferralUpdate.objects.filter(referral=OuterRef("pk"), status="closed", on__lte=meeting.on)
    rows = Referral.objects.filter(
        organisation_id=meeting.organisation_id, pupil_id__in=ids, made_on__lte=meeting.on
    ).filter(~Exists(closed))
    return [(pk, f"Open referral to {name}") for pk, name in rows.values_list("pupil_id", "agency__name")]


def _concerns(meeting: SafetyNetMeeting, ids: list[int]) -> list[tuple[int, str]]:
    from attendance.selectors import academic_year_start

    previous = previous_meeting(meeting)
    since = previous.on + datetime.timedelta(days=1) if previous else academic_year_start(meeting.on)
    rows = Concern.objects.filter(
        organisation_id=meeting.organisation_id,
        pupil_id__in=ids,
        logged_at__date__gte=since,
        logged_at__date__lte=meeting.on,
    )
    counts: dict[int, int] = {}
    for pupil_id in rows.values_list("pupil_id", flat=True):
        counts[pupil_id] = counts.get(pupil_id, 0) + 1
    return [(pk, f"{n} new concern{'s' if n > 1 else ''} since {since:%d %b}") for pk, n in counts.items()]


def _absence(meeting: SafetyNetMeeting, ids: list[int]) -> list[tuple[int, str]]:
    from attendance.selectors import academic_year_start, per_pupil, scope_for, scope_marks

    start = academic_year_start(meeting.on)
    marks = scope_marks(scope_for(meeting.organisation), start, meeting.on).filter(pupil_id__in=ids)
    return [
        (row["pupil_id"], f"{'Severe' if row['is_severe'] else 'Persistent'} absence ({row['absence_pct']})")
        for row in per_pupil(marks, threshold="persistent")
    ]


def _plans(meeting: SafetyNetMeeting, ids: list[int]) -> list[tuple[int, str]]:
    # support_plans has no selector over many pupils at once; read its model (one query) rather than one a pupil.
    from support_plans.models import SupportPlan

    rows = SupportPlan.objects.filter(
        organisation_id=meeting.organisation_id, pupil_id__in=ids, opened_on__lte=meeting.on
    ).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=meeting.on))
    return [(pk, "Active Pastoral Support Programme") for pk in set(rows.values_list("pupil_id", flat=True))]


def _early_warning(meeting: SafetyNetMeeting, ids: list[int], user: Any) -> tuple[dict[int, int], set[int]]:
    """Each student's early-warning score on the meeting's day (`early_warning.selectors`: one evaluation of the
    school's indicators), scored over what this user may know of, and those the list flags."""
    from early_warning.selectors import evaluate, flagged_ids, scored, settings_values, visible_keys

    organisation = meeting.organisation
    values = settings_values(organisation)
    found = evaluate(organisation, meeting.on, values)
    keys = visible_keys(user, organisation.pk)
    wanted = set(ids)
    scores = {pk: scored(lines, keys)[1] for pk, lines in found.items() if pk in wanted}
    return scores, flagged_ids(found, int(values["flag_at"]), keys) & wanted


def carried_actions(meeting: SafetyNetMeeting, today: datetime.date | None = None) -> QuerySet[MeetingAction]:
    """Actions from the area's earlier meetings not yet done: carried to this one, each with `is_overdue` (its due
    date has passed by `today`: it is still not done, so it is late now, whenever the meeting is)."""
    today = today or timezone.localdate()
    done = MeetingActionDone.objects.filter(action=OuterRef("pk"))
    return (
        MeetingAction.objects.filter(
            organisation_id=meeting.organisation_id, meeting__area=meeting.area, meeting__on__lt=meeting.on
        )
        .filter(~Exists(done))
        .annotate(is_overdue=ExpressionWrapper(Q(due_on__lt=today), output_field=BooleanField()))
        .select_related("owner", "pupil", "meeting")
    )
