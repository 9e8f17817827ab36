"""Reads with rules: behaviour summaries, report-card scores, and whether a card shows a plan failing."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Min, Q, QuerySet, Sum
from django.utils import timezone

from access.permissions import visible_pupils
from behaviour.models import (
    BehaviourCategory,
    Incident,
    IncidentPupil,
    ReportCard,
    ReportEntry,
    Suspension,
)
from behaviour.permissions import visible_incidents
from behaviour.redaction import leavers_redactor
from organisations import calendar
from people.selectors import parents_to_contact

# A card is failing when the average of its most recent days' scores is below this share of full marks.
FAILING_THRESHOLD = 0.5
FAILING_WINDOW_DAYS = 3


def incident_search(
    *,
    user: Any,
    kind: str = "",
    category: Any = None,
    pupil: Any = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet:
    """The log as the user may see it, narrowed by kind, category, pupil and dates."""
    qs = visible_incidents(user)
    if kind:
        qs = qs.filter(kind=kind)
    if category is not None:
        qs = qs.filter(category=category)
    if pupil is not None:
        qs = qs.filter(links__pupil=pupil)
    if start:
        qs = qs.filter(occurred_at__date__gte=start)
    if end:
        qs = qs.filter(occurred_at__date__lte=end)
    return (
        qs.select_related("staff", "category", "recorded_by")
        .prefetch_related("pupils")
        .order_by("-occurred_at")
    )


def pupil_incidents(
    pupil: Any, start: datetime.date | None = None, end: datetime.date | None = None
) -> QuerySet:
    qs = Incident.objects.filter(links__pupil=pupil)
    if start:
        qs = qs.filter(occurred_at__date__gte=start)
    if end:
        qs = qs.filter(occurred_at__date__lte=end)
    return qs.select_related("staff", "category").order_by("-occurred_at")


def _incident_counts(via: str = "") -> dict[str, Count]:
    """A summary's incident counts; `via` is the path to the incident ("incident__" when counting links)."""

    def q(**lookups: Any) -> Q:
        return Q(**{f"{via}{k}": v for k, v in lookups.items()})

    return {
        "negative": Count(f"{via}id", filter=q(kind=Incident.Kind.NEGATIVE)),
        "positive": Count(f"{via}id", filter=q(kind=Incident.Kind.POSITIVE)),
        "observation": Count(f"{via}id", filter=q(kind=Incident.Kind.OBSERVATION)),
        "serious": Count(f"{via}id", filter=q(kind=Incident.Kind.NEGATIVE, severity__gte=3)),
    }


