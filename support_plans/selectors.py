"""Reads with rules: review schedules, the pre-meeting pack, the evidence for the final judgement, dashboards."""

from __future__ import annotations

import bisect
import datetime
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from behaviour.attendance_adapter import NOT_RECORDED, attendance_summary
from behaviour.models import IncidentPupil, ReportCard, ReportEntry, Suspension
from behaviour.selectors import (
    LeaversCounts,
    behaviour_summary,
    card_share,
    card_weeks,
    leavers_counts,
    pupil_incidents,
    pupil_suspensions,
)
from core.retention import years_before
from organisations import calendar
from organisations.models import Organisation
from people import selectors as people_selectors
from people.models import Pupil
from support_plans.models import (
    Alert,
    Assessment,
    CommunicationPassport,
    HomeContact,
    Invitation,
    Meeting,
    Party,
    PlanAction,
    PlanDocument,
    PlannedMeeting,
    PlanSettings,
    Questionnaire,
    SecureLink,
    Signature,
    SupportPlan,
    Target,
    TargetProgress,
    TargetRevision,
)
from support_plans.permissions import visible_plans
from support_plans.questions import questions_for


def settings_for(organisation: Any) -> PlanSettings:
    """The school's PSP settings (unsaved defaults if it never chose)."""
    found = PlanSettings.objects.filter(organisation=organisation).first()
    return found or PlanSettings(organisation=organisation)


def review_schedule(plan: SupportPlan, school: calendar.Calendar | None = None) -> list[dict[str, Any]]:
    """Each review point and the final meeting: when due (on a school day), and the meeting that met it (if any).
    `school` is the plan's school calendar when the caller has loaded it for many plans."""
    starts_on, ends_on = plan.starts_on, plan.ends_on
    if starts_on is None or ends_on is None:  # no initial meeting yet (ends_on is None exactly then)
        return []
    meetings = list(plan.meetings.all())  # one query, or none where the caller prefetched them
    reviews = [m for m in meetings if m.kind == Meeting.Kind.REVIEW]
    final = next((m for m in meetings if m.kind == Meeting.Kind.FINAL), None)
    today = timezone.localdate()
    if school is None or not school.start <= starts_on or school.end < ends_on + SCHEDULE_LOOK_AHEAD:
        school = calendar.calendar_for(plan.organisation_id, starts_on, ends_on + SCHEDULE_LOOK_AHEAD)
    site = plan.pupil.site_id
    rows = []
    for week in plan.review_points:
        held = next((m for m in reviews if m.week == week), None)
        due = _on_a_school_day(school, starts_on + datetime.timedelta(weeks=week), site)
        rows.append(
            {
                "label": f"{week}-week review",
                "week": week,
                "due_on": due,
                "meeting": held,
                "overdue": held is None and due < today and plan.is_open,
            }
        )
    due = _on_a_school_day(school, ends_on, site)
    rows.append(
        {
            "label": f"{plan.length_weeks}-week final meeting",
            "week": plan.length_weeks,
            "due_on": due,
            "meeting": final,
            "overdue": final is None and due < today and plan.is_open,
            "final": True,
        }
    )
    return rows


SCHEDULE_LOOK_AHEAD = datetime.timedelta(days=60)  # past the end, to find the school day after a long holiday


def _on_a_school_day(school: calendar.Calendar, due: datetime.date, site: int | None) -> datetime.date:
    """A review due in a holiday, a closure or at the weekend moves to the next school day (the due day itself when
    no school day follows within the loaded range)."""
    day = due
    while day <= school.end:
        if school.is_school_day(day, site):
            return day
        day += datetime.timedelta(days=1)
    return due


def next_due(plan: SupportPlan, school: calendar.Calendar | None = None) -> dict[str, Any] | None:
    return next((row for row in review_schedule(plan, school) if row["meeting"] is None), None)


