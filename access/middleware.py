from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from access.permissions import access_for
from core.http import HtmxHttpRequest

SESSION_KEY = "current_organisation_id"


class CurrentOrganisationMiddleware:
    """Sets request.organisation: the organisation the user is working in (switchable in the header)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HtmxHttpRequest) -> HttpResponse:
        request.organisation = None
        request.organisations = []
        if request.user.is_authenticated:
            access = access_for(request.user)
            if access.organisations:
                # Where the user holds a role, and each school or site a role in a group of schools reaches, so
                # a trust or college-group leader can work in one of them; by default the first of their own.
                own = sorted(access.organisations.values(), key=lambda o: o.name)
                members = [o for pk, o in access.members.items() if pk not in access.organisations]
                orgs = own + sorted(members, key=lambda o: o.name)
                chosen = request.session.get(SESSION_KEY)
                request.organisation = next((o for o in orgs if o.pk == chosen), own[0])
                request.organisations = orgs
        return self.get_response(request)
