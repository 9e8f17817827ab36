"""Every write to a Pastoral Support Programme, one rule at a time."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from access.models import RoleAssignment
from access.roles import Role
from audit.services import record_event
from behaviour.selectors import LeaversCounts, card_is_failing, leavers_counts
from behaviour.services import leavers_records_delete, report_card_create
from organisations.models import Organisation
from people.models import PupilContact
from support_plans import selectors
from support_plans.models import (
    Alert,
    Assessment,
    Meeting,
    Party,
    PlanDocument,
    PlanSettings,
    Questionnaire,
    SecureLink,
    Signature,
    SupportPlan,
    Target,
    TargetProgress,
    TargetRevision,
    review_points,
)
from support_plans.questions import questions_for
from support_plans.selectors import unused_links
from support_plans.tasks import send_alert_email

LINK_DAYS = 14
REVISION_FIELDS = TargetRevision.WORDING_FIELDS


def settings_for(organisation: Any) -> PlanSettings:
    found = PlanSettings.objects.filter(organisation=organisation).first()
    return found or PlanSettings(organisation=organisation)


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


def _save(obj: Any) -> Any:
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
) -> SupportPlan:
    """Open a PSP for a pupil at risk of exclusion, with the pupil, their parents or carers, the coordinator
    and the SENCO as parties (more are added from the plan page)."""
    if pupil.support_plans.exclude(status=SupportPlan.Status.CLOSED).exists():
        raise ValidationError("This pupil already has an open Pastoral Support Programme.")
    school = settings_for(pupil.organisation)
    plan = _save(
        SupportPlan(
            organisation_id=pupil.organisation_id,
            pupil=pupil,
            coordinator=coordinator,
            reason=reason,
            relation=relation,
            relation_note=relation_note,
            opened_on=opened_on or timezone.localdate(),
            length_weeks=school.length_weeks,
            review_weeks=school.review_weeks,
        )
    )
    org = pupil.organisation_id
    _save(Party(organisation_id=org, plan=plan, kind=Party.Kind.PUPIL, name=pupil.display_name, role="Pupil"))
    for link in PupilContact.objects.filter(pupil=pupil, has_parental_responsibility=True).select_related(
        "contact"
    ):
        _save(
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
    _save(
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
    senco = (
        RoleAssignment.objects.current()
        .filter(organisation_id=org, role=Role.SENCO)
        .select_related("user")
        .first()
    )
    if senco and senco.user_id != coordinator.pk:
        _save(
            Party(
                organisation_id=org,
                plan=plan,
                kind=Party.Kind.SENCO,
                name=senco.user.full_name or senco.user.email,
                role="SENCO",
                email=senco.user.email,
                user=senco.user,
            )
        )
    return plan


def plan_update(*, actor: Any, plan: SupportPlan, data: dict[str, Any]) -> SupportPlan:
    """Change the plan's own fields (opening details, the pre-meeting pack, rewards and consequences)."""
    locked = {"status", "outcome", "evaluation", "evidence", "closed_on", "organisation", "pupil"}
    for key, value in data.items():
        if key in locked:
            raise ValidationError(f"{key} is set by the plan's stages, not edited directly.")
        setattr(plan, key, value)
    return _save(plan)


def party_save(*, actor: Any, plan: SupportPlan, data: dict[str, Any], party: Party | None = None) -> Party:
    party = party or Party(organisation_id=plan.organisation_id, plan=plan)
    for key, value in data.items():
        setattr(party, key, value)
    return _save(party)


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
            _save(obj)


# --- Questionnaires and secure links ------------------------------------------------------


