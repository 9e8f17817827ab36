"""Every write to the behaviour log, report cards and suspensions."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from behaviour.attendance_adapter import mark_excluded, unmark_excluded
from behaviour.models import (
    BehaviourCategory,
    Incident,
    IncidentPupil,
    NoticeAddresses,
    ReportCard,
    ReportEntry,
    Suspension,
    SuspensionNotice,
)
from behaviour.selectors import (
    INCIDENT_TEXT_FIELDS,
    RETENTION_BATCH,
    LeaversCounts,
    leavers_records,
    leavers_redactions,
    suspension_parties,
)
from behaviour.signals import report_scores_recorded
from organisations import calendar


def _check_pupils(organisation: Any, pupils: Iterable[Any]) -> list[Any]:
    pupils = list(pupils)
    if not pupils:
        raise ValidationError({"pupils": "Choose at least one pupil."})
    if any(p.organisation_id != organisation.pk for p in pupils):
        raise ValidationError({"pupils": "Every pupil must belong to this school."})
    return pupils


@transaction.atomic
def incident_create(
    *,
    actor: Any,
    organisation: Any,
    pupils: Iterable[Any],
    kind: str,
    category: BehaviourCategory,
    occurred_at: datetime.datetime,
    place: str,
    staff: Any,
    description: str,
    severity: int = 1,
    lesson: str = "",
    actions: str = "",
    parents_contacted: bool = False,
    parents_contacted_how: str = "",
) -> Incident:
    """Record one incident for one or more pupils."""
    pupils = _check_pupils(organisation, pupils)
    incident = Incident(
        organisation=organisation,
        recorded_by=actor,
        kind=kind,
        category=category,
        severity=severity,
        occurred_at=occurred_at,
        place=place,
        lesson=lesson,
        staff=staff,
        description=description,
        actions=actions,
        parents_contacted=parents_contacted,
        parents_contacted_how=parents_contacted_how,
    )
    incident.full_clean()
    incident.save()
    for pupil in pupils:
        link = IncidentPupil(organisation=organisation, incident=incident, pupil=pupil)
        link.full_clean()
        link.save()
    return incident


@transaction.atomic
def incident_update(
    *,
    actor: Any,
    incident: Incident,
    pupils: Iterable[Any],
    kind: str,
    category: BehaviourCategory,
    occurred_at: datetime.datetime,
    place: str,
    staff: Any,
    description: str,
    severity: int,
    lesson: str = "",
    actions: str = "",
    parents_contacted: bool = False,
    parents_contacted_how: str = "",
) -> Incident:
    """Change an incident and who was involved (every change is in the audit log)."""
    incident = Incident.objects.select_for_update().get(
        organisation_id=incident.organisation_id, pk=incident.pk
    )
    pupils = _check_pupils(incident.organisation, pupils)
    incident.kind = kind
    incident.category = category
    incident.severity = severity
    incident.occurred_at = occurred_at
    incident.place = place
    incident.lesson = lesson
    incident.staff = staff
    incident.description = description
    incident.actions = actions
    incident.parents_contacted = parents_contacted
    incident.parents_contacted_how = parents_contacted_how
    incident.full_clean()
    incident.save()
    wanted = {p.pk for p in pupils}
    for link in incident.links.all():
        if link.pupil_id not in wanted:
            link.delete()
    have = set(incident.links.values_list("pupil_id", flat=True))
    for pupil in pupils:
        if pupil.pk not in have:
            IncidentPupil.objects.create(organisation=incident.organisation, incident=incident, pupil=pupil)
    return incident


@transaction.atomic
def report_card_create(
    *,
    actor: Any,
    pupil: Any,
    frequency: str,
    key_staff: Any,
    targets: list[str],
    starts_on: datetime.date,
    ends_on: datetime.date,
    purpose: str = "",
) -> ReportCard:
    card = ReportCard(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        frequency=frequency,
        key_staff=key_staff,
        targets=[t.strip() for t in targets if t and t.strip()],
        starts_on=starts_on,
        ends_on=ends_on,
        purpose=purpose,
        created_by=actor,
    )
    card.full_clean()
    card.save()
    return card


def report_scores_record(
    *,
    actor: Any,
    card: ReportCard,
    date: datetime.date,
    lesson: str,
    scores: dict[int, int],
    comments: dict[int, str] | None = None,
) -> list[ReportEntry]:
    """Save (or correct) one lesson's scores against each target of the card."""
    comments = comments or {}
    if not card.starts_on <= date <= card.ends_on:
        raise ValidationError(
            {"date": f"This card runs from {card.starts_on:%d %b %Y} to {card.ends_on:%d %b %Y}."}
        )
    if not lesson.strip():
        raise ValidationError({"lesson": "Name the lesson."})
    entries = []
    with transaction.atomic():
        for index, score in scores.items():
            if not 0 <= index < len(card.targets):
                raise ValidationError("That target is not on this card.")
            entry = ReportEntry.objects.filter(
                card=card, date=date, lesson=lesson.strip(), target_index=index
            ).first()
            entry = entry or ReportEntry(
                organisation_id=card.organisation_id,
                card=card,
                date=date,
                lesson=lesson.strip(),
                target_index=index,
            )
            entry.score = score
            entry.comment = comments.get(index, "")
            entry.recorded_by = actor
            entry.full_clean()
            entry.save()
            entries.append(entry)
        report_scores_recorded.send(sender=ReportCard, card=card, date=date, actor=actor)
    return entries


