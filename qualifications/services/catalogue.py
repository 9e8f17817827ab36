"""Writes for the catalogue: loading programme content, cloning editions for the annual review, clusters, training days, facilitators, session attendance and mentor training sessions."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.models import RoleAssignment
from access.roles import Role
from audit.models import AuditEvent
from audit.services import record_event
from organisations.models import AcademicYear, Organisation
from qualifications.models import (
    Activity,
    Cluster,
    ClusterFacilitator,
    Edition,
    Enrolment,
    FeeRule,
    Level,
    MentorTrainingSession,
    Module,
    Programme,
    SessionAttendance,
    TrainingDay,
)
from qualifications.selectors import attendance_opens_on, is_attendance_open, mentor_session_removal_refusal
from qualifications.services.bookings import promote_waiting

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


DATA_FILES = ("plq-senior-2022-23.json", "plqj-junior-2025-26.json", "isqam-2023-24.json")


def academic_year_named(name: str) -> AcademicYear:
    """The academic year called `name` ("2022-23"), created (1 September to 31 August) if missing."""
    start = int(name[:4])
    year, _ = AcademicYear.objects.get_or_create(
        name=name,
        defaults={"starts_on": datetime.date(start, 9, 1), "ends_on": datetime.date(start + 1, 8, 31)},
    )
    return year


@transaction.atomic
def edition_load_file(*, provider: Organisation, university: Organisation | None, path: Path) -> Edition:
    """Load one transcribed programme document; an edition already loaded is left as it is."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    p, e = data["programme"], data["edition"]
    programme, _ = Programme.objects.get_or_create(
        organisation=provider,
        code=p["code"],
        defaults={
            "name": p["name"],
            "audience": p["audience"],
            "aims": p["aims"],
            "university_partner": university,
        },
    )
    year = academic_year_named(e["academic_year"])
    existing = Edition.objects.filter(programme=programme, academic_year=year).first()
    if existing:
        return existing
    edition = _loaded_edition(
        provider=provider, programme=programme, year=year, e=e, source=data["source_document"]
    )
    for fee in e["fees"]:
        FeeRule.objects.create(
            organisation=provider,
            edition=edition,
            delivery_model=fee["delivery_model"],
            is_member=fee["is_member"],
            amount=Decimal(fee["amount"]),
        )
    for lv in data["levels"]:
        _load_level(provider=provider, edition=edition, lv=lv)
    record_event(
        action=AuditEvent.Action.IMPORT,
        obj=edition,
        organisation_id=provider.pk,
        note=f"Loaded {edition} from {data['source_document']}",
    )
    return edition


def _loaded_edition(
    *, provider: Organisation, programme: Programme, year: AcademicYear, e: dict[str, Any], source: str
) -> Edition:
    """The edition a document describes (`e`, its "edition" part), published."""
    edition = Edition(
        organisation=provider,
        programme=programme,
        academic_year=year,
        title=e["title"],
        overview=e["overview"],
        structure_note=e["structure_note"],
        prerequisites=e["prerequisites"],
        delivery_note=e["delivery_note"],
        mentor_note=e["mentor_note"],
        review_note=e["review_note"],
        fee_note=e["fee_note"],
        fee_includes=e["fee_includes"],
        booking_note=e["booking_note"],
        portfolio_deadline=datetime.date.fromisoformat(e["portfolio_deadline"]),
        member_associations=e["member_associations"],
        source_document=source,
        aspiring_note=e["aspiring"]["text"],
        aspiring_requires_head_discussion=e["aspiring"]["requires_head_discussion"],
        planned_clusters=e["planned_clusters"],
        is_published=True,
    )
    edition.full_clean()
    edition.save()
    return edition