def start_correctable(plan: SupportPlan) -> bool:
    """Whether the initial meeting's date may still be corrected: it is recorded, the plan is open and no other
    meeting has been held on the schedule it set (`services.initial_meeting_correct`)."""
    return plan.is_open and set(plan.meetings.values_list("kind", flat=True)) == {Meeting.Kind.INITIAL}


def stage(plan: SupportPlan) -> str:
    if not plan.is_open:
        return "Closed: " + plan.get_outcome_display().lower()
    if plan.starts_on is None:
        return "Assess and plan: before the initial meeting"
    if plan.meetings.filter(kind=Meeting.Kind.FINAL).exists():
        return "Final meeting held: evaluation due"
    return "Do and review"


def open_alerts(user: Any) -> QuerySet[Alert]:
    """Open alerts (plans that may be failing, plans without scores) on the plans the user may see, newest first."""
    return (
        Alert.objects.filter(plan__in=visible_plans(user), resolved_on__isnull=True)
        .select_related("plan__pupil")
        .order_by("-raised_at", "-pk")
    )


@dataclass
class ScoreGap:
    """An active plan with no report-card scores for more than the school's number of school days."""

    plan: SupportPlan
    since: datetime.date  # the last score, or the plan's start when it has never been scored
    days_unscored: int  # school days since then, up to yesterday
    never_scored: bool
    is_alerted: bool  # this gap already has its alert (or the plan has an open missing-scores alert)

    @property
    def reason(self) -> str:
        since = f"{self.since.day} {self.since:%b}"
        if self.never_scored:
            since = f"the plan started on {since}"
        why = f"No scores recorded for {self.days_unscored} school days since {since}"
        if self.plan.report_card_id is None:
            why += "; no report card is set up: agree the monitoring arrangements"
        return why


def score_gaps(organisation: Any, *, today: datetime.date) -> list[ScoreGap]:
    """Under-way plans at the school that have gone longer than its `scores_gap_school_days` without a score.

    School days (the school calendar, `organisations/calendar.py`: weekdays in term less whole-school closures)
    are counted after the last score, or after the plan's start, up to yesterday: today's lessons may not be
    scored yet. Plans past their end (the final meeting is
    due; the report card no longer takes scores) and closed plans are left out."""
    found = PlanSettings.objects.filter(organisation=organisation).first()
    limit = (found or PlanSettings()).scores_gap_school_days
    last_score = (
        ReportEntry.objects.filter(card=OuterRef("report_card_id")).order_by("-date").values("date")[:1]
    )
    plans = [
        plan
        for plan in SupportPlan.objects.filter(
            organisation=organisation,
            status=SupportPlan.Status.ACTIVE,
            starts_on__isnull=False,
            starts_on__lt=today,
        )
        .annotate(last_scored_on=Subquery(last_score))
        .select_related("pupil")
        .order_by("pk")
        if plan.ends_on is not None and plan.ends_on >= today
    ]
    if not plans:
        return []
    starts = {p.pk: max(d for d in (p.starts_on, p.last_scored_on) if d is not None) for p in plans}
    days = calendar.school_days_between(
        organisation, min(starts.values()) + datetime.timedelta(days=1), today - datetime.timedelta(days=1)
    )
    alerts = Alert.objects.filter(plan__in=[p.pk for p in plans], kind=Alert.Kind.NO_SCORES)
    alerted = set(alerts.values_list("plan_id", "gap_starts_on"))
    open_ids = set(alerts.filter(resolved_on__isnull=True).values_list("plan_id", flat=True))
    gaps = []
    for plan in plans:
        since = starts[plan.pk]
        count = len(days) - bisect.bisect_right(days, since)  # school days after `since`
        if count > limit:
            gaps.append(
                ScoreGap(
                    plan=plan,
                    since=since,
                    days_unscored=count,
                    never_scored=plan.last_scored_on is None or plan.last_scored_on < plan.starts_on,
                    is_alerted=(plan.pk, since) in alerted or plan.pk in open_ids,
                )
            )
    return gaps


