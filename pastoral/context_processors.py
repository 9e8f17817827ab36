from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from access.permissions import access_for, requires_two_factor
from core.registry import NAV
from organisations.vocabulary import vocabulary_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation links this user's roles open, and the organisations they can switch between."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not user.is_verified() and requires_two_factor(user):
        return {}  # nothing to navigate to until the second factor is given
    roles = access_for(user).roles()
    words = vocabulary_for(getattr(request, "organisation", None))
    links = []
    for item in NAV:
        if item.roles is not None and not (roles & item.roles):
            continue
        if item.when is not None and not item.when(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        links.append(
            {
                "label": item.label.format(Pupils=words.Pupils),
                "url": url,
                "current": request.path.startswith(url) and url != "/",
            }
        )
    return {
        "nav_links": links,
        "current_organisation": getattr(request, "organisation", None),
        "switchable_organisations": getattr(request, "organisations", []),
    }


def vocabulary(request: HttpRequest) -> dict[str, Any]:
    """`words`: the current organisation's words for its learners ("pupils" in a school, "students" in a
    college) and their identifier (UPN or ULN), for templates that name them."""
    return {"words": vocabulary_for(getattr(request, "organisation", None))}
