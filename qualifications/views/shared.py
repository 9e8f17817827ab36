"""Helpers the qualifications screens share: refusals, the booking school, paging, form pages and fetching a booking, an enrolment or a managed record."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organisations.models import Organisation
from qualifications import permissions as perms
from qualifications import selectors
from qualifications.models import (
    Booking,
    Cluster,
    Edition,
    Enrolment,
    MentorTrainingSession,
)


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied("You do not have permission to do this.")


def booking_school(request: HttpRequest) -> Organisation | None:
    """The school the CPD coordinator is booking for: the current organisation if they book there."""
    ids = perms.booker_school_ids(request.user)
    current = getattr(request, "organisation", None)
    if current is not None and current.pk in ids:
        return current
    return Organisation.objects.filter(pk__in=ids).order_by("name").first()


def page_of(request: HttpRequest, qs: Any, per_page: int = 50) -> Any:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def form_page(request: HttpRequest, form: Any, title: str, **context: Any) -> HttpResponse:
    """The plain form page: a title, the form, and a way back (`back` an edition, `back_cluster` a cluster)."""
    return render(request, "qualifications/form_page.html", {"form": form, "title": title, **context})


def managed_edition(request: HttpRequest, pk: int) -> Edition:
    """An edition the user's provider runs and they may manage: 404 outside reach, 403 for other roles."""
    return perms.fetch(
        request.user,
        Edition.objects.all(),
        perms.edition_q(request.user),
        perms.can_manage_provider_record,
        pk=pk,
    )


def managed_cluster(request: HttpRequest, pk: int) -> Cluster:
    """A cluster the user's provider runs and they may manage: 404 outside reach, 403 for other roles."""
    return perms.fetch(
        request.user,
        Cluster.objects.select_related("edition", "level"),
        perms.cluster_q(request.user),
        perms.can_manage_provider_record,
        pk=pk,
    )


def managed_mentor_session(request: HttpRequest, pk: int) -> MentorTrainingSession:
    """A mentor training session the user's provider runs and they may manage: 404 outside reach, 403 for other
    roles."""
    return perms.fetch(
        request.user,
        MentorTrainingSession.objects.select_related("edition__programme", "edition__academic_year"),
        perms.mentor_session_q(request.user),
        perms.can_manage_provider_record,
        pk=pk,
    )


def fetch_booking(request: HttpRequest, pk: int, check: Any) -> Booking:
    return perms.fetch(
        request.user,
        selectors.bookings_to_print(),
        perms.booking_reach_q(request.user),
        check,
        pk=pk,
    )


def fetch_enrolment(request: HttpRequest, pk: int, check: Any) -> Enrolment:
    return perms.fetch(
        request.user,
        Enrolment.objects.select_related("participant", "mentor", "cluster", "booking", "edition"),
        perms.booking_reach_q(request.user) | Q(participant=request.user) | Q(mentor=request.user),
        check,
        pk=pk,
    )


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