def meetings_due(user: Any, today: datetime.date | None = None) -> dict[str, list[dict[str, Any]]]:
    """Reviews and final meetings due this week, and those overdue, across the plans the user may see."""
    today = today or timezone.localdate()
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    this_week, overdue = [], []
    plans = list(
        visible_plans(user)
        .filter(status=SupportPlan.Status.ACTIVE)
        .select_related("pupil", "coordinator")
        .prefetch_related("meetings")
    )
    calendars = _calendars(plans)
    for plan in plans:
        row = next_due(plan, calendars.get(plan.organisation_id))
        if row is None:
            continue
        item = {"plan": plan, **row}
        if row["due_on"] < today:
            overdue.append(item)
        elif row["due_on"] <= week_end:
            this_week.append(item)
    key = lambda r: r["due_on"]  # noqa: E731
    return {"this_week": sorted(this_week, key=key), "overdue": sorted(overdue, key=key)}


def _calendars(plans: list[SupportPlan]) -> dict[int, calendar.Calendar]:
    """One school calendar an organisation, spanning its plans' programmes (two queries a school, not a plan)."""
    spans: dict[int, tuple[datetime.date, datetime.date]] = {}
    for plan in plans:
        if plan.starts_on is None or plan.ends_on is None:
            continue
        start, end = spans.get(plan.organisation_id, (plan.starts_on, plan.ends_on))
        spans[plan.organisation_id] = (min(start, plan.starts_on), max(end, plan.ends_on))
    return {
        org: calendar.calendar_for(org, start, end + SCHEDULE_LOOK_AHEAD)
        for org, (start, end) in spans.items()
    }


def outcomes_by_term(user: Any) -> dict[str, Any]:
    """Closed plans by the month they closed: successful and unsuccessful counts, for the chart."""
    months: OrderedDict[str, dict[str, int]] = OrderedDict()
    for closed_on, outcome in (
        visible_plans(user)
        .filter(status=SupportPlan.Status.CLOSED)
        .order_by("closed_on")
        .values_list("closed_on", "outcome")
    ):
        label = closed_on.strftime("%b %Y")
        months.setdefault(label, {"successful": 0, "unsuccessful": 0})[outcome] += 1
    return {
        "labels": list(months),
        "successful": [m["successful"] for m in months.values()],
        "unsuccessful": [m["unsuccessful"] for m in months.values()],
        "rows": [{"label": k, **v} for k, v in months.items()],
    }


def _window(
    plan: SupportPlan, today: datetime.date | None = None
) -> tuple[tuple[datetime.date, datetime.date], tuple[datetime.date, datetime.date]]:
    today = today or timezone.localdate()
    start = plan.starts_on or plan.opened_on
    end = min(today, plan.ends_on or today)
    if end < start:
        end = start
    length = max((end - start).days, 27)
    before = (start - datetime.timedelta(days=length + 1), start - datetime.timedelta(days=1))
    return before, (start, end)


def _attendance(pupil: Any, period: tuple[datetime.date, datetime.date]) -> dict[str, Any]:
    summary = attendance_summary(pupil=pupil, start=period[0], end=period[1])
    if summary is None:
        return {"recorded": False, "text": NOT_RECORDED}
    rate = summary.get("attendance_rate")
    return {
        "recorded": True,
        "rate": rate,
        "text": f"{rate:.1%}" if isinstance(rate, float) else str(rate),
        "is_persistent": summary.get("is_persistent"),
        "possible": summary.get("possible"),
    }


def target_progress(plan: SupportPlan) -> list[dict[str, Any]]:
    rows = []
    for target in plan.targets.prefetch_related("revisions"):
        latest = (
            TargetProgress.objects.filter(target=target)
            .select_related("meeting")
            .order_by("-meeting__held_on")
            .first()
        )
        rows.append({"target": target, "current": target.current, "latest": latest})
    return rows


