"""Writes for qualifications: loading programme content, cloning editions, fees, bookings, cancellations."""

from __future__ import annotations

import datetime
import functools
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from access.models import RoleAssignment
from access.roles import Role
from audit.models import AuditEvent
from audit.services import record_event
from organisations.models import AcademicYear, Organisation
from people.models import StaffMember
from qualifications.models import (
    ZERO_RATED_NOTE,
    Activity,
    Booking,
    Cluster,
    ClusterFacilitator,
    CreditNote,
    DeliveryModel,
    Edition,
    Enrolment,
    FeeRule,
    InvoiceCounter,
    InvoiceSettings,
    Level,
    MentorTrainingSession,
    Module,
    Programme,
    SafeguardingTraining,
    SessionAttendance,
    TrainingDay,
)
from qualifications.selectors import charged_q
from qualifications.tasks import send_credit_note, send_invoice, send_invoice_reminder, send_place_available
from qualifications.templatetags.qualifications_money import format_gbp

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_FILES = ("plq-senior-2022-23.json", "plqj-junior-2025-26.json", "isqam-2023-24.json")


# --- Programme content ------------------------------------------------------------------------


def academic_year_named(name: str) -> AcademicYear:
    """The academic year called `name` ("2022-23"), created (1 September to 31 August) if missing."""
    start = int(name[:4])
    year, _ = AcademicYear.objects.get_or_create(
        name=name,
        defaults={"starts_on": datetime.date(start, 9, 1), "ends_on": datetime.date(start + 1, 8, 31)},
    )
    return year


@transaction.atomic
def load_edition_file(*, provider: Organisation, university: Organisation | None, path: Path) -> Edition:
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
        source_document=data["source_document"],
        aspiring_note=e["aspiring"]["text"],
        aspiring_requires_head_discussion=e["aspiring"]["requires_head_discussion"],
        planned_clusters=e["planned_clusters"],
        is_published=True,
    )
    edition.full_clean()
    edition.save()
    for fee in e["fees"]:
        FeeRule.objects.create(
            organisation=provider,
            edition=edition,
            delivery_model=fee["delivery_model"],
            is_member=fee["is_member"],
            amount=Decimal(fee["amount"]),
        )
    for lv in data["levels"]:
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
    record_event(
        action=AuditEvent.Action.IMPORT,
        obj=edition,
        organisation_id=provider.pk,
        note=f"Loaded {edition} from {data['source_document']}",
    )
    return edition


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


