"""What behaviour adds to the navigation, the home page, the pupil profile and the demo world."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models.signals import post_save
from django.http import HttpRequest
from django.utils import timezone

from access.permissions import access_for, can_view_pupil
from access.roles import PUPIL_ROLES, Role
from core.registry import (
    register_home_panel,
    register_nav,
    register_profile_section,
    register_subject_access,
)
from demo.registry import register_demo_builder
from organisations.models import Organisation


def school_year_start(today: datetime.date) -> datetime.date:
    year = today.year if today.month >= 9 else today.year - 1
    return datetime.date(year, 9, 1)


def _profile(request: HttpRequest, pupil: Any) -> dict[str, Any] | None:
    from behaviour import selectors

    if not can_view_pupil(request.user, pupil):
        return None
    today = timezone.localdate()
    return {
        "summary": selectors.behaviour_summary(pupil, school_year_start(today), today),
        "suspensions": list(selectors.pupil_suspensions(pupil)[:10]),
    }


def _home(request: HttpRequest) -> dict[str, Any] | None:
    roles = access_for(request.user).roles()
    if not roles & {Role.SENIOR_LEADER, Role.HEAD_OF_YEAR, Role.DSL, Role.PAL}:
        return None
    from behaviour.selectors import RECENT_DAYS, recent_behaviour

    return {**recent_behaviour(request.user, now=timezone.now()), "days": RECENT_DAYS}


def _seed_categories(
    sender: Any, instance: Organisation, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """A new school or college starts with the default behaviour categories."""
    if created and not raw and instance.kind in (Organisation.Kind.SCHOOL, Organisation.Kind.COLLEGE):
        from behaviour.services import categories_seed_defaults

        categories_seed_defaults(organisation=instance)


def _demo(world: Any) -> None:
    from behaviour.demo import build

    build(world)


def _demo_notices(world: Any) -> None:
    from behaviour.demo import build_notices

    build_notices(world)


register_nav("Behaviour", "behaviour:incident_list", roles=PUPIL_ROLES, order=30)
register_home_panel("behaviour-week", "behaviour/panels/home.html", _home, order=30)
register_profile_section("behaviour", "behaviour/panels/profile.html", _profile, order=30)
register_demo_builder("behaviour", _demo, order=50)
register_demo_builder("behaviour_notices", _demo_notices, order=51)
post_save.connect(_seed_categories, sender=Organisation, dispatch_uid="behaviour_seed_categories")


def _subject_access(pupil: Any) -> dict[str, Any]:
    """Incidents the pupil was involved in (not the other pupils' names: theirs is third-party data), report
    cards with every score, and suspensions and exclusions."""
    from django.db.models import Count

    from behaviour.models import Incident, ReportCard, ReportEntry, Suspension
    from people.subject_access import record, records

    # Annotate before filtering: the count covers every pupil linked to the incident, not just this one.
    incidents = (
        Incident.objects.annotate(involved=Count("links", distinct=True))
        .filter(pupils=pupil)
        .select_related("category")
        .order_by("occurred_at")
    )
    return {
        "incidents": [
            {**record(i, ("pupils",)), "category": i.category.name, "other_pupils_involved": i.involved - 1}
            for i in incidents
        ],
        "report_cards": [
            {**record(card, ("pupil",)), "entries": records(ReportEntry.objects.filter(card=card), ("card",))}
            for card in ReportCard.objects.filter(pupil=pupil).order_by("starts_on")
        ],
        "suspensions": records(Suspension.objects.filter(pupil=pupil).order_by("starts_on"), ("pupil",)),
    }


register_subject_access("behaviour", _subject_access)