def plan_evidence(
    plan: SupportPlan, today: datetime.date | None = None, jsonable: bool = False
) -> dict[str, Any]:
    """What the final judgement rests on: target progress, behaviour and attendance before and during the plan."""
    before, during = _window(plan, today)
    b_before, b_during = behaviour_summary(plan.pupil, *before), behaviour_summary(plan.pupil, *during)
    progress = target_progress(plan)
    met = sum(1 for r in progress if r["latest"] and r["latest"].progress == TargetProgress.Progress.MET)
    evidence = {
        "before": {
            "start": before[0],
            "end": before[1],
            "behaviour": b_before,
            "attendance": _attendance(plan.pupil, before),
        },
        "during": {
            "start": during[0],
            "end": during[1],
            "behaviour": b_during,
            "attendance": _attendance(plan.pupil, during),
        },
        "targets_met": met,
        "targets_total": len(progress),
        "targets": [
            {
                "number": r["target"].number,
                "text": r["current"].specific if r["current"] else "",
                "progress": r["latest"].get_progress_display() if r["latest"] else "not yet reviewed",
            }
            for r in progress
        ],
        "report_card_share": card_share(plan.report_card) if plan.report_card is not None else None,
    }
    if jsonable:
        return _jsonable(evidence)
    return evidence


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def pre_meeting_pack(plan: SupportPlan) -> dict[str, Any]:
    """Gathered automatically: the behaviour log, the exclusions record and attendance for the last term."""
    today = timezone.localdate()
    start = plan.opened_on - datetime.timedelta(weeks=13)
    end = max(today, plan.opened_on)
    return {
        "incidents": list(pupil_incidents(plan.pupil, start, end)[:30]),
        "incident_count": pupil_incidents(plan.pupil, start, end).count(),
        "behaviour": behaviour_summary(plan.pupil, start, end),
        "suspensions": list(pupil_suspensions(plan.pupil)),
        "attendance": _attendance(plan.pupil, (start, end)),
        "sen_status": plan.pupil.get_sen_status_display(),
        "start": start,
        "end": end,
    }


def signature_status(plan: SupportPlan) -> list[dict[str, Any]]:
    """For each attendee of the initial meeting (or each party, before it): have they signed the current targets?"""
    ids = current_revision_ids(plan)
    initial = plan.meetings.filter(kind=Meeting.Kind.INITIAL).first()
    parties = list(initial.attendees.all()) if initial else list(plan.parties.all())
    signatures = list(Signature.objects.filter(plan=plan))
    rows = []
    for party in parties:
        mine = [s for s in signatures if s.party_id == party.pk]
        current = next((s for s in mine if s.revision_ids == ids), None)
        rows.append({"party": party, "signature": current, "earlier": [s for s in mine if s is not current]})
    return rows


def unused_links(
    *, plan: SupportPlan, purpose: str, questionnaire: Questionnaire | None = None, party: Party | None = None
) -> QuerySet[SecureLink]:
    """The links for this questionnaire or signature neither used nor withdrawn (a new link withdraws them)."""
    return SecureLink.objects.filter(
        plan=plan,
        purpose=purpose,
        questionnaire=questionnaire,
        party=party,
        used_at__isnull=True,
        revoked_at__isnull=True,
    )


def waiting_link(**about: Any) -> SecureLink | None:
    """The newest of the `unused_links` still in date: someone may be about to use it."""
    return unused_links(**about).filter(expires_at__gt=timezone.now()).order_by("-created_at").first()


