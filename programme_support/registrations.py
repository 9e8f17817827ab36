"""What programme support adds to the navigation, the home page, the provider overview, the training-day calendar
feeds and the demo world."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from access.roles import Role
from core.registry import register_home_panel, register_nav
from demo.registry import register_demo_builder
from qualifications.extensions import register_provider_overview_panel, register_training_day_notes

register_nav(
    "Materials and questions",
    "programme_support:home",
    roles={Role.PARTICIPANT, Role.MENTOR, Role.PROGRAMME_ADMIN, Role.FACILITATOR},
    order=64,
)


def _home_panel(request: HttpRequest) -> dict[str, Any] | None:
    """New course materials since the last visit (participants and mentors); questions waiting too long for an
    answer (the provider's programme administrators)."""
    from programme_support import selectors
    from qualifications import permissions as qual_perms

    new = selectors.new_since_last_visit(request.user)
    days = selectors.unanswered_days()
    waiting = (
        selectors.awaiting_answer(request.user, days=days).count()
        if qual_perms.admin_provider_ids(request.user)
        else 0
    )
    if not new and not waiting:
        return None
    return {"new": new, "waiting": waiting, "days": days}


def _provider_overview(request: HttpRequest) -> dict[str, Any] | None:
    from programme_support import selectors

    days = selectors.unanswered_days()
    return {"figures": selectors.answer_figures(request.user, days=days), "days": days}


def _training_day_notes(days: list[Any]) -> dict[int, list[str]]:
    from programme_support.selectors import training_day_notes

    return training_day_notes(days)


def _build(world: Any) -> None:
    from programme_support.demo import build_demo

    build_demo(world)


register_home_panel("programme_support", "programme_support/panels/home.html", _home_panel, order=62)
register_provider_overview_panel(
    "programme_support_answers", "programme_support/panels/provider_overview.html", _provider_overview
)
register_training_day_notes("programme_support_materials", _training_day_notes)
register_demo_builder("programme_support", _build, order=36)