def questionnaire_create(
    *, actor: Any, plan: SupportPlan, kind: str, respondent: str, party: Party | None = None
) -> Questionnaire:
    return _save(
        Questionnaire(
            organisation_id=plan.organisation_id, plan=plan, kind=kind, respondent=respondent, party=party
        )
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_create(
    *,
    actor: Any,
    plan: SupportPlan,
    purpose: str,
    questionnaire: Questionnaire | None = None,
    party: Party | None = None,
    days: int = LINK_DAYS,
) -> tuple[SecureLink, str]:
    """Make a single-use link that expires; returns the link and its token (shown once, stored only hashed)."""
    if purpose == SecureLink.Purpose.QUESTIONNAIRE and (questionnaire is None or questionnaire.is_complete):
        raise ValidationError("Only an unanswered questionnaire can be sent by link.")
    if purpose == SecureLink.Purpose.SIGNATURE and party is None:
        raise ValidationError("Say who is to sign.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # A new link replaces any earlier unused one for the same thing.
        unused_links(plan=plan, purpose=purpose, questionnaire=questionnaire, party=party).update(
            revoked_at=timezone.now()
        )
        link = _save(
            SecureLink(
                organisation_id=plan.organisation_id,
                plan=plan,
                purpose=purpose,
                questionnaire=questionnaire,
                party=party,
                token_hash=_hash(token),
                expires_at=timezone.now() + datetime.timedelta(days=days),
                created_by=actor,
            )
        )
    return link, token


def link_recipients(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """The addresses a questionnaire link may be e-mailed to, as (address, label): the respondent's own (from
    their party), and for a pupil or parent questionnaire the pupil's contacts with parental responsibility."""
    found: dict[str, tuple[str, str]] = {}
    party = questionnaire.party
    if party is not None and party.email:
        label = f"{party.name} ({party.role or party.get_kind_display()}) <{party.email}>"
        found[party.email.lower()] = (party.email, label)
    if questionnaire.kind != Questionnaire.Kind.STAFF:
        links = PupilContact.objects.filter(
            pupil_id=questionnaire.plan.pupil_id, has_parental_responsibility=True, no_contact=False
        ).select_related("contact")
        for link in links.order_by("priority"):
            email = link.contact.email
            if email and email.lower() not in found:
                label = f"{link.contact} ({link.get_relationship_display()}) <{email}>"
                found[email.lower()] = (email, label)
    return list(found.values())


def known_recipient(questionnaire: Questionnaire, address: str) -> str | None:
    """The address as held, when `address` (any case) is one the questionnaire's link may be e-mailed to."""
    wanted = address.strip().lower()
    return next((a for a, _ in link_recipients(questionnaire) if a.lower() == wanted), None)


def questionnaire_link_email(*, actor: Any, questionnaire: Questionnaire, recipient: str) -> None:
    """E-mail a new secure link for the questionnaire to one of its known addresses (made and sent by a task, so the
    link's token never leaves the worker except in the e-mail; any earlier unused link is withdrawn)."""
    if questionnaire.is_complete or not questionnaire.plan.is_open:
        raise ValidationError("Only an unanswered questionnaire of an open programme can be sent by link.")
    address = known_recipient(questionnaire, recipient)
    if address is None:
        raise ValidationError(
            {"recipient": "Choose one of the pupil's contacts or the respondent's address."}
        )
    from support_plans.tasks import send_questionnaire_link

    transaction.on_commit(lambda: send_questionnaire_link.enqueue(questionnaire.pk, actor.pk, address))


class LinkUnusable(Exception):
    """The link is unknown, expired, already used or withdrawn; the message says which, politely."""


def link_resolve(token: str) -> SecureLink:
    link = (
        SecureLink.objects.select_related(
            "plan", "plan__pupil", "plan__organisation", "plan__coordinator", "questionnaire", "party"
        )
        .filter(token_hash=_hash(token))
        .first()
    )
    if link is None or link.revoked_at is not None:
        raise LinkUnusable("This link is not valid. Please ask the school for a new one.")
    if link.used_at is not None:
        raise LinkUnusable("This link has already been used. Thank you — your response has been received.")
    if link.expires_at <= timezone.now():
        raise LinkUnusable("This link has expired. Please ask the school for a new one.")
    if not link.plan.is_open:
        raise LinkUnusable("This support plan has closed.")
    return link


def questionnaire_submit(
    *,
    questionnaire: Questionnaire,
    answers: dict[str, str],
    source: str,
    actor: Any = None,
    link: SecureLink | None = None,
) -> Questionnaire:
    """Save the answers once: online through a link, or typed in from paper by staff."""
    keys = {k for k, _ in questions_for(questionnaire.kind)}
    if not any((answers.get(k) or "").strip() for k in keys):
        raise ValidationError("Answer at least one question.")
    with transaction.atomic():
        questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        if questionnaire.is_complete:
            raise ValidationError("This questionnaire has already been completed.")
        questionnaire.answers = {k: (answers.get(k) or "").strip() for k in keys}
        questionnaire.source = source
        questionnaire.submitted_at = timezone.now()
        questionnaire.entered_by = actor if source == Questionnaire.Source.PAPER else None
        _save(questionnaire)
        if link is not None:
            _use_link(link)
    return questionnaire


def _use_link(link: SecureLink) -> None:
    updated = SecureLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not updated:
        raise ValidationError("This link has already been used.")


# --- Targets ------------------------------------------------------------------------------


def _revision(
    target: Target, version: int, actor: Any, data: dict[str, Any], reason: str = ""
) -> TargetRevision:
    rev = TargetRevision(
        organisation_id=target.organisation_id,
        target=target,
        version=version,
        revised_by=actor,
        reason=reason,
    )
    for key in REVISION_FIELDS:
        if key in data and data[key] is not None:
            setattr(rev, key, data[key])
    return _save(rev)


@transaction.atomic
def target_add(*, actor: Any, plan: SupportPlan, data: dict[str, Any]) -> Target:
    """Add a SMART target; one missing an element is refused with a message naming it."""
    probe = TargetRevision(**{k: data.get(k) for k in REVISION_FIELDS if data.get(k) is not None})
    missing = probe.missing_smart()
    if missing:
        raise ValidationError("This target is not SMART yet. Missing: " + "; ".join(missing) + ".")
    number = (plan.targets.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    target = _save(Target(organisation_id=plan.organisation_id, plan=plan, number=number))
    _revision(target, 1, actor, data)
    return target


@transaction.atomic
def target_revise(*, actor: Any, target: Target, data: dict[str, Any], reason: str) -> TargetRevision:
    """A new wording of the target; earlier revisions are kept as they were."""
    current = target.current
    version = (current.version if current else 0) + 1
    merged = {k: getattr(current, k) for k in REVISION_FIELDS} if current else {}
    merged.update({k: v for k, v in data.items() if k in REVISION_FIELDS})
    if current and all(merged[k] == getattr(current, k) for k in REVISION_FIELDS):
        raise ValidationError("Nothing has changed: the target is as it was.")
    return _revision(target, version, actor, merged, reason=reason)


def target_retire(*, actor: Any, target: Target) -> Target:
    target.is_active = False
    return _save(target)


# --- Meetings -----------------------------------------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    actor: Any,
    plan: SupportPlan,
    kind: str,
    held_on: datetime.date,
    summary: str,
    agenda: str = "",
    attendees: list[Party] | None = None,
    week: int | None = None,
    commitments_review: str = "",
    further_measures: str = "",
    progress: dict[int, tuple[str, str]] | None = None,
    today: datetime.date | None = None,
) -> Meeting:
    """Record a meeting. The initial meeting needs targets and starts the plan's clock; reviews and the final
    meeting come after it and record each target's progress. A meeting is recorded once held: never on a day
    still to come (`today` is the clock), never before the meeting it follows, and a review within the programme's
    weeks."""
    if not plan.is_open:
        raise ValidationError("This plan is closed.")
    _check_meeting_date(plan, kind, held_on, week, today or timezone.localdate())
    held = plan.meetings.all()
    if kind == Meeting.Kind.INITIAL:
        if held.filter(kind=Meeting.Kind.INITIAL).exists():
            raise ValidationError("The initial meeting is already recorded.")
        if not plan.targets.filter(is_active=True).exists():
            raise ValidationError("Agree at least one SMART target before recording the initial meeting.")
    else:
        if not held.filter(kind=Meeting.Kind.INITIAL).exists():
            raise ValidationError("Record the initial meeting first.")
        if held.filter(kind=Meeting.Kind.FINAL).exists():
            raise ValidationError("The final meeting is already recorded.")
        if kind == Meeting.Kind.REVIEW and week is None:
            raise ValidationError({"week": "Say which review point this is."})
        if kind == Meeting.Kind.REVIEW and held.filter(kind=Meeting.Kind.REVIEW, week=week).exists():
            raise ValidationError({"week": f"The {week}-week review is already recorded."})
    if not attendees:
        raise ValidationError({"attendees": "Record who attended."})
    meeting = _save(
        Meeting(
            organisation_id=plan.organisation_id,
            plan=plan,
            kind=kind,
            held_on=held_on,
            summary=summary,
            agenda=agenda,
            week=week if kind == Meeting.Kind.REVIEW else None,
            commitments_review=commitments_review,
            further_measures=further_measures,
            recorded_by=actor,
        )
    )
    meeting.attendees.set(attendees)
    for target_id, (value, note) in (progress or {}).items():
        if value:
            _save(
                TargetProgress(
                    organisation_id=plan.organisation_id,
                    meeting=meeting,
                    target_id=target_id,
                    progress=value,
                    note=note,
                )
            )
    if kind == Meeting.Kind.INITIAL:
        plan.status = SupportPlan.Status.ACTIVE
        plan.starts_on = held_on
        _save(plan)
    return meeting


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
    return _save(plan)


# --- Signatures ---------------------------------------------------------------------------


def current_revision_ids(plan: SupportPlan) -> list[int]:
    ids = []
    for target in plan.targets.filter(is_active=True).prefetch_related("revisions"):
        current = target.current
        if current:
            ids.append(current.pk)
    return sorted(ids)


@transaction.atomic
def _check_meeting_date(
    plan: SupportPlan, kind: str, held_on: datetime.date, week: int | None, today: datetime.date
) -> None:
    if held_on > today:
        raise ValidationError(
            {"held_on": "A meeting is recorded once it has been held: the date cannot be in the future."}
        )
    last = plan.meetings.order_by("-held_on").first()
    if last is not None and held_on < last.held_on:
        raise ValidationError(
            {"held_on": f"Meetings are recorded in order: the {last} comes before this date."}
        )
    if kind == Meeting.Kind.REVIEW and plan.ends_on is not None and held_on > plan.ends_on:
        raise ValidationError(
            {
                "held_on": f"The programme's weeks ended on {plan.ends_on:%d %B %Y}: record the final meeting instead."
            }
        )
    later = plan.meetings.filter(kind=Meeting.Kind.REVIEW, week__gt=week or 0).order_by("week").first()
    if kind == Meeting.Kind.REVIEW and later is not None:
        raise ValidationError(
            {"week": f"The {later.week}-week review is already recorded: reviews go in order."}
        )


TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame"})


def _name_words(name: str) -> list[str]:
    words = re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", name.casefold())
    return [w for w in words if w.rstrip(".") not in TITLES]


def signature_matches(party: Party, typed: str) -> bool:
    """Whether a typed signature carries the party's full name (titles aside, any case, more words allowed): a
    pupil may sign with their legal or their known-as name. An outside agency, often named for its service, is not
    checked."""
    if party.kind == Party.Kind.AGENCY:
        return True
    names = [party.name]
    if party.kind == Party.Kind.PUPIL:
        pupil = party.plan.pupil
        names.append(f"{pupil.legal_first_name} {pupil.legal_last_name}")
    typed_words = set(_name_words(typed))
    return any(_name_words(n) and set(_name_words(n)) <= typed_words for n in names)


def sign_targets(
    *,
    plan: SupportPlan,
    party: Party,
    signed_name: str,
    method: str,
    witnessed_by: Any = None,
    link: SecureLink | None = None,
) -> Signature:
    """An attendee signs the targets as they stand now."""
    if party.plan_id != plan.pk:
        raise ValidationError("That person is not a party to this plan.")
    if not signed_name.strip():
        raise ValidationError({"signed_name": "Type your full name to sign."})
    if method == Signature.Method.ON_SCREEN and not signature_matches(party, signed_name):
        raise ValidationError(
            {"signed_name": f"The signature must be {party.name}'s full name, as it is recorded on the plan."}
        )
    ids = current_revision_ids(plan)
    if not ids:
        raise ValidationError("There are no targets to sign yet.")
    if any(s.revision_ids == ids for s in plan.signatures.filter(party=party)):
        raise ValidationError(f"{party.name} has already signed these targets.")
    meeting = plan.meetings.order_by("-held_on", "-created_at").first()
    signature = _save(
        Signature(
            organisation_id=plan.organisation_id,
            plan=plan,
            party=party,
            meeting=meeting,
            signed_name=signed_name.strip(),
            method=method,
            revision_ids=ids,
            witnessed_by=witnessed_by,
        )
    )
    if link is not None:
        _use_link(link)
    return signature


# --- Between reviews ----------------------------------------------------------------------


def monitoring_check(*, plan: SupportPlan) -> Alert | None:
    """When the report card shows the plan failing, alert the coordinator to contact the parents (once per open alert)."""
    card = plan.report_card if plan.is_open else None
    if card is None:
        return None
    failing, why = card_is_failing(card)
    open_failing = plan.alerts.filter(kind=Alert.Kind.FAILING, resolved_on__isnull=True)
    if not failing or open_failing.exists():
        return None
    alert = _save(Alert(organisation_id=plan.organisation_id, plan=plan, reason=why[:400]))
    transaction.on_commit(lambda: send_alert_email.enqueue(alert.pk))
    return alert


@transaction.atomic
def missing_scores_check(*, organisation: Any, today: datetime.date) -> list[Alert]:
    """The nightly check: alert the coordinator of each under-way plan without scores for too long, once a gap."""
    raised = []
    for gap in selectors.score_gaps(organisation, today=today):
        if gap.is_alerted:
            continue
        alert = _save(
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
        _save(alert)
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
    return _save(alert)


# --- Outcome ------------------------------------------------------------------------------


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
    from support_plans.selectors import plan_evidence

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
    return _save(plan)


# --- Retention ----------------------------------------------------------------------------


@dataclass
class RetentionCounts:
    organisation: Organisation
    pupils: int = 0
    plans: int = 0
    plan_records: int = 0
    behaviour: LeaversCounts = field(default_factory=LeaversCounts)

    @property
    def total(self) -> int:
        return self.plans + self.plan_records + self.behaviour.total


def retention_counts(*, organisation: Organisation, today: datetime.date | None = None) -> RetentionCounts:
    """What the retention job would delete for a school today (the dry run)."""
    pupils = selectors.pupils_past_retention(organisation, today or timezone.localdate())
    if not pupils.exists():
        return RetentionCounts(organisation)
    plans = selectors.plans_of(organisation, pupils)
    return RetentionCounts(
        organisation,
        pupils=selectors.with_records(pupils).count(),
        plans=plans.count(),
        plan_records=sum(records.count() for records in selectors.plan_records(plans)),
        behaviour=leavers_counts(organisation, pupils),
    )


def apply_retention(
    *, organisation: Organisation, today: datetime.date | None = None, actor: Any = None
) -> RetentionCounts:
    """Delete the PSPs (with everything under them) and the behaviour records of the school's pupils who left more
    than its period ago and are under no retention hold, in one transaction, with one audit event of the counts.

    Raw deletes, children first, so the audit log gets one summary rather than a copy of every record it is
    meant to forget; plans go before the report cards they point at.
    """
    with transaction.atomic():
        pupils = selectors.pupils_past_retention(organisation, today or timezone.localdate())
        if not pupils.exists():
            return RetentionCounts(organisation)
        counts = RetentionCounts(organisation, pupils=selectors.with_records(pupils).count())
        plans = selectors.plans_of(organisation, pupils)
        files = [str(d.file.name) for d in PlanDocument.objects.filter(plan__in=plans.values("pk"))]
        transaction.on_commit(partial(_delete_files, files))
        for records in selectors.plan_records(plans):
            counts.plan_records += records._raw_delete(records.db)
        counts.plans = plans._raw_delete(plans.db)
        counts.behaviour = leavers_records_delete(organisation=organisation, pupils=pupils)
        _check_nothing_points_at_deleted_rows()
        if counts.total:
            b = counts.behaviour
            record_event(
                action="delete",
                actor=actor,
                organisation_id=organisation.pk,
                object_type="pastoral_retention",
                note=f"retention: records of {counts.pupils} pupil(s) who left more than "
                f"{selectors.retention_years(organisation)} year(s) ago deleted: {counts.plans} PSP(s) with "
                f"{counts.plan_records} record(s) under them, {b.incidents} incident(s), {b.suspensions} "
                f"suspension(s) and exclusion(s), {b.report_cards} report card(s) ({b.report_entries} "
                f"score(s)); {b.shared_links} link(s) to incidents kept for other pupils removed, and the "
                f"leavers' names taken out of the text of {b.incidents_redacted} of those incident(s)",
            )
    return counts


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _check_nothing_points_at_deleted_rows() -> None:
    """The foreign keys are checked only at commit, and raw deletes skip Django's collector: check them now, so a
    row still pointing at a deleted one fails the school's whole run inside its transaction."""
    tables = [
        model._meta.db_table
        for label in ("behaviour", "support_plans")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    connection.check_constraints(table_names=tables)
