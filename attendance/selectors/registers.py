"""Registers: school days, register times, who is on a register, registers not taken."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, cast

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from access.models import RoleAssignment
from access.permissions import access_for
from access.roles import Role
from attendance.models import AttendanceMark, AttendanceSettings, Register, Session
from core.db import prepared_cursor
from core.naturalsort import natural_key, natural_sorted
from organisations import calendar
from organisations.models import Organisation
from people.models import Group, GroupMembership, Pupil

# --- School days, registers due ---------------------------------------------------------------


# The calendar lives in the foundation (organisations/calendar.py): weekends, term dates, whole-school and site
# closures. These two names stay here because other apps and the docs know them as attendance's interface.
school_days = calendar.school_days_between
school_days_before = calendar.school_days_before


def settings_for(organisation: Organisation) -> AttendanceSettings:
    """The school's register times (defaults when never set); read once per organisation object."""
    cached: AttendanceSettings | None = organisation.__dict__.get("_attendance_settings")
    if cached is None:
        found: AttendanceSettings | None
        related = Organisation.attendance_settings.related  # type: ignore[attr-defined]
        if related.is_cached(organisation):  # loaded with select_related("…attendance_settings")
            found = cast("AttendanceSettings | None", related.get_cached_value(organisation))
        else:
            found = AttendanceSettings.objects.filter(organisation=organisation).first()
        cached = found or AttendanceSettings(organisation=organisation)
        organisation.__dict__["_attendance_settings"] = cached
    return cached


def register_closes(organisation: Organisation, date: datetime.date, session: str) -> datetime.datetime:
    closes = settings_for(organisation).closes_at(session)
    return timezone.make_aware(datetime.datetime.combine(date, closes))


def is_register_closed(
    organisation: Organisation, date: datetime.date, session: str, now: datetime.datetime | None = None
) -> bool:
    return (now or timezone.now()) > register_closes(organisation, date, session)


def current_session(organisation: Organisation, now: datetime.datetime | None = None) -> str:
    """The school's current session: the afternoon once its afternoon registration has started, else the morning."""
    local_time = timezone.localtime(now or timezone.now()).time()
    return Session.PM if local_time >= settings_for(organisation).pm_starts_at else Session.AM


def name_shown_key(pupil: Pupil) -> tuple[Any, ...]:
    """Sort key of a pupil by the name a register shows ("Surname, Forename", preferred names where recorded), in
    natural order without regard to case: sorted by legal names, a preferred name looked out of place."""
    return (natural_key(pupil.last_name), natural_key(pupil.first_name), pupil.pk)


def register_pupils(group: Group, date: datetime.date) -> list[Pupil]:
    """The pupils on the group's register on a date (dated memberships), in the order of the names shown."""
    members = GroupMembership.objects.current(date).filter(group=group).values("pupil_id")
    return sorted(Pupil.objects.filter(pk__in=members), key=name_shown_key)


class Loader(NamedTuple):
    """How to read a model from a plain statement's row: the columns to select, their attnames, and the
    converters the ORM's compiler would apply to each value the driver returns (dates on SQLite, say)."""

    columns: str
    names: list[str]
    converters: list[list[Any]]
    cols: list[Any]

    def build(self, model: type[Any], values: Sequence[Any]) -> Any:
        """The model instance of a row (`Model.from_db`, as the ORM makes it; fields not read are deferred)."""
        converted = []
        for value, converters, col in zip(values, self.converters, self.cols, strict=True):
            if value is not None:
                for converter in converters:
                    value = converter(value, col, connection)
            converted.append(value)
        return model.from_db(connection.alias, self.names, converted)


_LOADERS: dict[tuple[str, type[Any], str, tuple[str, ...]], Loader] = {}


def loader(model: type[Any], alias: str, names: tuple[str, ...] = ()) -> Loader:
    """The `Loader` of a model's fields (all concrete fields, or those of the attnames `names`) in the model's
    field order, columns prefixed with `alias`; made once a database vendor. Select `columns` (or `names`, in
    that order) and hand the row to `build`."""
    key = (connection.vendor, model, alias, names)
    found = _LOADERS.get(key)
    if found is None:
        # In the model's field order, whatever the order of `names`: `Model.from_db` reads values so.
        fields = [f for f in model._meta.concrete_fields if not names or f.attname in names]
        qn = connection.ops.quote_name
        cols = [f.get_col(alias) for f in fields]
        found = _LOADERS[key] = Loader(
            ", ".join(f"{alias}.{qn(f.column)}" for f in fields),
            [f.attname for f in fields],
            [
                connection.ops.get_db_converters(c) + f.get_db_converters(connection)
                for f, c in zip(fields, cols, strict=True)
            ],
            cols,
        )
    return found