# --- Suspensions and exclusions ------------------------------------------------------------
#
# Attendance follows the suspension: every school session it covers holds E. What was last asked of attendance
# is kept as `marked_through` (from `starts_on`), so a change marks the days newly covered and reverses those no
# longer covered (to N, see attendance_adapter.unmark_excluded) without touching anything else.


def _today() -> datetime.date:
    return timezone.localdate()


def _e_until(suspension: Suspension, today: datetime.date) -> datetime.date | None:
    """The last day the suspension should hold E, or None when it marks nothing."""
    if suspension.is_withdrawn or suspension.kind == Suspension.Kind.INTERNAL:
        return None
    if suspension.kind == Suspension.Kind.PERMANENT:
        # On roll, marked E, until removed from roll; until that date is known, up to today.
        return suspension.leaves_roll_on or max(suspension.starts_on, today)
    return suspension.ends_on


def _span(start: datetime.date | None, end: datetime.date | None) -> set[datetime.date]:
    if start is None or end is None or end < start:
        return set()
    return {start + datetime.timedelta(days=n) for n in range((end - start).days + 1)}


def _covered_by_others(suspension: Suspension) -> set[datetime.date]:
    days: set[datetime.date] = set()
    others = Suspension.objects.filter(
        pupil_id=suspension.pupil_id, withdrawn_at__isnull=True, marked_through__isnull=False
    ).exclude(pk=suspension.pk)
    for other in others:
        days |= _span(other.starts_on, other.marked_through)
    return days


def _follow_in_attendance(
    *,
    actor: Any,
    suspension: Suspension,
    before: tuple[datetime.date, datetime.date | None],
    mark_reason: str,
    unmark_reason: str,
    today: datetime.date,
) -> str:
    """Bring the register in line with the suspension; return the note of what the register now records."""
    until = _e_until(suspension, today)
    wanted = _span(suspension.starts_on, until)
    had = _span(*before)
    added = sorted(wanted - had)
    removed = sorted(had - wanted - _covered_by_others(suspension))
    marked = mark_excluded(actor=actor, pupil=suspension.pupil, days=added, reason=mark_reason)
    unmarked = unmark_excluded(actor=actor, pupil=suspension.pupil, days=removed, reason=unmark_reason)
    # When attendance refused the new marks, keep the old extent so the next change tries them again.
    suspension.marked_through = before[1] if marked.error else until
    if not added and not removed:
        return suspension.attendance_note
    parts = [f"code E from {suspension.starts_on:%d %b %Y} to {until:%d %b %Y}" if until else "no code E"]
    if marked.error or unmarked.error:
        parts.append(marked.error or unmarked.error)
    if added:
        parts.append(f"{marked.changed} session(s) newly marked E")
    if removed:
        parts.append(f"{unmarked.changed} session(s) no longer covered set to N (reason not yet established)")
    return "; ".join(parts)


