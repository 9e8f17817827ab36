"""What the MIS import adds to the navigation and the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from access.permissions import can_import
from access.roles import IMPORT_ROLES
from core.registry import register_home_panel, register_nav


def _latest_imports(request: HttpRequest) -> dict[str, Any] | None:
    organisation = getattr(request, "organisation", None)
    if organisation is None or not can_import(request.user, organisation):
        return None
    from mis_import.selectors import visible_import_jobs

    return {"jobs": list(visible_import_jobs(request.user).filter(organisation=organisation)[:3])}


register_nav("MIS import", "mis_import:index", roles=IMPORT_ROLES, order=80)
register_home_panel("mis-import-latest", "mis_import/panels/latest.html", _latest_imports, order=80)


def _register_demo() -> None:
    from demo.registry import register_demo_builder
    from mis_import.demo import build_demo_imports

    register_demo_builder("mis_import", build_demo_imports, order=90)


_register_demo()
