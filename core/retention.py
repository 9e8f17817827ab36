"""Retention: the registry of every app's retention job, the run behind `manage.py retention`, the date rule for
"N years before", and the options every job that writes only with --apply shares.

Each app keeps its own records' rules in its services (attendance in `attendance.services`, behaviour and PSPs in
`support_plans.services`, the audit log in `audit.services`, sign-in attempts in `accounts.services`) and
registers its job from its `registrations.py` with `register_retention`; this keeps the jobs alike: a dry run by
default, `--apply`, one organisation at a time, in the order their `after=` asks.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import QuerySet
from django.utils import timezone


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class RetentionCommand(BaseCommand):
    """A retention job's options: nothing is deleted without --apply; --organisation narrows; --date for tests."""

    # Schools, colleges and groups hold pupils' records; a job whose records every organisation has (the audit
    # log) runs for every kind.
    every_kind = False
    # The same options serve the other nightly jobs that write only with --apply (support plans' score check).
    apply_help = "Delete (without it nothing is deleted)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--apply", action="store_true", help=self.apply_help)
        parser.add_argument("--organisation", help="Only this organisation (its slug).")
        parser.add_argument("--date", help="Treat this date (YYYY-MM-DD) as today.")

    def today(self, options: dict[str, Any]) -> datetime.date:
        try:
            return datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD.") from exc

    def schools(self, options: dict[str, Any]) -> QuerySet:
        """The schools, colleges and groups (every organisation, with `every_kind`) to run for, by name (one, with
        --organisation)."""
        from organisations.models import Organisation

        schools = Organisation.objects.order_by("name")
        if not self.every_kind:
            schools = schools.filter(
                kind__in=[Organisation.Kind.SCHOOL, Organisation.Kind.COLLEGE, Organisation.Kind.GROUP]
            )
        if options["organisation"]:
            schools = schools.filter(slug=options["organisation"])
            if not schools.exists():
                kind = "organisation" if self.every_kind else "school or college"
                raise CommandError(f"No {kind} with slug {options['organisation']!r}.")
        return schools

    def verb(self, options: dict[str, Any]) -> str:
        return "deleted" if options["apply"] else "to delete (dry run: add --apply)"


# --- The registry: each app registers its part; `manage.py retention` runs them all ---------------------------

# Whose records a job holds: pupils' (schools, colleges and groups), every organisation's (and the records with no
# organisation), or people's (no organisation at all: run once, and not when one organisation is asked for).
SCHOOLS, EVERY_ORGANISATION, PEOPLE = "schools", "every_organisation", "people"


@dataclass(frozen=True)
class RetentionJob:
    """One app's part of the nightly retention run.

    `counts(organisation=…, today=…, **prepared)` says what would go (the dry run) and `apply(…)` deletes it (one
    transaction and one audit event per organisation, in the app's own service); both return the app's counts.
    `line(organisation, counts, verb)` is that organisation's line of the report (None: nothing to say) and
    `total(all_counts, verb)` the job's last line; `verb` is "deleted" or "to delete (dry run: add --apply)".
    `prepare()` runs once a run and its dict is passed to every call (what every organisation shares).
    `after` names the jobs that must run first (a job whose rows another job's rows point at runs after it).
    """

    key: str
    counts: Callable[..., Any]
    apply: Callable[..., Any]
    line: Callable[[Any, Any, str], str | None]
    total: Callable[[list[Any], str], str]
    after: tuple[str, ...] = ()
    holders: str = SCHOOLS
    prepare: Callable[[], dict[str, Any]] = dict


RETENTION_JOBS: dict[str, RetentionJob] = {}


def register_retention(
    key: str,
    counts: Callable[..., Any],
    apply: Callable[..., Any],
    *,
    line: Callable[[Any, Any, str], str | None],
    total: Callable[[list[Any], str], str],
    after: Iterable[str] = (),
    holders: str = SCHOOLS,
    prepare: Callable[[], dict[str, Any]] = dict,
) -> None:
    """Add an app's retention job (from its `registrations.py`); registering a key again replaces it."""
    if holders not in (SCHOOLS, EVERY_ORGANISATION, PEOPLE):
        raise ValueError(f"Unknown holders {holders!r} for retention job {key!r}.")
    RETENTION_JOBS[key] = RetentionJob(key, counts, apply, line, total, tuple(after), holders, prepare)


def retention_jobs(keys: Iterable[str] | None = None) -> list[RetentionJob]:
    """The registered jobs (or those named), each after the jobs it names in `after`, otherwise by key."""
    wanted = set(RETENTION_JOBS) if keys is None else set(keys)
    unknown = wanted - set(RETENTION_JOBS)
    if unknown:
        raise KeyError(
            f"No retention job {', '.join(sorted(unknown))}; there are {', '.join(sorted(RETENTION_JOBS))}."
        )
    ordered: list[RetentionJob] = []
    placing: set[str] = set()

    def place(key: str) -> None:
        if any(job.key == key for job in ordered):
            return
        if key in placing:
            raise ValueError(f"Retention jobs wait for each other in a circle through {key!r}.")
        placing.add(key)
        for before in sorted(RETENTION_JOBS[key].after):
            if before in RETENTION_JOBS:
                place(before)
        ordered.append(RETENTION_JOBS[key])

    for key in sorted(RETENTION_JOBS):
        place(key)
    return [job for job in ordered if job.key in wanted]


def _holders(job: RetentionJob, organisation: Any) -> list[Any]:
    """The organisations to run `job` for (None: the records that belong to no organisation)."""
    from organisations.models import Organisation

    if job.holders == PEOPLE:
        return [] if organisation is not None else [None]
    found = Organisation.objects.order_by("name")
    if job.holders == SCHOOLS:
        found = found.filter(
            kind__in=[Organisation.Kind.SCHOOL, Organisation.Kind.COLLEGE, Organisation.Kind.GROUP]
        )
    if organisation is not None:
        return list(found.filter(pk=organisation.pk))
    return [*found, None] if job.holders == EVERY_ORGANISATION else list(found)


def retention_run(
    *,
    today: datetime.date,
    apply: bool,
    organisation: Any = None,
    keys: Iterable[str] | None = None,
    write: Callable[[str], None] = print,
) -> dict[str, list[Any]]:
    """Run the registered jobs in order (dry run unless `apply`) for every organisation they hold records of, or
    for `organisation` only, writing each job's lines and total; returns each job's counts by key."""
    verb = "deleted" if apply else "to delete (dry run: add --apply)"
    done: dict[str, list[Any]] = {}
    for job in retention_jobs(keys):
        holders = _holders(job, organisation)
        if not holders:
            continue
        prepared = job.prepare()
        run = job.apply if apply else job.counts
        done[job.key] = []
        for holder in holders:
            counts = run(organisation=holder, today=today, **prepared)
            done[job.key].append(counts)
            said = job.line(holder, counts, verb)
            if said:
                write(said)
        write(job.total(done[job.key], verb))
    return done