def _load_level(*, provider: Organisation, edition: Edition, lv: dict[str, Any]) -> None:
    """One level of a document (`lv`): its modules and their activities, in order."""
    level = Level.objects.create(
        organisation=provider, edition=edition, number=lv["number"], summary=lv["summary"]
    )
    for m in lv["modules"]:
        module = Module.objects.create(
            organisation=provider,
            edition=edition,
            level=level,
            number=m["number"],
            title=m["title"],
            content=m["content"],
            explores=m["explores"],
            enables=m["enables"],
            delivered_by=m["delivered_by"],
        )
        Activity.objects.bulk_create(
            Activity(
                organisation=provider,
                module=module,
                position=i,
                **{k: a[k] for k in ACTIVITY_FIELDS},
                requires_difficult_issue=a.get("requires_difficult_issue", False),
            )
            for i, a in enumerate(m["activities"], start=1)
        )


ACTIVITY_FIELDS = (
    "number",
    "title",
    "kind",
    "choice_count",
    "alternatives",
    "minimum_count",
    "minimum_note",
    "aspiring_alternative",
    "notes",
    "is_structured_reflection",
)


def programmes_load_all(*, provider: Organisation, university: Organisation | None) -> list[Edition]:
    """Load the three transcribed documents (PLQ 2022-23, PLQJ 2025-26, ISQAM 2023-24)."""
    return [
        edition_load_file(provider=provider, university=university, path=DATA_DIR / name)
        for name in DATA_FILES
    ]


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# Months from September fall in the first calendar year of an academic year, the rest in the second.
FIRST_MONTH_OF_YEAR = 9


def move_years_in_text(text: str, *, old: AcademicYear, new: AcademicYear) -> str:
    """Move every mention of the old academic year in a text to the new one, in one pass (so 2022-23 → 2023-24
    never moves a year twice):

    - the academic year itself, however written ("2022-23", "2022/23", "2022–2023") → the new year, same style;
    - a month and year of the old academic year ("end of July 2022", "October 2022") → that month in the new
      academic year (September–December in its first calendar year, January–August in its second), which also
      puts right a document that gave the wrong calendar year for its own July;
    - the old academic year's calendar years on their own ("2022", "2023") → moved by as many years.

    Other years (a testimonial from 2017-18, the Regulations 2014) are left alone."""
    start, end = old.starts_on.year, old.ends_on.year
    new_start, new_end = new.starts_on.year, new.ends_on.year
    shift = new_start - start
    pattern = re.compile(
        rf"\b(?P<ay>{start})(?P<sep>\s*[-/–]\s*)(?P<ay_end>{end}|{end % 100:02d})\b"
        rf"|\b(?P<month>{'|'.join(MONTHS)})(?P<gap>,?\s+)(?P<my>{start}|{end})\b"
        rf"|\b(?P<year>{start}|{end})\b"
    )

    def moved(m: re.Match[str]) -> str:
        if m.group("ay"):
            tail = str(new_end) if len(m.group("ay_end")) == 4 else f"{new_end % 100:02d}"
            return f"{new_start}{m.group('sep')}{tail}"
        if m.group("month"):
            month = m.group("month")
            year = new_start if MONTHS.index(month) + 1 >= FIRST_MONTH_OF_YEAR else new_end
            return f"{month}{m.group('gap')}{year}"
        return str(int(m.group("year")) + shift)

    return pattern.sub(moved, text)


EDITION_TEXT_FIELDS = (
    "title",
    "overview",
    "structure_note",
    "delivery_note",
    "mentor_note",
    "review_note",
    "fee_note",
    "fee_includes",
    "booking_note",
    "aspiring_note",
)


MODULE_TEXT_FIELDS = ("title", "content")


ACTIVITY_TEXT_FIELDS = ("title", "minimum_note", "aspiring_alternative", "notes")


def _move_years(value: Any, *, old: AcademicYear, new: AcademicYear) -> Any:
    """move_years_in_text over a text, or every text inside a JSON list or dict."""
    if isinstance(value, str):
        return move_years_in_text(value, old=old, new=new)
    if isinstance(value, list):
        return [_move_years(v, old=old, new=new) for v in value]
    if isinstance(value, dict):
        return {k: _move_years(v, old=old, new=new) for k, v in value.items()}
    return value


