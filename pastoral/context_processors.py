from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from access.permissions import access_for, requires_two_factor
from core.registry import NAV
from organisations.vocabulary import vocabulary_for

_URLS: dict[tuple[Any, str, str], str | None] = {}


def _url(name: str) -> str | None:
    """A navigation link's URL (None when the name does not reverse), reversed once per URLconf and prefix:
    every page shows twenty-odd links, and reversing them was a tenth of a light page's time."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name)
    if key not in _URLS:
        try:
            _URLS[key] = reverse(name)
        except NoReverseMatch:
            _URLS[key] = None
    return _URLS[key]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation links this user's roles open, and the organisations they can switch between."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not user.is_verified() and requires_two_factor(user):
        return {}  # nothing to navigate to until the second factor is given
    roles = access_for(user).roles()
    words = vocabulary_for(getattr(request, "organisation", None))
    links: list[dict[str, Any]] = []
    for item in NAV:
        if item.roles is not None and not (roles & item.roles):
            continue
        if item.when is not None and not item.when(user):
            continue
        url = _url(item.url_name)
        if url is None:
            continue
        links.append({"label": item.label.format(Pupils=words.Pupils), "url": url, "current": False})
    # The current link is the one whose address is the longest start of the page's: on a referral
    # (/safeguarding/referrals/…) "Referrals", not "Safeguarding" as well.
    matching = [link for link in links if link["url"] != "/" and request.path.startswith(link["url"])]
    if matching:
        max(matching, key=lambda link: len(link["url"]))["current"] = True
    return {
        "nav_links": links,
        "current_organisation": getattr(request, "organisation", None),
        "switchable_organisations": getattr(request, "organisations", []),
    }


def vocabulary(request: HttpRequest) -> dict[str, Any]:
    """`words`: the current organisation's words for its learners ("pupils" in a school, "students" in a
    college) and their identifier (UPN or ULN), for templates that name them."""
    return {"words": vocabulary_for(getattr(request, "organisation", None))}
