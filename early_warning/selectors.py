"""Reads for the early-warning list: evaluate every indicator for one school on a day, then show each viewer
only the indicators their role may know of (and the score those add up to)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Q

from early_warning.models import Review, StudentFactor, WarningSettings
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


# What the list reads of each student on it: enough to sort, count and page without making a model instance.
ROW_FIELDS = ("pk", *SHOWN_FIELDS)


@dataclass
class Entry:
    """One student on a list, for one viewer. Sorting, counting and paging need only the scores; the student's
    record and their lines are made the first time they are read, so a trust's list of thousands of flagged
    students makes them for the fifty of a page (and the export), not for every one."""

    shown_pupil: Any  # the Pupil, or None until `pupil` is first read (then made from `row`)
    score: int  # over the lines this viewer may see
    full_score: int  # over every line
    is_new: bool = False
    review: Review | None = None
    keys: set[str] | None = field(default=None, repr=False)  # the indicators this viewer may see
    hits: list[tuple[str, str]] = field(default_factory=list, repr=False)  # every indicator on: key, evidence
    weights: dict[str, int] = field(default_factory=dict, repr=False)
    labels: dict[str, str] = field(default_factory=dict, repr=False)
    row: tuple[Any, ...] | None = field(default=None, repr=False)  # ROW_FIELDS' values
    school: Any = field(default=None, repr=False)

    @property
    def pupil(self) -> Any:
        if self.shown_pupil is None:
            from people.models import Pupil

            assert self.row is not None, "an entry is made with its student or their row"
            self.shown_pupil = Pupil.from_db(None, ["id", *SHOWN_FIELDS], self.row)
            self.shown_pupil.organisation = self.school
        return self.shown_pupil

    @cached_property
    def every_line(self) -> list[Line]:
        return [Line(key, self.labels[key], evidence, self.weights[key]) for key, evidence in self.hits]

    @property
    def lines(self) -> list[Line]:
        """The lines this viewer may see."""
        return [line for line in self.every_line if self.keys is None or line.key in self.keys]

    @property
    def points(self) -> dict[str, int]:
        """Every line's points (kept on a review)."""
        return {line.key: line.points for line in self.every_line}

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
    return on_roll_by_day(organisation_ids, (on,))[on]


def on_roll_by_day(
    organisation_ids: list[int], days: tuple[datetime.date, ...]
) -> dict[datetime.date, list[int]]:
    """Each day -> the pupils of the schools on roll that day (one query for every day)."""
    from people.models import Pupil

    rows = Pupil.objects.filter(organisation_id__in=organisation_ids)
    if len(days) == 1:  # the database narrows it
        on = days[0]
        rows = rows.filter(
            Q(left_on__isnull=True) | Q(left_on__gt=on), Q(admitted_on__isnull=True) | Q(admitted_on__lte=on)
        )
    else:
        rows = rows.filter(Q(left_on__isnull=True) | Q(left_on__gt=min(days)))
    found = list(rows.values_list("pk", "admitted_on", "left_on"))
    return {
        day: [
            pk
            for pk, admitted, left in found
            if (left is None or left > day) and (admitted is None or admitted <= day)
        ]
        for day in days
    }


Hits = dict[int, list[tuple[str, str]]]  # pupil id -> (indicator key, evidence) of each indicator on


def hits_by_day(
    organisation: Any,
    days: tuple[datetime.date, ...],
    values: dict[str, Any],
    also: list[Any] | None = None,
    standings: dict[int, Any] | None = None,
) -> dict[datetime.date, Hits]:
    """Every switched-on indicator for every pupil on roll, for each of `days` in the same pass: each indicator
    reads every day (and every school of `also`, with the same values) in its own queries, once.

    Bare (key, evidence) pairs: a caller that only counts or scores (the list's week-ago day, the dashboard's
    count) never builds `Line`s. `standings`: `achievement.selectors.standings` of these schools (or more) on the
    first day, when the caller has already read them (the dashboard's progress figures): not read again."""
    from early_warning.indicators import standings_key

    ids = [organisation.pk, *(o.pk for o in also or [])]
    on_roll = {day: set(pids) for day, pids in on_roll_by_day(ids, days).items()}
    ctx = Context(
        organisation=organisation,
        on=days[0],
        values=values,
        pupil_ids=sorted(on_roll[days[0]]),
        organisation_ids=ids,
        days=days,
    )
    if standings is not None:
        ctx.cache[standings_key(days[0])] = standings
    found: dict[datetime.date, Hits] = {day: {} for day in days}
    for indicator in indicators():
        if not values.get(f"{indicator.key}.on", True):
            continue
        for day, evidence_of in indicator.found_by_day(ctx).items():
            roll, hits = on_roll[day], found[day]
            for pupil_id, evidence in evidence_of.items():
                if pupil_id in roll:
                    hits.setdefault(pupil_id, []).append((indicator.key, evidence))
    return found