def behaviour_summary(pupil: Any, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Counts of incidents and suspensions for a pupil between two dates (inclusive)."""
    counts = pupil_incidents(pupil, start, end).aggregate(**_incident_counts())
    # A withdrawn suspension stays on the record but did not happen: it is not counted.
    suspensions = pupil_suspensions(pupil).filter(
        starts_on__gte=start, starts_on__lte=end, withdrawn_at__isnull=True
    )
    agg = suspensions.exclude(kind=Suspension.Kind.INTERNAL).aggregate(
        n=Count("id"), sessions=Sum("sessions")
    )
    internal = suspensions.filter(kind=Suspension.Kind.INTERNAL).count()
    return _summary(counts, agg["n"] or 0, agg["sessions"] or 0, internal, start, end)


def _summary(
    counts: dict[str, int],
    suspensions: int,
    sessions: int,
    internal: int,
    start: datetime.date,
    end: datetime.date,
) -> dict[str, Any]:
    days = max((end - start).days + 1, 1)
    weeks = days / 7
    return {
        **counts,
        "suspensions": suspensions,
        "suspension_sessions": sessions,
        "internal": internal,
        "negative_per_week": round(counts["negative"] / weeks, 1) if weeks else 0,
        "start": start,
        "end": end,
    }


def upcoming_suspensions(pupil: Any, *, today: datetime.date) -> dict[str, Any]:
    """The pupil's suspensions and exclusions recorded to begin after `today` (withdrawn ones not counted), split
    as `behaviour_summary` splits them: the summary counts those begun by its end day, these are shown beside it."""
    internal = Q(kind=Suspension.Kind.INTERNAL)
    return Suspension.objects.filter(pupil=pupil, starts_on__gt=today, withdrawn_at__isnull=True).aggregate(
        suspensions=Count("id", filter=~internal),
        sessions=Sum("sessions", filter=~internal, default=0),
        first_on=Min("starts_on", filter=~internal),
        internal=Count("id", filter=internal),
        internal_first_on=Min("starts_on", filter=internal),
    )


def behaviour_summaries(
    organisation_id: int, pupil_ids: list[int], start: datetime.date, end: datetime.date
) -> dict[int, dict[str, Any]]:
    """`behaviour_summary` for each of a school's pupils (by id), the same figures in two queries whatever the
    number of pupils: the incidents they are linked to, then their suspensions, each grouped by pupil."""
    links = IncidentPupil.objects.filter(
        organisation_id=organisation_id,
        pupil_id__in=pupil_ids,
        incident__occurred_at__date__gte=start,
        incident__occurred_at__date__lte=end,
    )
    incidents = _by_pupil(links.values("pupil_id").annotate(**_incident_counts("incident__")).order_by())
    internal = Q(kind=Suspension.Kind.INTERNAL)
    suspensions = _by_pupil(
        Suspension.objects.filter(  # a withdrawn suspension did not happen
            organisation_id=organisation_id,
            pupil_id__in=pupil_ids,
            starts_on__gte=start,
            starts_on__lte=end,
            withdrawn_at__isnull=True,
        )
        .values("pupil_id")
        .annotate(
            n=Count("id", filter=~internal),
            sessions=Sum("sessions", filter=~internal),
            internal=Count("id", filter=internal),
        )
        .order_by()
    )
    none = dict.fromkeys(_incident_counts(), 0)
    out = {}
    for pid in pupil_ids:
        s: dict[str, Any] = suspensions.get(pid, {})
        out[pid] = _summary(
            incidents.get(pid, none), s.get("n", 0), s.get("sessions") or 0, s.get("internal", 0), start, end
        )
    return out


def _by_pupil(rows: Any) -> dict[int, dict[str, Any]]:
    """Rows of `values("pupil_id").annotate(…)` by pupil id, without the id."""
    out: dict[int, dict[str, Any]] = {}
    for row in rows:
        figures = dict(row)
        out[figures.pop("pupil_id")] = figures
    return out


RECENT_DAYS = 7


def recent_behaviour(user: Any, *, now: datetime.datetime) -> dict[str, int]:
    """What the user may see of the last 7 days, today included: negative incidents, positive entries and
    suspensions begun. Nothing after `now` counts (an entry dated ahead is not recent)."""
    today = timezone.localdate(now)
    since = today - datetime.timedelta(days=RECENT_DAYS - 1)
    incidents = visible_incidents(user).filter(occurred_at__date__gte=since, occurred_at__lte=now)
    return {
        "negative": incidents.filter(kind=Incident.Kind.NEGATIVE).count(),
        "positive": incidents.filter(kind=Incident.Kind.POSITIVE).count(),
        "suspensions": Suspension.objects.filter(
            pupil__in=visible_pupils(user),
            starts_on__gte=since,
            starts_on__lte=today,
            withdrawn_at__isnull=True,
        ).count(),
    }


def pupil_suspensions(pupil: Any) -> QuerySet:
    return Suspension.objects.filter(pupil=pupil).select_related("decided_by").order_by("-starts_on")


def decision_makers(organisation: Any, *, keep: Any = None) -> QuerySet:
    """Who may be named as having decided a suspension: the school's senior leaders (the headteacher, or the
    acting headteacher in their absence), active staff; `keep` stays listed (a decision already recorded)."""
    from django.contrib.auth import get_user_model

    from access.models import RoleAssignment
    from access.roles import Role

    leaders = RoleAssignment.objects.current().filter(organisation=organisation, role=Role.SENIOR_LEADER)
    chosen = Q(
        pk__in=leaders.values("user_id"),
        staff_records__organisation=organisation,
        staff_records__is_active=True,
    )
    if keep is not None:
        chosen |= Q(pk=getattr(keep, "pk", keep))
    return get_user_model().objects.filter(chosen).order_by("full_name").distinct()


def letter_context(suspension: Suspension, *, today: datetime.date) -> dict[str, Any]:
    """What the letter to parents says: to whom (those with parental responsibility, never a contact the school must
    not contact), the school days away, the day back, and whether the governors must meet."""
    recipients = [link.contact for link in parents_to_contact(suspension.pupil_id)]
    days: list[datetime.date] = []
    returns_on = None
    if suspension.ends_on:
        site = suspension.pupil.site_id
        days = calendar.school_days_between(
            suspension.organisation_id, suspension.starts_on, suspension.ends_on, site
        )
        returns_on = calendar.next_school_day(suspension.organisation_id, suspension.ends_on, site)
    return {
        "suspension": suspension,
        "school": suspension.organisation,
        "pupil": suspension.pupil,
        "recipients": recipients,
        "school_days": days,
        "first_five_days": days[:5],
        "returns_on": returns_on,
        "today": today,
    }


def school_categories(organisation_id: int, *, keep: Any = None) -> QuerySet:
    """The categories offered for new entries: the school's own, less retired ones (but `keep`, the entry's own)."""
    qs = BehaviourCategory.objects.filter(organisation_id=organisation_id)
    current = Q(is_retired=False)
    if keep is not None:
        current |= Q(pk=keep.pk)
    return qs.filter(current).order_by("position", "name")


def categories_in_use(organisation_id: int) -> QuerySet:
    """Every category of the school with how many entries use it."""
    return (
        BehaviourCategory.objects.filter(organisation_id=organisation_id)
        .annotate(uses=Count("incidents"))
        .order_by("is_retired", "position", "name")
    )


def card_days(card: ReportCard) -> list[dict[str, Any]]:
    """Each day of a card with each lesson's scores and the day's share of full marks."""
    by_day: dict[datetime.date, dict[str, dict[int, ReportEntry]]] = defaultdict(lambda: defaultdict(dict))
    for entry in card.entries.all().order_by("date", "lesson"):
        by_day[entry.date][entry.lesson][entry.target_index] = entry
    days = []
    for date in sorted(by_day):
        lessons = []
        total = count = 0
        for lesson, entries in by_day[date].items():
            scores = [entries.get(i) for i in range(len(card.targets))]
            lessons.append({"lesson": lesson, "scores": scores})
            for entry in entries.values():
                total += entry.score
                count += 1
        days.append({"date": date, "lessons": lessons, "share": (total / (3 * count)) if count else None})
    return days


def card_weeks(card: ReportCard) -> list[dict[str, Any]]:
    """Each week of a card (Monday to Sunday) with each target's average score and the week's share of full
    marks: what a parent following the plan from home sees."""
    totals: dict[datetime.date, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for date, index, score in card.entries.values_list("date", "target_index", "score"):
        totals[date - datetime.timedelta(days=date.weekday())][index].append(score)
    weeks = []
    for monday in sorted(totals):
        by_target = totals[monday]
        scores = [score for values in by_target.values() for score in values]
        weeks.append(
            {
                "week_of": monday,
                "targets": [
                    (sum(by_target[i]) / len(by_target[i])) if by_target.get(i) else None
                    for i in range(len(card.targets))
                ],
                "share": sum(scores) / (3 * len(scores)),
                "percent": 100 * sum(scores) / (3 * len(scores)),
            }
        )
    return weeks


def card_share(
    card: ReportCard, start: datetime.date | None = None, end: datetime.date | None = None
) -> float | None:
    """Average score as a share of full marks (0–1), or None if nothing is recorded."""
    qs = card.entries.all()
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    avg = qs.aggregate(a=Avg("score"))["a"]
    return None if avg is None else float(avg) / 3


def card_is_failing(card: ReportCard) -> tuple[bool, str]:
    """Whether the latest days on the card show the pupil falling short, and why."""
    dates = list(
        card.entries.values_list("date", flat=True).distinct().order_by("-date")[:FAILING_WINDOW_DAYS]
    )
    if len(dates) < FAILING_WINDOW_DAYS:
        return False, "not enough days recorded yet"
    share = card_share(card, start=min(dates), end=max(dates))
    if share is not None and share < FAILING_THRESHOLD:
        return True, (
            f"report card averaged {share:.0%} of full marks over the last {FAILING_WINDOW_DAYS} recorded days "
            f"({min(dates):%d %b}–{max(dates):%d %b}), below {FAILING_THRESHOLD:.0%}"
        )
    return False, f"averaging {share:.0%}" if share is not None else "no scores"


# --- Retention ---------------------------------------------------------------------------------


RETENTION_BATCH = 500
# The incident's free text, where a pupil may be named (its links to pupils hold none).
INCIDENT_TEXT_FIELDS = ("description", "actions", "lesson", "parents_contacted_how")
PUPIL_NAME_FIELDS = ("legal_first_name", "legal_last_name", "preferred_first_name", "preferred_last_name")


@dataclass
class LeaversRecords:
    """A school's behaviour records that belong only to some pupils, and their part of incidents that stay."""

    incidents: QuerySet  # every pupil involved is one of them, and no other pupil's suspension follows it
    shared_links: QuerySet  # their links to incidents that stay (another pupil's record too)
    suspensions: QuerySet
    report_cards: QuerySet
    report_entries: QuerySet


