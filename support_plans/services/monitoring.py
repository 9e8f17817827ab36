"""Between reviews: the monitoring report card, and the alerts raised when it fails or goes unscored."""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from behaviour.selectors import card_is_failing
from behaviour.services import report_card_create
from support_plans import selectors
from support_plans.models import Alert, SupportPlan
from support_plans.services._base import saved
from support_plans.tasks import send_alert_email


@transaction.atomic
def monitoring_set(*, actor: Any, plan: SupportPlan, frequency: str, staff: Any) -> SupportPlan:
    """Agree the monitoring arrangements and start a report card scoring each lesson against the targets."""
    plan.monitoring, plan.monitoring_staff = frequency, staff
    start = plan.starts_on or timezone.localdate()
    targets = [
        t.current.specific
        for t in plan.targets.filter(is_active=True).prefetch_related("revisions")
        if t.current
    ]
    if not targets:
        raise ValidationError("Agree the targets before setting up monitoring.")
    plan.report_card = report_card_create(
        actor=actor,
        pupil=plan.pupil,
        frequency=frequency,
        key_staff=staff,
        targets=targets,
        starts_on=start,
        ends_on=start + datetime.timedelta(weeks=plan.length_weeks),
        purpose="Pastoral Support Programme monitoring",
    )
    return saved(plan)


def monitoring_check(*, plan: SupportPlan) -> Alert | None:
    """When the report card shows the plan failing, alert the coordinator to contact the parents (once per open alert)."""
    card = plan.report_card if plan.is_open else None
    if card is None:
        return None
    failing, why = card_is_failing(card)
    open_failing = plan.alerts.filter(kind=Alert.Kind.FAILING, resolved_on__isnull=True)
    if not failing or open_failing.exists():
        return None
    alert = saved(Alert(organisation_id=plan.organisation_id, plan=plan, reason=why[:400]))
    transaction.on_commit(lambda: send_alert_email.enqueue(alert.pk))
    return alert


@transaction.atomic
def missing_scores_check(*, organisation: Any, today: datetime.date) -> list[Alert]:
    """The nightly check: alert the coordinator of each under-way plan without scores for too long, once a gap."""
    raised = []
    for gap in selectors.score_gaps(organisation, today=today):
        if gap.is_alerted:
            continue
        alert = saved(
            Alert(
                organisation_id=gap.plan.organisation_id,
                plan=gap.plan,
                kind=Alert.Kind.NO_SCORES,
                reason=gap.reason[:400],
                gap_starts_on=gap.since,
            )
        )
        raised.append(alert)
    for alert in raised:
        transaction.on_commit(partial(send_alert_email.enqueue, alert.pk))
    return raised


def missing_scores_resolve(*, plan: SupportPlan, actor: Any, scored_on: datetime.date) -> int:
    """Scores were saved: the plan's open missing-scores alerts are resolved (how many)."""
    resolved = 0
    for alert in plan.alerts.filter(kind=Alert.Kind.NO_SCORES, resolved_on__isnull=True):
        alert.resolved_on, alert.resolved_by = timezone.localdate(), actor
        alert.resolution = f"Scores recorded for {scored_on.day} {scored_on:%b %Y}."
        saved(alert)
        resolved += 1
    return resolved


def alert_resolve(*, actor: Any, alert: Alert, contacted_on: datetime.date, resolution: str) -> Alert:
    """The coordinator records the conversation with the parents; the alert closes."""
    if alert.kind != Alert.Kind.FAILING:
        raise ValidationError("This alert closes when scores are recorded on the report card.")
    if not resolution.strip():
        raise ValidationError({"resolution": "Say what was discussed with the parents."})
    alert.parents_contacted_on, alert.resolution, alert.resolved_by = contacted_on, resolution, actor
    alert.resolved_on = contacted_on
    return saved(alert)
