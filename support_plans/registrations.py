"""What support plans add to the navigation, home page, pupil profile and demo world, and the monitoring hook."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import F
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from access.permissions import access_for
from access.roles import Role
from behaviour.signals import report_scores_recorded
from core.registry import (
    register_home_panel,
    register_nav,
    register_profile_section,
    register_subject_access,
)
from core.retention import register_retention
from demo.registry import register_demo_builder
from support_plans import selectors as plan_selectors
from support_plans import services as plan_services
from support_plans.permissions import OPEN_PLAN_ROLES


def _home(request: HttpRequest) -> dict[str, Any] | None:
    if not access_for(request.user).roles() & {Role.HEAD_OF_YEAR, Role.SENIOR_LEADER, Role.SENCO, Role.DSL}:
        return None
    from support_plans.selectors import meetings_due, open_alerts, open_plans, overdue_actions

    due = meetings_due(request.user)
    return {
        "open_count": open_plans(request.user).count(),
        "this_week": due["this_week"],
        "overdue": due["overdue"],
        "alerts": open_alerts(request.user).count(),
        "overdue_actions": list(overdue_actions(request.user, timezone.localdate())[:10]),
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
def _on_report_scores(sender: Any, card: Any, date: Any, actor: Any, **kwargs: Any) -> None:
    """Between reviews: scores resolve a missing-scores alert; when the card shows the plan failing, alert the
    coordinator."""
    from support_plans.models import SupportPlan
    from support_plans.services import missing_scores_resolve, monitoring_check

    for plan in SupportPlan.objects.filter(report_card=card, status=SupportPlan.Status.ACTIVE):
        missing_scores_resolve(plan=plan, actor=actor, scored_on=date)
        monitoring_check(plan=plan)


def _passport(request: HttpRequest, pupil: Any) -> dict[str, Any] | None:
    """The pupil's Communication Passport, for everyone who may see the pupil (their teachers above all)."""
    from support_plans.models import CommunicationPassport

    passport = CommunicationPassport.objects.filter(pupil=pupil).select_related("updated_by").first()
    return {"passport": passport} if passport is not None else None


def _demo(world: Any) -> None:
    from support_plans.demo import build

    build(world)


register_nav("Support plans", "support_plans:dashboard", roles=OPEN_PLAN_ROLES, order=35)
register_home_panel("support-plans", "support_plans/panels/home.html", _home, order=31)
register_profile_section("support-plans", "support_plans/panels/profile.html", _profile, order=31)
register_profile_section("communication-passport", "support_plans/panels/passport.html", _passport, order=32)
register_demo_builder("support_plans", _demo, order=50)


def _subject_access(pupil: Any) -> dict[str, Any]:
    """Every Pastoral Support Programme for the pupil with its parties, assessments, questionnaires, targets and
    their revisions, meetings and progress, signatures and alerts. Secure links are listed without their token.

    One query a kind of record for all the pupil's plans (not one a plan or target), grouped here by owner."""
    from people.subject_access import record
    from support_plans import models as m

    def grouped(queryset: Any, owner: str, exclude: tuple[str, ...]) -> dict[int, list[dict[str, Any]]]:
        rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for obj in queryset.order_by("pk"):
            rows[getattr(obj, f"{owner}_id")].append(record(obj, exclude))
        return rows

    mine = {"plan__pupil": pupil}
    per_plan = {
        "parties": grouped(m.Party.objects.filter(**mine), "plan", ("plan",)),
        "assessments": grouped(m.Assessment.objects.filter(**mine), "plan", ("plan",)),
        "questionnaires": grouped(m.Questionnaire.objects.filter(**mine), "plan", ("plan",)),
        "links": grouped(m.SecureLink.objects.filter(**mine), "plan", ("plan", "token_hash")),
        "targets": grouped(m.Target.objects.filter(**mine), "plan", ("plan",)),
        "meetings": grouped(
            m.Meeting.objects.filter(**mine).prefetch_related("attendees"), "plan", ("plan",)
        ),
        "signatures": grouped(m.Signature.objects.filter(**mine), "plan", ("plan",)),
        "alerts": grouped(m.Alert.objects.filter(**mine), "plan", ("plan",)),
        "arranged_meetings": grouped(m.PlannedMeeting.objects.filter(**mine), "plan", ("plan",)),
        "invitations": grouped(
            m.Invitation.objects.filter(planned__plan__pupil=pupil).annotate(plan_id=F("planned__plan_id")),
            "plan",
            ("planned",),
        ),
        "home_contacts": grouped(m.HomeContact.objects.filter(**mine), "plan", ("plan",)),
        "documents": grouped(m.PlanDocument.objects.filter(**mine), "plan", ("plan", "file")),
        "actions": grouped(m.PlanAction.objects.filter(**mine), "plan", ("plan",)),
    }
    per_target = {
        "revisions": grouped(
            m.TargetRevision.objects.filter(target__plan__pupil=pupil), "target", ("target",)
        ),
        "progress": grouped(
            m.TargetProgress.objects.filter(target__plan__pupil=pupil), "target", ("target",)
        ),
    }
    for targets in per_plan["targets"].values():
        for target in targets:
            target.update({key: rows.get(target["id"], []) for key, rows in per_target.items()})
    passport = m.CommunicationPassport.objects.filter(pupil=pupil).first()
    return {
        "communication_passport": record(passport, ("pupil",)) if passport is not None else None,
        "support_plans": [
            {**record(plan, ("pupil",)), **{key: rows.get(plan.pk, []) for key, rows in per_plan.items()}}
            for plan in m.SupportPlan.objects.filter(pupil=pupil).order_by("pk")
        ],
    }


register_subject_access("support_plans", _subject_access)


def _retention_line(school: Any, counts: Any, verb: str) -> str | None:
    if not counts.total:
        return None
    b = counts.behaviour
    names_verb = "taken out of" if verb == "deleted" else "to take out of"
    return (
        f"{school.name}: records of {counts.pupils} pupil(s) past the period: {counts.plans} PSP(s) "
        f"({counts.plan_records} record(s) under them), {b.incidents} incident(s), {b.suspensions} "
        f"suspension(s), {b.report_cards} report card(s) ({b.report_entries} score(s)), "
        f"{b.shared_links} link(s) to incidents kept for other pupils {verb}; the leavers' names "
        f"{names_verb} {b.incidents_redacted} of those incident(s)"
    )


def _retention_total(done: list[Any], verb: str) -> str:
    names_verb = "taken out of" if verb == "deleted" else "to take out of"
    behaviour = [c.behaviour for c in done]
    return (
        f"Total: {sum(c.plans for c in done)} PSP(s), {sum(b.incidents for b in behaviour)} incident(s), "
        f"{sum(b.suspensions for b in behaviour)} suspension(s), {sum(b.report_cards for b in behaviour)} report "
        f"card(s) {verb}; the leavers' names {names_verb} {sum(b.incidents_redacted for b in behaviour)} "
        "incident(s) kept for other pupils."
    )


# Behaviour incidents, suspensions and report cards, and PSPs with everything under them, of pupils who left more
# than the school's set number of years ago (none under a retention hold): one transaction and one audit event per
# school, so both go together or neither does. The school's period is a PSP setting; behaviour's own rows are
# deleted by behaviour's service (`behaviour.services.leavers_records_delete`), called from inside that transaction.
register_retention(
    "pastoral",
    lambda **kw: plan_selectors.retention_counts(**kw),
    lambda **kw: plan_services.apply_retention(**kw),
    line=_retention_line,
    total=_retention_total,
)
