"""What caseloads add to the navigation, the home page, the pupil profile and the demo world."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from access.roles import Role
from caseloads.permissions import ASSIGN_ROLES
from core.registry import register_home_panel, register_nav, register_profile_section
from core.retention import register_retention
from demo.registry import register_demo_builder

register_nav("Caseload", "caseloads:home", roles=[Role.PAL], order=26)
register_nav("Caseloads", "caseloads:assign", roles=ASSIGN_ROLES, order=27)
register_nav("Passports", "caseloads:passports", roles=ASSIGN_ROLES, order=28)
register_nav("Caseload statistics", "caseloads:statistics", roles=[Role.HEAD_OF_YEAR], order=29)


def _home(request: HttpRequest) -> dict[str, Any] | None:
    from caseloads.permissions import is_pal

    if not is_pal(request.user):
        return None
    return {}


register_home_panel("caseloads", "caseloads/panels/home.html", _home, order=24)


def _profile(request: HttpRequest, pupil: Any) -> dict[str, Any] | None:
    """The student's eLLP at a glance on their profile, for whoever may read it."""
    from caseloads.models import Review
    from caseloads.permissions import can_read_student

    if not can_read_student(request.user, pupil):
        return None
    reviews = Review.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil).select_related(
        "window"
    )
    from caseloads.models import StageOneMeeting

    return {
        "pupil": pupil,
        "latest": reviews.order_by("-held_on", "-pk").first(),
        "count": reviews.count(),
        "meetings": StageOneMeeting.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil),
    }


register_profile_section("caseloads-ellp", "caseloads/panels/profile.html", _profile, order=33)


def _warnings() -> None:
    """The LPR indicators on the early-warning list (caseloads/warnings.py)."""
    from caseloads.warnings import INDICATORS
    from early_warning.registry import register_indicator

    for indicator in INDICATORS:
        register_indicator(indicator)


_warnings()


def _zip_line(organisation: Any, counts: Any, verb: str) -> str | None:
    if not counts.zips:
        return None
    return (
        f"{organisation.name}: {counts.zips} report ZIP(s) older than {counts.days} days ({counts.bytes} bytes) "
        f"{verb}"
    )


def _zip_total(done: list[Any], verb: str) -> str:
    return f"Total: {sum(c.zips for c in done)} report ZIP(s) {verb}; the batches stay, marked expired."


def _zip_counts(*, organisation: Any, today: Any) -> Any:
    from caseloads.services.reports import report_zip_retention_counts

    return report_zip_retention_counts(organisation=organisation, today=today)


def _zip_apply(*, organisation: Any, today: Any) -> Any:
    from caseloads.services.reports import report_zip_retention_apply

    return report_zip_retention_apply(organisation=organisation, today=today)


# Reports to parents: a batch's ZIP holds every student's report; it is kept 30 days after the batch finished
# (time to download it), then deleted, the batch marked expired (its page offers to generate the reports again).
register_retention("caseload_reports", _zip_counts, _zip_apply, line=_zip_line, total=_zip_total)


def _demo(world: Any) -> None:
    from caseloads.demo import build

    build(world)


register_demo_builder("caseloads", _demo, order=55)
