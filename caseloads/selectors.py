"""Reads for caseloads: who carries which groups, entitlement per group, LPRs due and overdue, completion.

Entitlement arithmetic for a group in an academic year (`entitlement` sessions, default 8), on day `today`:
- delivered: sessions recorded as delivered;
- missed: sessions still only planned after their day (never recorded);
- planned: sessions planned for today or later;
- gap: entitlement − delivered − planned, never below 0 (what still needs planning to meet the entitlement).
Cancelled sessions count in none of these.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, FilteredRelation, Q
from django.utils import timezone

from access.models import RoleAssignment
from access.roles import Role
from caseloads.models import GroupSession, Review, ReviewWindow
from caseloads.services import academic_year_for, settings_for, settings_for_schools, windows_for
from core.naturalsort import natural_sorted
from people.models import Group, GroupMembership


def pal_assignments(organisation: Any, on: datetime.date | None = None) -> list[dict[str, Any]]:
    """Each PAL of the school with their groups, group count, student count and whether outside the band."""
    on = on or timezone.localdate()
    rules = settings_for(organisation)
    rows = RoleAssignment.objects.current(on).filter(organisation=organisation, role=Role.PAL)
    by_user: dict[int, dict[str, Any]] = {}
    for a in rows.select_related("user", "group").order_by("user__full_name"):
        entry = by_user.setdefault(a.user_id, {"user": a.user, "assignments": []})
        if a.group_id:
            entry["assignments"].append(a)
    group_ids = [a.group_id for e in by_user.values() for a in e["assignments"]]
    counts = dict(
        GroupMembership.objects.current(on)
        .filter(group_id__in=group_ids)
        .values_list("group_id")
        .annotate(n=Count("pupil_id", distinct=True))
    )
    result = []
    for entry in by_user.values():
        entry["assignments"] = natural_sorted(entry["assignments"], key=lambda a: a.group.name)
        n = len(entry["assignments"])
        entry["group_count"] = n
        entry["student_count"] = sum(counts.get(a.group_id, 0) for a in entry["assignments"])
        entry["below"] = n < rules.min_groups
        entry["above"] = n > rules.max_groups
        result.append(entry)
    return result


def unassigned_groups(organisation: Any, on: datetime.date | None = None) -> list[Group]:
    on = on or timezone.localdate()
    taken = (
        RoleAssignment.objects.current(on)
        .filter(organisation=organisation, role=Role.PAL, group__isnull=False)
        .values("group_id")
    )
    return natural_sorted(
        Group.objects.filter(organisation=organisation).exclude(pk__in=taken), key=lambda g: g.name
    )


def members(group_ids: Iterable[int], on: datetime.date | None = None) -> dict[int, list[int]]:
    """Current member pupil ids of each group."""
    out: dict[int, list[int]] = defaultdict(list)
    qs = GroupMembership.objects.current(on or timezone.localdate()).filter(group_id__in=list(group_ids))
    for gid, pid in qs.values_list("group_id", "pupil_id"):
        out[gid].append(pid)
    return out


# --- Entitlement ------------------------------------------------------------------------------


def entitlement(groups: list[Group], today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Planned, delivered, missed and gap for each group in this academic year (see the module's docstring)."""
    today = today or timezone.localdate()
    if not groups:
        return []
    year = academic_year_for(today)
    org_ids = {g.organisation_id for g in groups}
    target = {oid: rules.entitlement for oid, rules in settings_for_schools(org_ids).items()}  # one read
    counts = (
        GroupSession.objects.filter(
            organisation_id__in=org_ids, academic_year=year, group_id__in=[g.pk for g in groups]
        )
        .values("group_id")
        .annotate(
            delivered=Count("id", filter=Q(status=GroupSession.Status.DELIVERED)),
            missed=Count("id", filter=Q(status=GroupSession.Status.PLANNED, date__lt=today)),
            planned=Count("id", filter=Q(status=GroupSession.Status.PLANNED, date__gte=today)),
        )
        .order_by()
    )
    by_group = {row["group_id"]: row for row in counts}
    rows = []
    for g in groups:
        row = by_group.get(g.pk, {"delivered": 0, "missed": 0, "planned": 0})
        due = target[g.organisation_id]
        gap = max(0, due - row["delivered"] - row["planned"])
        rows.append(
            {
                "group": g,
                "entitlement": due,
                **{k: row[k] for k in ("delivered", "missed", "planned")},
                "gap": gap,
            }
        )
    return rows


