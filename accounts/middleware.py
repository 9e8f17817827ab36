from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from access.permissions import requires_two_factor

AUTH_AT = "pastoral_auth_at"
TOUCHED_AT = "pastoral_touched_at"


class SessionLifetimeMiddleware:
    """Ends a session 12 hours after sign-in, however active, and keeps an active one from idling out.

    Idle expiry is the session's stored expiry (`SESSION_COOKIE_AGE` after it was last written). Rather than
    write the session on every request, a request writes it only when it was last written more than
    `SESSION_TOUCH_SECONDS` ago, so idle expiry is exact to within that (a minute in 30) and a busy page
    (a register saved again and again) costs no session write.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(AUTH_AT)
            if started is None:
                request.session[AUTH_AT] = time.time()
            elif time.time() - started > settings.SESSION_ABSOLUTE_LIMIT_SECONDS:
                logout(request)
                messages.info(request, "Your session has ended. Please sign in again.")
                return redirect(settings.LOGIN_URL)
            now = time.time()
            if now - request.session.get(TOUCHED_AT, 0) >= settings.SESSION_TOUCH_SECONDS:
                request.session[TOUCHED_AT] = now  # the write moves the idle expiry on
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Roles that can see safeguarding or SEN data go nowhere until their second factor is verified."""

    allowed_prefixes = ("/accounts/", "/static/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.allowed_prefixes)
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
            and requires_two_factor(user)
        ):
            return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
