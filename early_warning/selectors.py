"""Reads for the early-warning list: evaluate every indicator for one school on a day, then show each viewer
only the indicators their role may know of (and the score those add up to)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q

from early_warning.models import Review, WarningSettings
from early_warning.registry import Context, defaults, indicators

NEW_SINCE_DAYS = 7
SHOWN_FIELDS = (
    "organisation_id",
    "legal_first_name",
    "legal_last_name",
    "preferred_first_name",
    "preferred_last_name",
    "year_group",
)


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    evidence: str
    points: int

    @property
    def text(self) -> str:
        return f"{self.evidence}: +{self.points}"


@dataclass
class Entry:
    pupil: Any
    lines: list[Line]
    score: int
    full_score: int
    is_new: bool = False
    review: Review | None = None
    keys: set[str] | None = field(default=None, repr=False)  # the indicators this viewer may see
    points: dict[str, int] = field(default_factory=dict, repr=False)  # every line's points (kept on a review)

    @property
    def needs_action(self) -> bool:
        """Not reviewed, or the score has risen above the score when reviewed. With the review's lines kept, the
        viewer's score is compared with the part of the reviewed score they may see, so a line hidden from them
        (a child protection plan starting) never turns a student back to "needs action" on their list."""
        if self.review is None:
            return True
        if self.review.lines and self.keys is not None:
            seen = sum(int(p) for k, p in self.review.lines.items() if k in self.keys)
            return self.score > seen
        return self.full_score > self.review.score


def settings_values(organisation: Any, stored: dict[str, Any] | None = None) -> dict[str, Any]:
    """The school's values: the defaults, overlaid with what it stored (or `stored`, to preview a change)."""
    values = defaults()
    if stored is None:
        found = WarningSettings.objects.filter(organisation=organisation).first()
        stored = found.values if found else {}
    for key, value in stored.items():
        if key in values:
            values[key] = Decimal(str(value)) if isinstance(values[key], Decimal) else value
    return values


def on_roll_ids(organisation_ids: list[int], on: datetime.date) -> list[int]:
    from people.models import Pupil

    return list(
        Pupil.objects.filter(organisation_id__in=organisation_ids)
        .filter(
            Q(left_on__isnull=True) | Q(left_on__gt=on), Q(admitted_on__isnull=True) | Q(admitted_on__lte=on)
        )
        .values_list("pk", flat=True)
    )


def evaluate(
    organisation: Any,
    on: datetime.date,
    values: dict[str, Any] | None = None,
    also: list[Any] | None = None,
) -> dict[int, list[Line]]:
    """Every switched-on indicator for every pupil on roll on `on`: pupil id -> the lines that are on.

    `also`: more schools with the same values, evaluated in the same pass (a group of schools' list): each
    indicator then reads all of them with one query, not one a school."""
    values = values if values is not None else settings_values(organisation)
    ids = [organisation.pk, *(o.pk for o in also or [])]
    pupil_ids = on_roll_ids(ids, on)
    on_roll = set(pupil_ids)
    ctx = Context(organisation=organisation, on=on, values=values, pupil_ids=pupil_ids, organisation_ids=ids)
    found: dict[int, list[Line]] = {}
    for indicator in indicators():
        if not values.get(f"{indicator.key}.on", True):
            continue
        points = int(values[f"{indicator.key}.weight"])
        for pupil_id, evidence in indicator.evaluate(ctx).items():
            if pupil_id in on_roll:
                found.setdefault(pupil_id, []).append(Line(indicator.key, indicator.label, evidence, points))
    return found


def visible_keys(user: Any, organisation_id: int) -> set[str]:
    """The indicators this user may be told about in this organisation."""
    return {i.key for i in indicators() if i.visible_to is None or i.visible_to(user, organisation_id)}


def scored(lines: list[Line], keys: set[str]) -> tuple[list[Line], int]:
    shown = [line for line in lines if line.key in keys]
    return shown, sum(line.points for line in shown)


def flagged_ids(found: dict[int, list[Line]], flag_at: int, keys: set[str] | None = None) -> set[int]:
    """Pupils whose score (over `keys`, or every indicator) reaches the flag."""
    return {
        pid
        for pid, lines in found.items()
        if sum(line.points for line in lines if keys is None or line.key in keys) >= flag_at
    }


def latest_reviews(organisation_ids: list[int], pupil_ids: set[int]) -> dict[int, Review]:
    reviews: dict[int, Review] = {}
    for review in Review.objects.filter(
        organisation_id__in=organisation_ids, pupil_id__in=pupil_ids
    ).order_by("pupil_id", "reviewed_on", "pk"):
        reviews[review.pupil_id] = review
    return reviews