def _check_suspension(suspension: Suspension) -> None:
    """The rules that need the school: sessions within the school days of its dates (two a day; the school calendar:
    weekends, days outside the terms and closures excluded), the decision-maker on the school's staff, the incident this pupil's."""
    errors: dict[str, str] = {}
    start, end = suspension.starts_on, suspension.ends_on
    if suspension.kind != Suspension.Kind.PERMANENT and start and end and end >= start:
        site = suspension.pupil.site_id if suspension.pupil_id else None
        days = calendar.school_days_between(suspension.organisation_id, start, end, site)
        dates = f"{start:%d %b %Y} to {end:%d %b %Y}"
        if not days:
            errors["ends_on"] = f"There is no school day from {dates} (weekends, holidays and closures)."
        elif suspension.sessions and suspension.sessions > 2 * len(days):
            errors["sessions"] = (
                f"From {dates} there {'is' if len(days) == 1 else 'are'} {len(days)} school "
                f"day{'' if len(days) == 1 else 's'}, so at most {2 * len(days)} sessions."
            )
    if suspension.decided_by_id and not (
        get_user_model()
        .objects.filter(
            pk=suspension.decided_by_id,
            staff_records__organisation_id=suspension.organisation_id,
            staff_records__is_active=True,
        )
        .exists()
    ):
        errors["decided_by"] = "Choose the headteacher of this school who made the decision."
    if (
        suspension.incident_id
        and not IncidentPupil.objects.filter(
            incident_id=suspension.incident_id,
            pupil_id=suspension.pupil_id,
            organisation_id=suspension.organisation_id,
        ).exists()
    ):
        errors["incident"] = "Choose an incident from this pupil's behaviour log."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def suspension_create(
    *,
    actor: Any,
    pupil: Any,
    kind: str,
    starts_on: datetime.date,
    sessions: int,
    reason: str,
    details: str,
    ends_on: datetime.date | None = None,
    leaves_roll_on: datetime.date | None = None,
    incident: Incident | None = None,
    parents_informed: bool = False,
    decided_by: Any = None,
) -> Suspension:
    """Record a suspension or exclusion and ask attendance to record code E for the days away.

    `decided_by` is the headteacher who decided (the form asks); without it the person recording is taken to
    have decided (imports and older callers)."""
    suspension = Suspension(
        organisation=pupil.organisation,
        pupil=pupil,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        leaves_roll_on=leaves_roll_on,
        sessions=sessions,
        reason=reason,
        details=details,
        incident=incident,
        parents_informed=parents_informed,
        decided_by=decided_by or actor,
        recorded_by=actor,
    )
    suspension.full_clean()
    _check_suspension(suspension)
    suspension.save()
    today = _today()
    if suspension.kind == Suspension.Kind.INTERNAL:
        suspension.attendance_note = "internal exclusion: pupil present in school"
    else:
        reason = "Suspension" if suspension.kind == Suspension.Kind.SUSPENSION else "Permanent exclusion"
        marked = mark_excluded(
            actor=actor,
            pupil=pupil,
            days=_span(suspension.starts_on, _e_until(suspension, today)),
            reason=reason,
        )
        if marked.error:
            suspension.attendance_note = marked.error
        else:
            suspension.marked_through = _e_until(suspension, today)
            note = f"code E recorded for {marked.changed} session(s)"
            if (
                suspension.kind == Suspension.Kind.SUSPENSION
                and marked.changed
                and marked.changed != suspension.sessions
            ):
                note += f"; the suspension states {suspension.sessions}, please check the register"
            suspension.attendance_note = note
    suspension.attendance_note = suspension.attendance_note[:200]
    suspension.save(update_fields=["attendance_note", "marked_through"])
    return suspension


