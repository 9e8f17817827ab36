from __future__ import annotations

import base64
import math
import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from access.permissions import get_for_user, requires_two_factor
from accounts import selectors, services
from accounts.forms import SignInForm, TokenForm
from accounts.middleware import AUTH_AT
from accounts.models import User
from accounts.permissions import can_view_sign_ins_of, can_watch_sign_ins, visible_accounts
from audit.middleware import client_ip
from audit.models import AuditEvent
from audit.services import record_event


def _safe_next(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    retry_after: int | None = None
    if request.method == "POST" and form.is_valid():
        result = services.sign_in_attempt(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        if result.refusal is not None:
            form.add_error(None, result.refusal.message)
            retry_after = math.ceil(result.refusal.wait.total_seconds())
        elif result.user is None:
            form.add_error(None, "That e-mail address and password do not match an account.")
        else:
            user = result.user
            login(request, user)
            request.session[AUTH_AT] = time.time()
            record_event(action=AuditEvent.Action.LOGIN, actor=user, obj=user)
            if requires_two_factor(user):
                return redirect(f"{_two_factor_url()}?next={_safe_next(request)}")
            return redirect(_safe_next(request))
    context = {"form": form, "next": request.GET.get("next", "")}
    if retry_after is None:
        return render(request, "accounts/sign_in.html", context)
    response = render(request, "accounts/sign_in.html", context, status=429)  # Too Many Requests
    response["Retry-After"] = str(retry_after)
    return response


def _two_factor_url() -> str:
    return reverse("accounts:two_factor")


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify the second factor, setting up an authenticator app first if the user has none."""
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(_safe_next(request))
    device = services.confirmed_totp_device(user)  # type: ignore[arg-type]
    setting_up = device is None
    if device is None:
        device = services.totp_device_start(user=user)  # type: ignore[arg-type]
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            form.add_error(
                "token", "Too many wrong codes in a row. Wait a few seconds, then enter the newest code."
            )
        elif device.verify_token(form.cleaned_data["token"].strip()):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "Two-factor sign-in confirmed.")
            return redirect(_safe_next(request))
        else:
            form.add_error(
                "token",
                "That code is not right, or it has been used already. Wait for the next code and try again.",
            )
    context = {"form": form, "setting_up": setting_up, "next": request.GET.get("next", "")}
    if setting_up:
        secret = base64.b32encode(device.bin_key).decode()
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(
            scale=4, title="Authenticator set-up code"
        )
    return render(request, "accounts/two_factor.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record_event(action=AuditEvent.Action.LOGOUT, actor=request.user, obj=request.user)
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:login")


def _second_factor_first(request: HttpRequest) -> HttpResponse | None:
    """Pages under /accounts/ are open before the second factor; these show addresses, so they wait for it."""
    if not request.user.is_verified() and requires_two_factor(request.user):  # type: ignore[union-attr]
        return redirect(f"{_two_factor_url()}?next={request.get_full_path()}")
    return None


@require_GET
def my_sign_ins(request: HttpRequest) -> HttpResponse:
    """Your account: your sign-ins, failed attempts and refused attempts of the last 30 days."""
    if (held := _second_factor_first(request)) is not None:
        return held
    now = timezone.now()
    attempts = selectors.recent_sign_ins(request.user, now=now)  # type: ignore[arg-type]
    record_event(
        action=AuditEvent.Action.READ,
        actor=request.user,
        object_type="accounts.SignInAttempt",
        object_id=str(request.user.pk),
        note="own sign-in attempts",
    )
    return render(
        request,
        "accounts/my_sign_ins.html",
        {
            "attempts": attempts[:100],
            "counts": selectors.sign_in_counts(attempts),
            "known_networks": sorted(selectors.known_networks(request.user, now=now)),  # type: ignore[arg-type]
            "known_days": settings.LOGIN_KNOWN_NETWORK_DAYS,
        },
    )


@require_GET
def under_attack(request: HttpRequest) -> HttpResponse:
    """For a school administrator: their organisation's accounts with many failed sign-ins in the last day."""
    if (held := _second_factor_first(request)) is not None:
        return held
    organisation = request.organisation  # type: ignore[attr-defined]  # set by access.middleware
    if organisation is None or not can_watch_sign_ins(request.user, organisation):
        raise PermissionDenied("Only the school administrator sees accounts under attack.")
    record_event(
        action=AuditEvent.Action.READ,
        actor=request.user,
        organisation_id=organisation.pk,
        object_type="accounts.SignInAttempt",
        note="accounts under attack",
    )
    rows = selectors.accounts_under_attack(organisation_id=organisation.pk, now=timezone.now())
    return render(
        request,
        "accounts/under_attack.html",
        {"rows": rows, "organisation": organisation, "threshold": settings.SIGN_IN_ALERT_FAILURES},
    )


@require_GET
def account_sign_ins(request: HttpRequest, user_pk: int) -> HttpResponse:
    """For a school administrator: one of their organisation's people's sign-in attempts of the last 30 days."""
    if (held := _second_factor_first(request)) is not None:
        return held
    account = get_for_user(
        request.user,
        User.objects.all(),
        can_view_sign_ins_of,
        visible=visible_accounts(request.user),
        pk=user_pk,
    )
    record_event(
        action=AuditEvent.Action.READ,
        actor=request.user,
        organisation_id=getattr(request.organisation, "pk", None),  # type: ignore[attr-defined]
        obj=account,
        object_type="accounts.SignInAttempt",
        note="sign-in attempts of a member of staff",
    )
    attempts = selectors.recent_sign_ins(account, now=timezone.now())
    return render(
        request,
        "accounts/account_sign_ins.html",
        {"account": account, "attempts": attempts[:200], "counts": selectors.sign_in_counts(attempts)},
    )