def load_all_programmes(*, provider: Organisation, university: Organisation | None) -> list[Edition]:
    """Load the three transcribed documents (PLQ 2022-23, PLQJ 2025-26, ISQAM 2023-24)."""
    return [
        load_edition_file(provider=provider, university=university, path=DATA_DIR / name)
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
def clone_edition(*, actor: Any, edition: Edition, academic_year: AcademicYear) -> Edition:
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


def update_instance(*, actor: Any, instance: Any, data: dict[str, Any]) -> Any:
    """Apply validated form data to a provider-owned record (edition, activity, fee rule…)."""
    for name, value in data.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


# --- Clusters and training days ---------------------------------------------------------------


def create_cluster(*, actor: Any, edition: Edition, data: dict[str, Any]) -> Cluster:
    cluster = Cluster(organisation=edition.organisation, edition=edition, **data)
    cluster.full_clean()
    cluster.save()
    return cluster


@transaction.atomic
def create_training_day(*, actor: Any, cluster: Cluster, data: dict[str, Any]) -> TrainingDay:
    modules = data.pop("modules", [])
    day = TrainingDay(organisation=cluster.organisation, cluster=cluster, **data)
    day.full_clean()
    day.save()
    day.modules.set(modules)
    return day


def assign_facilitator(
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
def record_attendance(*, actor: Any, training_day: TrainingDay, marks: dict[int, str]) -> int:
    """Record a mark for each enrolment id of the day's cluster; returns how many were written."""
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


# --- Fees -------------------------------------------------------------------------------------


@dataclass
class FeeQuote:
    amount: Decimal
    is_member: bool
    associations: list[str]


def quote_fee(*, edition: Edition, delivery_model: str, school: Organisation, on: datetime.date) -> FeeQuote:
    """The fee per place for a school on a date: member rate when the school belongs to one of the edition's
    associations on that date, the other rate otherwise."""
    associations = sorted(school.associations_on(on))
    is_member = bool(set(associations) & set(edition.member_associations))
    rule = FeeRule.objects.filter(
        edition=edition, delivery_model=delivery_model, is_member=is_member, retired_at__isnull=True
    ).first()
    if rule is None:
        label = dict(DeliveryModel.choices).get(delivery_model, delivery_model)
        raise ValidationError(f"{edition} has no fee for the {label.lower()}, so it cannot be booked.")
    return FeeQuote(amount=rule.amount, is_member=is_member, associations=associations)


# --- Prerequisites and bookings ---------------------------------------------------------------


@dataclass
class PlaceRequest:
    participant: Any
    mentor: Any
    is_aspiring: bool = False
    head_discussion_on: datetime.date | None = None
    head_discussion_notes: str = ""
    ict_declared: bool = False


@dataclass
class PrerequisiteCheck:
    errors: list[str] = field(default_factory=list)  # refusals: the booking cannot go ahead
    warnings: list[str] = field(default_factory=list)  # advice: the booker is told, the booking proceeds
    notes: list[str] = field(default_factory=list)  # flags recorded on the enrolment
    safeguarding_record: SafeguardingTraining | None = None
    level1_warning: bool = False


def check_cluster_open(*, cluster: Cluster, on: datetime.date) -> PrerequisiteCheck:
    """Whether a cluster can still be booked on a date, by the rules of the edition and its training days.

    Refused: an edition whose academic year has ended (closed for bookings), and a cluster whose training days are
    all over (the fee buys access to them, so nothing of it is left). Warned: a cluster whose first training day
    has passed; the documents set no booking deadline and a late joiner still has sessions and the portfolio year
    ahead, but they have missed a training day and the refund rule after the first day applies at once."""
    result = PrerequisiteCheck()
    edition = cluster.edition
    if edition.is_closed_on(on):
        result.errors.append(
            f"{edition} is closed for bookings: its academic year ({edition.academic_year.name}) ended on "
            f"{edition.academic_year.ends_on:%-d %B %Y}."
        )
        return result
    days = sorted(cluster.training_days.all(), key=lambda d: d.starts_at)  # uses a prefetch when there is one
    if not days:
        return result
    first, last = (timezone.localtime(d.starts_at).date() for d in (days[0], days[-1]))
    if timezone.localtime(days[-1].ends_at).date() < on:
        result.errors.append(
            f"{cluster.name} is over: its last training day was {last:%-d %B %Y}, so no place can be booked on it."
        )
    elif first <= on:
        missed = sum(1 for d in days if timezone.localtime(d.starts_at).date() < on)
        result.warnings.append(
            f"{cluster.name} has started: its first training day was {first:%-d %B %Y}"
            + (
                f" and {missed} training day{'s have' if missed != 1 else ' has'} already taken place"
                if missed
                else ""
            )
            + f". A place booked now is charged in full, and if it is withdrawn or cancelled only "
            f"{edition.refund_after_start_percent}% of the fee is credited."
        )
    return result


def check_prerequisites(
    *, cluster: Cluster, school: Organisation, place: PlaceRequest, on: datetime.date
) -> PrerequisiteCheck:
    """Check one participant against the edition's prerequisites, with reasons the booker can read."""
    result = PrerequisiteCheck()
    edition, programme = cluster.edition, cluster.edition.programme
    name = place.participant.full_name
    staff = StaffMember.objects.filter(organisation=school, is_active=True)
    if not staff.filter(user=place.participant).exists():
        result.errors.append(f"{name} is not a member of staff of {school}.")
    if not staff.filter(user=place.mentor).exists():
        result.errors.append(f"The mentor {place.mentor.full_name} is not a member of staff of {school}.")
    if place.mentor == place.participant:
        result.errors.append(f"{name} cannot be their own mentor: name an experienced colleague.")
    if Enrolment.objects.filter(
        participant=place.participant,
        level__number=cluster.level.number,
        edition=edition,
        status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED],
    ).exists():
        result.errors.append(f"{name} already has a place on {edition} Level {cluster.level.number}.")
    if programme.requires_safeguarding:
        record = (
            SafeguardingTraining.objects.filter(
                organisation=school, person=place.participant, completed_on__lte=on
            )
            .order_by("-completed_on")
            .first()
        )
        if record is None:
            result.errors.append(
                f"{name} has no record of safeguarding training. The {programme.code} requires safeguarding training "
                "to the level required by the Local Safeguarding Children's Partnership before the programme begins: "
                "record the date, level and evidence first."
            )
        result.safeguarding_record = record
    if cluster.level.number == 2:
        has_level1 = Enrolment.objects.filter(
            level1_on_record_q(), participant=place.participant, level__number=1, edition__programme=programme
        ).exists()
        if not has_level1:
            result.level1_warning = True
            result.warnings.append(
                f"{name} has no {programme.code} Level 1 on record. It is advised that Level 1 is usually "
                "completed before Level 2; the booking can still go ahead."
            )
        if programme.code == Programme.Code.ISQAM and not place.ict_declared:
            result.errors.append(
                f"{name}: ISQAM Level 2 requires sufficient ICT skills and experience of basic software packages and "
                "the school management information system. Tick the declaration to confirm this."
            )
    if place.is_aspiring:
        result.notes.append(f"{name} is an aspiring leader (not yet in post).")
        if edition.aspiring_requires_head_discussion and not (
            place.head_discussion_on and place.head_discussion_notes.strip()
        ):
            result.errors.append(
                f"{name} is not yet in post: for the {programme.code} an aspiring leader may take part only after a "
                "discussion with their Head. Record the date and a note of that discussion."
            )
    return result


class BookingRefused(ValidationError):
    """A booking that cannot go ahead, with the reasons."""


# One numbering scheme for the provider's money documents: <prefix>-<year of the document's date>-<nnnnn>, each kind
# with its own unbroken sequence per provider (never reset by year), taken under a row lock on the provider's counter.
# Numbers already issued keep their values: they were made by this same scheme.
DOCUMENT_NUMBERING = {"invoice": ("INV", "last_number"), "credit_note": ("CN", "last_credit_number")}


def next_document_number(provider: Organisation, kind: str, on: datetime.date) -> str:
    """The next number of an invoice or credit note (`kind`) of a provider, dated `on`, within the caller's
    transaction."""
    prefix, counter_field = DOCUMENT_NUMBERING[kind]
    InvoiceCounter.objects.get_or_create(organisation=provider)
    counter = InvoiceCounter.objects.select_for_update().get(organisation=provider)
    number = getattr(counter, counter_field) + 1
    setattr(counter, counter_field, number)
    counter.save(update_fields=[counter_field])
    return f"{prefix}-{on.year}-{number:05d}"


def _grant(user: Any, organisation: Organisation, role: str, on: datetime.date) -> None:
    if (
        not RoleAssignment.objects.current(on)
        .filter(user=user, organisation=organisation, role=role)
        .exists()
    ):
        RoleAssignment.objects.create(user=user, organisation=organisation, role=role, starts_on=on)


def create_booking(
    *,
    actor: Any,
    cluster: Cluster,
    school: Organisation,
    places: list[PlaceRequest],
    on: datetime.date | None = None,
    purchase_order: str = "",
) -> tuple[Booking, list[str]]:
    """Book places in a cluster for staff of a school; returns the booking and the warnings given.

    Refused (BookingRefused, with every reason) when a prerequisite fails. The fee is worked out from the
    school's memberships on the booking date and frozen on the booking. Places beyond the cluster's capacity
    go on the waiting list, in order. The invoice is e-mailed to the booker once the booking commits.
    """
    on = on or timezone.localdate()
    if not places:
        raise BookingRefused("Choose at least one member of staff.")
    with transaction.atomic():
        # Lock the cluster first: the checks (a second place for the same person) and the count of places
        # taken are then consistent with concurrent bookings.
        locked = Cluster.objects.select_for_update().get(pk=cluster.pk)
        if not cluster.edition.is_published or not locked.is_open:
            raise BookingRefused(f"{cluster.name} is not open for bookings.")
        checks = [check_cluster_open(cluster=locked, on=on)]
        checks += [check_prerequisites(cluster=locked, school=school, place=p, on=on) for p in places]
        participants = [p.participant.pk for p in places]
        errors = [e for c in checks for e in c.errors]
        if len(set(participants)) != len(participants):
            errors.append("The same member of staff is named twice.")
        if errors:
            raise BookingRefused(errors)
        quote = quote_fee(edition=cluster.edition, delivery_model=locked.delivery_model, school=school, on=on)
        taken = locked.enrolments.filter(
            status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED]
        ).count()
        booking = Booking(
            organisation=school,
            provider=cluster.organisation,
            cluster=locked,
            edition=cluster.edition,
            booked_by=actor,
            booked_on=on,
            is_member=quote.is_member,
            associations=quote.associations,
            fee_per_place=quote.amount,
            invoice_number=next_document_number(cluster.organisation, "invoice", on),
            vat_rate_percent=invoice_settings(cluster.organisation).vat_rate_percent,
            payment_terms_days=cluster.edition.payment_terms_days,
            due_on=due_date(invoiced_on=on, terms_days=cluster.edition.payment_terms_days),
            purchase_order=purchase_order,
        )
        booking.full_clean()
        booking.save()
        now = timezone.now()
        for place, check in zip(places, checks[1:], strict=True):
            enrolled = taken < locked.capacity
            taken += 1 if enrolled else 0
            Enrolment.objects.create(
                organisation=school,
                provider=cluster.organisation,
                booking=booking,
                edition=cluster.edition,
                level=cluster.level,
                cluster=locked,
                participant=place.participant,
                mentor=place.mentor,
                status=Enrolment.Status.ENROLLED if enrolled else Enrolment.Status.WAITLISTED,
                fee=quote.amount,
                enrolled_at=now if enrolled else None,
                waitlisted_at=None if enrolled else now,
                safeguarding_record=check.safeguarding_record,
                ict_declared=place.ict_declared,
                level1_warning=check.level1_warning,
                is_aspiring=place.is_aspiring,
                head_discussion_on=place.head_discussion_on,
                head_discussion_notes=place.head_discussion_notes,
            )
            _grant(place.participant, school, Role.PARTICIPANT, on)
            _grant(place.mentor, school, Role.MENTOR, on)
        transaction.on_commit(lambda: send_invoice.enqueue(booking.pk))
    return booking, [w for c in checks for w in c.warnings]