SUSPENSION_EDIT_FIELDS = (
    "starts_on",
    "ends_on",
    "leaves_roll_on",
    "sessions",
    "reason",
    "details",
    "parents_informed",
    "decided_by",
    "incident",
)
"""What `suspension_update` takes besides the suspension: the kind stays (withdraw and record again)."""


@transaction.atomic
def suspension_update(
    *,
    actor: Any,
    suspension: Suspension,
    starts_on: datetime.date,
    sessions: int,
    reason: str,
    details: str,
    decided_by: Any,
    ends_on: datetime.date | None = None,
    leaves_roll_on: datetime.date | None = None,
    incident: Incident | None = None,
    parents_informed: bool = False,
) -> Suspension:
    """Change a suspension's dates or details (shortened, extended, or a permanent exclusion's last day on roll);
    the register follows: newly covered sessions get E, sessions no longer covered that still hold E become N.

    A permanent exclusion has no end date (`ends_on` None); a suspension has no last day on roll."""
    suspension = Suspension.objects.select_for_update().get(
        organisation_id=suspension.organisation_id, pk=suspension.pk
    )
    if suspension.is_withdrawn:
        raise ValidationError("This suspension was withdrawn; it can no longer be changed.")
    before = (suspension.starts_on, suspension.marked_through)
    suspension.starts_on = starts_on
    suspension.ends_on = ends_on
    suspension.leaves_roll_on = leaves_roll_on
    suspension.sessions = sessions
    suspension.reason = reason
    suspension.details = details
    suspension.parents_informed = parents_informed
    suspension.decided_by = decided_by
    suspension.incident = incident
    suspension.full_clean()
    _check_suspension(suspension)
    today = _today()
    if suspension.kind != Suspension.Kind.INTERNAL:
        if suspension.kind == Suspension.Kind.PERMANENT:
            mark_reason = "Permanent exclusion: on roll until removed"
            unmark_reason = f"Permanent exclusion: last day on roll changed on {today:%d %b %Y}"
        else:
            mark_reason = f"Suspension extended on {today:%d %b %Y}"
            unmark_reason = f"Suspension shortened on {today:%d %b %Y}"
        suspension.attendance_note = _follow_in_attendance(
            actor=actor,
            suspension=suspension,
            before=before,
            mark_reason=mark_reason,
            unmark_reason=unmark_reason,
            today=today,
        )[:200]
    suspension.save()
    return suspension


@transaction.atomic
def suspension_withdraw(*, actor: Any, suspension: Suspension, reason: str) -> Suspension:
    """Withdraw (rescind) a suspension or exclusion, e.g. on the governors' review; the record stays, its E marks
    still in the register become N for the office to establish what the pupil did."""
    suspension = Suspension.objects.select_for_update().get(
        organisation_id=suspension.organisation_id, pk=suspension.pk
    )
    if suspension.is_withdrawn:
        raise ValidationError("This suspension is already withdrawn.")
    if not reason.strip():
        raise ValidationError({"withdrawal_reason": "Say why the suspension is withdrawn."})
    before = (suspension.starts_on, suspension.marked_through)
    suspension.withdrawn_at = timezone.now()
    suspension.withdrawn_by = actor
    suspension.withdrawal_reason = reason.strip()
    today = _today()
    if suspension.kind != Suspension.Kind.INTERNAL and before[1] is not None:
        label = suspension.get_kind_display()
        suspension.attendance_note = _follow_in_attendance(
            actor=actor,
            suspension=suspension,
            before=before,
            mark_reason="",
            unmark_reason=f"{label} withdrawn on {today:%d %b %Y}",
            today=today,
        )[:200]
    suspension.full_clean()
    suspension.save()
    return suspension