def _started_by(now: datetime.datetime) -> Q:
    """Sessions that have started by `now` (their day before today, or today at or before the local time)."""
    local = timezone.localtime(now)
    return Q(date__lt=local.date()) | Q(date=local.date(), starts_at__lte=local.time())


def _planned(groups: list[Group]) -> Any:
    return GroupSession.objects.filter(
        organisation_id__in={g.organisation_id for g in groups},
        group__in=groups,
        status=GroupSession.Status.PLANNED,
    ).select_related("group", "topic")


def next_sessions(
    groups: list[Group], now: datetime.datetime | None = None, limit: int = 10
) -> list[GroupSession]:
    """The groups' planned sessions starting after `now`, soonest first (those already started are to record)."""
    now = now or timezone.now()
    return list(_planned(groups).exclude(_started_by(now)).order_by("date", "starts_at")[:limit])


def to_record(groups: list[Group], now: datetime.datetime | None = None) -> list[GroupSession]:
    """Planned sessions that have started by `now` but are not yet recorded (missed once their day has passed)."""
    now = now or timezone.now()
    return list(_planned(groups).filter(_started_by(now)).order_by("date", "starts_at"))


# --- Reviews: due, overdue, completion --------------------------------------------------------


def current_window(organisation: Any, today: datetime.date | None = None) -> ReviewWindow | None:
    """The window open today, else the last one opened this year (its reviews are overdue), else the first."""
    today = today or timezone.localdate()
    return current_of(windows_for(organisation, academic_year_for(today)), today)


def current_of(windows: list[ReviewWindow], today: datetime.date) -> ReviewWindow | None:
    """Of one school's windows of a year (in order), the current one on `today` (see `current_window`)."""
    open_now = [w for w in windows if w.opens_on <= today <= w.closes_on]
    if open_now:
        return open_now[0]
    opened = [w for w in windows if w.opens_on <= today]
    return opened[-1] if opened else (windows[0] if windows else None)


def reviews_status(
    groups: list[Group], today: datetime.date | None = None, member_map: dict[int, list[int]] | None = None
) -> dict[str, Any]:
    """For the students of `groups`: who is due a review in the current window and who is overdue in any window
    of this year that has closed. A review counts once signed off; a draft is "in progress". `member_map`: the
    groups' `members` on `today` when the caller has them already."""
    today = today or timezone.localdate()
    if not groups:
        return {"window": None, "due": [], "overdue": [], "in_progress": []}
    organisation = groups[0].organisation
    windows = windows_for(organisation, academic_year_for(today))
    window = current_of(windows, today)
    member_map = members([g.pk for g in groups], today) if member_map is None else member_map
    pupil_group = {pid: gid for gid, pids in member_map.items() for pid in pids}
    closed = [w for w in windows if w.closes_on < today]
    wins = list(closed) + ([window] if window and window not in closed else [])
    found = Review.objects.filter(
        organisation=organisation, window_id__in=[w.pk for w in wins], pupil_id__in=list(pupil_group)
    )
    # Signed-off reviews (most of them) as pairs; only the drafts become instances (their links need them).
    signed = set(found.filter(signed_off_at__isnull=False).values_list("pupil_id", "window_id"))
    drafts: dict[tuple[int, int], Review] = {
        (r.pupil_id, r.window_id): r
        for r in found.filter(signed_off_at__isnull=True).only("pk", "pupil_id", "window_id", "signed_off_at")
    }
    due, overdue, in_progress = [], [], []
    for pid, gid in pupil_group.items():
        for w in closed:
            if (pid, w.pk) not in signed:
                r = drafts.get((pid, w.pk))
                overdue.append({"pupil_id": pid, "group_id": gid, "window": w, "review": r})
        if window is not None and window not in closed and (pid, window.pk) not in signed:
            r = drafts.get((pid, window.pk))
            if r is None:
                due.append({"pupil_id": pid, "group_id": gid, "window": window, "review": None})
            else:
                in_progress.append({"pupil_id": pid, "group_id": gid, "window": window, "review": r})
    return {"window": window, "due": due, "overdue": overdue, "in_progress": in_progress}


def completion(
    window: ReviewWindow | None, groups: list[Group], today: datetime.date | None = None
) -> dict[str, Any]:
    """Signed-off reviews of `window` over the students of the groups: per group and in total (a percentage)."""
    today = today or timezone.localdate()
    current = {window.organisation_id: window} if window is not None else {}
    return _completion_table(groups, review_counts(groups, current, {}, today))


