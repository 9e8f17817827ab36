"""Export rows of qualifications for the provider (bookings, unpaid invoices, participants, clusters)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qualifications import permissions as perms
from qualifications.models import (
    Booking,
    Cluster,
)
from qualifications.selectors.bookings import visible_bookings, visible_enrolments
from qualifications.selectors.catalogue import clusters_with_numbers
from qualifications.selectors.invoices import unpaid_bookings

if TYPE_CHECKING:
    pass


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
