from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from access.permissions import last_fetched, refusal_of
from audit.context import acting_as

REFUSED = (403, 404)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a trusted proxy (`TRUSTED_PROXIES`) the right-most
    X-Forwarded-For entry that is not a trusted proxy (entries further left are the client's to write)."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXIES
    if not proxies or remote is None:
        return remote
    address = _parsed(remote)
    if address is None or not any(address in network for network in proxies):
        return remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop_address = _parsed(hop.strip())
        if hop_address is None:
            break  # not an address: nothing to its left can be trusted either
        address = hop_address
        if not any(address in network for network in proxies):
            break
    return str(address)


def _parsed(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


class AuditContextMiddleware:
    """Makes the signed-in user the actor of every audited write during the request, and records every refusal
    (a 403 or 404 a view answers a signed-in user) in the audit log: the one place refusals are written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with acting_as(user, client_ip(request)):
            response = self.get_response(request)
            if user is not None and response.status_code in REFUSED and _answered_by_a_view(request):
                _record(request, user, response.status_code)
            return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """Keep the refusal a view raised (the handler turns it into the 403 or 404 response recorded above)."""
        if isinstance(exception, PermissionDenied | Http404):
            request._pastoral_refusal = exception  # type: ignore[attr-defined]


def _answered_by_a_view(request: HttpRequest) -> bool:
    """A URL that matches no page is not a refusal; a view's 403 or 404 (raised or returned) is."""
    return getattr(request, "resolver_match", None) is not None


def _path(request: HttpRequest) -> str:
    """The URL refused, without its query string and with any token in it masked (a secret link's token must
    not be copied into the log)."""
    path = request.path
    match = request.resolver_match
    for name, value in match.kwargs.items() if match is not None else ():
        if "token" in name and value:
            path = path.replace(str(value), "[token]")
    return path[:500]


def _record(request: HttpRequest, user: object, status: int) -> None:
    from audit.services import record_refusal

    exception = getattr(request, "_pastoral_refusal", None)
    refused = refusal_of(exception) if exception is not None else None
    obj = refused.obj if refused is not None else (last_fetched(user) if status == 403 else None)
    organisation = getattr(request, "organisation", None)
    record_refusal(
        actor=user,
        status=status,
        method=request.method or "",
        path=_path(request),
        organisation_id=organisation.pk if organisation is not None else None,
        model=refused.model if refused is not None else None,
        lookup=refused.lookup if refused is not None else None,
        reason=refused.reason if refused is not None else "",
        obj=obj,
    )
