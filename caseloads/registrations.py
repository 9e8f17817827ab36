"""What caseloads add to the navigation, the home page, the pupil profile and the demo world."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from access.roles import Role
from caseloads.permissions import ASSIGN_ROLES
from pastoral.registry import register_home_panel, register_nav

register_nav("Caseload", "caseloads:home", roles=[Role.PAL], order=26)
register_nav("Caseloads", "caseloads:assign", roles=ASSIGN_ROLES, order=27)


def _home(request: HttpRequest) -> dict[str, Any] | None:
    from caseloads.permissions import is_pal

    if not is_pal(request.user):
        return None
    return {}


register_home_panel("caseloads", "caseloads/panels/home.html", _home, order=24)