def _completion_table(groups: list[Group], counts: dict[int, dict[str, int]]) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for g in groups:
        c = counts.get(g.pk, EMPTY_COUNTS)
        rows.append(
            {"group": g, "students": c["students"], "done": c["done"], "pct": _pct(c["done"], c["students"])}
        )
    students = sum(r["students"] for r in rows)
    done = sum(r["done"] for r in rows)
    return {"rows": rows, "students": students, "done": done, "pct": _pct(done, students)}


EMPTY_COUNTS = {"students": 0, "done": 0, "due": 0, "on_time": 0}


def review_counts(
    groups: list[Group],
    current: Mapping[int, ReviewWindow | None],
    closed: Mapping[int, list[ReviewWindow]],
    today: datetime.date,
) -> dict[int, dict[str, int]]:
    """Per group id: `students` (its current members), `done` (of them, signed off in their school's `current`
    window), `due` (students × their school's `closed` windows) and `on_time` (LPRs of those windows signed off by
    the window's due date, a day in the local time zone). One query, whatever the number of groups and schools."""
    if not groups:
        return {}
    window_ids = [w.pk for w in current.values() if w is not None]
    current_ids = list(window_ids)
    by_close: dict[datetime.date, list[int]] = defaultdict(list)
    for w in (w for ws in closed.values() for w in ws):
        window_ids.append(w.pk)
        by_close[w.closes_on].append(w.pk)
    qs = GroupMembership.objects.current(today).filter(
        organisation_id__in={g.organisation_id for g in groups}, group_id__in=[g.pk for g in groups]
    )
    figures: dict[str, Any] = {"students": Count("pk", distinct=True)}
    if window_ids:
        qs = qs.alias(
            lpr=FilteredRelation(
                "pupil__learning_reviews",
                condition=Q(
                    pupil__learning_reviews__window_id__in=window_ids,
                    pupil__learning_reviews__signed_off_at__isnull=False,
                ),
            )
        )
        if current_ids:
            figures["done"] = Count("lpr", filter=Q(lpr__window_id__in=current_ids))
        if by_close:
            on_time = Q()
            for day, ids in by_close.items():  # signed off before the local midnight that ends the due day
                bound = timezone.make_aware(
                    datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
                )
                on_time |= Q(lpr__window_id__in=ids, lpr__signed_off_at__lt=bound)
            figures["on_time"] = Count("lpr", filter=on_time)
    org_of = {g.pk: g.organisation_id for g in groups}
    out: dict[int, dict[str, int]] = {}
    for found in qs.values("group_id").annotate(**figures).order_by():
        row: dict[str, Any] = dict(found)
        students = row["students"]
        out[row["group_id"]] = {
            "students": students,
            "done": row.get("done", 0),
            "due": students * len(closed.get(org_of[row["group_id"]], [])),
            "on_time": row.get("on_time", 0),
        }
    return out


def _pct(done: int, total: int) -> int | None:
    return round(done * 100 / total) if total else None


def completion_by_pal(organisation: Any, window: ReviewWindow | None) -> list[dict[str, Any]]:
    """Completion of the window's reviews per PAL, per year group and in total for the school."""
    entries = pal_assignments(organisation)
    groups = [a.group for entry in entries for a in entry["assignments"]]
    current = {window.organisation_id: window} if window is not None else {}
    counts = review_counts(groups, current, {}, timezone.localdate())
    out = []
    for entry in entries:
        c = _completion_table([a.group for a in entry["assignments"]], counts)
        out.append({"user": entry["user"], "students": c["students"], "done": c["done"], "pct": c["pct"]})
    return out


def completion_by_year(organisation: Any, window: ReviewWindow | None) -> list[dict[str, Any]]:
    groups = list(Group.objects.filter(organisation=organisation, year_group__isnull=False))
    c = completion(window, groups)
    years: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in c["rows"]:
        years[row["group"].year_group][0] += row["students"]
        years[row["group"].year_group][1] += row["done"]
    return [
        {"year_group": y, "students": s, "done": d, "pct": _pct(d, s)} for y, (s, d) in sorted(years.items())
    ]


