"""Reads for coaching, listening notes, passports and progression, and the parents' evening list of a group.

Passport completion for a set of students: every active passport's items × the students is what can be done;
done = the items completed; % = done / possible, rounded; a student's passport is complete when every item is."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from caseloads.models import (
    CoachingSession,
    LearningTarget,
    ListeningNote,
    Passport,
    PassportCompletion,
    Progression,
    Review,
    StageOneMeeting,
    TargetProgress,
)
from caseloads.permissions import caseload_group_ids
from caseloads.selectors import academic_year_for, group_students, members
from people.models import Group, GroupMembership

LATE_CODES = ("L", "U")


def _pct(done: int, total: int) -> int | None:
    return round(100 * done / total) if total else None


# --- Passports --------------------------------------------------------------------------------


def passports(organisation: Any, *, active_only: bool = True) -> list[Passport]:
    qs = Passport.objects.filter(organisation=organisation).prefetch_related("items")
    return list(qs.filter(active=True) if active_only else qs)


def student_passports(pupil: Any) -> list[dict[str, Any]]:
    """Each active passport of the school with its items and this student's completion of each."""
    done = {
        c.item_id: c
        for c in PassportCompletion.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil)
    }
    out = []
    for passport in passports(pupil.organisation):
        items = [(item, done.get(item.pk)) for item in passport.items.all()]
        n = sum(1 for _, c in items if c)
        out.append({"passport": passport, "items": items, "done": n, "pct": _pct(n, len(items))})
    return out


def _completion(
    pupil_ids: list[int], passport: Passport, counts: dict[tuple[int, int], int]
) -> dict[str, Any]:
    n_items = len(passport.items.all())
    done = sum(counts.get((pid, passport.pk), 0) for pid in pupil_ids)
    complete = sum(1 for pid in pupil_ids if n_items and counts.get((pid, passport.pk), 0) >= n_items)
    return {
        "students": len(pupil_ids),
        "possible": n_items * len(pupil_ids),
        "done": done,
        "pct": _pct(done, n_items * len(pupil_ids)),
        "complete": complete,
        "complete_pct": _pct(complete, len(pupil_ids)),
    }


def passport_completion(groups: list[Group], today: datetime.date | None = None) -> dict[str, Any]:
    """Per group and for all the groups together (the caseload), each active passport's completion."""
    if not groups:
        return {"passports": [], "rows": [], "total": []}
    organisation = groups[0].organisation
    schemes = passports(organisation)
    by_group = members([g.pk for g in groups], today)
    everyone = sorted({p for ids in by_group.values() for p in ids})
    counts: dict[tuple[int, int], int] = {
        (row["pupil_id"], row["item__passport_id"]): row["n"]
        for row in PassportCompletion.objects.filter(
            organisation=organisation, pupil_id__in=everyone, item__passport__active=True
        )
        .values("pupil_id", "item__passport_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    rows = [
        {"group": g, "cells": [_completion(by_group.get(g.pk, []), p, counts) for p in schemes]}
        for g in groups
    ]
    return {
        "passports": schemes,
        "rows": rows,
        "total": [_completion(everyone, p, counts) for p in schemes],
    }


def whole_passports_by_group(
    groups: list[Group], today: datetime.date | None = None
) -> dict[int, tuple[int, int]]:
    """Group id -> (whole passports completed, passports possible: current students × their school's active
    passports), for the groups of schools that have a passport. Every school at once: three queries (four when
    some school has a passport), whatever the number of schools and groups."""
    schemes: dict[int, list[Passport]] = defaultdict(list)
    org_ids = list({g.organisation_id for g in groups})
    for passport in Passport.objects.filter(organisation_id__in=org_ids, active=True).prefetch_related(
        "items"
    ):
        schemes[passport.organisation_id].append(passport)
    groups = [g for g in groups if schemes.get(g.organisation_id)]
    if not groups:
        return {}
    today = today or timezone.localdate()
    group_ids = [g.pk for g in groups]
    by_group = members(group_ids, today)
    current = GroupMembership.objects.current(today).filter(
        organisation_id__in=list(schemes), group_id__in=group_ids
    )
    counts: dict[tuple[int, int], int] = {
        (row["pupil_id"], row["item__passport_id"]): row["n"]
        for row in PassportCompletion.objects.filter(
            organisation_id__in=list(schemes),
            pupil_id__in=current.values("pupil_id"),
            item__passport__active=True,
        )
        .values("pupil_id", "item__passport_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    out: dict[int, tuple[int, int]] = {}
    for g in groups:
        cells = [_completion(by_group.get(g.pk, []), p, counts) for p in schemes[g.organisation_id]]
        out[g.pk] = (sum(c["complete"] for c in cells), sum(c["students"] for c in cells))
    return out


def progression_for(pupil: Any) -> Progression | None:
    return Progression.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil).first()


# --- Coaching and listening notes -------------------------------------------------------------


def student_coaching(pupil: Any) -> QuerySet:
    return CoachingSession.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil).select_related(
        "coach"
    )


def caseload_coaching(user: Any, today: datetime.date | None = None) -> QuerySet:
    """Coaching sessions with the current students of the user's caseload, newest first."""
    ids = [p for group in members(caseload_group_ids(user), today).values() for p in group]
    return CoachingSession.objects.filter(pupil_id__in=ids).select_related("pupil", "coach")


def visible_notes(user: Any, today: datetime.date | None = None) -> QuerySet:
    """Listening notes the user may read: their caseload's current students, and the DSL team's pupils."""
    from safeguarding.permissions import is_dsl_team, safeguarding_pupil_q

    ids = [p for group in members(caseload_group_ids(user), today).values() for p in group]
    q = Q(pupil_id__in=ids)
    if is_dsl_team(user):
        q |= safeguarding_pupil_q(user, "pupil__")
    return ListeningNote.objects.filter(q).select_related("pupil", "written_by")


def student_notes(pupil: Any) -> QuerySet:
    return ListeningNote.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil).select_related(
        "written_by"
    )


