"""Lesson registers (internal monitoring; never part of the statutory figures)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet

from access.permissions import access_for
from access.roles import Role
from attendance.codes import Category
from attendance.models import AttendanceMark, Register
from attendance.permissions import is_office
from attendance.selectors.figures import scope_for
from attendance.selectors.registers import register_pupils
from organisations.models import Organisation
from people.models import Group

# --- Lesson registers (internal monitoring; never part of the statutory figures) -------------

# Codes that mean "not in the lesson" for the post-registration truancy list.
LESSON_ABSENT_CATEGORIES = (Category.AUTHORISED, Category.UNAUTHORISED)


def lesson_register_groups(user: Any, organisation: Organisation) -> QuerySet:
    """The groups of a school (or of a group's schools) whose lesson registers this user may take."""
    qs = Group.objects.filter(organisation_id__in=scope_for(organisation).organisation_ids)
    if is_office(user, organisation.pk):
        return qs.order_by("name")
    ids = [g.group_id for g in access_for(user).grants if g.role == Role.TUTOR and g.group_id]
    return qs.filter(pk__in=ids).order_by("name")


def group_place(places: Iterable[tuple[int, int | None]]) -> Callable[[Group], str]:
    """Where a group is, said only where it tells groups apart: its site when one school's groups are on more than
    one site, and its school when `places` (the groups' (school id, site id) pairs) span more than one; "" when
    they are all in one place. The group must have its organisation and site loaded to be named without a query."""
    places = set(places)
    by_school = len({school for school, _ in places}) > 1
    by_site = any(n > 1 for n in Counter(school for school, _ in places).values())

    def place(group: Group) -> str:
        where = [group.site.name] if by_site and group.site_id and group.site else []
        if by_school:
            where.append(group.organisation.name)
        return ", ".join(where)

    return place


def group_choice_label(groups: QuerySet) -> Callable[[Group], str]:
    """How a choice of these groups names each: by its name, with its site and its school when the choices span more
    than one (a college group's sites each have a "Business L3 Y2 A"). Read the groups with their organisation and
    site (`select_related`) to label them without a query each."""
    place = group_place(groups.order_by().values_list("organisation_id", "site_id").distinct())

    def label(group: Group) -> str:
        where = place(group)
        return f"{group.name} ({where})" if where else group.name

    return label


def lesson_register_rows(
    group: Group, date: datetime.date, session: str, lesson: str
) -> tuple[Register | None, list[dict[str, Any]]]:
    """The lesson register (if taken) and one row per pupil on the group on that date, with any lesson mark."""
    from attendance.models import LessonMark

    register = Register.objects.filter(group=group, date=date, session=session, lesson=lesson).first()
    pupils = register_pupils(group, date)
    marks = {}
    if register is not None:
        marks = {m.pupil_id: m for m in LessonMark.objects.filter(register=register)}
    return register, [{"pupil": p, "mark": marks.get(p.pk)} for p in pupils]


def lesson_registers_on(groups: QuerySet | Iterable[Group], date: datetime.date) -> QuerySet:
    """Lesson registers taken for these groups on a date."""
    return (
        Register.objects.filter(group__in=groups, date=date, taken_at__isnull=False)
        .exclude(lesson="")
        .select_related("group", "taken_by")
        .order_by("session", "lesson", "group__name")
    )


def lesson_registers_taken(groups: QuerySet | Iterable[Group], date: datetime.date) -> list[dict[str, Any]]:
    """The lesson registers taken for these groups on a date (`register`), each with where its group is (`place`:
    its site or school, only when the registers span more than one, so two "P3 Maths" of two sites are told
    apart; `group_place`). One query."""
    registers = list(lesson_registers_on(groups, date).select_related("group__organisation", "group__site"))
    place = group_place((r.group.organisation_id, r.group.site_id) for r in registers)
    return [{"register": r, "place": place(r.group)} for r in registers]


def post_registration_truancy(organisation: Organisation, date: datetime.date) -> QuerySet:
    """Lesson absences on a date by pupils present (or attending) at that session's statutory register.

    Matched on the same session as the lesson: absent from a morning lesson after a present morning mark.
    Each row is a LessonMark with `session_code` (the statutory mark) annotated.
    """
    from django.db.models import Exists, OuterRef, Subquery

    from attendance.codes import codes_in
    from attendance.models import LessonMark

    statutory = AttendanceMark.objects.filter(
        pupil_id=OuterRef("pupil_id"), date=date, session=OuterRef("register__session")
    )
    return (
        LessonMark.objects.filter(
            organisation_id__in=scope_for(organisation).organisation_ids,
            register__date=date,
            code__in=codes_in(*LESSON_ABSENT_CATEGORIES),
        )
        .filter(Exists(statutory.filter(category__lte=Category.ATTENDING)))
        .annotate(session_code=Subquery(statutory.values("code")[:1]))
        .select_related("pupil", "register", "register__group", "recorded_by")
        .order_by(
            "register__session", "pupil__legal_last_name", "pupil__legal_first_name", "register__lesson"
        )
    )