@dataclass
class LeaversCounts:
    incidents: int = 0
    shared_links: int = 0
    suspensions: int = 0
    report_cards: int = 0
    report_entries: int = 0
    # Kept incidents whose text named a leaver (not in `total`: nothing is deleted).
    incidents_redacted: int = 0

    @property
    def total(self) -> int:
        """How many records go."""
        return self.incidents + self.shared_links + self.suspensions + self.report_cards + self.report_entries


def leavers_records(organisation: Any, pupils: QuerySet) -> LeaversRecords:
    """What retention removes for `pupils` (the school's pupils past their period, chosen by the caller).

    An incident that involves another pupil, or that another pupil's suspension follows, is that pupil's record
    too: it stays, and only the leavers' links to it go.
    """
    theirs = IncidentPupil.objects.filter(organisation=organisation, pupil__in=pupils)
    others = IncidentPupil.objects.filter(organisation=organisation).exclude(pupil__in=pupils)
    followed = Suspension.objects.filter(organisation=organisation, incident__isnull=False).exclude(
        pupil__in=pupils
    )
    incidents = (
        Incident.objects.filter(organisation=organisation, pk__in=theirs.values("incident_id"))
        .exclude(pk__in=others.values("incident_id"))
        .exclude(pk__in=followed.values("incident_id"))
    )
    cards = ReportCard.objects.filter(organisation=organisation, pupil__in=pupils)
    return LeaversRecords(
        incidents=incidents,
        shared_links=theirs.exclude(incident__in=incidents.values("pk")),
        suspensions=Suspension.objects.filter(organisation=organisation, pupil__in=pupils),
        report_cards=cards,
        report_entries=ReportEntry.objects.filter(organisation=organisation, card__in=cards.values("pk")),
    )


