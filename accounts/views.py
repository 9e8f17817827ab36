from __future__ import annotations

import base64
import math
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from access.permissions import get_for_user, refusal, requires_two_factor
from accounts import selectors, services
from accounts.forms import EnrolmentCodeForm, SignInForm, TokenForm
from accounts.middleware import AUTH_AT
from accounts.models import EnrolmentLink, RecoveryCodeDevice, User
from accounts.permissions import can_view_sign_ins_of, can_watch_sign_ins, visible_accounts
from audit.middleware import client_ip
from audit.models import AuditEvent
from audit.services import record_event
from core.http import HtmxHttpRequest


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
    """The second factor after the password: a code from the authenticator app, or a recovery code.

    A person with no authenticator yet is sent an enrolment link by e-mail: the password alone never shows a key.
    """
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(_safe_next(request))
    device = services.confirmed_totp_device(user)  # type: ignore[arg-type]
    if device is None:
        return _enrolment_needed(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_recovery_code():
            return _sign_in_with_recovery_code(request, form)
        if _verified(request, form, device):
            messages.success(request, "Two-factor sign-in confirmed.")
            return redirect(_safe_next(request))
    return render(request, "accounts/two_factor.html", {"form": form, "next": request.GET.get("next", "")})


def _verified(request: HttpRequest, form: TokenForm, device: Any) -> bool:
    """Check the code against the device (django-otp's back-off after wrong codes); sign the session in with it."""
    try:
        services.second_factor_verify(device=device, code=form.cleaned_data["token"])
    except ValidationError as error:
        form.add_error("token", error.message_dict["token"])
        return False
    otp_login(request, device)
    return True


def _sign_in_with_recovery_code(request: HttpRequest, form: TokenForm) -> HttpResponse:
    device = RecoveryCodeDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        form.add_error(
            "token", "You have no recovery codes. Ask your school administrator to reset your second factor."
        )
    elif _verified(request, form, device):
        left = services.recovery_code_used(user=request.user, device=device)  # type: ignore[arg-type]
        messages.warning(
            request,
            f"You signed in with a recovery code. It will not work again; {left} left. "
            "If your phone is lost, ask your school administrator to reset your second factor.",
        )
        return redirect(f"{reverse('accounts:second_factor')}?{urlencode({'next': _safe_next(request)})}")
    return render(request, "accounts/two_factor.html", {"form": form, "next": request.GET.get("next", "")})


def _is_enrolment_link(target: str) -> bool:
    try:
        return resolve(urlsplit(target).path).view_name == "accounts:enrol"
    except Resolver404:
        return False


def _enrolment_needed(request: HttpRequest) -> HttpResponse:
    """No authenticator yet: the way on is the enrolment link in the person's mailbox (one is sent if none is)."""
    target = _safe_next(request)
    if _is_enrolment_link(target):  # the link was opened first and the password asked for: back to the link
        return redirect(target)
    link = selectors.live_enrolment_link(request.user)  # type: ignore[arg-type]
    problem = ""
    if link is None and request.method == "GET":
        try:
            link = services.enrolment_link_request(user=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            problem = error.messages[0]
    return render(
        request,
        "accounts/enrolment_needed.html",
        {"link": link, "problem": problem, "next": request.GET.get("next", "")},
    )


@require_POST
def enrolment_request(request: HttpRequest) -> HttpResponse:
    """Send me a new enrolment link (a few an hour at most)."""
    try:
        services.enrolment_link_request(user=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"We have e-mailed a new enrolment link to {request.user.email}.")  # type: ignore[union-attr]
    return redirect(f"{_two_factor_url()}?{urlencode({'next': _safe_next(request)})}")


ENROLMENT_SESSION_KEY = "pastoral_enrolment_link"


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, token: str) -> HttpResponse:
    """Set up an authenticator app from an enrolment link, signed in with the password: only a session holding
    both is shown the key and QR code; a code from the app confirms it and the recovery codes are shown once."""
    try:
        link = services.enrolment_link_open(
            user=request.user,  # type: ignore[arg-type]
            token=token,
            claimed_link_id=request.session.get(ENROLMENT_SESSION_KEY),
        )
    except services.EnrolmentLinkUnknown as unknown:
        # Recorded once, by the audit middleware, as every refusal is.
        raise refusal(
            Http404("No such enrolment link."),
            model=EnrolmentLink,
            reason="enrolment link unknown, or another person's",
            **({"pk": unknown.link_id} if unknown.link_id else {}),
        ) from None
    except services.EnrolmentLinkUnusable as problem:
        return render(request, "accounts/enrol_unusable.html", {"problem": str(problem)}, status=410)
    request.session[ENROLMENT_SESSION_KEY] = link.pk
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.enrolment_complete(
                user=request.user,  # type: ignore[arg-type]
                link=link,
                code=form.cleaned_data["token"],
            )
        except ValidationError as error:
            form.add_error("token", error.messages)
        else:
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "enrolled": True})
    device = link.device
    assert device is not None  # a link that opens has its new authenticator
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(
                scale=4, title="Authenticator set-up code"
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """A person's own second factor: their authenticator app, the recovery codes left, and new codes."""
    user = request.user
    status = selectors.second_factor_status(user)  # type: ignore[arg-type]
    # /accounts/ is outside the two-factor gate, so this page keeps its own.
    if status.authenticator is not None and not user.is_verified():  # type: ignore[union-attr]
        return redirect(f"{_two_factor_url()}?{urlencode({'next': request.get_full_path()})}")
    if request.method == "POST":
        try:
            codes = services.recovery_codes_replace(user=user)  # type: ignore[arg-type]
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("accounts:second_factor")
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "enrolled": False})
    return render(
        request,
        "accounts/second_factor.html",
        {"status": status, "next": _safe_next(request), "needs_two_factor": requires_two_factor(user)},
    )


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
def under_attack(request: HtmxHttpRequest) -> HttpResponse:
    """For a school administrator: their organisation's accounts with many failed sign-ins in the last day."""
    if (held := _second_factor_first(request)) is not None:
        return held
    organisation = request.organisation
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
def account_sign_ins(request: HtmxHttpRequest, user_pk: int) -> HttpResponse:
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
        organisation_id=getattr(request.organisation, "pk", None),
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
