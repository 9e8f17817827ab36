from __future__ import annotations

import base64
import time

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from access.permissions import requires_two_factor
from accounts import services
from accounts.forms import SignInForm, TokenForm
from accounts.middleware import AUTH_AT
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
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if services.login_is_throttled(email=email):
            form.add_error(
                None,
                "Too many failed attempts for this account in the last hour. Try again later or reset your password.",
            )
            record_event(
                action=AuditEvent.Action.LOGIN_FAILED,
                object_type="accounts.User",
                object_id=email,
                note="throttled",
            )
        else:
            user = authenticate(request, email=email, password=form.cleaned_data["password"])
            if user is None:
                services.failed_login_record(email=email, ip_address=client_ip(request))
                record_event(
                    action=AuditEvent.Action.LOGIN_FAILED, object_type="accounts.User", object_id=email
                )
                form.add_error(None, "That e-mail address and password do not match an account.")
            else:
                services.failed_logins_clear(email=email)
                login(request, user)
                request.session[AUTH_AT] = time.time()
                record_event(action=AuditEvent.Action.LOGIN, actor=user, obj=user)
                if requires_two_factor(user):
                    return redirect(f"{_two_factor_url()}?next={_safe_next(request)}")
                return redirect(_safe_next(request))
    return render(request, "accounts/sign_in.html", {"form": form, "next": request.GET.get("next", "")})


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