def _promote_waiting(cluster: Cluster) -> list[Enrolment]:
    """Fill free places from the waiting list, first come first served (cluster row already locked)."""
    taken = cluster.enrolments.filter(
        status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED]
    ).count()
    promoted = []
    waiting = cluster.enrolments.filter(status=Enrolment.Status.WAITLISTED).order_by("waitlisted_at", "pk")
    for enrolment in waiting[: max(cluster.capacity - taken, 0)]:
        enrolment.status = Enrolment.Status.ENROLLED
        enrolment.enrolled_at = timezone.now()
        enrolment.save(update_fields=["status", "enrolled_at"])
        promoted.append(enrolment)
        transaction.on_commit(functools.partial(send_place_available.enqueue, enrolment.pk))
    return promoted


@dataclass
class Cancellation:
    """What a cancellation did: the credit notes issued for invoiced places and those moved up from the waiting
    list."""

    credit_notes: list[CreditNote] = field(default_factory=list)
    promoted: list[Enrolment] = field(default_factory=list)


def cancel_enrolment(*, actor: Any, enrolment: Enrolment, today: datetime.date | None = None) -> Cancellation:
    """Cancel one place; the first on the waiting list takes it. One transaction, audited.

    A place already on the booking's invoice (enrolled) stays charged there and, when the edition's refund rule
    gives anything back on `today`, a numbered credit note offsets it, as for a withdrawal. A waiting-list place
    was never charged, so it is simply dropped."""
    today = today or timezone.localdate()
    with transaction.atomic():
        cluster = Cluster.objects.select_for_update().get(pk=enrolment.cluster_id)
        enrolment = (
            Enrolment.objects.select_for_update()
            .select_related("edition", "booking", "participant")
            .get(pk=enrolment.pk)
        )
        if enrolment.status not in (Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED):
            raise ValidationError(
                f"{enrolment.participant.full_name}'s place is {enrolment.get_status_display().lower()}, "
                "so it cannot be cancelled."
            )
        refund = quote_cancellation(enrolment=enrolment, on=today)
        enrolment.status = Enrolment.Status.CANCELLED
        enrolment.cancelled_at = timezone.now()
        enrolment.is_charged_when_cancelled = refund is not None
        enrolment.save(update_fields=["status", "cancelled_at", "is_charged_when_cancelled"])
        credit = (
            _issue_credit_note(actor=actor, enrolment=enrolment, refund=refund, on=today, today=today)
            if refund
            else None
        )
        promoted = _promote_waiting(cluster)
        booking = enrolment.booking
        if not booking.enrolments.exclude(status=Enrolment.Status.CANCELLED).exists():
            booking.status = Booking.Status.CANCELLED
            booking.cancelled_at = timezone.now()
            booking.save(update_fields=["status", "cancelled_at"])
        record_event(
            action=AuditEvent.Action.UPDATE,
            actor=actor,
            obj=enrolment,
            organisation_id=enrolment.organisation_id,
            note=f"Cancelled {enrolment.participant.full_name}'s place on {cluster}. "
            + _credit_sentence(refund, credit)
            + _promoted_sentence(promoted),
        )
    return Cancellation(credit_notes=[credit] if credit else [], promoted=promoted)