def high_risk(
    groups: list[Group], today: datetime.date | None = None, member_map: dict[int, list[int]] | None = None
) -> list[Review]:
    """Students whose latest LPR this year rates their risk of withdrawal high or medium, highest first."""
    today = today or timezone.localdate()
    if not groups:
        return []
    member_map = members([g.pk for g in groups], today) if member_map is None else member_map
    pupil_ids = [p for ids in member_map.values() for p in ids]
    org_ids = {g.organisation_id for g in groups}
    latest: dict[int, tuple[int, str]] = {}  # read as rows first: only the risky ones become instances
    for pupil_id, pk, risk in (
        Review.objects.filter(
            organisation_id__in=org_ids,
            pupil_id__in=pupil_ids,
            window__academic_year=academic_year_for(today),
        )
        .order_by("held_on", "pk")
        .values_list("pupil_id", "pk", "risk")
    ):
        latest[pupil_id] = (pk, risk)
    wanted = [pk for pk, risk in latest.values() if risk in (Review.Risk.HIGH, Review.Risk.MEDIUM)]
    risky = (
        Review.objects.filter(organisation_id__in=org_ids, pk__in=wanted)
        .select_related("pupil", "window")
        .only(  # what the list shows: the student's name and link, the risk, the window
            "pk",
            "organisation_id",
            "risk",
            "held_on",
            *(f"pupil__{f}" for f in ("organisation_id", "legal_first_name", "legal_last_name")),
            *(f"pupil__{f}" for f in ("preferred_first_name", "preferred_last_name")),
            *(f"window__{f}" for f in ("organisation_id", "number", "opens_on", "closes_on")),
        )
    )
    return sorted(risky, key=lambda r: (r.risk != Review.Risk.HIGH, r.pupil.display_name))


def group_students(group: Group, on: datetime.date | None = None) -> list[Any]:
    """The group's students on a day, by surname (the order of a register)."""
    from people.models import Pupil

    ids = GroupMembership.objects.current(on or timezone.localdate()).filter(group=group).values("pupil_id")
    return list(
        Pupil.objects.filter(organisation_id=group.organisation_id, pk__in=ids).order_by(
            "legal_last_name", "legal_first_name"
        )
    )


# --- What the early-warning list reads (caseloads/warnings.py) ----------------------------------


def latest_risk_ratings(organisation_ids: list[int], on: datetime.date) -> dict[int, Review]:
    """Per pupil of the schools, their latest LPR of the academic year `on` falls in that was held by `on` and
    rates the risk of withdrawal (draft or signed off, as `high_risk` reads them). One query; writes nothing."""
    latest: dict[int, Review] = {}
    for review in (
        Review.objects.filter(
            organisation_id__in=organisation_ids,
            held_on__lte=on,
            window__academic_year__starts_on__lte=on,
            window__academic_year__ends_on__gte=on,
        )
        .exclude(risk="")
        .select_related("window")
        .only("pk", "pupil_id", "held_on", "risk", "window__number")
        .order_by("held_on", "pk")
    ):
        latest[review.pupil_id] = review
    return latest


def caseload_pupil_ids(organisation_ids: list[int], on: datetime.date) -> set[int]:
    """The pupils in a group some PAL of the schools carries on `on` (whose LPRs are expected)."""
    groups = (
        RoleAssignment.objects.current(on)
        .filter(organisation_id__in=organisation_ids, role=Role.PAL, group__isnull=False)
        .values("group_id")
    )
    return set(
        GroupMembership.objects.current(on)
        .filter(organisation_id__in=organisation_ids, group_id__in=groups)
        .values_list("pupil_id", flat=True)
    )


def missed_reviews(organisation_ids: list[int], on: datetime.date) -> dict[int, list[ReviewWindow]]:
    """Per pupil on a PAL's caseload on `on`: their school's review windows of this academic year that closed
    before `on` (a window due by `on` is not missed yet) with no LPR of theirs signed off by `on`, for pupils on
    roll when the window closed. Reads the windows the schools have (never makes the defaults); four queries."""
    from people.models import Pupil

    windows: dict[int, list[ReviewWindow]] = defaultdict(list)
    for window in ReviewWindow.objects.filter(
        organisation_id__in=organisation_ids,
        closes_on__lt=on,
        academic_year__starts_on__lte=on,
        academic_year__ends_on__gte=on,
    ).order_by("number"):
        windows[window.organisation_id].append(window)
    if not windows:
        return {}
    expected = caseload_pupil_ids(list(windows), on)
    signed = set(
        Review.objects.filter(
            organisation_id__in=list(windows),
            window__in=[w for ws in windows.values() for w in ws],
            signed_off_at__date__lte=on,
        ).values_list("pupil_id", "window_id")
    )
    found: dict[int, list[ReviewWindow]] = {}
    for pupil_id, organisation_id, day in Pupil.objects.filter(
        organisation_id__in=list(windows), pk__in=expected
    ).values_list("pk", "organisation_id", "admitted_on"):
        missing = [
            w
            for w in windows[organisation_id]
            if (pupil_id, w.pk) not in signed and (day is None or day <= w.closes_on)
        ]
        if missing:
            found[pupil_id] = missing
    return found