def exclusions_mark_to_date(*, today: datetime.date | None = None) -> int:
    """Extend E to `today` for every permanent exclusion whose last day on roll is not yet known (run daily)."""
    today = today or _today()
    extended = 0
    pending = Suspension.objects.filter(
        kind=Suspension.Kind.PERMANENT,
        withdrawn_at__isnull=True,
        leaves_roll_on__isnull=True,
        marked_through__lt=today,
    )
    for pk in list(pending.values_list("pk", flat=True)):
        with transaction.atomic():
            # Locked and read again: someone may be entering the last day on roll at this moment.
            suspension = (
                pending.select_for_update(of=("self",))
                .select_related("pupil", "decided_by")
                .filter(pk=pk)
                .first()
            )
            if suspension is None:
                continue
            before = (suspension.starts_on, suspension.marked_through)
            suspension.attendance_note = _follow_in_attendance(
                actor=suspension.decided_by,
                suspension=suspension,
                before=before,
                mark_reason="Permanent exclusion: on roll until removed",
                unmark_reason="Permanent exclusion changed",
                today=today,
            )[:200]
            suspension.save(update_fields=["attendance_note", "marked_through", "updated_at"])
        extended += 1
    return extended


# --- The school's behaviour categories ------------------------------------------------------

DEFAULT_CATEGORIES = Path(__file__).resolve().parent / "data" / "default_categories.csv"


def _default_categories() -> list[dict[str, str]]:
    with DEFAULT_CATEGORIES.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def categories_seed_defaults(*, organisation: Any) -> int:
    """Give a school the default categories it does not have yet (matched by code); returns how many were added."""
    have = set(BehaviourCategory.objects.filter(organisation=organisation).values_list("code", flat=True))
    names = set(BehaviourCategory.objects.filter(organisation=organisation).values_list("name", flat=True))
    added = 0
    for position, row in enumerate(_default_categories(), start=1):
        if row["code"] in have or row["name"] in names:
            continue
        BehaviourCategory.objects.create(
            organisation=organisation,
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            position=position * 10,
        )
        added += 1
    return added


def _check_category_name(category: BehaviourCategory) -> None:
    clash = BehaviourCategory.objects.filter(
        organisation_id=category.organisation_id, name__iexact=category.name.strip()
    ).exclude(pk=category.pk)
    if clash.exists():
        raise ValidationError({"name": "The school already has a category with this name."})


@transaction.atomic
def category_create(
    *, actor: Any, organisation: Any, name: str, kind: str = "", position: int | None = None
) -> BehaviourCategory:
    """Add a category to the school's list."""
    base = slugify(name)[:32] or "category"
    code, n = base, 1
    while BehaviourCategory.objects.filter(organisation=organisation, code=code).exists():
        n += 1
        code = f"{base}-{n}"
    if position is None:
        last = BehaviourCategory.objects.filter(organisation=organisation).order_by("-position").first()
        position = (last.position if last else 0) + 10
    category = BehaviourCategory(
        organisation=organisation, code=code, name=name.strip(), kind=kind, position=position
    )
    _check_category_name(category)
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def category_update(
    *, actor: Any, category: BehaviourCategory, name: str, kind: str, position: int, is_retired: bool
) -> BehaviourCategory:
    """Rename a category, change its kind or order, retire it or bring it back; past entries keep it."""
    category = BehaviourCategory.objects.select_for_update().get(
        organisation_id=category.organisation_id, pk=category.pk
    )
    category.name = name.strip()
    category.kind = kind
    category.position = position
    category.is_retired = is_retired
    if category.kind and category.incidents.exclude(kind=category.kind).exists():
        raise ValidationError(
            {"kind": "Entries of another kind already use this category: leave the kind blank (any kind)."}
        )
    _check_category_name(category)
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def category_delete(*, actor: Any, category: BehaviourCategory) -> None:
    """Delete a category no entry uses; one in use can only be retired."""
    if category.incidents.exists():
        raise ValidationError("Entries use this category: retire it instead, so past entries keep it.")
    category.delete()