def cancel_booking(*, actor: Any, booking: Booking, today: datetime.date | None = None) -> Cancellation:
    """Cancel every active place of a booking in one transaction, promoting from the waiting list and crediting
    invoiced places by the refund rule. `promoted` holds only places of other bookings."""
    result = Cancellation()
    with transaction.atomic():
        Cluster.objects.select_for_update().get(pk=booking.cluster_id)
        for enrolment in booking.enrolments.filter(
            status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED]
        ).order_by("pk"):
            one = cancel_enrolment(actor=actor, enrolment=enrolment, today=today)
            result.credit_notes += one.credit_notes
            result.promoted += one.promoted
        booking.refresh_from_db()
        if booking.status != Booking.Status.CANCELLED:
            booking.status = Booking.Status.CANCELLED
            booking.cancelled_at = timezone.now()
            booking.save(update_fields=["status", "cancelled_at"])
    result.promoted = [p for p in result.promoted if p.booking_id != booking.pk]
    return result


def set_paid(*, actor: Any, booking: Booking, paid: bool, on: datetime.date | None = None) -> Booking:
    booking.paid = paid
    booking.paid_on = (on or timezone.localdate()) if paid else None
    booking.full_clean()
    booking.save(update_fields=["paid", "paid_on"])
    return booking


