"""What achievement adds to the kernel: navigation, a pupil-profile section, the MIS import kinds, subject access,
and its part of the demo world."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from achievement.permissions import PROGRESS_ROLES, can_view_progress
from core.registry import register_nav, register_profile_section, register_subject_access


def _profile(request: HttpRequest, pupil: Any) -> dict[str, Any] | None:
    if not can_view_progress(request.user, pupil):
        return None
    from achievement.selectors import pupil_progress

    progress = pupil_progress(pupil)
    return {"pupil": pupil, "rows": progress["rows"]}


def _subject_access(pupil: Any) -> dict[str, Any]:
    from achievement.models import InitialAssessment, Result

    return {
        "results": [
            {
                "course": r.course.name,
                "point": r.point.name,
                "assessed_on": r.point.assessed_on.isoformat(),
                "target": r.target,
                "working_at": r.working_at,
            }
            for r in Result.objects.filter(pupil=pupil).select_related("course", "point")
        ],
        "initial_assessments": [
            {"subject": a.subject, "result": a.result, "assessed_on": a.assessed_on.isoformat()}
            for a in InitialAssessment.objects.filter(pupil=pupil)
        ],
    }


register_nav("Progress", "achievement:progress", roles=PROGRESS_ROLES, order=34)
register_profile_section("achievement", "achievement/profile_section.html", _profile, order=35)
register_subject_access("achievement", _subject_access)


def _register() -> None:
    from achievement.demo import build_achievement
    from achievement.imports import register
    from demo.registry import register_demo_builder

    register()
    register_demo_builder("achievement", build_achievement, order=70)


_register()