def register_group(pk: int, organisation_ids: Iterable[int]) -> Group | None:
    """The group `pk` if it belongs to one of `organisation_ids`, with its school and the school's register
    times loaded, as `Group.objects.select_related("organisation__attendance_settings")` would: one plain
    statement (every register save reads it, and the ORM's compiling of it was the save's costliest step)."""
    ids = list(organisation_ids)
    if not ids:
        return None
    group_l, org_l, settings_l = (
        loader(Group, "g"),
        loader(Organisation, "o"),
        loader(AttendanceSettings, "s"),
    )
    qn = connection.ops.quote_name
    sql = (
        f"SELECT {group_l.columns}, {org_l.columns}, {settings_l.columns} FROM {qn(Group._meta.db_table)} g "  # noqa: S608
        f"JOIN {qn(Organisation._meta.db_table)} o ON o.id = g.organisation_id "
        # On the group's own organisation column (the distribution column): a user reaching several schools asks
        # several shards, which Citus plans only for tables joined on it.
        f"LEFT JOIN {qn(AttendanceSettings._meta.db_table)} s ON s.organisation_id = g.organisation_id "
        f"WHERE g.id = %s AND g.organisation_id IN ({', '.join(['%s'] * len(ids))})"
    )
    with prepared_cursor() as cursor:
        cursor.execute(sql, [pk, *ids])
        row = cursor.fetchone()
    if row is None:
        return None
    n_group, n_org = len(group_l.names), len(org_l.names)
    group = group_l.build(Group, row[:n_group])
    organisation = org_l.build(Organisation, row[n_group : n_group + n_org])
    settings_row = row[n_group + n_org :]
    settings = settings_l.build(AttendanceSettings, settings_row) if settings_row[0] is not None else None
    Group.organisation.field.set_cached_value(group, organisation)  # type: ignore[attr-defined]
    Organisation.attendance_settings.related.set_cached_value(organisation, settings)  # type: ignore[attr-defined]
    if settings is not None:
        AttendanceSettings.organisation.field.set_cached_value(settings, organisation)  # type: ignore[attr-defined]
    return group


def register_rows(group: Group, date: datetime.date, session: str) -> list[dict[str, Any]]:
    pupils = register_pupils(group, date)
    marks = {
        m.pupil_id: m
        for m in AttendanceMark.objects.filter(
            pupil_id__in=[p.pk for p in pupils], date=date, session=session
        ).only("pupil_id", "code", "minutes_late", "category")
    }
    return [{"pupil": p, "mark": marks.get(p.pk)} for p in pupils]


def tutors_of(group_ids: Iterable[int], on: datetime.date | None = None) -> dict[int, list[Any]]:
    """Who is responsible for each group's register: its current tutor role assignments."""
    found: dict[int, list[Any]] = {}
    for ra in (
        RoleAssignment.objects.current(on)
        .filter(role=Role.TUTOR, group_id__in=list(group_ids))
        .select_related("user")
    ):
        if ra.group_id is not None:
            found.setdefault(ra.group_id, []).append(ra.user)
    return found


def unmarked_counts(
    organisation_ids: Iterable[int], group_ids: Any, date: datetime.date, sessions: Sequence[str]
) -> dict[int, dict[str, int]]:
    """For each of the groups with pupils on its register on a date (current memberships, as the register save
    reads them): how many pupils (`pupils`) and, for each session, how many of them have no mark (`<session>`).

    One aggregate query, filtered on the schools throughout (each mark looked up by its own school: on Citus a
    join on the distribution column); `group_ids` a list of ids or a subquery of them."""
    ids = list(organisation_ids)
    # One school (the officer's list): the marks filtered on it as a constant, as the memberships are.
    school: Any = ids[0] if len(ids) == 1 else OuterRef("organisation_id")
    counts: dict[str, Any] = {"pupils": Count("pupil_id", distinct=True)}
    for session in sessions:
        marked = AttendanceMark.objects.filter(
            organisation_id=school,
            pupil_id=OuterRef("pupil_id"),
            date=date,
            session=session,
        )
        counts[session] = Count("pupil_id", distinct=True, filter=~Exists(marked))
    rows = cast(  # the stubs type the rows as holding `group_id` alone
        "Iterable[dict[str, int]]",
        GroupMembership.objects.current(date)
        .filter(organisation_id__in=ids, group_id__in=group_ids)
        .values("group_id")
        .annotate(**counts)
        .order_by(),
    )
    return {row.pop("group_id"): row for row in rows}


