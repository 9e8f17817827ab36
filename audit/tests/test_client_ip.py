"""The client's address: REMOTE_ADDR, and X-Forwarded-For only from a configured proxy."""

from __future__ import annotations

import ipaddress

from django.test import RequestFactory

from audit.middleware import client_ip


def request(remote: str, forwarded: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_it_ignores_x_forwarded_for_when_no_proxy_is_configured(settings):
    """Anyone can send the header, so without TRUSTED_PROXIES it is never read."""
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


def test_it_takes_the_right_most_untrusted_forwarded_address_behind_a_trusted_proxy(settings):
    """Behind nginx on loopback and a load balancer in 10.0.0.0/8, the client is the first hop neither wrote."""
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8")]
    # The client forged the left-most entry; the load balancer appended the real one.
    assert client_ip(request("127.0.0.1", "1.2.3.4, 198.51.100.1, 10.1.2.3")) == "198.51.100.1"
    assert client_ip(request("127.0.0.1", "2001:db8::1")) == "2001:db8::1"


def test_it_ignores_x_forwarded_for_from_an_address_that_is_not_a_proxy(settings):
    """A request straight from a client (not through the proxy) cannot choose its address."""
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]
    assert client_ip(request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


def test_it_stops_at_a_forwarded_entry_that_is_not_an_address(settings):
    """Garbage in the header ends the walk at the last trusted hop rather than trusting what lies beyond it."""
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]
    assert client_ip(request("127.0.0.1", "198.51.100.1, not-an-ip")) == "127.0.0.1"
    assert client_ip(request("127.0.0.1", "")) == "127.0.0.1"
