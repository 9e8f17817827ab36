"""Reads for bookings: the places charged, bookings and places each role may see, and the rules a booking is checked against."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from organisations.models import Organisation
from people.models import StaffMember
from qualifications import permissions as perms
from qualifications.models import (
    Booking,
    Cluster,
    CreditNote,
    Enrolment,
    Programme,
    SafeguardingTraining,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from qualifications.services.bookings import PlaceRequest


MONEY = DecimalField(max_digits=10, decimal_places=2)
ACTIVE = [Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED]


def overdue_q(today: datetime.date) -> Q:
    """Bookings overdue on `today` (on visible_bookings()' figures): unpaid, money still owed after credit notes,
    and past the due date frozen when they were invoiced. The same rule as is_overdue for one booking."""
    return Q(paid=False, amount__gt=Decimal("0"), due_on__lt=today)


def charged_q(prefix: str = "") -> Q:
    """Places charged on an invoice (`prefix` reaches them from another model, e.g. "enrolments__"): enrolled,
    completed, withdrawn, or cancelled after they were invoiced. A place given up stays charged and a credit note
    offsets it; a waiting-list place is never charged."""
    return Q(**{f"{prefix}status__in": [*ACTIVE, Enrolment.Status.WITHDRAWN]}) | Q(
        **{f"{prefix}status": Enrolment.Status.CANCELLED, f"{prefix}is_charged_when_cancelled": True}
    )


class BookingFigures(TypedDict):
    """What visible_bookings() annotates on each booking: places, waiting list and money owed."""

    places: int
    waiting: int
    credited: Decimal
    charged: Decimal
    amount: Decimal
    is_overdue: bool


def visible_bookings(user: Any) -> QuerySet[WithAnnotations[Booking, BookingFigures]]:
    return _with_figures(Booking.objects.filter(perms.booking_q(user)))


def _with_figures(bookings: QuerySet[Booking]) -> QuerySet[WithAnnotations[Booking, BookingFigures]]:
    """Bookings with their places, waiting list, money owed and whether they are overdue today.

    Each figure is a correlated subquery on the booking (no GROUP BY on the bookings): on Citus it carries the
    booking's organisation (core.distribution) and is pushed down to the booking's shard, and the filters on the
    figures (`amount > 0`, overdue) stay in WHERE. Citus refuses a subquery in the select list of an aggregate
    query or a correlated one in HAVING (docs/scale-out.md)."""
    return (
        bookings.select_related(
            "organisation", "cluster__level", "edition__programme", "edition__academic_year", "booked_by"
        )
        .annotate(
            places=_per_booking(Enrolment.objects.filter(status__in=ACTIVE), Count("pk"), IntegerField()),
            waiting=_per_booking(
                Enrolment.objects.filter(status=Enrolment.Status.WAITLISTED), Count("pk"), IntegerField()
            ),
            credited=_per_booking(CreditNote.objects.all(), Sum("amount"), MONEY),
            charged=_per_booking(Enrolment.objects.filter(charged_q()), Sum("fee"), MONEY),
        )
        .annotate(amount=F("charged") - F("credited"))
        .annotate(
            is_overdue=Case(
                When(overdue_q(timezone.localdate()), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-booked_on", "-created_at", "-pk")
    )


def _per_booking(rows: QuerySet[Any], aggregate: Any, output_field: Any) -> Coalesce:
    """`aggregate` over the booking's `rows` (its places or credit notes), 0 when it has none."""
    total = rows.filter(booking=OuterRef("pk")).values("booking").annotate(t=aggregate).values("t")[:1]
    return Coalesce(Subquery(total, output_field=output_field), Value(0), output_field=output_field)


def visible_enrolments(user: Any) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(perms.enrolment_q(user))
        .distinct()
        .select_related(
            "participant",
            "mentor",
            "organisation",
            "cluster",
            "level",
            "edition__programme",
            "edition__academic_year",
        )
        .order_by("edition__programme__code", "cluster__name", "participant__full_name")
    )


def my_enrolments(user: Any) -> QuerySet[Enrolment]:
    """Places where the user is the participant or the mentor."""
    return visible_enrolments(user).filter(Q(participant=user) | Q(mentor=user))


def safeguarded_person_ids(school: Organisation, *, on: datetime.date) -> set[int]:
    """The users with a safeguarding training record at `school` completed on or before `on`: the record a PLQ or
    PLQJ booking needs (`check_prerequisites` refuses the others), so the booking page can say who lacks one."""
    return set(
        SafeguardingTraining.objects.filter(organisation=school, completed_on__lte=on).values_list(
            "person_id", flat=True
        )
    )


def level1_on_record_q() -> Q:
    """Places that count as "Level 1 on record" for a Level 2 booking: completed (certified), or enrolled and still
    under way. A place whose certificate was revoked is enrolled again but does not count: the level was not
    completed, so the booker is warned again."""
    return Q(status=Enrolment.Status.COMPLETED) | Q(
        status=Enrolment.Status.ENROLLED, completion_revoked_at__isnull=True
    )


@dataclass
class PrerequisiteCheck:
    errors: list[str] = field(default_factory=list)  # refusals: the booking cannot go ahead
    warnings: list[str] = field(default_factory=list)  # advice: the booker is told, the booking proceeds
    notes: list[str] = field(default_factory=list)  # flags recorded on the enrolment
    safeguarding_record: SafeguardingTraining | None = None
    level1_warning: bool = False


def credited_share(percent: int, *, only: bool = False) -> str:
    """The part of a fee a refund percentage credits, in words: "no part of the fee" for 0%, "the whole fee" for
    100%, otherwise "(only) N% of the fee"."""
    if percent <= 0:
        return "no part of the fee"
    if percent >= 100:
        return "the whole fee"
    return f"{'only ' if only else ''}{percent}% of the fee"


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
            + f". A place booked now is charged in full, and if it is withdrawn or cancelled "
            f"{credited_share(edition.refund_after_start_percent, only=True)} is credited."
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