def send_invoice_again(*, actor: Any, booking: Booking) -> None:
    """E-mail the booking's current invoice to its booker again once the transaction commits; audited."""
    with transaction.atomic():
        record_event(
            action=AuditEvent.Action.EXPORT,
            actor=actor,
            obj=booking,
            organisation_id=booking.organisation_id,
            note=f"Invoice {booking.invoice_number} e-mailed again to {booking.booked_by.email}.",
        )
        transaction.on_commit(lambda: send_invoice.enqueue(booking.pk, again=True))


def due_date(*, invoiced_on: datetime.date, terms_days: int) -> datetime.date:
    """When an invoice dated `invoiced_on` falls due under payment terms of `terms_days`."""
    return invoiced_on + datetime.timedelta(days=terms_days)


def is_overdue(booking: Booking, *, today: datetime.date | None = None) -> bool:
    """Unpaid, with money still owed after credit notes, and past its due date."""
    today = today or timezone.localdate()
    return not booking.paid and booking.due_on < today and invoice_total(booking) > 0


def send_payment_reminder(*, actor: Any, booking: Booking, today: datetime.date | None = None) -> Booking:
    """E-mail the booker a payment reminder for an overdue invoice, its current PDF attached, once the transaction
    commits; records when it was sent and audits it. Refused (ValidationError) unless the invoice is overdue."""
    today = today or timezone.localdate()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",)).select_related("booked_by").get(pk=booking.pk)
        )
        if not is_overdue(booking, today=today):
            raise ValidationError(
                f"Invoice {booking.invoice_number} is not overdue (paid, nothing owed, or not yet due), "
                "so no reminder was sent."
            )
        booking.last_reminder_at = timezone.now()
        booking.save(update_fields=["last_reminder_at"])
        record_event(
            action=AuditEvent.Action.EXPORT,
            actor=actor,
            obj=booking,
            organisation_id=booking.organisation_id,
            note=f"Payment reminder for invoice {booking.invoice_number} (due {booking.due_on:%Y-%m-%d}) "
            f"e-mailed to {booking.booked_by.email}.",
        )
        transaction.on_commit(lambda: send_invoice_reminder.enqueue(booking.pk))
    return booking


def invoice_settings(provider: Organisation) -> InvoiceSettings:
    """The provider's invoice settings (payment method, bank details, VAT), unsaved defaults when it has none:
    zero-rated, paid by BACS bank transfer."""
    found = InvoiceSettings.objects.filter(organisation=provider).first()
    return found or InvoiceSettings(organisation=provider)


@transaction.atomic
def save_invoice_settings(*, actor: Any, provider: Organisation, data: dict[str, Any]) -> InvoiceSettings:
    """Set the provider's invoice settings; bookings already invoiced keep the VAT rate frozen on them. Audited."""
    settings_ = InvoiceSettings.objects.select_for_update().filter(organisation=provider).first()
    settings_ = settings_ or InvoiceSettings(organisation=provider)
    for name, value in data.items():
        setattr(settings_, name, value)
    settings_.full_clean()
    settings_.save()
    record_event(
        action=AuditEvent.Action.UPDATE,
        actor=actor,
        obj=settings_,
        organisation_id=provider.pk,
        note=f"Invoice settings saved (VAT rate {settings_.vat_rate_percent}%).",
    )
    return settings_


