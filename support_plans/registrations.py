"""What support plans add to the navigation, home page, pupil profile and demo world, and the monitoring hook."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest

from access.permissions import access_for
from access.roles import Role
from behaviour.signals import report_scores_recorded
from demo.registry import register_demo_builder
from pastoral.registry import (
    register_home_panel,
    register_nav,
    register_profile_section,
    register_subject_access,
)
from support_plans.permissions import OPEN_PLAN_ROLES


def _home(request: HttpRequest) -> dict[str, Any] | None:
    if not access_for(request.user).roles() & {Role.HEAD_OF_YEAR, Role.SENIOR_LEADER, Role.SENCO, Role.DSL}:
        return None
    from support_plans.models import Alert
    from support_plans.permissions import visible_plans
    from support_plans.selectors import meetings_due, open_plans

    due = meetings_due(request.user)
    return {
        "open_count": open_plans(request.user).count(),
        "this_week": due["this_week"],
        "overdue": due["overdue"],
        "alerts": Alert.objects.filter(
            plan__in=visible_plans(request.user), parents_contacted_on__isnull=True
        ).count(),
    }


def _profile(request: HttpRequest, pupil: Any) -> dict[str, Any] | None:
    from support_plans.permissions import can_open_plan, can_view_plan
    from support_plans.selectors import stage

    plans = [p for p in pupil.support_plans.select_related("pupil") if can_view_plan(request.user, p)]
    may_open = can_open_plan(request.user, pupil)
    if not plans and not may_open:
        return None
    for plan in plans:
        plan.stage_label = stage(plan)
    return {"plans": plans, "can_open": may_open and not any(p.is_open for p in plans)}


@receiver(report_scores_recorded, dispatch_uid="support_plans-monitoring")
def _on_report_scores(sender: Any, card: Any, **kwargs: Any) -> None:
    """Between reviews: when the report card shows the plan failing, alert the coordinator."""
    from support_plans.models import SupportPlan
    from support_plans.services import monitoring_check

    for plan in SupportPlan.objects.filter(report_card=card, status=SupportPlan.Status.ACTIVE):
        monitoring_check(plan=plan)


def _demo(world: Any) -> None:
    from support_plans.demo import build

    build(world)


register_nav("Support plans", "support_plans:dashboard", roles=OPEN_PLAN_ROLES, order=35)
register_home_panel("support-plans", "support_plans/panels/home.html", _home, order=31)
register_profile_section("support-plans", "support_plans/panels/profile.html", _profile, order=31)
register_demo_builder("support_plans", _demo, order=50)


def _subject_access(pupil: Any) -> dict[str, Any]:
    """Every Pastoral Support Programme for the pupil with its parties, assessments, questionnaires, targets and
    their revisions, meetings and progress, signatures and alerts. Secure links are listed without their token."""
    from people.subject_access import record, records
    from support_plans import models as m

    plans = []
    for plan in m.SupportPlan.objects.filter(pupil=pupil).order_by("pk"):
        targets = m.Target.objects.filter(plan=plan).order_by("pk")
        plans.append(
            {
                **record(plan, ("pupil",)),
                "parties": records(m.Party.objects.filter(plan=plan).order_by("pk"), ("plan",)),
                "assessments": records(m.Assessment.objects.filter(plan=plan).order_by("pk"), ("plan",)),
                "questionnaires": records(
                    m.Questionnaire.objects.filter(plan=plan).order_by("pk"), ("plan",)
                ),
                "links": records(
                    m.SecureLink.objects.filter(plan=plan).order_by("pk"), ("plan", "token_hash")
                ),
                "targets": [
                    {
                        **record(t, ("plan",)),
                        "revisions": records(
                            m.TargetRevision.objects.filter(target=t).order_by("pk"), ("target",)
                        ),
                        "progress": records(
                            m.TargetProgress.objects.filter(target=t).order_by("pk"), ("target",)
                        ),
                    }
                    for t in targets
                ],
                "meetings": records(m.Meeting.objects.filter(plan=plan).order_by("pk"), ("plan",)),
                "signatures": records(m.Signature.objects.filter(plan=plan).order_by("pk"), ("plan",)),
                "alerts": records(m.Alert.objects.filter(plan=plan).order_by("pk"), ("plan",)),
            }
        )
    return {"support_plans": plans}


register_subject_access("support_plans", _subject_access)
