"""What attendance adds to the navigation, the home page, the pupil profile and the demo world."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from access.permissions import access_for, can_view_pupil, has_role, schools_reached
from access.roles import Role
from attendance import services as attendance_services
from attendance.permissions import FIGURES_ROLES, OFFICE_ROLES, YEAR_FIGURES_ROLES
from core.registry import (
    register_group_section,
    register_home_panel,
    register_nav,
    register_profile_section,
    register_subject_access,
)
from core.retention import register_retention
from demo.registry import register_demo_builder


def _tutor_panel(request: HttpRequest) -> dict[str, Any] | None:
    from attendance import selectors

    groups = list(selectors.tutor_groups_for(request.user))
    if not groups:
        return None
    today = timezone.localdate()
    found = selectors.group_registers(groups, today)
    due = [  # not taken, or saved with pupils still unmarked
        {
            "group": row["group"],
            "session": s["session"],
            "label": s["label"],
            "unmarked": s["unmarked"] if s["incomplete"] else 0,
            "pupils": s["pupils"],
        }
        for row in found["rows"]
        if not row["why_not"]
        for s in row["sessions"]
        if not s["taken"] or s["incomplete"]
    ]
    return {"due": due, "today": today, "day_off": found["day_off"]}


def _officer_panel(request: HttpRequest) -> dict[str, Any] | None:
    from attendance import selectors
    from attendance.models import Session
    from organisations import calendar
    from organisations.models import Organisation

    organisation = getattr(request, "organisation", None)
    if (
        organisation is None
        or not organisation.is_school_like
        or not has_role(request.user, [Role.ATTENDANCE_OFFICER], organisation.pk)
    ):
        return None
    if organisation.kind == Organisation.Kind.GROUP:  # the lists are each school's or site's own
        return {"is_group": True, "schools": schools_reached(request.user, organisation)}
    today, session = timezone.localdate(), selectors.current_session(organisation)
    # Today's calendar read once, for the day off and the registers not taken alike.
    school_calendar = calendar.calendar_for(organisation, today, today)
    why = school_calendar.why_not(today)
    day_off = calendar.DayOff(today, why, calendar.next_school_day(organisation, today)) if why else None
    return {
        "day_off": day_off,
        "not_taken": len(
            selectors.registers_not_taken(organisation, today, session, school_calendar=school_calendar)
        ),
        "session_label": Session(session).label,
        "overdue_n": selectors.n_queue(organisation, today).count(),
        "calls": len(selectors.first_day_absences(organisation, today)),
        "truancy": selectors.post_registration_truancy(organisation, today).count(),
    }


def _pal_panel(request: HttpRequest) -> dict[str, Any] | None:
    from attendance.selectors import caseload_today

    if not any(g.role == Role.PAL for g in access_for(request.user).grants):
        return None
    return caseload_today(request.user, timezone.localdate())


def _profile(request: HttpRequest, pupil: Any) -> dict[str, Any] | None:
    from attendance import selectors

    if not can_view_pupil(request.user, pupil):
        return None
    today = timezone.localdate()
    summary = selectors.pupil_attendance_summary(
        pupil=pupil, start=selectors.academic_year_start(today), end=today
    )
    rate = summary["attendance_rate"]
    return {"summary": summary, "attendance_pct": "—" if rate is None else f"{rate * 100:.1f}%"}


def _is_tutor(user: Any) -> bool:
    return any(g.role == Role.TUTOR and g.group_id for g in access_for(user).grants)


def _takes_lesson_registers(user: Any) -> bool:
    """Tutors (form, course or teaching group) and the office take lesson registers."""
    return _is_tutor(user) or has_role(user, OFFICE_ROLES)


def _group_register(request: HttpRequest, group: Any) -> dict[str, Any] | None:
    """On a group's page, today's registers of the group with where each stands (to take, incomplete, taken) and a
    link to each, for those who take it (`permissions.offers_register`), on a school day for its site."""
    from attendance import selectors
    from attendance.permissions import offers_register

    if not offers_register(request.user, group):
        return None
    today = timezone.localdate()
    rows = [r for r in selectors.group_registers([group], today)["rows"] if not r["why_not"]]
    if not rows:
        return None
    base = reverse("attendance:register", args=[group.pk]) + f"?date={today:%Y-%m-%d}&session="
    return {
        "sessions": [{**s, "url": base + s["session"]} for s in rows[0]["sessions"]],
        "current": selectors.current_session(group.organisation),
    }


def _demo(world: Any) -> None:
    from attendance.demo import build_attendance, build_attendance_extras

    build_attendance(world)
    build_attendance_extras(world)


register_nav("Registers", "attendance:my_registers", roles=None, when=_is_tutor, order=20)
register_nav("Registers not taken", "attendance:not_taken", roles=OFFICE_ROLES, order=21)
register_nav("N queue", "attendance:n_queue", roles=OFFICE_ROLES, order=22)
register_nav("First-day calls", "attendance:first_day_calls", roles=OFFICE_ROLES, order=23)
# A head of year's item opens the same figures limited to their own year (attendance.permissions.figures_years).
register_nav("Attendance figures", "attendance:dashboard", roles=FIGURES_ROLES | YEAR_FIGURES_ROLES, order=24)
register_nav("My caseload", "attendance:caseload", roles=[Role.PAL], order=25)
register_nav("Lesson registers", "attendance:lessons", roles=None, when=_takes_lesson_registers, order=26)
register_nav("Post-registration truancy", "attendance:truancy", roles=OFFICE_ROLES, order=27)
register_nav("Escalations due", "attendance:escalations_due", roles=OFFICE_ROLES, order=28)
register_nav("Import marks", "attendance:import", roles=OFFICE_ROLES, order=29)
register_home_panel("attendance-tutor", "attendance/panels/tutor.html", _tutor_panel, order=20)
register_home_panel("attendance-officer", "attendance/panels/officer.html", _officer_panel, order=21)
register_home_panel("attendance-pal", "attendance/panels/pal.html", _pal_panel, order=22)
register_profile_section("attendance", "attendance/panels/profile.html", _profile, order=20)
register_group_section(
    "attendance-register", "attendance/panels/group_register.html", _group_register, order=10
)
register_demo_builder("attendance", _demo, order=40)


def _subject_access(pupil: Any) -> dict[str, Any]:
    """Everything attendance holds on the pupil (the roll-up is derived from the marks, so it is not repeated)."""
    from attendance.models import AttendanceMark, ContactLog, LessonMark, MarkAmendment, PupilEscalation
    from people.subject_access import record, records

    return {
        "marks": records(AttendanceMark.objects.filter(pupil=pupil).order_by("date", "session"), ("pupil",)),
        "amendments": records(MarkAmendment.objects.filter(pupil=pupil).order_by("amended_at"), ("pupil",)),
        "lesson_marks": [
            {
                "date": m.register.date.isoformat(),
                "session": m.register.session,
                "lesson": m.register.lesson,
                "code": m.code,
                "minutes_late": m.minutes_late,
            }
            for m in LessonMark.objects.filter(pupil=pupil)
            .select_related("register")
            .order_by("register__date")
        ],
        "contact_log": records(ContactLog.objects.filter(pupil=pupil).order_by("occurred_at"), ("pupil",)),
        "escalations": [
            {**record(e, ("pupil",)), "stage_name": e.stage.name}
            for e in PupilEscalation.objects.filter(pupil=pupil)
            .select_related("stage")
            .order_by("started_on")
        ],
    }


register_subject_access("attendance", _subject_access)


def _retention_line(school: Any, counts: Any, verb: str) -> str | None:
    if not counts.total:
        return None
    return (
        f"{school.name}: {counts.amendments} amendment(s), {counts.contact_logs} contact log(s), "
        f"{counts.marks} mark(s), {counts.registers} register(s) ({counts.lesson_marks} lesson mark(s)) {verb}"
    )


def _retention_total(done: list[Any], verb: str) -> str:
    return (
        f"Total: {sum(c.amendments for c in done)} amendment(s), {sum(c.contact_logs for c in done)} contact "
        f"log(s), {sum(c.marks for c in done)} mark(s), {sum(c.registers for c in done)} register(s) {verb}."
    )


# Amendments older than six years, marks and registers dated more than six years ago, and contact logs past the
# school's period after a pupil leaves (attendance.services: one transaction and one audit event per school).
register_retention(
    "attendance",
    lambda **kw: attendance_services.retention_counts(**kw),
    lambda **kw: attendance_services.apply_retention(**kw),
    line=_retention_line,
    total=_retention_total,
)