def _lines(
    hits: list[tuple[str, str]], values: dict[str, Any], labels: dict[str, str] | None = None
) -> list[Line]:
    labels = labels or _labels()
    return [Line(key, labels[key], evidence, int(values[f"{key}.weight"])) for key, evidence in hits]


def _labels() -> dict[str, str]:
    return {i.key: i.label for i in indicators()}


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
    found = hits_by_day(organisation, (on,), values, also)[on]
    return {pid: _lines(hits, values) for pid, hits in found.items()}


def _score(hits: list[tuple[str, str]], weights: dict[str, int], keys: set[str] | None) -> int:
    return sum(weights[key] for key, _ in hits if keys is None or key in keys)


def _weights(values: dict[str, Any]) -> dict[str, int]:
    return {i.key: int(values[f"{i.key}.weight"]) for i in indicators()}


def flagged_pupils(
    user: Any,
    schools: list[Any],
    on: datetime.date,
    keys: set[str] | None = None,
    standings: dict[int, Any] | None = None,
) -> set[int]:
    """Who the schools' lists flag on `on`, each scored over the indicators `user` may know of in their school
    (or over `keys`): what a count needs (the statistics dashboard), without any student's explanation.
    Schools with the same settings are evaluated together; a fixed number of queries."""
    flagged: set[int] = set()
    for values, group in _same_settings(schools):
        weights, flag_at = _weights(values), int(values["flag_at"])
        found = hits_by_day(group[0], (on,), values, group[1:], standings)[on]
        if keys is None and len(group) > 1:
            school_of = _school_of(list(found), group)
            shown_of = visible_keys_of(user, [s.pk for s in group])
            flagged |= {
                pid
                for pid, hits in found.items()
                if _score(hits, weights, shown_of[school_of[pid]]) >= flag_at
            }
            continue
        shown = keys if keys is not None else visible_keys(user, group[0].pk)
        flagged |= {pid for pid, hits in found.items() if _score(hits, weights, shown) >= flag_at}
    return flagged


def _school_of(pupil_ids: list[int], schools: list[Any]) -> dict[int, int]:
    from people.models import Pupil

    wanted = set(pupil_ids)
    rows = Pupil.objects.filter(organisation__in=schools).values_list("pk", "organisation_id")
    return {pk: org for pk, org in rows if pk in wanted}


def visible_keys(user: Any, organisation_id: int) -> set[str]:
    """The indicators this user may be told about in this organisation."""
    return {i.key for i in indicators() if i.visible_to is None or i.visible_to(user, organisation_id)}