def leavers_counts(organisation: Any, pupils: QuerySet) -> LeaversCounts:
    """How many of each `leavers_records` holds (the dry run)."""
    records = leavers_records(organisation, pupils)
    return LeaversCounts(
        incidents=records.incidents.count(),
        shared_links=records.shared_links.count(),
        suspensions=records.suspensions.count(),
        report_cards=records.report_cards.count(),
        report_entries=records.report_entries.count(),
        incidents_redacted=sum(len(batch) for batch in leavers_redactions(organisation, pupils)),
    )


def leavers_redactions(organisation: Any, pupils: QuerySet) -> Iterator[list[Incident]]:
    """The incidents that stay for other pupils and whose free text names one of `pupils` who is leaving them, in
    batches, each with its text as it will read once those names are taken out (not saved: see
    `behaviour.redaction`).

    The kept pupils on an incident are those linked to it and those whose suspension follows it; their names, and
    the incident's member of staff's and recorder's, are not taken out.
    """
    leaving = set(leavers_records(organisation, pupils).shared_links.values_list("incident_id", "pupil_id"))
    incident_ids = sorted({incident_id for incident_id, _ in leaving})
    names = [f"pupil__{field}" for field in PUPIL_NAME_FIELDS]
    for start in range(0, len(incident_ids), RETENTION_BATCH):
        batch = incident_ids[start : start + RETENTION_BATCH]
        leavers: defaultdict[int | None, list[Any]] = defaultdict(list)
        kept: defaultdict[int | None, list[Any]] = defaultdict(list)
        links = IncidentPupil.objects.filter(incident_id__in=batch).select_related("pupil")
        for link in links.only("incident", "pupil", *names):
            side = leavers if (link.incident_id, link.pupil_id) in leaving else kept
            side[link.incident_id].append(link.pupil)
        following = Suspension.objects.filter(incident_id__in=batch).exclude(pupil__in=pupils)
        for suspension in following.select_related("pupil").only("incident", "pupil", *names):
            kept[suspension.incident_id].append(suspension.pupil)
        incidents = Incident.objects.filter(pk__in=batch).select_related("staff", "recorded_by")
        redacted = []
        for incident in incidents.only(*INCIDENT_TEXT_FIELDS, "staff__full_name", "recorded_by__full_name"):
            redact = leavers_redactor(
                leavers=leavers[incident.pk],
                kept=kept[incident.pk],
                staff_names=[incident.staff.full_name, incident.recorded_by.full_name],
            )
            changed = False
            for field in INCIDENT_TEXT_FIELDS:
                text = redact(getattr(incident, field))
                # A placeholder longer than the name may not fit a short field: it is cut, never left longer.
                text = text[: getattr(Incident._meta.get_field(field), "max_length", None)]
                if text != getattr(incident, field):
                    setattr(incident, field, text)
                    changed = True
            if changed:
                redacted.append(incident)
        if redacted:
            yield redacted


