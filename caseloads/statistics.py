"""Caseload statistics (issue 12, item 8): per group of a PAL's caseload, this academic year, the sessions
delivered against those due so far, the entitlement met and on track (`selectors.entitlement`), LPR completion in
the current window (`selectors.completion`) and LPRs signed off on time in the windows that have closed; then
summed per PAL, group, year group, site or school, with the total for everything shown (a group of schools).

Passports completed (`passports_by_group`): per group, the students' whole passports completed out of every
student × each of the school's active passports (`selectors_passports.passport_completion`); shown once a school
has a passport."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from access.models import RoleAssignment
from access.roles import Role
from caseloads import selectors
from caseloads.services import academic_year_for, windows_for_schools
from core.naturalsort import natural_sorted
from organisations.vocabulary import vocabulary_for
from people.models import Group

SUMMED = (
    "groups",
    "students",
    "entitlement",
    "delivered",
    "missed",
    "planned",
    "gap",
    "met",
    "on_track",
    "lpr_students",
    "lpr_done",
    "lpr_due",
    "lpr_on_time",
)
PASSPORTS = ("passports_done", "passports_total")
DIMENSIONS = {"pal": "PAL", "group": "Group", "year": "Year group", "site": "Site", "school": "School"}


def passports_by_group(groups: list[Group], today: datetime.date | None = None) -> dict[int, tuple[int, int]]:
    """Group id -> (passports completed, passports possible: current students × the school's active passports),
    for the groups of schools that have a passport (each school defines its own); every school at once."""
    from caseloads.selectors_passports import whole_passports_by_group

    return whole_passports_by_group(groups, today)


def caseload_group_pals(organisation_ids: list[int], today: datetime.date) -> dict[int, Any]:
    """Each caseload group of the schools (a group with a current PAL) -> its PAL."""
    pairs = (
        RoleAssignment.objects.current(today)
        .filter(organisation_id__in=organisation_ids, role=Role.PAL, group__isnull=False)
        .values_list("group_id", "user_id")
    )
    group_user: dict[int, int] = dict(pairs)
    users = get_user_model().objects.in_bulk(set(group_user.values()))  # one instance a PAL, not a group
    return {group_id: users[user_id] for group_id, user_id in group_user.items()}


def group_rows(groups: list[Group], pals: dict[int, Any], today: datetime.date | None = None) -> list[dict]:
    """One row of facts per group. Each read covers every school at once (each school's own windows and
    entitlement), so the number of queries does not grow with the number of schools or groups."""
    today = today or timezone.localdate()
    org_ids = {g.organisation_id for g in groups}
    windows = windows_for_schools(org_ids, academic_year_for(today))
    current = {oid: selectors.current_of(ws, today) for oid, ws in windows.items()}
    closed = {oid: [w for w in ws if w.closes_on < today] for oid, ws in windows.items()}
    reviews = selectors.review_counts(groups, current, closed, today)
    passports = passports_by_group(groups, today)
    entitlement = {r["group"].pk: r for r in selectors.entitlement(groups, today)}
    rows: list[dict[str, Any]] = []
    for g in groups:
        e, c = entitlement[g.pk], reviews.get(g.pk, selectors.EMPTY_COUNTS)
        done, total = passports.get(g.pk, (None, None))
        rows.append(
            {
                "group": g,
                "pal": pals.get(g.pk),
                "groups": 1,
                "students": c["students"],
                **{k: e[k] for k in ("entitlement", "delivered", "missed", "planned", "gap")},
                "met": int(e["delivered"] >= e["entitlement"]),
                "on_track": int(e["gap"] == 0),
                "lpr_students": c["students"],
                "lpr_done": c["done"],
                "lpr_due": c["due"],
                "lpr_on_time": c["on_time"],
                "passports_done": done,
                "passports_total": total,
            }
        )
    return rows


def _key(by: str, many_schools: bool) -> Callable[[dict[str, Any]], tuple[Any, str]]:
    def key(row: dict[str, Any]) -> tuple[Any, str]:
        g = row["group"]
        if by == "pal":
            pal = row["pal"]
            return (pal.pk if pal else None, (pal.full_name or pal.email) if pal else "No PAL")
        if by == "year":
            label = (
                vocabulary_for(g.organisation).year_label(g.year_group) if g.year_group is not None else ""
            )
            return (g.year_group, label or "No year group")
        if by == "site":
            return (g.site_id, g.site.name if g.site_id else "No site")
        if by == "school":
            return (g.organisation_id, g.organisation.name)
        return (g.pk, f"{g.name} ({g.organisation.name})" if many_schools else g.name)

    return key


def summarise(rows: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """The group rows summed per PAL, group, year group, site or school, with their percentages."""
    key = _key(by, len({r["group"].organisation_id for r in rows}) > 1)
    buckets: dict[Any, dict[str, Any]] = {}
    for row in rows:
        k, label = key(row)
        bucket = buckets.setdefault(k, _empty(label) | {"key": k})
        _add(bucket, row)
    if by == "year":
        ordered = sorted(buckets.values(), key=lambda b: (b["key"] is None, b["key"] or 0))
    else:
        ordered = natural_sorted(buckets.values(), key=lambda b: b["label"])
    return [finish(b) for b in ordered]


def _empty(label: str) -> dict[str, Any]:
    return {"label": label, **dict.fromkeys(SUMMED, 0), **dict.fromkeys(PASSPORTS)}


def total(rows: list[dict[str, Any]], label: str) -> dict[str, Any]:
    bucket = _empty(label)
    for row in rows:
        _add(bucket, row)
    return finish(bucket)


def _add(bucket: dict[str, Any], row: dict[str, Any]) -> None:
    for f in SUMMED:
        bucket[f] += row[f]
    for f in PASSPORTS:
        if row[f] is not None:
            bucket[f] = (bucket[f] or 0) + row[f]


def _pct(done: int | None, of: int | None) -> int | None:
    return round(done * 100 / of) if done is not None and of else None


def finish(b: dict[str, Any]) -> dict[str, Any]:
    b["delivered_pct"] = _pct(b["delivered"], b["delivered"] + b["missed"])
    b["met_pct"] = _pct(b["met"], b["groups"])
    b["on_track_pct"] = _pct(b["on_track"], b["groups"])
    b["lpr_pct"] = _pct(b["lpr_done"], b["lpr_students"])
    b["on_time_pct"] = _pct(b["lpr_on_time"], b["lpr_due"])
    b["passports_pct"] = _pct(b["passports_done"], b["passports_total"])
    return b