def visible_keys_of(user: Any, organisation_ids: list[int]) -> dict[int, set[str]]:
    """`visible_keys` for several schools (a group of schools' list): an indicator that can tell for all of
    them at once (`visible_in`) is asked once, so the number of queries does not grow with the schools."""
    keys: dict[int, set[str]] = {i: set() for i in organisation_ids}
    for indicator in indicators():
        if indicator.visible_to is None:
            shown = set(organisation_ids)
        elif indicator.visible_in is not None:
            shown = indicator.visible_in(user, organisation_ids)
        else:
            shown = {i for i in organisation_ids if indicator.visible_to(user, i)}
        for i in shown:
            keys[i].add(indicator.key)
    return keys


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
    """Each of `pupil_ids`' latest review. Many pupils (a trust's list): every review of the schools, the others
    left in Python, rather than a statement with thousands of parameters (reviews are few beside the pupils)."""
    rows = Review.objects.filter(organisation_id__in=organisation_ids)
    if len(pupil_ids) <= 500:
        rows = rows.filter(pupil_id__in=pupil_ids)
    reviews: dict[int, Review] = {}
    for review in rows.order_by("pupil_id", "reviewed_on", "pk"):
        if review.pupil_id in pupil_ids:
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
    may see), highest score first, with this week's new entrants and reviews. Each school's hits come from its
    kept list when it is fresh (`early_warning.kept`); the stale schools with the same settings are evaluated
    together, for `on` and a week before (the new entrants) in the same queries, and kept. A fixed number of
    queries however many students and schools; no query per student. Only the flagged students' lines are
    built, for this viewer."""
    from early_warning import kept

    groups = _same_settings(schools)
    now, before = kept.lists(groups, on, on - datetime.timedelta(days=NEW_SINCE_DAYS))
    weights_of: dict[int, dict[str, int]] = {}
    values_of: dict[int, dict[str, Any]] = {}
    for values, group in groups:
        weights = _weights(values)
        for school in group:
            weights_of[school.pk], values_of[school.pk] = weights, values
    keys_of = visible_keys_of(user, [s.pk for s in schools])
    # Every student the viewer may see in the schools as a plain row (what the list shows of them): the flagged
    # ones are sorted and counted on these; a model instance is made only for a student whose entry is shown.
    rows = {
        row[0]: row for row in pupils.filter(organisation__in=schools).order_by().values_list(*ROW_FIELDS)
    }
    flagged = []
    for pid, hits in now.items():
        row = rows.get(pid)
        if row is not None:
            org = row[1]
            if _score(hits, weights_of[org], keys_of[org]) >= int(values_of[org]["flag_at"]):
                flagged.append(row)
    by_id = {s.pk: s for s in schools}
    reviews = latest_reviews([s.pk for s in schools], {row[0] for row in flagged})
    labels = _labels()
    # (pk, organisation_id, legal first, legal last, preferred first, preferred last, year): last name, first name
    flagged.sort(key=lambda r: (r[5] or r[3], r[4] or r[2], r[0]))
    entries = []
    for row in flagged:
        pid, org = row[0], row[1]
        keys, weights, hits = keys_of[org], weights_of[org], now[pid]
        was = sum(weights[key] for key in before.get(pid, []) if key in keys)
        entries.append(
            Entry(
                None,
                _score(hits, weights, keys),
                _score(hits, weights, None),
                was < int(values_of[org]["flag_at"]),
                reviews.get(pid),
                keys,
                hits,
                weights,
                labels,
                row,
                by_id[org],
            )
        )
    entries.sort(key=lambda e: -e.score)  # stable: by name within a score, as sorted above
    return entries


def pupil_entry(user: Any, pupil: Any, on: datetime.date) -> Entry:
    """One student's lines (every indicator that is on and that the user may know of) and their score, from their
    school's kept list (computed and kept if stale)."""
    from early_warning import kept

    organisation = pupil.organisation
    values = settings_values(organisation)
    now, _ = kept.lists([(values, [organisation])], on, on - datetime.timedelta(days=NEW_SINCE_DAYS))
    hits, weights = now.get(pupil.pk, []), _weights(values)
    keys = visible_keys(user, organisation.pk)
    review = latest_reviews([organisation.pk], {pupil.pk}).get(pupil.pk)
    return Entry(
        pupil,
        _score(hits, weights, keys),
        _score(hits, weights, None),
        review=review,
        keys=keys,
        hits=hits,
        weights=weights,
        labels=_labels(),
    )


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


def pupil_premium_ids(organisation_ids: list[int], pupils: Any) -> set[int]:
    """Which of `pupils` (ids or a subquery) are recorded as pupil premium (a breakdown of the statistics)."""
    return set(
        StudentFactor.objects.filter(
            organisation_id__in=organisation_ids, pupil_id__in=pupils, pupil_premium=True
        ).values_list("pupil_id", flat=True)
    )
