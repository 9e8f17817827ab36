"""What the portfolio pages share: the site's address for credentials, and a service's refusal as messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)
