"""Follow-up: the N queue, first-day calls and the Pastoral & Attendance Lead's caseload."""

from __future__ import annotations

import datetime
import string
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from access.permissions import access_for
from access.roles import Role
from attendance.models import AttendanceMark, LetterTemplate, Register
from attendance.selectors.figures import (
    academic_year_start,
    attach_pupils,
    per_pupil,
    pupil_attendance_summary,
)
from attendance.selectors.registers import _why_no_register, school_days_before
from core.naturalsort import natural_sorted
from organisations import calendar
from organisations.models import Organisation
from people.models import Group, GroupMembership, Pupil

N_QUEUE_SCHOOL_DAYS = 5
# --- Work queues ------------------------------------------------------------------------------


def n_queue_cutoff(organisation: Organisation, today: datetime.date | None = None) -> datetime.date:
    """An `N` dated before this day is overdue: it has been open for more than 5 school days."""
    return school_days_before(organisation, today or timezone.localdate(), N_QUEUE_SCHOOL_DAYS)


def n_queue(organisation: Organisation, today: datetime.date | None = None) -> QuerySet:
    """`N` marks older than 5 school days: flagged until resolved to a reason or `O`."""
    return unresolved_n(organisation).filter(date__lt=n_queue_cutoff(organisation, today))


def unresolved_n(organisation: Organisation) -> QuerySet:
    """Every open `N` mark, overdue or not, oldest first."""
    return (
        AttendanceMark.objects.filter(organisation=organisation, code="N")
        .select_related("pupil")
        .order_by("date", "session", "pupil__legal_last_name")
    )


def first_day_absences(
    organisation: Organisation, date: datetime.date, pupil_ids: Iterable[int] | None = None
) -> list[dict[str, Any]]:
    """Today's absences with no reason (`N`): the first-day calls, with the first contact to ring."""
    marks = AttendanceMark.objects.filter(organisation=organisation, date=date, code="N").select_related(
        "pupil"
    )
    if pupil_ids is not None:
        marks = marks.filter(pupil_id__in=list(pupil_ids))
    by_pupil: dict[int, dict[str, Any]] = {}
    for mark in marks.order_by("pupil__legal_last_name", "session"):
        entry = by_pupil.setdefault(
            mark.pupil_id, {"pupil": mark.pupil, "sessions": [], "contact": None, "logged": False}
        )
        entry["sessions"].append(mark.session)
    if by_pupil:
        from attendance.models import ContactLog
        from people.models import PupilContact

        for link in (
            PupilContact.objects.filter(pupil_id__in=by_pupil).select_related("contact").order_by("-priority")
        ):
            by_pupil[link.pupil_id]["contact"] = link.contact
        logged = ContactLog.objects.filter(pupil_id__in=by_pupil, occurred_at__date=date).values_list(
            "pupil_id", flat=True
        )
        for pid in logged:
            by_pupil[pid]["logged"] = True
    return list(by_pupil.values())


# --- Pastoral & Attendance Lead -------------------------------------------------------------


def pal_groups(user: Any) -> list[Group]:
    ids = [g.group_id for g in access_for(user).grants if g.role == Role.PAL and g.group_id]
    return natural_sorted(
        Group.objects.filter(pk__in=ids).select_related("organisation"), key=lambda g: g.name
    )


def caseload_registers(
    user: Any, today: datetime.date, groups: list[Group] | None = None
) -> tuple[list[dict[str, Any]], set[int]]:
    """Each caseload group's attendance today (pupils, present, absent, `N`, registers taken, whether a school
    day and why not) and the pupil ids of the caseload; `groups` when the caller already has them."""
    groups = pal_groups(user) if groups is None else groups
    members = list(
        GroupMembership.objects.current(today)
        .filter(organisation_id__in={g.organisation_id for g in groups}, group_id__in=[g.pk for g in groups])
        .values_list("group_id", "pupil_id")
    )
    pupil_ids = {p for _, p in members}
    marks = AttendanceMark.objects.filter(pupil_id__in=pupil_ids, date=today).values_list(
        "pupil_id", "session", "category", "code"
    )
    by_pupil: dict[int, list[tuple[str, int, str]]] = {}
    for pid, session, category, code in marks:
        by_pupil.setdefault(pid, []).append((session, category, code))
    taken = set(
        Register.objects.filter(group__in=groups, date=today, lesson="", taken_at__isnull=False).values_list(
            "group_id", "session"
        )
    )
    why = _why_no_register(groups, today)
    by_group: dict[int, list[int]] = {}
    for gid, p in members:
        by_group.setdefault(gid, []).append(p)
    rows = []
    for g in groups:
        ids = by_group.get(g.pk, [])
        why_not = why[g.pk]
        present = sum(1 for p in ids for _, c, _ in by_pupil.get(p, []) if c <= 2)
        absent = sum(1 for p in ids for _, c, _ in by_pupil.get(p, []) if c in (3, 4))
        unexplained = sum(1 for p in ids for _, _, code in by_pupil.get(p, []) if code == "N")
        rows.append(
            {
                "group": g,
                "pupils": len(ids),
                "present": present,
                "absent": absent,
                "unexplained": unexplained,
                "am_taken": (g.pk, "AM") in taken,
                "pm_taken": (g.pk, "PM") in taken,
                "is_school_day": not why_not,
                "why_not": why_not,
            }
        )
    return rows, pupil_ids


def registers_to_check(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A register is missing only on a school day; a recorded N is followed up whatever the day."""
    return [r for r in rows if (r["is_school_day"] and not r["am_taken"]) or r["unexplained"]]


def caseload_today(user: Any, today: datetime.date) -> dict[str, Any] | None:
    """Today's attendance for each caseload group, registers to check and students at risk.

    A group's registers are due only on a school day for its school and site (`is_school_day`, else `why_not`);
    `day_off` says why and offers the next school day when no caseload group has one today."""
    groups = pal_groups(user)
    if not groups:
        return None
    rows, pupil_ids = caseload_registers(user, today, groups)
    start = academic_year_start(today)
    at_risk = attach_pupils(
        per_pupil(
            AttendanceMark.objects.filter(pupil_id__in=pupil_ids, date__gte=start, date__lte=today),
            threshold="persistent",
        )
    )
    calls = []
    for org in {g.organisation for g in groups}:
        calls += first_day_absences(org, today, pupil_ids)
    day_off = None
    if not any(r["is_school_day"] for r in rows):  # the whole caseload is off: say so once
        day_off = calendar.day_off(groups[0].organisation_id, today)
    return {
        "rows": rows,
        "at_risk": at_risk,
        "calls": calls,
        "to_check": registers_to_check(rows),
        "day_off": day_off,
    }


def letter_text(*, template: LetterTemplate, pupil: Pupil, start: datetime.date, end: datetime.date) -> str:
    """The letter body with placeholders filled in (safe_substitute: unknown `$words` stay as typed)."""
    from people.models import PupilContact

    figures = pupil_attendance_summary(pupil=pupil, start=start, end=end)
    link = PupilContact.objects.filter(pupil=pupil).select_related("contact").order_by("priority").first()
    pct = lambda v: "—" if v is None else f"{v * 100:.1f}%"  # noqa: E731
    return string.Template(template.body).safe_substitute(
        pupil_name=pupil.display_name,
        contact_name=str(link.contact) if link else "Parent or carer",
        school_name=pupil.organisation.name,
        attendance_rate=pct(figures["attendance_rate"]),
        absence_rate=pct(figures["absence_rate"]),
        start=f"{start:%-d %B %Y}",
        end=f"{end:%-d %B %Y}",
        today=f"{timezone.localdate():%-d %B %Y}",
    )
