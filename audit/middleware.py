from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from audit.context import acting_as


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
    """Makes the signed-in user the actor of every audited write during the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with acting_as(user, client_ip(request)):
            return self.get_response(request)