def vat_line(booking: Booking, total: Decimal, settings_: InvoiceSettings) -> str:
    """The invoice's VAT line: the zero-rating words, or the VAT the (VAT-inclusive) total contains at the rate
    frozen on the booking."""
    rate = booking.vat_rate_percent
    if not rate:
        return settings_.zero_rated_note or ZERO_RATED_NOTE
    vat = (total * rate / (Decimal(100) + rate)).quantize(Decimal("0.01"))
    return f"VAT at {rate.normalize():f}% included: {format_gbp(vat)}"


def invoice_lines(booking: Booking) -> list[Enrolment]:
    """The places charged on a booking's invoice: enrolled, completed, withdrawn or cancelled after it was
    invoiced; never a waiting-list place."""
    return list(
        booking.enrolments.filter(charged_q())
        .select_related("participant", "mentor", "level")
        .order_by("participant__full_name")
    )


def invoice_charges(booking: Booking) -> Decimal:
    """The sum of the places charged, before credit notes."""
    return sum((e.fee for e in invoice_lines(booking)), Decimal("0.00"))


def credits_total(booking: Booking) -> Decimal:
    return sum((c.amount for c in booking.credit_notes.all()), Decimal("0.00"))


def invoice_total(booking: Booking) -> Decimal:
    """What the school owes on the booking: the places charged less any credit notes."""
    return invoice_charges(booking) - credits_total(booking)


# --- Withdrawals and credit notes -------------------------------------------------------------


def first_training_day(cluster: Cluster) -> datetime.date | None:
    first = cluster.training_days.order_by("starts_at").first()
    return timezone.localtime(first.starts_at).date() if first else None


@dataclass
class RefundQuote:
    amount: Decimal
    percent: int
    rule: str


def quote_refund(*, enrolment: Enrolment, on: datetime.date, action: str = "withdrawal") -> RefundQuote:
    """The credit for giving up a charged place on a date, by the edition's refund rule (set by the provider; the
    programme documents say nothing about cancellations, withdrawals or refunds). `action` names it in the rule."""
    edition = enrolment.edition
    first = first_training_day(enrolment.cluster)
    if first is None or on < first:
        percent = edition.refund_before_start_percent
        when = f"before the first training day ({first:%-d %B %Y})" if first else "before any training day"
    else:
        percent = edition.refund_after_start_percent
        when = f"on or after the first training day ({first:%-d %B %Y})"
    amount = (enrolment.fee * percent / Decimal(100)).quantize(Decimal("0.01"))
    return RefundQuote(amount=amount, percent=percent, rule=f"{percent}% of the fee for a {action} {when}")


def quote_cancellation(*, enrolment: Enrolment, on: datetime.date) -> RefundQuote | None:
    """What cancelling a place on a date credits: None for a place not on the invoice (the waiting list), else
    the edition's refund rule, as for a withdrawal. Every booking is invoiced when it is made, so an enrolled
    place is always invoiced, paid or not."""
    if enrolment.status != Enrolment.Status.ENROLLED:
        return None
    return quote_refund(enrolment=enrolment, on=on, action="cancellation")


def _issue_credit_note(
    *, actor: Any, enrolment: Enrolment, refund: RefundQuote, on: datetime.date, today: datetime.date
) -> CreditNote | None:
    """Within the caller's transaction: number and save a credit note for a charged place, e-mailed to the
    booker once the transaction commits. None when the rule credits nothing."""
    if refund.amount <= 0:
        return None
    credit = CreditNote(
        organisation_id=enrolment.organisation_id,
        provider_id=enrolment.provider_id,
        booking=enrolment.booking,
        enrolment=enrolment,
        number=next_document_number(enrolment.booking.provider, "credit_note", on),
        issued_on=today,
        amount=refund.amount,
        percent=refund.percent,
        rule=refund.rule,
        issued_by=actor,
    )
    credit.full_clean()
    credit.save()
    transaction.on_commit(lambda: send_credit_note.enqueue(credit.pk))
    return credit


def _credit_sentence(refund: RefundQuote | None, credit: CreditNote | None) -> str:
    if credit:
        return f"Credit note {credit.number} for {format_gbp(credit.amount)}."
    return "No credit (refund rule)." if refund else "Not invoiced (waiting list): no credit."


def _promoted_sentence(promoted: list[Enrolment]) -> str:
    return f" Promoted: {', '.join(e.participant.full_name for e in promoted)}." if promoted else ""