# --- The parents' evening list ----------------------------------------------------------------


def _attendance(
    group: Group, pupil_ids: list[int], start: datetime.date, end: datetime.date
) -> dict[int, Any]:
    from attendance.selectors import per_pupil, scope_for, scope_marks

    marks = scope_marks(scope_for(group.organisation), start, end).filter(pupil_id__in=pupil_ids)
    rows: dict[int, Any] = {r["pupil_id"]: dict(r) for r in per_pupil(marks)}
    for pid, n in (
        marks.filter(code__in=LATE_CODES).values_list("pupil_id").annotate(n=Count("id")).order_by()
    ):
        rows.setdefault(pid, {})["late"] = n
    return rows


def _latest_reviews(organisation_id: int, pupil_ids: list[int]) -> dict[int, Review]:
    latest: dict[int, Review] = {}
    for r in Review.objects.filter(organisation_id=organisation_id, pupil_id__in=pupil_ids).order_by(
        "held_on", "pk"
    ):
        latest[r.pupil_id] = r
    return latest


def _open_targets(organisation_id: int, pupil_ids: list[int]) -> dict[int, int]:
    """Targets not yet judged met at a later review, per student."""
    met = TargetProgress.objects.filter(organisation_id=organisation_id, rating=TargetProgress.Rating.MET)
    return dict(
        LearningTarget.objects.filter(organisation_id=organisation_id, pupil_id__in=pupil_ids)
        .exclude(pk__in=met.values("target_id"))
        .values_list("pupil_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def _concerns(pupil: Any, figures: dict[str, Any], review: Review | None, meetings: list[Any]) -> list[str]:
    concerns = []
    if figures.get("is_severe"):
        concerns.append("Severe absence (50% or more)")
    elif figures.get("is_persistent"):
        concerns.append("Persistent absence (10% or more)")
    if review is not None and review.risk in (Review.Risk.HIGH, Review.Risk.MEDIUM):
        concerns.append(f"Risk of withdrawal: {review.get_risk_display().lower()}")
    for meeting in meetings:
        concerns.append(
            f"Stage-one meeting {meeting.held_on:%-d %b}: {meeting.get_outcome_display().lower()}"
        )
    return concerns


def parents_evening(group: Group, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Each current student's headline figures this academic year and the concerns to raise."""
    from behaviour.selectors import behaviour_summaries

    today = today or timezone.localdate()
    start = academic_year_for(today).starts_on
    pupils = group_students(group, today)
    ids = [p.pk for p in pupils]
    attendance = _attendance(group, ids, start, today)
    reviews = _latest_reviews(group.organisation_id, ids)
    targets = _open_targets(group.organisation_id, ids)
    behaviour = behaviour_summaries(group.organisation_id, ids, start, today)
    meetings: dict[int, list[Any]] = defaultdict(list)
    for m in StageOneMeeting.objects.filter(
        organisation_id=group.organisation_id, pupil_id__in=ids, held_on__gte=start
    ):
        meetings[m.pupil_id].append(m)
    rows = []
    for pupil in pupils:
        figures = attendance.get(pupil.pk, {})
        rate = figures.get("attendance_rate")
        rows.append(
            {
                "pupil": pupil,
                "attendance": round(rate * 100, 1) if rate is not None else None,
                "late": figures.get("late", 0),
                "positive": behaviour[pupil.pk]["positive"],
                "negative": behaviour[pupil.pk]["negative"],
                "review": reviews.get(pupil.pk),
                "open_targets": targets.get(pupil.pk, 0),
                "concerns": _concerns(pupil, figures, reviews.get(pupil.pk), meetings[pupil.pk]),
            }
        )
    return rows