def registers_not_taken(
    organisation: Organisation,
    date: datetime.date,
    session: str,
    *,
    school_calendar: calendar.Calendar | None = None,
) -> list[dict[str, Any]]:
    """Tutor groups with pupils whose register for the session is not taken, or was saved with pupils on it still
    unmarked (`taken` and `unmarked` of `pupils`), with who is responsible.

    None on a day that is not a school day, and none of a group whose site is shut that day (the school's
    calendar for `date`: `school_calendar` when the caller has read it already). One query whatever the number of
    groups (`_tutor_group_counts`), and the tutors'."""
    shut = calendar.calendar_for(organisation, date, date) if school_calendar is None else school_calendar
    if not shut.is_school_day(date):
        return []
    closed_sites = shut.closed_sites(date)
    groups = natural_sorted(
        (
            g
            for g in _tutor_group_counts(organisation, date, session)
            if (not g.taken or g.unmarked) and g.site_id not in closed_sites
        ),
        key=lambda g: g.name,
    )
    tutors = tutors_of([g.pk for g in groups], date)
    return [
        {
            "group": g,
            "responsible": tutors.get(g.pk, []),
            "taken": g.taken,
            "pupils": g.pupils,
            "unmarked": g.unmarked,
        }
        for g in groups
    ]


def _tutor_group_counts(organisation: Organisation, date: datetime.date, session: str) -> QuerySet:
    """The school's tutor groups with pupils on their register on a date (current memberships, as the register save
    reads them), each with how many (`pupils`), how many of them have no mark for the session (`unmarked`: a
    conditional count) and whether its register is taken (`taken`). One aggregate query, filtered on the school
    throughout (the memberships and the marks too: on Citus, one shard)."""
    on_register = Q(memberships__organisation_id=organisation.pk, memberships__starts_on__lte=date) & (
        Q(memberships__ends_on__isnull=True) | Q(memberships__ends_on__gte=date)
    )
    marked = AttendanceMark.objects.filter(
        organisation_id=organisation.pk,
        pupil_id=OuterRef("memberships__pupil_id"),
        date=date,
        session=session,
    )
    taken = Register.objects.filter(
        organisation=organisation,
        group_id=OuterRef("pk"),
        date=date,
        session=session,
        lesson="",
        taken_at__isnull=False,
    )
    # Filtered before the counts, so they count only the memberships on the register that day (one join).
    return (
        Group.objects.filter(organisation=organisation, kind=Group.Kind.TUTOR)
        .filter(on_register)
        .annotate(
            pupils=Count("memberships__pupil_id", distinct=True),
            unmarked=Count("memberships__pupil_id", distinct=True, filter=~Exists(marked)),
            taken=Exists(taken),
        )
    )


def _why_no_register(groups: list[Group], date: datetime.date) -> dict[int, str]:
    """Why each group has no register on a date ("" when it has one): its school's and site's calendar."""
    calendars = {
        org_id: calendar.calendar_for(org_id, date, date) for org_id in {g.organisation_id for g in groups}
    }
    return {g.pk: calendars[g.organisation_id].why_not(date, g.site_id) for g in groups}


def group_registers(groups: list[Group], date: datetime.date) -> dict[str, Any]:
    """Each group's session registers on a date, taken or not (a tutor's registers); a taken one is `incomplete`
    while pupils on it are still unmarked (`unmarked` of `pupils`).

    `rows` is empty and `day_off` says why when the day is a school day for none of the groups; a group whose
    site alone is shut keeps its row, with `why_not` set and no register due."""
    why = _why_no_register(groups, date)
    if not groups:
        return {"rows": [], "day_off": None}
    if all(why.values()):
        day_off = calendar.day_off(groups[0].organisation_id, date)
        if day_off is not None:
            return {"rows": [], "day_off": day_off}
    taken = set(
        Register.objects.filter(group__in=groups, date=date, lesson="", taken_at__isnull=False).values_list(
            "group_id", "session"
        )
    )
    # How many of each taken register's pupils are still unmarked: one aggregate query, only when one is taken.
    counts = (
        unmarked_counts(
            {g.organisation_id for g in groups}, sorted({pk for pk, _ in taken}), date, Session.values
        )
        if taken
        else {}
    )

    def session_row(g: Group, s: str) -> dict[str, Any]:
        found = counts.get(g.pk, {})
        is_taken, unmarked = (g.pk, s) in taken, found.get(s, 0)
        return {
            "session": s,
            "label": Session(s).label,
            "taken": is_taken,
            "incomplete": is_taken and unmarked > 0,
            "unmarked": unmarked,
            "pupils": found.get("pupils", 0),
        }

    rows = [
        {"group": g, "why_not": why[g.pk], "sessions": [session_row(g, s) for s in Session.values]}
        for g in groups
    ]
    return {"rows": rows, "day_off": None}


def tutor_groups_for(user: Any) -> QuerySet:
    """Groups whose register this user takes (their tutor role assignments)."""
    ids = [g.group_id for g in access_for(user).grants if g.role == Role.TUTOR and g.group_id]
    return Group.objects.filter(pk__in=ids).order_by("name")
