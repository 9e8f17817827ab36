"""What the qualifications app adds to the navigation, the home page and the demo world."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from access.roles import Role
from core.registry import register_home_panel, register_nav
from demo.registry import register_demo_builder

QUAL_ROLES = {Role.PROGRAMME_ADMIN, Role.FACILITATOR, Role.CPD_COORDINATOR, Role.PARTICIPANT, Role.MENTOR}

register_nav("Qualifications", "qualifications:edition_list", roles=QUAL_ROLES, order=60)
register_nav(
    "Bookings", "qualifications:booking_list", roles={Role.CPD_COORDINATOR, Role.PROGRAMME_ADMIN}, order=61
)
register_nav("Provider overview", "qualifications:provider_dashboard", roles={Role.PROGRAMME_ADMIN}, order=62)
register_nav("My programme", "qualifications:my_places", roles={Role.PARTICIPANT, Role.MENTOR}, order=63)


def _my_places(request: HttpRequest) -> dict[str, Any] | None:
    from qualifications.selectors import my_enrolments

    places = list(my_enrolments(request.user)[:10])
    if not places:
        return None
    return {"places": places, "user": request.user}


def _bookings(request: HttpRequest) -> dict[str, Any] | None:
    from qualifications import permissions as perms
    from qualifications.models import Booking, Enrolment
    from qualifications.selectors import unpaid_bookings, visible_bookings

    if not (perms.is_booker(request.user) or perms.is_programme_admin(request.user)):
        return None
    bookings = visible_bookings(request.user).filter(status=Booking.Status.ACTIVE)
    places = Enrolment.objects.filter(booking__in=bookings.values("pk"))
    return {
        "is_admin": perms.is_programme_admin(request.user),
        "bookings": bookings.count(),
        "unpaid": unpaid_bookings(request.user).count(),
        "enrolled": places.filter(status=Enrolment.Status.ENROLLED).count(),
        "waiting": places.filter(status=Enrolment.Status.WAITLISTED).count(),
    }


def _facilitation(request: HttpRequest) -> dict[str, Any] | None:
    from django.utils import timezone

    from qualifications.selectors import facilitated_clusters

    clusters = facilitated_clusters(request.user, on=timezone.localdate())
    if not clusters:
        return None
    return {"clusters": clusters}


register_home_panel(
    "qualifications_facilitation", "qualifications/panels/facilitation.html", _facilitation, order=59
)
register_home_panel("qualifications_bookings", "qualifications/panels/bookings.html", _bookings, order=61)
register_home_panel("qualifications_my_places", "qualifications/panels/my_places.html", _my_places, order=60)


def _build(world: Any) -> None:
    from qualifications.demo import build_demo

    build_demo(world)


register_demo_builder("qualifications", _build, order=30)