def _move_fields(obj: Any, names: tuple[str, ...], *, old: AcademicYear, new: AcademicYear) -> None:
    for name in names:
        setattr(obj, name, _move_years(getattr(obj, name), old=old, new=new))


@transaction.atomic
def edition_clone(*, actor: Any, edition: Edition, academic_year: AcademicYear) -> Edition:
    """Copy an edition (levels, modules, activities, fees) into a new year, unpublished, for the annual review.
    Every year and date in the copied text is moved to the new academic year (move_years_in_text).

    Participants already enrolled keep the edition they started: nothing of the old edition changes.
    """
    if Edition.objects.filter(programme=edition.programme, academic_year=academic_year).exists():
        raise ValidationError(f"{edition.programme.code} already has an edition for {academic_year}.")
    old_pk = edition.pk
    old = Edition.objects.get(pk=old_pk)
    new = Edition.objects.get(pk=old_pk)
    new.pk = None
    new.academic_year = academic_year
    years = {"old": old.academic_year, "new": academic_year}
    _move_fields(new, EDITION_TEXT_FIELDS, **years)
    new.prerequisites = _move_years(old.prerequisites, **years)
    new.portfolio_deadline = datetime.date(academic_year.ends_on.year, 7, 31)
    new.cloned_from = old
    new.is_published = False
    new.planned_clusters = []
    new.full_clean()
    new.save()
    for rule in old.fee_rules.filter(retired_at__isnull=True):
        FeeRule.objects.create(
            organisation=rule.organisation,
            edition=new,
            delivery_model=rule.delivery_model,
            is_member=rule.is_member,
            amount=rule.amount,
        )
    for level in old.levels.all():
        new_level = Level.objects.create(
            organisation=level.organisation,
            edition=new,
            number=level.number,
            summary=move_years_in_text(level.summary, **years),
        )
        for module in level.modules.all():
            activities = list(module.activities.all())
            module.pk = None
            module.edition = new
            module.level = new_level
            _move_fields(module, MODULE_TEXT_FIELDS, **years)
            module.explores = _move_years(module.explores, **years)
            module.enables = _move_years(module.enables, **years)
            module.save()
            for activity in activities:
                activity.pk = None
                activity.module = module
                _move_fields(activity, ACTIVITY_TEXT_FIELDS, **years)
                activity.alternatives = _move_years(activity.alternatives, **years)
            Activity.objects.bulk_create(activities)
    record_event(
        action=AuditEvent.Action.CREATE,
        actor=actor,
        obj=new,
        organisation_id=edition.organisation_id,
        note=f"Cloned {old} into {new} for the annual review; years and dates in its text moved from "
        f"{old.academic_year.name} to {academic_year.name}",
    )
    return new