# --- Notices of a suspension ------------------------------------------------------------------------------------

#: More suspended sessions than this in one term and the governing board and local authority are told at once.
TERM_SESSIONS_NOTIFIED_AT_ONCE = 10


@dataclass(frozen=True)
class NoticeParty:
    """One party the suspension guidance says to tell: whether now or in the termly return, and whether done."""

    party: str
    label: str
    name: str
    email: str
    why: str
    now: bool
    sent_at: datetime.datetime | None = None

    @property
    def can_send(self) -> bool:
        return self.now and bool(self.email) and self.sent_at is None


def suspended_sessions_in_term(suspension: Suspension) -> tuple[int, Any]:
    """The pupil's suspended sessions in the term of `suspension` (withdrawn ones not counted), and the term
    (None when the school records no term dates: then this suspension alone is counted)."""
    from organisations.models import Term

    term = Term.objects.filter(
        organisation_id=suspension.organisation_id,
        starts_on__lte=suspension.starts_on,
        ends_on__gte=suspension.starts_on,
    ).first()
    if term is None:
        return suspension.sessions, None
    total = Suspension.objects.filter(
        organisation_id=suspension.organisation_id,
        pupil_id=suspension.pupil_id,
        kind=Suspension.Kind.SUSPENSION,
        withdrawn_at__isnull=True,
        starts_on__range=(term.starts_on, term.ends_on),
    ).aggregate(total=Sum("sessions"))["total"]
    return total or 0, term


def _board_reason(suspension: Suspension, *, misses_exam: bool) -> tuple[bool, str]:
    if suspension.kind == Suspension.Kind.PERMANENT:
        return True, "a permanent exclusion: without delay"
    if misses_exam:
        return True, "the pupil will miss a public examination or national curriculum test: without delay"
    if suspension.kind == Suspension.Kind.SUSPENSION:
        sessions, term = suspended_sessions_in_term(suspension)
        where = f"the {term.get_kind_display().lower()} term" if term else "this suspension (no term dates)"
        if sessions > TERM_SESSIONS_NOTIFIED_AT_ONCE:
            return True, f"{sessions / 2:g} school days suspended in {where}, more than five: without delay"
        return False, f"{sessions / 2:g} school days suspended in {where}: in the termly return"
    return False, "an internal exclusion: not notified"


