"""What the audit log adds to the navigation, and its retention job."""

from __future__ import annotations

from typing import Any

from access.roles import AUDIT_ROLES
from audit import selectors, services
from core.registry import register_nav
from core.retention import EVERY_ORGANISATION, register_retention

register_nav("Audit log", "audit:event_list", roles=AUDIT_ROLES, order=90)


def _retention_line(organisation: Any, counts: Any, verb: str) -> str | None:
    if not (counts.events or counts.held):
        return None
    name = organisation.name if organisation is not None else "No organisation"
    return (
        f"{name}: {counts.events} audit event(s) older than {counts.years} year(s) {verb}; "
        f"{counts.held} kept for pupils under a retention hold"
    )


def _retention_total(done: list[Any], verb: str) -> str:
    return (
        f"Total: {sum(c.events for c in done)} audit event(s) {verb}; {sum(c.held for c in done)} kept for pupils "
        "under a retention hold."
    )


# Events older than the organisation's period (six years unless it set another), for every kind of organisation,
# and events with no organisation older than six years; events about a pupil under a retention hold stay. It runs
# after the other jobs (their summaries are new events, so they stay); the holds are read once a run.
register_retention(
    "audit",
    services.retention_counts,
    services.apply_retention,
    line=_retention_line,
    total=_retention_total,
    after=("attendance", "pastoral"),
    holders=EVERY_ORGANISATION,
    prepare=lambda: {"held": selectors.about_held_pupils()},
)
