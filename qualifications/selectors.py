"""Reads with rules for qualifications: lists for each role, provider figures, export rows, calendars."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    F,
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

from qualifications import permissions as perms
from qualifications.models import Booking, Cluster, CreditNote, Edition, Enrolment, TrainingDay

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

ACTIVE = [Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED]
MONEY = DecimalField(max_digits=10, decimal_places=2)


def charged_q(prefix: str = "") -> Q:
    """Places charged on an invoice (`prefix` reaches them from another model, e.g. "enrolments__"): enrolled,
    completed, withdrawn, or cancelled after they were invoiced. A place given up stays charged and a credit note
    offsets it; a waiting-list place is never charged."""
    return Q(**{f"{prefix}status__in": [*ACTIVE, Enrolment.Status.WITHDRAWN]}) | Q(
        **{f"{prefix}status": Enrolment.Status.CANCELLED, f"{prefix}is_charged_when_cancelled": True}
    )


class ClusterNumbers(TypedDict):
    """What clusters_with_numbers() annotates on each cluster."""

    enrolled_count: int
    waiting_count: int


class BookingFigures(TypedDict):
    """What visible_bookings() annotates on each booking: places, waiting list and money owed."""

    places: int
    waiting: int
    credited: Decimal
    charged: Decimal
    amount: Decimal
    is_overdue: bool


def _credits_for_booking() -> Subquery:
    return Subquery(
        CreditNote.objects.filter(booking=OuterRef("pk"))
        .values("booking")
        .annotate(t=Sum("amount"))
        .values("t")[:1],
        output_field=MONEY,
    )


def visible_editions(user: Any) -> QuerySet[Edition]:
    return (
        Edition.objects.filter(perms.edition_q(user))
        .select_related("programme", "academic_year")
        .order_by("programme__code", "-academic_year__starts_on")
    )


def clusters_with_numbers(qs: QuerySet[Cluster]) -> QuerySet[WithAnnotations[Cluster, ClusterNumbers]]:
    return qs.annotate(
        enrolled_count=Count("enrolments", filter=Q(enrolments__status__in=ACTIVE), distinct=True),
        waiting_count=Count(
            "enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITLISTED), distinct=True
        ),
    ).select_related("level", "edition__programme", "edition__academic_year")


def visible_clusters(user: Any) -> QuerySet[WithAnnotations[Cluster, ClusterNumbers]]:
    return clusters_with_numbers(Cluster.objects.filter(perms.cluster_q(user)))


def visible_bookings(user: Any) -> QuerySet[WithAnnotations[Booking, BookingFigures]]:
    return _with_figures(Booking.objects.filter(perms.booking_q(user)))


def _with_figures(bookings: QuerySet[Booking]) -> QuerySet[WithAnnotations[Booking, BookingFigures]]:
    """Bookings with their places, waiting list, money owed and whether they are overdue today."""
    return (
        bookings.select_related(
            "organisation", "cluster__level", "edition__programme", "edition__academic_year", "booked_by"
        )
        .annotate(
            places=Count("enrolments", filter=Q(enrolments__status__in=ACTIVE), distinct=True),
            waiting=Count(
                "enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITLISTED), distinct=True
            ),
            credited=Coalesce(_credits_for_booking(), Value(0), output_field=MONEY),
            charged=Coalesce(
                Sum("enrolments__fee", filter=charged_q("enrolments__")), Value(0), output_field=MONEY
            ),
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


def overdue_q(today: datetime.date) -> Q:
    """Bookings overdue on `today` (on visible_bookings()' figures): unpaid, money still owed after credit notes,
    and past the due date frozen when they were invoiced. The same rule as services.is_overdue for one booking."""
    return Q(paid=False, amount__gt=Decimal("0"), due_on__lt=today)


def unpaid_bookings(user: Any) -> QuerySet[WithAnnotations[Booking, BookingFigures]]:
    """Visible bookings with money owed: not paid, and charges left after credit notes. A cancelled booking can
    still owe for places given up after the refund rule stopped crediting them. Newest first: by the invoice date
    (the booking date), then the order they were made."""
    return (
        visible_bookings(user)
        .filter(paid=False, amount__gt=Decimal("0"))
        .order_by("-booked_on", "-created_at", "-pk")
    )


def overdue_bookings(
    user: Any, today: datetime.date | None = None
) -> QuerySet[WithAnnotations[Booking, BookingFigures]]:
    """Visible unpaid bookings past their due date, the longest overdue first."""
    return visible_bookings(user).filter(overdue_q(today or timezone.localdate())).order_by("due_on", "pk")


def bookings_due_a_reminder(
    *, days: int, today: datetime.date
) -> QuerySet[WithAnnotations[Booking, BookingFigures]]:
    """Every provider's bookings overdue by `days` days or more whose booker has had no payment reminder in the last
    `days` days (for the invoice_reminders command), the longest overdue first."""
    cutoff = today - datetime.timedelta(days=days)
    return (
        _with_figures(Booking.objects.all())
        .filter(overdue_q(today), due_on__lte=cutoff)
        .filter(Q(last_reminder_at__isnull=True) | Q(last_reminder_at__date__lte=cutoff))
        .order_by("due_on", "pk")
    )


def bookings_to_print() -> QuerySet[Booking]:
    """Bookings with what their page, invoice PDF and e-mail show: school, provider, programme and booker."""
    return Booking.objects.select_related(
        "organisation", "provider", "cluster__level", "edition__programme", "booked_by"
    )


def credit_notes_to_print() -> QuerySet[CreditNote]:
    """Credit notes with what their PDF and e-mail show: the booking's school, provider, programme and booker."""
    return CreditNote.objects.select_related(
        "booking__organisation",
        "booking__provider",
        "booking__edition",
        "booking__cluster__level",
        "booking__booked_by",
        "enrolment__participant",
    )


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


def fees_by_edition(user: Any) -> list[dict[str, Any]]:
    """For a programme administrator: per edition, places sold, invoiced and unpaid totals."""
    rows = []
    editions = Edition.objects.filter(organisation_id__in=perms.admin_provider_ids(user)).select_related(
        "programme", "academic_year"
    )
    for edition in editions:
        active = Enrolment.objects.filter(edition=edition, status__in=ACTIVE)
        charged = Enrolment.objects.filter(charged_q(), edition=edition)
        credits = CreditNote.objects.filter(booking__edition=edition)
        total = (charged.aggregate(t=Sum("fee"))["t"] or Decimal("0")) - (
            credits.aggregate(t=Sum("amount"))["t"] or Decimal("0")
        )
        unpaid = (charged.filter(booking__paid=False).aggregate(t=Sum("fee"))["t"] or Decimal("0")) - (
            credits.filter(booking__paid=False).aggregate(t=Sum("amount"))["t"] or Decimal("0")
        )
        rows.append(
            {
                "edition": edition,
                "places": active.count(),
                "waiting": Enrolment.objects.filter(
                    edition=edition, status=Enrolment.Status.WAITLISTED
                ).count(),
                "total": total,
                "unpaid": unpaid,
                "rules": list(edition.fee_rules.filter(retired_at__isnull=True)),
            }
        )
    return rows


def upcoming_days(cluster_ids: Iterable[int]) -> QuerySet[TrainingDay]:
    return (
        TrainingDay.objects.filter(cluster_id__in=list(cluster_ids), ends_at__gte=timezone.now())
        .select_related("cluster")
        .prefetch_related("modules")
        .order_by("starts_at")
    )


# --- Export rows ------------------------------------------------------------------------------

EXPORTS: dict[str, tuple[str, list[str]]] = {
    "bookings": (
        "Bookings",
        [
            "Invoice",
            "School",
            "Edition",
            "Cluster",
            "Level",
            "Booked on",
            "Booked by",
            "Member rate",
            "Fee per place",
            "Places",
            "Waiting",
            "Amount",
            "Due on",
            "Paid",
            "Overdue",
            "Status",
        ],
    ),
    "unpaid": (
        "Unpaid invoices",
        ["Invoice", "School", "Edition", "Cluster", "Booked on", "Amount", "Due on", "Overdue"],
    ),
    "participants": (
        "Participants and mentors",
        [
            "Participant",
            "E-mail",
            "School",
            "Edition",
            "Level",
            "Cluster",
            "Status",
            "Aspiring",
            "Mentor",
            "Mentor e-mail",
            "Mentor training",
        ],
    ),
    "clusters": (
        "Clusters",
        ["Edition", "Cluster", "Level", "Delivery", "Venue / link", "Capacity", "Enrolled", "Waiting"],
    ),
}


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def export_rows(user: Any, what: str) -> list[list[Any]]:
    if what in ("bookings", "unpaid"):
        if what == "unpaid":
            return [
                [
                    b.invoice_number,
                    b.organisation.name,
                    str(b.edition),
                    b.cluster.name,
                    b.booked_on,
                    b.amount,
                    b.due_on,
                    _yes_no(b.is_overdue),
                ]
                for b in unpaid_bookings(user)
            ]
        qs = visible_bookings(user).filter(status=Booking.Status.ACTIVE)
        return [
            [
                b.invoice_number,
                b.organisation.name,
                str(b.edition),
                b.cluster.name,
                b.cluster.level.number,
                b.booked_on,
                b.booked_by.full_name,
                "yes" if b.is_member else "no",
                b.fee_per_place,
                b.places,
                b.waiting,
                b.amount or 0,
                b.due_on,
                _yes_no(b.paid),
                _yes_no(b.is_overdue),
                b.get_status_display(),
            ]
            for b in qs
        ]
    if what == "participants":
        return [
            [
                e.participant.full_name,
                e.participant.email,
                e.organisation.name,
                str(e.edition),
                e.level.number,
                e.cluster.name,
                e.get_status_display(),
                "yes" if e.is_aspiring else "no",
                e.mentor.full_name,
                e.mentor.email,
                str(e.mentor_session.starts_at.date()) if e.mentor_session else "",
            ]
            for e in visible_enrolments(user).select_related("mentor_session")
        ]
    if what == "clusters":
        clusters = clusters_with_numbers(Cluster.objects.filter(organisation_id__in=perms.provider_ids(user)))
        return [
            [
                str(c.edition),
                c.name,
                c.level.number,
                c.get_delivery_model_display(),
                c.venue or c.online_link,
                c.capacity,
                c.enrolled_count,
                c.waiting_count,
            ]
            for c in clusters
        ]
    raise KeyError(what)
