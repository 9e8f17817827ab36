"""The request as the project's middleware leaves it, typed, so views read what the middleware set without
`type: ignore`: django-htmx's `HtmxMiddleware` sets `htmx`, `access.middleware.CurrentOrganisationMiddleware` sets
`organisation` (the one the user is working in, None when they have none) and `organisations` (all of theirs).

Annotate a view's request `HtmxHttpRequest` when it reads them; Django passes every view the same request object."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from organisations.models import Organisation


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
    organisation: Organisation | None
    organisations: list[Any]
