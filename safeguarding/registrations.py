"""What safeguarding adds to the navigation, home page, pupil profile and demo world."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from access.roles import PUPIL_ROLES, Role
from core.registry import (
    register_home_panel,
    register_nav,
    register_profile_section,
    register_subject_access,
)
from core.retention import register_retention
from demo.registry import register_demo_builder
from safeguarding.permissions import DSL_TEAM_ROLES


def _home(request: HttpRequest) -> dict[str, Any] | None:
    """The DSL team's new concerns and overdue referrals; anyone else's own overdue referrals (the referrer's
    alert)."""
    from django.db.models import Q

    from safeguarding.models import Referral
    from safeguarding.permissions import is_dsl_team
    from safeguarding.selectors import overdue, queue, visible_referrals

    team = is_dsl_team(request.user)
    mine = Referral.objects.filter(Q(made_by=request.user))
    late = overdue(visible_referrals(request.user) if team else mine).count()
    if not team and not late:
        return None
    return {"team": team, "new_count": queue(request.user).count() if team else 0, "overdue_count": late}


def _profile(request: HttpRequest, pupil: Any) -> dict[str, Any] | None:
    """Everyone who can see the pupil may log a concern; the DSL team also gets the file; the flag is discreet."""
    from safeguarding.permissions import can_log_concern, can_see_flag, can_view_file
    from safeguarding.selectors import current_status

    if not can_log_concern(request.user, pupil):
        return None
    flag = current_status(pupil) if can_see_flag(request.user, pupil) else None
    if flag is not None:
        from audit.services import record_read

        record_read(actor=request.user, obj=flag, note="safeguarding: CP flag on the pupil profile")
    return {"can_open_file": can_view_file(request.user, pupil), "flag": flag}


def _demo(world: Any) -> None:
    from safeguarding.demo import build

    build(world)


register_nav("Safeguarding", "safeguarding:queue", roles=DSL_TEAM_ROLES, order=36)
register_nav("Referrals", "safeguarding:referrals", roles=DSL_TEAM_ROLES | {Role.PAL}, order=37)
register_nav("Safety-net meetings", "safeguarding:meetings", roles=DSL_TEAM_ROLES, order=38)
register_nav("My safeguarding concerns", "safeguarding:my_concerns", roles=PUPIL_ROLES, order=89)
register_home_panel("safeguarding", "safeguarding/panels/home.html", _home, order=5)
register_profile_section("safeguarding", "safeguarding/panels/profile.html", _profile, order=5)
register_demo_builder("safeguarding", _demo, order=60)


def _subject_access(pupil: Any) -> Any:
    from safeguarding.selectors.retention import subject_access_records

    return subject_access_records(pupil)


register_subject_access("safeguarding", _subject_access)


# Safeguarding files past date of birth + 25 years are listed for the DSL's review by `manage.py retention`
# (never deleted); the job runs after the PSP and behaviour job.
def _retention_counts(**kw: Any) -> Any:
    from safeguarding.services import retention

    return retention.retention_counts(**kw)


def _retention_apply(**kw: Any) -> Any:
    from safeguarding.services import retention

    return retention.apply_retention(**kw)


def _retention_line(organisation: Any, counts: Any, verb: str) -> str | None:
    from safeguarding.services import retention

    return retention.retention_line(organisation, counts, verb)


def _retention_total(found: list[Any], verb: str) -> str:
    from safeguarding.services import retention

    return retention.retention_total(found, verb)


register_retention(
    "safeguarding",
    _retention_counts,
    _retention_apply,
    line=_retention_line,
    total=_retention_total,
    after=("pastoral",),
)