def suspension_parties(suspension: Suspension, *, misses_exam: bool = False) -> list[NoticeParty]:
    """Who must be told of `suspension`, by the DfE guidance: parents and carers with parental responsibility
    (never a contact marked "no contact") and the pupil's social worker, without delay; the governing board and
    the local authority without delay for a permanent exclusion, more than five school days' suspension in a term
    or a missed public examination, otherwise in the termly return. Each with the notice already sent, if any."""
    from behaviour.models import NoticeAddresses, SuspensionNotice

    sent = {
        (n.party, n.email.lower()): n.sent_at for n in SuspensionNotice.objects.filter(suspension=suspension)
    }
    parties: list[NoticeParty] = []
    from people.selectors import contacts_to_contact

    links = contacts_to_contact(suspension.pupil_id)
    external = suspension.kind != Suspension.Kind.INTERNAL
    for link in links:
        if link.relationship == link.Relationship.SOCIAL_WORKER:
            kind, why = SuspensionNotice.Party.SOCIAL_WORKER, "the pupil's social worker: without delay"
        elif link.has_parental_responsibility:
            kind, why = (
                SuspensionNotice.Party.PARENT,
                "parental responsibility: without delay, with the letter",
            )
        else:
            continue
        email = link.contact.email
        parties.append(
            NoticeParty(
                party=kind,
                label=SuspensionNotice.Party(kind).label,
                name=str(link.contact),
                email=email,
                why=why if email else why + " (no e-mail address: tell them another way)",
                now=external,
                sent_at=sent.get((kind, email.lower())),
            )
        )
    addresses = NoticeAddresses.objects.filter(organisation_id=suspension.organisation_id).first()
    now, why = _board_reason(suspension, misses_exam=misses_exam)
    for kind, email in (
        (SuspensionNotice.Party.GOVERNORS, addresses.governors_email if addresses else ""),
        (SuspensionNotice.Party.LOCAL_AUTHORITY, addresses.local_authority_email if addresses else ""),
    ):
        parties.append(
            NoticeParty(
                party=kind,
                label=SuspensionNotice.Party(kind).label,
                name=SuspensionNotice.Party(kind).label,
                email=email,
                why=why
                if email or not now
                else why + " (no e-mail address set: add it in the notice settings)",
                now=now,
                sent_at=sent.get((kind, email.lower())),
            )
        )
    return parties


# --- Counts for the statistics dashboard (insights) -------------------------------------------------------


def _positive_and_negative(
    organisation_ids: list[int], pupils: Any, first: datetime.datetime, after: datetime.datetime
) -> QuerySet[IncidentPupil]:
    return IncidentPupil.objects.filter(
        organisation_id__in=organisation_ids,
        pupil_id__in=pupils,
        incident__occurred_at__gte=first,
        incident__occurred_at__lt=after,
        incident__kind__in=("positive", "negative"),
    )


def incident_counts(
    organisation_ids: list[int], pupils: Any, first: datetime.datetime, after: datetime.datetime
) -> tuple[dict[int, int], dict[int, int]]:
    """Positive and negative incidents per pupil of `pupils` (ids or a subquery) between two instants (one
    grouped query)."""
    positive: dict[int, int] = {}
    negative: dict[int, int] = {}
    for pupil_id, kind, n in (
        _positive_and_negative(organisation_ids, pupils, first, after)
        .values_list("pupil_id", "incident__kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        (positive if kind == "positive" else negative)[pupil_id] = n
    return positive, negative


def incidents_by_month(
    organisation_ids: list[int], pupils: Any, first: datetime.datetime, after: datetime.datetime
) -> dict[datetime.date, dict[str, int]]:
    """First day of each month -> positive and negative incidents of `pupils` that month (one grouped query)."""
    from django.db.models.functions import TruncMonth

    months: dict[datetime.date, dict[str, int]] = {}
    for month, kind, n in (
        _positive_and_negative(organisation_ids, pupils, first, after)
        .annotate(month=TruncMonth("incident__occurred_at"))
        .values_list("month", "incident__kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        day = month.date() if isinstance(month, datetime.datetime) else month
        months.setdefault(day, {"positive": 0, "negative": 0})[kind] += n
    return months


def suspension_counts(
    organisation_ids: list[int], pupils: Any, start: datetime.date, end: datetime.date
) -> tuple[dict[int, int], dict[int, int]]:
    """Suspensions and permanent exclusions per pupil starting in [start, end], not withdrawn (internal ones
    not counted): one grouped query."""
    suspended: dict[int, int] = {}
    excluded: dict[int, int] = {}
    for pupil_id, kind, n in (
        Suspension.objects.filter(
            organisation_id__in=organisation_ids,
            pupil_id__in=pupils,
            starts_on__gte=start,
            starts_on__lte=end,
            withdrawn_at__isnull=True,
            kind__in=(Suspension.Kind.SUSPENSION, Suspension.Kind.PERMANENT),
        )
        .values_list("pupil_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        (suspended if kind == Suspension.Kind.SUSPENSION else excluded)[pupil_id] = n
    return suspended, excluded