def withdraw_enrolment(
    *, actor: Any, enrolment: Enrolment, on: datetime.date, reason: str, today: datetime.date | None = None
) -> tuple[Enrolment, CreditNote | None, list[Enrolment]]:
    """Withdraw an enrolled participant: the place is freed for the waiting list and, when the edition's
    refund rule gives anything back, a numbered credit note is issued. One transaction, audited.

    Returns the enrolment, the credit note (None when the rule credits nothing) and those promoted."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give the reason for the withdrawal.")
    today = today or timezone.localdate()
    if on > today:
        raise ValidationError("The withdrawal date cannot be in the future.")
    with transaction.atomic():
        cluster = Cluster.objects.select_for_update().get(pk=enrolment.cluster_id)
        enrolment = (
            Enrolment.objects.select_for_update().select_related("edition", "booking").get(pk=enrolment.pk)
        )
        if enrolment.status != Enrolment.Status.ENROLLED:
            raise ValidationError(
                "Only an enrolled participant can be withdrawn (a waiting-list place is cancelled instead)."
            )
        if on < enrolment.booking.booked_on:
            raise ValidationError("The withdrawal date cannot be before the booking was made.")
        refund = quote_refund(enrolment=enrolment, on=on)
        enrolment.status = Enrolment.Status.WITHDRAWN
        enrolment.withdrawn_on = on
        enrolment.withdrawal_reason = reason
        enrolment.withdrawn_by = actor
        enrolment.save(update_fields=["status", "withdrawn_on", "withdrawal_reason", "withdrawn_by"])
        credit = _issue_credit_note(actor=actor, enrolment=enrolment, refund=refund, on=on, today=today)
        promoted = _promote_waiting(cluster)
        record_event(
            action=AuditEvent.Action.UPDATE,
            actor=actor,
            obj=enrolment,
            organisation_id=enrolment.organisation_id,
            note=(
                f"Withdrew {enrolment.participant.full_name} from {cluster} on {on:%Y-%m-%d}: {reason}. "
                + _credit_sentence(refund, credit)
                + _promoted_sentence(promoted)
            ),
        )
    return enrolment, credit, promoted


def record_safeguarding(
    *, actor: Any, school: Organisation, person: Any, data: dict[str, Any]
) -> SafeguardingTraining:
    record = SafeguardingTraining(organisation=school, person=person, recorded_by=actor, **data)
    record.full_clean()
    record.save()
    return record


def join_mentor_session(
    *, actor: Any, enrolment: Enrolment, session: MentorTrainingSession | None
) -> Enrolment:
    """Sign the mentor of a place up for the edition's optional online training session (or take them off)."""
    if session is not None:
        if session.edition_id != enrolment.edition_id:
            raise ValidationError("That session belongs to another edition.")
        if session.mentor_places.exclude(pk=enrolment.pk).count() >= session.capacity:
            raise ValidationError("That session is full.")
    enrolment.mentor_session = session
    enrolment.save(update_fields=["mentor_session"])
    return enrolment


def people_at(school: Organisation) -> Q:
    """A Q over users who are active staff of a school."""
    return Q(staff_records__organisation=school, staff_records__is_active=True)


@transaction.atomic
def update_fees(*, actor: Any, edition: Edition, amounts: dict[int, Decimal]) -> int:
    """Set the fee amounts of an edition's fee rules (in the annual review). Bookings keep their frozen fees."""
    changed = 0
    for rule in edition.fee_rules.select_for_update().filter(pk__in=amounts.keys(), retired_at__isnull=True):
        if rule.amount != amounts[rule.pk]:
            rule.amount = amounts[rule.pk]
            rule.full_clean()
            rule.save(update_fields=["amount"])
            changed += 1
    return changed


def _check_fee_rule_free(rule: FeeRule) -> None:
    clash = FeeRule.objects.filter(
        edition_id=rule.edition_id,
        delivery_model=rule.delivery_model,
        is_member=rule.is_member,
        retired_at__isnull=True,
    ).exclude(pk=rule.pk)
    if clash.exists():
        who = "member schools" if rule.is_member else "other schools"
        raise ValidationError(
            f"{rule.edition} already has a fee for the {rule.get_delivery_model_display().lower()} and {who}: "
            "change that one, or retire it first."
        )


def create_fee_rule(
    *, actor: Any, edition: Edition, delivery_model: str, is_member: bool, amount: Decimal
) -> FeeRule:
    """Add a fee (per participant per level) for a delivery model and membership; one current rule each."""
    with transaction.atomic():
        Edition.objects.select_for_update().get(pk=edition.pk)
        rule = FeeRule(
            organisation=edition.organisation,
            edition=edition,
            delivery_model=delivery_model,
            is_member=is_member,
            amount=amount,
        )
        _check_fee_rule_free(rule)
        rule.full_clean()
        rule.save()
    return rule