def school_entries(user: Any, organisation: Any, on: datetime.date, pupils: Any) -> list[Entry]:
    """The flagged students of one school among `pupils` (see `list_entries`)."""
    return list_entries(user, [organisation], on, pupils)


def _same_settings(schools: list[Any]) -> list[tuple[dict[str, Any], list[Any]]]:
    """The schools grouped by their settings (one query): each group is evaluated in one pass."""
    stored = {w.organisation_id: w.values for w in WarningSettings.objects.filter(organisation__in=schools)}
    groups: dict[str, tuple[dict[str, Any], list[Any]]] = {}
    for school in schools:
        mine = stored.get(school.pk, {})
        key = json.dumps(mine, sort_keys=True, default=str)
        if key not in groups:
            groups[key] = (settings_values(school, mine), [])
        groups[key][1].append(school)
    return list(groups.values())


def list_entries(user: Any, schools: list[Any], on: datetime.date, pupils: Any) -> list[Entry]:
    """The flagged students of the schools among `pupils` (a queryset the caller has narrowed to what the user
    may see), highest score first, with this week's new entrants and reviews. Schools with the same settings are
    evaluated together, once for `on` and once a week before (the new entrants): a fixed number of queries
    however many students and schools share the settings; no query per student."""
    from people.models import Pupil

    now: dict[int, list[Line]] = {}
    before: dict[int, list[Line]] = {}
    flag_of: dict[int, int] = {}
    for values, group in _same_settings(schools):
        found = evaluate(group[0], on, values, group[1:])
        now.update(found)
        before.update(evaluate(group[0], on - datetime.timedelta(days=NEW_SINCE_DAYS), values, group[1:]))
        flag_of.update(dict.fromkeys((s.pk for s in group), int(values["flag_at"])))
    keys_of = {s.pk: visible_keys(user, s.pk) for s in schools}
    school_of = dict(pupils.filter(organisation__in=schools).values_list("pk", "organisation_id"))
    flagged = set()
    for pid, lines in now.items():
        org = school_of.get(pid)
        if org is not None and sum(line.points for line in lines if line.key in keys_of[org]) >= flag_of[org]:
            flagged.add(pid)
    # The flagged students, with only what the list, the export and the digest show; their school is one of
    # `schools` (already loaded), not joined again for each.
    people = Pupil.objects.only(*SHOWN_FIELDS).in_bulk(flagged)
    by_id = {s.pk: s for s in schools}
    for pupil in people.values():
        pupil.organisation = by_id[pupil.organisation_id]
    reviews = latest_reviews([s.pk for s in schools], flagged)
    entries = []
    for pid in flagged:
        keys = keys_of[people[pid].organisation_id]
        lines, score = scored(now[pid], keys)
        was = sum(line.points for line in before.get(pid, []) if line.key in keys)
        entries.append(
            Entry(
                people[pid],
                lines,
                score,
                sum(line.points for line in now[pid]),
                was < flag_of[people[pid].organisation_id],
                reviews.get(pid),
                keys,
                {line.key: line.points for line in now[pid]},
            )
        )
    entries.sort(key=lambda e: (-e.score, e.pupil.last_name, e.pupil.first_name, e.pupil.pk))
    return entries


def pupil_entry(user: Any, pupil: Any, on: datetime.date) -> Entry:
    """One student's lines (every indicator that is on and that the user may know of) and their score."""
    organisation = pupil.organisation
    values = settings_values(organisation)
    lines = evaluate(organisation, on, values).get(pupil.pk, [])
    keys = visible_keys(user, organisation.pk)
    shown, score = scored(lines, keys)
    review = latest_reviews([organisation.pk], {pupil.pk}).get(pupil.pk)
    points = {line.key: line.points for line in lines}
    return Entry(pupil, shown, score, sum(points.values()), review=review, keys=keys, points=points)


def preview(organisation: Any, on: datetime.date, values: dict[str, Any]) -> dict[str, Any]:
    """How many students the school's current settings flag, and how many `values` would (every indicator)."""
    current = settings_values(organisation)
    now_found = evaluate(organisation, on, current)
    new_found = evaluate(organisation, on, values)
    per_indicator = {i.key: 0 for i in indicators()}
    for lines in new_found.values():
        for line in lines:
            per_indicator[line.key] += 1
    return {
        "current": len(flagged_ids(now_found, int(current["flag_at"]))),
        "proposed": len(flagged_ids(new_found, int(values["flag_at"]))),
        "per_indicator": per_indicator,
    }