# --- Retention ---------------------------------------------------------------------------------


def leavers_records_delete(*, organisation: Any, pupils: Any) -> LeaversCounts:
    """Delete the behaviour records that belong only to `pupils`, and their links to incidents that stay, whose
    free text then loses their names (`selectors.leavers_redactions`).

    Raw deletes, children first, and bulk updates: the caller writes one summary audit event rather than a copy of
    every record the school has decided to forget (an audited save would copy the text with the name into the log).
    Support plans call it inside their one transaction per school (behaviour never decides whose records are due:
    the period and the holds are the caller's).
    """
    records = leavers_records(organisation, pupils)
    incident_ids = list(records.incidents.values_list("pk", flat=True))
    counts = LeaversCounts()
    with transaction.atomic():
        # Before the links go: they say which pupils on each incident are leaving it.
        for redacted in leavers_redactions(organisation, pupils):
            now = timezone.now()
            for incident in redacted:
                incident.updated_at = now
            Incident.objects.bulk_update(redacted, [*INCIDENT_TEXT_FIELDS, "updated_at"])
            counts.incidents_redacted += len(redacted)
        counts.shared_links = records.shared_links._raw_delete(records.shared_links.db)
        counts.suspensions = records.suspensions._raw_delete(records.suspensions.db)
        counts.report_entries = records.report_entries._raw_delete(records.report_entries.db)
        counts.report_cards = records.report_cards._raw_delete(records.report_cards.db)
        for start in range(0, len(incident_ids), RETENTION_BATCH):
            batch = incident_ids[start : start + RETENTION_BATCH]
            links = IncidentPupil.objects.filter(incident_id__in=batch)
            links._raw_delete(links.db)
            incidents = Incident.objects.filter(pk__in=batch)
            counts.incidents += incidents._raw_delete(incidents.db)
    return counts


# --- Notices of a suspension ------------------------------------------------------------------------------------


@transaction.atomic
def suspension_notices_send(
    *, actor: Any, suspension: Suspension, misses_exam: bool = False
) -> list[SuspensionNotice]:
    """Record and e-mail (after commit) a notice to every party due one now and not yet told: parents and carers
    get the letter. Telling a parent marks the parents informed. Refuses a withdrawn suspension, or when nobody
    is due a notice now."""
    from behaviour.tasks import send_suspension_notice

    # Locked and read afresh: two clicks send once, and a withdrawal made meanwhile is seen.
    suspension = (
        Suspension.objects.select_for_update()
        .select_related("pupil")
        .get(organisation_id=suspension.organisation_id, pk=suspension.pk)
    )
    if suspension.is_withdrawn:
        raise ValidationError("This suspension was withdrawn: no notice is sent.")
    due = [p for p in suspension_parties(suspension, misses_exam=misses_exam) if p.can_send]
    if not due:
        raise ValidationError("Nobody is due a notice now: every party with an e-mail address has been told.")
    now = timezone.now()
    notices = [
        SuspensionNotice.objects.create(
            organisation_id=suspension.organisation_id,
            suspension=suspension,
            party=party.party,
            name=party.name,
            email=party.email,
            sent_at=now,
            sent_by=actor,
        )
        for party in due
    ]
    if any(n.party == SuspensionNotice.Party.PARENT for n in notices) and not suspension.parents_informed:
        suspension.parents_informed = True
        suspension.save(update_fields=["parents_informed", "updated_at"])
    for notice in notices:
        transaction.on_commit(partial(send_suspension_notice.enqueue, notice.pk))
    return notices


def notice_addresses_save(*, actor: Any, addresses: NoticeAddresses) -> NoticeAddresses:
    """Save the school's notice addresses (audited by the model's tracking)."""
    addresses.full_clean()
    addresses.save()
    return addresses