def update_fee_rule(
    *, actor: Any, rule: FeeRule, delivery_model: str, is_member: bool, amount: Decimal
) -> FeeRule:
    """Change a current fee rule. Bookings already made keep the fee frozen on them."""
    with transaction.atomic():
        Edition.objects.select_for_update().get(pk=rule.edition_id)
        rule = FeeRule.objects.select_for_update().get(pk=rule.pk)
        if rule.is_retired:
            raise ValidationError("A retired fee cannot be changed.")
        rule.delivery_model, rule.is_member, rule.amount = delivery_model, is_member, amount
        _check_fee_rule_free(rule)
        rule.full_clean()
        rule.save()
    return rule


def retire_fee_rule(*, actor: Any, rule: FeeRule) -> FeeRule:
    """Retire a fee rule: new bookings on that delivery model and membership are refused until a new rule is
    added. The rule is kept for the record and bookings already made keep their fee."""
    with transaction.atomic():
        rule = FeeRule.objects.select_for_update().get(pk=rule.pk)
        if rule.is_retired:
            raise ValidationError("This fee is already retired.")
        rule.retired_at = timezone.now()
        rule.retired_by = actor
        rule.save(update_fields=["retired_at", "retired_by"])
    return rule


def create_mentor_session(*, actor: Any, edition: Edition, data: dict[str, Any]) -> MentorTrainingSession:
    session = MentorTrainingSession(organisation=edition.organisation, edition=edition, **data)
    session.full_clean()
    session.save()
    return session


def update_cluster(*, actor: Any, cluster: Cluster, data: dict[str, Any]) -> list[Enrolment]:
    """Change a cluster's details; when its capacity grows, the waiting list moves up. Returns those promoted."""
    with transaction.atomic():
        locked = Cluster.objects.select_for_update().get(pk=cluster.pk)
        for name, value in data.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        return _promote_waiting(locked)


def level1_on_record_q() -> Q:
    """Places that count as "Level 1 on record" for a Level 2 booking: completed (certified), or enrolled and still
    under way. A place whose certificate was revoked is enrolled again but does not count: the level was not
    completed, so the booker is warned again."""
    return Q(status=Enrolment.Status.COMPLETED) | Q(
        status=Enrolment.Status.ENROLLED, completion_revoked_at__isnull=True
    )


def complete_enrolment(
    *, actor: Any, enrolment: Enrolment, at: datetime.datetime | None = None, note: str = ""
) -> Enrolment:
    """Mark a place completed (the level is done; portfolios calls this when it issues the certificate, inside the
    same transaction): it then counts as Level 1 for a later Level 2 booking. Completing a completed place is a
    no-op; only an enrolled place can be completed."""
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.status == Enrolment.Status.COMPLETED:
            return locked
        if locked.status != Enrolment.Status.ENROLLED:
            raise ValidationError(
                f"{locked.participant.full_name}'s place is {locked.get_status_display().lower()}: only an enrolled "
                "place can be completed."
            )
        locked.status = Enrolment.Status.COMPLETED
        locked.completed_at = at or timezone.now()
        locked.completion_revoked_at = None
        locked.full_clean()
        locked.save(update_fields=["status", "completed_at", "completion_revoked_at"])
        record_event(
            action=AuditEvent.Action.UPDATE,
            actor=actor,
            obj=locked,
            note=f"Place completed{': ' + note if note else ''}",
        )
    enrolment.refresh_from_db()
    return enrolment


def reopen_enrolment(*, actor: Any, enrolment: Enrolment, reason: str) -> Enrolment:
    """Undo a completion whose certificate was revoked: the place goes back to enrolled (the state before it was
    completed) with the revocation time recorded, so it no longer counts as Level 1 done and a Level 2 booking is
    warned again. Nothing else about the place (fee, invoice, mentor) changes."""
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.status != Enrolment.Status.COMPLETED:
            return locked
        locked.status = Enrolment.Status.ENROLLED
        locked.completed_at = None
        locked.completion_revoked_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["status", "completed_at", "completion_revoked_at"])
        record_event(
            action=AuditEvent.Action.UPDATE,
            actor=actor,
            obj=locked,
            note=f"Completion undone, certificate revoked: {reason}",
        )
    enrolment.refresh_from_db()
    return enrolment
