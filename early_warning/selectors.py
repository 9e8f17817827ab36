"""Reads for the early-warning list: evaluate every indicator for one school on a day, then show each viewer
only the indicators their role may know of (and the score those add up to)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q

from early_warning.models import Review, WarningSettings
from early_warning.registry import Context, defaults, indicators

NEW_SINCE_DAYS = 7


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
    reasons_hidden: bool = field(default=False)

    @property
    def needs_action(self) -> bool:
        return self.review is None or self.full_score > self.review.score


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


def on_roll_ids(organisation: Any, on: datetime.date) -> list[int]:
    from people.models import Pupil

    return list(
        Pupil.objects.filter(organisation=organisation)
        .filter(
            Q(left_on__isnull=True) | Q(left_on__gt=on), Q(admitted_on__isnull=True) | Q(admitted_on__lte=on)
        )
        .values_list("pk", flat=True)
    )


def evaluate(
    organisation: Any, on: datetime.date, values: dict[str, Any] | None = None
) -> dict[int, list[Line]]:
    """Every switched-on indicator for every pupil on roll on `on`: pupil id -> the lines that are on."""
    values = values if values is not None else settings_values(organisation)
    pupil_ids = on_roll_ids(organisation, on)
    on_roll = set(pupil_ids)
    ctx = Context(organisation=organisation, on=on, values=values, pupil_ids=pupil_ids)
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


def latest_reviews(organisation_id: int, pupil_ids: set[int]) -> dict[int, Review]:
    reviews: dict[int, Review] = {}
    for review in Review.objects.filter(organisation_id=organisation_id, pupil_id__in=pupil_ids).order_by(
        "pupil_id", "reviewed_on", "pk"
    ):
        reviews[review.pupil_id] = review
    return reviews


def school_entries(user: Any, organisation: Any, on: datetime.date, pupils: Any) -> list[Entry]:
    """The flagged students of one school among `pupils` (a queryset the caller has narrowed to what the user
    may see), highest score first, with this week's new entrants and reviews."""
    from people.models import Pupil

    values = settings_values(organisation)
    flag_at = int(values["flag_at"])
    keys = visible_keys(user, organisation.pk)
    now = evaluate(organisation, on, values)
    allowed = set(pupils.filter(organisation=organisation, pk__in=list(now)).values_list("pk", flat=True))
    flagged = flagged_ids(now, flag_at, keys) & allowed
    before = flagged_ids(
        evaluate(organisation, on - datetime.timedelta(days=NEW_SINCE_DAYS), values), flag_at, keys
    )
    reviews = latest_reviews(organisation.pk, flagged)
    people = Pupil.objects.select_related("organisation").in_bulk(flagged)
    entries = []
    for pid in flagged:
        lines, score = scored(now[pid], keys)
        entries.append(
            Entry(
                people[pid],
                lines,
                score,
                sum(line.points for line in now[pid]),
                pid not in before,
                reviews.get(pid),
            )
        )
    entries.sort(key=lambda e: (-e.score, e.pupil.last_name, e.pupil.first_name, e.pupil.pk))
    return entries


def pupil_entry(user: Any, pupil: Any, on: datetime.date) -> Entry:
    """One student's lines (every indicator that is on and that the user may know of) and their score."""
    organisation = pupil.organisation
    values = settings_values(organisation)
    lines = evaluate(organisation, on, values).get(pupil.pk, [])
    shown, score = scored(lines, visible_keys(user, organisation.pk))
    review = latest_reviews(organisation.pk, {pupil.pk}).get(pupil.pk)
    return Entry(pupil, shown, score, sum(line.points for line in lines), review=review)


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