@transaction.atomic
def edition_update(
    *,
    actor: Any,
    edition: Edition,
    title: str,
    portfolio_deadline: datetime.date,
    refund_before_start_percent: int,
    refund_after_start_percent: int,
    payment_terms_days: int,
    overview: str = "",
    delivery_note: str = "",
    mentor_note: str = "",
    review_note: str = "",
    fee_note: str = "",
    fee_includes: str = "",
    booking_note: str = "",
    is_published: bool = False,
) -> Edition:
    """Change what an edition says and whether it is open for bookings (every change is in the audit log)."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    edition.title, edition.portfolio_deadline, edition.is_published = title, portfolio_deadline, is_published
    edition.overview, edition.delivery_note, edition.mentor_note = overview, delivery_note, mentor_note
    edition.review_note, edition.fee_note, edition.fee_includes = review_note, fee_note, fee_includes
    edition.booking_note = booking_note
    edition.refund_before_start_percent = refund_before_start_percent
    edition.refund_after_start_percent = refund_after_start_percent
    edition.payment_terms_days = payment_terms_days
    edition.full_clean()
    edition.save()
    return edition


@transaction.atomic
def activity_update(
    *,
    actor: Any,
    activity: Activity,
    title: str,
    kind: str,
    choice_count: int | None = None,
    minimum_count: int | None = None,
    minimum_note: str = "",
    requires_difficult_issue: bool = False,
    aspiring_alternative: str = "",
    notes: str = "",
) -> Activity:
    """Change an activity of an edition's module (every change is in the audit log)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    activity.title, activity.kind, activity.notes = title, kind, notes
    activity.choice_count, activity.minimum_count, activity.minimum_note = (
        choice_count,
        minimum_count,
        minimum_note,
    )
    activity.requires_difficult_issue = requires_difficult_issue
    activity.aspiring_alternative = aspiring_alternative
    activity.full_clean()
    activity.save()
    return activity


def cluster_create(
    *,
    actor: Any,
    edition: Edition,
    name: str,
    level: Level,
    delivery_model: str,
    capacity: int,
    venue: str = "",
    online_link: str = "",
    is_open: bool = True,
) -> Cluster:
    cluster = Cluster(
        organisation=edition.organisation,
        edition=edition,
        name=name,
        level=level,
        delivery_model=delivery_model,
        capacity=capacity,
        venue=venue,
        online_link=online_link,
        is_open=is_open,
    )
    cluster.full_clean()
    cluster.save()
    return cluster


def cluster_update(
    *,
    actor: Any,
    cluster: Cluster,
    name: str,
    level: Level,
    delivery_model: str,
    capacity: int,
    venue: str = "",
    online_link: str = "",
    is_open: bool = True,
) -> tuple[Cluster, list[Enrolment]]:
    """Change a cluster's details; when its capacity grows, the waiting list moves up. Returns the cluster as saved
    and those promoted."""
    with transaction.atomic():
        locked = Cluster.objects.select_for_update().get(pk=cluster.pk)
        locked.name, locked.level, locked.delivery_model = name, level, delivery_model
        locked.capacity, locked.venue, locked.online_link, locked.is_open = (
            capacity,
            venue,
            online_link,
            is_open,
        )
        locked.full_clean()
        locked.save()
        return locked, promote_waiting(locked)


@transaction.atomic
def training_day_create(
    *,
    actor: Any,
    cluster: Cluster,
    term: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    modules: Iterable[Module] = (),
    venue: str = "",
    online_link: str = "",
) -> TrainingDay:
    day = TrainingDay(
        organisation=cluster.organisation,
        cluster=cluster,
        term=term,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        online_link=online_link,
    )
    day.full_clean()
    day.save()
    day.modules.set(modules)
    return day


def facilitator_assign(
    *, actor: Any, cluster: Cluster, module: Module, facilitator: Any
) -> ClusterFacilitator:
    link, _ = ClusterFacilitator.objects.get_or_create(
        organisation=cluster.organisation, cluster=cluster, module=module, facilitator=facilitator
    )
    RoleAssignment.objects.get_or_create(
        organisation=cluster.organisation,
        user=facilitator,
        role=Role.FACILITATOR,
        defaults={"starts_on": timezone.localdate()},
    )
    return link


@transaction.atomic
def attendance_record(
    *, actor: Any, training_day: TrainingDay, marks: dict[int, str], on: datetime.date | None = None
) -> int:
    """Record a mark for each enrolment id of the day's cluster (on the day or after it); returns how many."""
    on = on or timezone.localdate()
    if not is_attendance_open(training_day, on=on):
        raise ValidationError(
            f"Attendance for the training day on {attendance_opens_on(training_day):%-d %B %Y} can be taken on "
            "the day, not before it."
        )
    enrolments = {
        e.pk: e
        for e in training_day.cluster.enrolments.filter(pk__in=marks.keys(), status=Enrolment.Status.ENROLLED)
    }
    written = 0
    for pk, mark in marks.items():
        if pk not in enrolments or mark not in SessionAttendance.Mark.values:
            continue
        SessionAttendance.objects.update_or_create(
            training_day=training_day,
            enrolment=enrolments[pk],
            defaults={"organisation": training_day.organisation, "mark": mark, "recorded_by": actor},
        )
        written += 1
    return written


