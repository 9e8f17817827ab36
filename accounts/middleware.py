from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.middleware import auser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware

from access.permissions import remember_access, requires_two_factor
from accounts.sessions import preloaded_user

AUTH_AT = "pastoral_auth_at"
TOUCHED_AT = "pastoral_touched_at"


def _user(request: HttpRequest) -> Any:
    """`auth.get_user`, unchanged in what it checks, handed the user (and roles) the session store joined."""
    if not hasattr(request, "_cached_user"):
        session = request.session
        session.get(auth.SESSION_KEY)  # loads the session: with accounts.sessions, its user and roles too
        preloaded = getattr(session, "preloaded", None)
        token = preloaded_user.set(preloaded[0] if preloaded else None)
        try:
            user = auth.get_user(request)
        finally:
            preloaded_user.reset(token)
        if preloaded and user is preloaded[0]:
            remember_access(user, preloaded[1])
        request._cached_user = user  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, reading the user (and their roles) from the session's own query when the store has them."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))  # type: ignore[assignment]
        request.auser = partial(auser, request)  # type: ignore[attr-defined]


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's, taking the session's TOTP device from the session store's query when it is there.

    The checks are django-otp's own (`_finalize_device`: the device is the user's and confirmed, else it is
    dropped from the session); any other device (or a session read another way) is loaded as before.
    """

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        if not user.is_authenticated:  # resolves the user, which loads the session (and its devices)
            return super()._verify_user_sync(request, user)
        devices = getattr(request.session, "preloaded_devices", None) or {}
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        device = devices.get(self._normalize_persistent_id(persistent_id)) if persistent_id else None
        if device is None:
            return super()._verify_user_sync(request, user)
        self._init_user_fields(user)
        user.otp_device = self._finalize_device(request, user, device)
        return user


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
