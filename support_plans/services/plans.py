"""Opening a plan, its own fields, its parties, the assessments decided, its settings, and closing it on its
outcome."""

from __future__ import annotations

import datetime
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.models import RoleAssignment
from access.roles import Role
from people.models import PupilContact
from support_plans.models import Assessment, Meeting, Party, PlanSettings, SupportPlan, review_points
from support_plans.selectors import plan_evidence, settings_for
from support_plans.services._base import saved


def settings_save(
    *,
    actor: Any,
    organisation: Any,
    length_weeks: int,
    review_weeks: str,
    records_years_after_leaving: int | None,
    scores_gap_school_days: int,
) -> PlanSettings:
    obj = settings_for(organisation)
    obj.length_weeks = length_weeks
    obj.review_weeks = ",".join(str(w) for w in review_points(review_weeks))
    obj.records_years_after_leaving = records_years_after_leaving
    obj.scores_gap_school_days = scores_gap_school_days
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def plan_open(
    *,
    actor: Any,
    pupil: Any,
    coordinator: Any,
    reason: str,
    relation: str = SupportPlan.Relation.NONE,
    relation_note: str = "",
    opened_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> SupportPlan:
    """Open a PSP for a pupil at risk of exclusion, with the pupil, their parents or carers, the coordinator
    and the SENCO as parties (more are added from the plan page). It is opened today or on a day gone by
    (`today` is the clock), with the reason the pupil needs it."""
    if pupil.support_plans.exclude(status=SupportPlan.Status.CLOSED).exists():
        raise ValidationError("This pupil already has an open Pastoral Support Programme.")
    today = today or timezone.localdate()
    opened_on = opened_on or today
    if opened_on > today:
        raise ValidationError(
            {"opened_on": "A plan is opened today or on a day gone by: the date cannot be in the future."}
        )
    _check_reason(reason)
    school = settings_for(pupil.organisation)
    plan = saved(
        SupportPlan(
            organisation_id=pupil.organisation_id,
            pupil=pupil,
            coordinator=coordinator,
            reason=reason,
            relation=relation,
            relation_note=relation_note,
            opened_on=opened_on,
            length_weeks=school.length_weeks,
            review_weeks=school.review_weeks,
        )
    )
    org = pupil.organisation_id
    saved(Party(organisation_id=org, plan=plan, kind=Party.Kind.PUPIL, name=pupil.display_name, role="Pupil"))
    for link in PupilContact.objects.filter(pupil=pupil, has_parental_responsibility=True).select_related(
        "contact"
    ):
        saved(
            Party(
                organisation_id=org,
                plan=plan,
                kind=Party.Kind.PARENT,
                name=str(link.contact),
                role=link.get_relationship_display(),
                email=link.contact.email,
                contact=link.contact,
            )
        )
    saved(
        Party(
            organisation_id=org,
            plan=plan,
            kind=Party.Kind.STAFF,
            name=coordinator.full_name or coordinator.email,
            role="PSP coordinator",
            email=coordinator.email,
            user=coordinator,
        )
    )
    _add_senco(plan, coordinator)
    return plan


def _add_senco(plan: SupportPlan, coordinator: Any) -> None:
    """The school's SENCO is a party to every plan (unless they coordinate it)."""
    senco = (
        RoleAssignment.objects.current()
        .filter(organisation_id=plan.organisation_id, role=Role.SENCO)
        .select_related("user")
        .first()
    )
    if senco and senco.user_id != coordinator.pk:
        saved(
            Party(
                organisation_id=plan.organisation_id,
                plan=plan,
                kind=Party.Kind.SENCO,
                name=senco.user.full_name or senco.user.email,
                role="SENCO",
                email=senco.user.email,
                user=senco.user,
            )
        )


REASON_MIN_CHARS = 3


def _check_reason(reason: str) -> None:
    """The reason is what the programme answers (the guidance: why the pupil needs a PSP); a letter or two, typed
    to get past the form, says nothing to the parties who sign up to it."""
    if len(reason.strip()) < REASON_MIN_CHARS:
        raise ValidationError(
            {
                "reason": "Say why the pupil is at risk of exclusion and needs a PSP, in a sentence (what has "
                f"happened, e.g. two suspensions this term for defiance): at least {REASON_MIN_CHARS} characters."
            }
        )


class PlanFields(TypedDict, total=False):
    """The plan's own fields a person edits: opening details, the pre-meeting pack, rewards and consequences.
    Everything else (status, outcome, evidence…) is set by the plan's stages."""

    coordinator: Any
    reason: str
    relation: str
    relation_note: str
    length_weeks: int
    review_weeks: str
    pre_meeting_summary: str
    voice_like_admire: str
    voice_important: str
    voice_support: str
    voice_feelings: str
    senco_comments: str
    iep_summary: str
    current_adjustments: str
    rewards: str
    consequences: str


EDITABLE_PLAN_FIELDS = frozenset(PlanFields.__annotations__)


def plan_update(*, actor: Any, plan: SupportPlan, **fields: Unpack[PlanFields]) -> SupportPlan:
    """Change the plan's own fields (opening details, the pre-meeting pack, rewards and consequences)."""
    for key, value in fields.items():
        if key not in EDITABLE_PLAN_FIELDS:
            raise ValidationError(f"{key} is set by the plan's stages, not edited directly.")
        setattr(plan, key, value)
    if "reason" in fields:
        _check_reason(plan.reason)
    return saved(plan)


class PartyFields(TypedDict, total=False):
    """Who a party to the plan is, and what they commit to."""

    kind: str
    agency: str
    name: str
    role: str
    email: str
    commitments: str
    user: Any
    contact: Any


def party_save(
    *, actor: Any, plan: SupportPlan, party: Party | None = None, **fields: Unpack[PartyFields]
) -> Party:
    """Add a party to the plan, or change one (only the fields given)."""
    party = party or Party(organisation_id=plan.organisation_id, plan=plan)
    for key, value in fields.items():
        setattr(party, key, value)
    return saved(party)


def assessments_save(*, actor: Any, plan: SupportPlan, decisions: dict[str, tuple[str, str]]) -> None:
    """Record what was decided about each assessment the guidance lists; blank decisions are left out."""
    with transaction.atomic():
        for kind, (decision, notes) in decisions.items():
            existing = Assessment.objects.filter(plan=plan, kind=kind).first()
            if not decision:
                if existing:
                    existing.delete()
                continue
            obj = existing or Assessment(
                organisation_id=plan.organisation_id, plan=plan, kind=kind, recorded_by=actor
            )
            obj.decision, obj.notes = decision, notes
            saved(obj)


@transaction.atomic
def plan_close(
    *,
    actor: Any,
    plan: SupportPlan,
    outcome: str,
    evaluation: str,
    continued_monitoring: str = "",
    alternatives_considered: str = "",
    la_consulted_on: datetime.date | None = None,
    la_consultation_notes: str = "",
) -> SupportPlan:
    """Close the plan on its final evaluation: judged successful or unsuccessful on the evidence.

    Refused without a final meeting and an evaluation. Successful: say how monitoring continues. Unsuccessful:
    the alternatives considered and the local authority consulted before any exclusion decision."""
    errors: dict[str, str] = {}
    if not plan.is_open:
        raise ValidationError("This plan is already closed.")
    if not plan.meetings.filter(kind=Meeting.Kind.FINAL).exists():
        raise ValidationError(
            "A plan cannot close without its final meeting and evaluation. Record the final meeting first."
        )
    if outcome not in SupportPlan.Outcome.values:
        errors["outcome"] = "Judge the plan successful or unsuccessful."
    if not evaluation.strip():
        errors["evaluation"] = "Write the final evaluation: the evidence the judgement rests on."
    if outcome == SupportPlan.Outcome.SUCCESSFUL and not continued_monitoring.strip():
        errors["continued_monitoring"] = "Say how staff will continue to support and monitor the pupil."
    if outcome == SupportPlan.Outcome.UNSUCCESSFUL:
        if not alternatives_considered.strip():
            errors["alternatives_considered"] = "Record the alternatives considered."
        if not la_consulted_on:
            errors["la_consulted_on"] = "The local authority must be consulted before any exclusion decision."
    if errors:
        raise ValidationError(errors)
    plan.evidence = plan_evidence(plan, jsonable=True)
    plan.outcome, plan.evaluation = outcome, evaluation
    plan.continued_monitoring, plan.alternatives_considered = continued_monitoring, alternatives_considered
    plan.la_consulted_on, plan.la_consultation_notes = la_consulted_on, la_consultation_notes
    plan.status, plan.closed_on = SupportPlan.Status.CLOSED, timezone.localdate()
    return saved(plan)