MENTOR_SESSION_IN_PAST = (
    "A new mentor training session must start in the future: choose a later date and time."
)


def check_mentor_session_times(
    *, starts_at: datetime.datetime, ends_at: datetime.datetime, now: datetime.datetime
) -> dict[str, str]:
    """What is wrong with a mentor training session's times, by field: it must start after `now` (mentors can only
    sign up for sessions still to come) and end after it starts. The form asks this with its other checks, the
    services again."""
    errors = {}
    if starts_at <= now:
        errors["starts_at"] = MENTOR_SESSION_IN_PAST
    if ends_at <= starts_at:
        errors["ends_at"] = "The session must end after it starts."
    return errors


def mentor_session_create(
    *,
    actor: Any,
    edition: Edition,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    online_link: str = "",
    capacity: int = 100,
    now: datetime.datetime | None = None,
) -> MentorTrainingSession:
    """Add an optional online training session for the edition's mentors; it must start in the future."""
    errors = check_mentor_session_times(starts_at=starts_at, ends_at=ends_at, now=now or timezone.now())
    if errors:
        raise ValidationError(errors)
    session = MentorTrainingSession(
        organisation=edition.organisation,
        edition=edition,
        starts_at=starts_at,
        ends_at=ends_at,
        online_link=online_link,
        capacity=capacity,
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def mentor_session_update(
    *,
    actor: Any,
    session: MentorTrainingSession,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    online_link: str = "",
    capacity: int = 100,
    now: datetime.datetime | None = None,
) -> MentorTrainingSession:
    """Change a session still to come: it must still start in the future and hold the mentors already booked."""
    now = now or timezone.now()
    locked = MentorTrainingSession.objects.select_for_update().get(pk=session.pk)
    if locked.starts_at <= now:
        raise ValidationError("This session has taken place and can no longer be changed.")
    errors = check_mentor_session_times(starts_at=starts_at, ends_at=ends_at, now=now)
    booked = locked.mentor_places.count()
    if capacity < booked:
        errors["capacity"] = (
            f"{booked} mentors are booked on this session: the capacity cannot be below that."
        )
    if errors:
        raise ValidationError(errors)
    locked.starts_at, locked.ends_at, locked.online_link, locked.capacity = (
        starts_at,
        ends_at,
        online_link,
        capacity,
    )
    locked.full_clean()
    locked.save(update_fields=["starts_at", "ends_at", "online_link", "capacity"])
    return locked


@transaction.atomic
def mentor_session_remove(
    *, actor: Any, session: MentorTrainingSession, now: datetime.datetime | None = None
) -> list[Enrolment]:
    """Remove a session; returns the places whose mentors were booked on it, now booked on none.

    A session still to come may be removed with mentors booked (the page names them first): they are taken off it
    and can choose another. A session that has taken place with mentors booked is refused: it is the record of
    their training. One that has taken place with nobody booked (added by mistake) may go."""
    locked = MentorTrainingSession.objects.select_for_update().get(pk=session.pk)
    places = list(locked.mentor_places.select_related("mentor", "participant"))
    refusal = mentor_session_removal_refusal(locked, booked=len(places), now=now or timezone.now())
    if refusal:
        raise ValidationError(refusal)
    for place in places:  # one by one, so each place's change is audited
        place.mentor_session = None
        place.save(update_fields=["mentor_session"])
    locked.delete()
    return places
