"""iCalendar (RFC 5545) feeds of training days: one per cluster and one per participant, written by the kernel's
`core.ical` (the `icalendar` library escapes and folds; nothing here writes iCalendar text by hand)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from core.ical import CalendarEvent, calendar_bytes
from qualifications.models import TrainingDay


def _event(day: TrainingDay, notes: list[str]) -> CalendarEvent:
    cluster = day.cluster
    modules = ", ".join(f"Module {m.number}: {m.title}" for m in day.modules.all())
    description = modules or "Training session"
    link = day.online_link or cluster.online_link
    if link:
        description += f"\nJoin online: {link}"
    for line in notes:
        description += f"\n{line}"
    return CalendarEvent(
        uid=f"{day.uid}@pastoral",
        starts_at=day.starts_at.astimezone(datetime.UTC),
        ends_at=day.ends_at.astimezone(datetime.UTC),
        summary=f"{cluster.edition.programme.code} Level {cluster.level.number} – {cluster.name}",
        location=day.venue or cluster.venue or day.online_link or cluster.online_link,
        description=description,
    )


def calendar(name: str, days: Iterable[TrainingDay], notes: dict[int, list[str]] | None = None) -> str:
    """The feed; `notes` adds lines to a day's description (by training-day id: its course materials…)."""
    events = [_event(day, (notes or {}).get(day.pk, [])) for day in days]
    return calendar_bytes(events, name=name).decode()