def link_recipients(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """The addresses a questionnaire link may be e-mailed to, as (address, label): the respondent's own (from
    their party), and for a pupil or parent questionnaire the pupil's contacts with parental responsibility."""
    found: dict[str, tuple[str, str]] = {}
    party = questionnaire.party
    if party is not None and party.email:
        label = f"{party.name} ({party.role or party.get_kind_display()}) <{party.email}>"
        found[party.email.lower()] = (party.email, label)
    if questionnaire.kind != Questionnaire.Kind.STAFF:
        for link in people_selectors.parents_to_contact(questionnaire.plan.pupil_id):
            email = link.contact.email
            if email and email.lower() not in found:
                label = f"{link.contact} ({link.get_relationship_display()}) <{email}>"
                found[email.lower()] = (email, label)
    return list(found.values())


def known_recipient(questionnaire: Questionnaire, address: str) -> str | None:
    """The address as held, when `address` (any case) is one the questionnaire's link may be e-mailed to."""
    wanted = address.strip().lower()
    return next((a for a, _ in link_recipients(questionnaire) if a.lower() == wanted), None)


def current_revision_ids(plan: SupportPlan) -> list[int]:
    ids = []
    for target in plan.targets.filter(is_active=True).prefetch_related("revisions"):
        current = target.current
        if current:
            ids.append(current.pk)
    return sorted(ids)


def open_plans(user: Any) -> QuerySet:
    return (
        visible_plans(user).exclude(status=SupportPlan.Status.CLOSED).select_related("pupil", "coordinator")
    )


def print_context(plan: SupportPlan) -> dict[str, Any]:
    """Everything the printed Pastoral Support Plan shows: current targets and every revision."""
    return {
        "plan": plan,
        "stage": stage(plan),
        "parties": plan.parties.all(),
        "targets": plan.targets.prefetch_related("revisions", "revisions__revised_by"),
        "meetings": plan.meetings.prefetch_related("attendees", "progress", "progress__target"),
        "schedule": review_schedule(plan),
        "signatures": plan.signatures.select_related("party", "witnessed_by"),
        "views": voices(plan),
        "printed": timezone.localtime(),
    }


def voices(plan: SupportPlan) -> list[dict[str, Any]]:
    """The pupil's and the parents' own words: each answered pupil or parent questionnaire, question by question."""
    answered = plan.questionnaires.filter(submitted_at__isnull=False).exclude(kind=Questionnaire.Kind.STAFF)
    return [
        {
            "questionnaire": q,
            "answers": [
                (label, q.answers.get(key, "")) for key, label in questions_for(q.kind) if q.answers.get(key)
            ],
        }
        for q in answered.order_by("kind", "submitted_at")
    ]


# --- Retention ---------------------------------------------------------------------------------


def retention_years(organisation: Any) -> int | None:
    """The school's "keep behaviour and PSP records for" period in years (None: keep them all)."""
    return (
        PlanSettings.objects.filter(organisation=organisation)
        .values_list("records_years_after_leaving", flat=True)
        .first()
    )


def pupils_past_retention(organisation: Any, today: datetime.date) -> QuerySet:
    """The school's pupils who left more than its period ago and are under no retention hold (none when it set
    no period). Both behaviour and PSP retention start from this one list."""
    years = retention_years(organisation)
    if years is None:
        return Pupil.objects.none()
    return Pupil.objects.filter(
        organisation=organisation, left_on__lt=years_before(today, years), retention_hold=""
    )


def with_records(pupils: QuerySet) -> QuerySet:
    """Those of `pupils` who still have a PSP or a behaviour record (whom a retention run is about)."""
    pupil = OuterRef("pk")
    return pupils.filter(
        Exists(SupportPlan.objects.filter(pupil=pupil))
        | Exists(IncidentPupil.objects.filter(pupil=pupil))
        | Exists(Suspension.objects.filter(pupil=pupil))
        | Exists(ReportCard.objects.filter(pupil=pupil))
    )


def plans_of(organisation: Any, pupils: QuerySet) -> QuerySet:
    return SupportPlan.objects.filter(organisation=organisation, pupil__in=pupils)


def plan_records(plans: QuerySet) -> list[QuerySet]:
    """Everything under the plans, one queryset a table, children before their parents (the order to delete)."""
    ids = plans.values("pk")
    return [
        Invitation.objects.filter(planned__plan__in=ids),
        PlannedMeeting.objects.filter(plan__in=ids),
        HomeContact.objects.filter(plan__in=ids),
        PlanDocument.objects.filter(plan__in=ids),
        PlanAction.objects.filter(plan__in=ids),
        CommunicationPassport.objects.filter(pupil__in=plans.values("pupil")),
        TargetProgress.objects.filter(Q(meeting__plan__in=ids) | Q(target__plan__in=ids)),
        Signature.objects.filter(plan__in=ids),
        SecureLink.objects.filter(plan__in=ids),
        # No join: on Citus the attendees table stays on the coordinator and a join with the distributed
        # meetings is refused, so the meetings are a subquery of their own.
        Meeting.attendees.through.objects.filter(
            meeting_id__in=Meeting.objects.filter(plan__in=ids).values("pk")
        ),
        Questionnaire.objects.filter(plan__in=ids),
        TargetRevision.objects.filter(target__plan__in=ids),
        Target.objects.filter(plan__in=ids),
        Meeting.objects.filter(plan__in=ids),
        Assessment.objects.filter(plan__in=ids),
        Alert.objects.filter(plan__in=ids),
        Party.objects.filter(plan__in=ids),
    ]


@dataclass
class RetentionCounts:
    organisation: Organisation
    pupils: int = 0
    plans: int = 0
    plan_records: int = 0
    behaviour: LeaversCounts = field(default_factory=LeaversCounts)

    @property
    def total(self) -> int:
        return self.plans + self.plan_records + self.behaviour.total


def retention_counts(*, organisation: Organisation, today: datetime.date | None = None) -> RetentionCounts:
    """What the retention job would delete for a school today (the dry run)."""
    pupils = pupils_past_retention(organisation, today or timezone.localdate())
    if not pupils.exists():
        return RetentionCounts(organisation)
    plans = plans_of(organisation, pupils)
    return RetentionCounts(
        organisation,
        pupils=with_records(pupils).count(),
        plans=plans.count(),
        plan_records=sum(records.count() for records in plan_records(plans)),
        behaviour=leavers_counts(organisation, pupils),
    )


# --- Arranged in advance: invitations, the home view, the checklist ----------------------------


def refused_contacts(plan: SupportPlan) -> tuple[set[int], set[str]]:
    """The contacts the school must not contact about this pupil, as (contact ids, lower-case addresses)."""
    return people_selectors.refused_contacts(plan.pupil_id)


def plan_parties(plan: SupportPlan) -> list[Party]:
    """The plan's parties, with the contact record and account their addresses come from."""
    return list(plan.parties.select_related("contact", "user"))


def invitees(plan: SupportPlan, parties: list[Party] | None = None) -> list[tuple[Party, str]]:
    """Every party to invite with the address to use: a parent's from their contact record, anyone else's from the
    party (or their account); never a parent or address marked "no contact", never a party with no address.
    `parties` is `plan_parties(plan)` when the caller has it already (the plan page)."""
    refused_ids, refused_emails = refused_contacts(plan)
    found: list[tuple[Party, str]] = []
    for party in plan_parties(plan) if parties is None else parties:
        if party.contact_id in refused_ids:
            continue
        address = (
            (party.contact.email if party.contact is not None else "")
            or party.email
            or (party.user.email if party.user is not None else "")
        ).strip()
        if address and address.lower() not in refused_emails:
            found.append((party, address))
    return found


def planned_meetings(plan: SupportPlan) -> QuerySet[PlannedMeeting]:
    return plan.planned_meetings.prefetch_related("invitations__party", "meeting__attendees").select_related(
        "meeting"
    )


def meetings_for_reminder(day: datetime.date) -> QuerySet[PlannedMeeting]:
    """Meetings on `day` with invitations sent, not cancelled, not yet held, not yet reminded (for the day before)."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return PlannedMeeting.objects.filter(
        starts_at__gte=start,
        starts_at__lt=start + datetime.timedelta(days=1),
        invitations_sent_at__isnull=False,
        reminders_sent_at__isnull=True,
        cancelled_at__isnull=True,
        meeting__isnull=True,
        plan__status__in=[SupportPlan.Status.ASSESS, SupportPlan.Status.ACTIVE],
    ).select_related("plan__pupil", "plan__organisation")


def home_view(plan: SupportPlan) -> dict[str, Any]:
    """What a parent sees through their link: the plan's current targets and the weekly report-card scores, and
    the meetings still to come. Nothing of any other pupil, nothing of the school's notes."""
    targets = []
    for target in plan.targets.filter(is_active=True).prefetch_related("revisions"):
        current = target.current
        if current is not None:
            targets.append({"number": target.number, "revision": current})
    card = plan.report_card
    upcoming = plan.planned_meetings.filter(
        cancelled_at__isnull=True, meeting__isnull=True, starts_at__gte=timezone.now()
    )
    return {
        "plan": plan,
        "pupil_name": plan.pupil.display_name,
        "targets": targets,
        "card_targets": card.targets if card is not None else [],
        "weeks": card_weeks(card) if card is not None else [],
        "upcoming": list(upcoming),
    }


def overdue_actions(user: Any, today: datetime.date) -> QuerySet[PlanAction]:
    """Checklist actions past their due date on the open plans the user coordinates, or owned by the user."""
    return (
        PlanAction.objects.filter(done_on__isnull=True, due_on__lt=today)
        .filter(Q(plan__coordinator_id=user.pk) | Q(owner_id=user.pk))
        .exclude(plan__status=SupportPlan.Status.CLOSED)
        .select_related("plan__pupil", "owner")
        .order_by("due_on", "pk")
    )


def arranged_for(plan: SupportPlan, kind: str, planned_id: str) -> PlannedMeeting | None:
    """The arranged meeting a record answers (named by id in the request), if it is this plan's, of this kind,
    and neither held nor cancelled."""
    if not planned_id.isdigit():
        return None
    return (
        plan.planned_meetings.filter(
            pk=int(planned_id), kind=kind, meeting__isnull=True, cancelled_at__isnull=True
        )
        .prefetch_related("invitations")
        .first()
    )


def arrangements_context(
    plan: SupportPlan, *, today: datetime.date, parties: list[Party] | None = None
) -> dict[str, Any]:
    """The plan page's sections for arranged meetings, home–school contact, documents and the checklist
    (`parties`: the plan's parties when the page has read them already, `plan_parties(plan)`)."""
    actions = [
        {"action": action, "overdue": action.is_overdue(today)}
        for action in plan.actions.select_related("owner", "done_by")
    ]
    return {
        "arranged": list(planned_meetings(plan)),
        "invitable": {party.pk for party, _ in invitees(plan, parties)},
        "home_contacts": plan.home_contacts.select_related("recorded_by"),
        "documents": plan.documents.select_related("uploaded_by"),
        "passport": CommunicationPassport.objects.filter(pupil_id=plan.pupil_id).first(),
        "actions": actions,
    }


def pupil_plans(pupil: Any) -> QuerySet[SupportPlan]:
    """Every Pastoral Support Programme of a pupil, oldest first (the safeguarding chronology reads them)."""
    return SupportPlan.objects.filter(pupil=pupil).order_by("opened_on", "pk")


def plans_in_range(
    organisation_ids: list[int], pupils: Any, start: datetime.date, end: datetime.date
) -> list[tuple[int, datetime.date, str, datetime.date | None, str]]:
    """The plans of `pupils` (ids or a subquery) opened in [start, end] or closed in it: (pupil id, opened on,
    status, closed on, outcome) each, one query (the statistics dashboard's PSP figures)."""
    in_range = Q(opened_on__gte=start, opened_on__lte=end)
    closed_in_range = Q(status="closed", closed_on__gte=start, closed_on__lte=end)
    return list(
        SupportPlan.objects.filter(organisation_id__in=organisation_ids, pupil_id__in=pupils)
        .filter(in_range | closed_in_range)
        .values_list("pupil_id", "opened_on", "status", "closed_on", "outcome")
        .order_by()
    )
