"""The audit log's one signal: an event was recorded, however it was written (a model instance through the ORM,
or a plain row on a hot path: `services.record_event_row`). Apps that keep something derived from a school's
records (the early-warning list kept) listen here rather than to the table's `post_save`, which a plain row never
sends."""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

# Sent with organisation_id (int | None), action (str) and object_type ("app.Model" or "").
event_recorded = Signal()


def on_event_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """An event written through the ORM: tell the listeners."""
    if created and not kwargs.get("raw"):
        event_recorded.send(
            sender=sender,
            organisation_id=instance.organisation_id,
            action=instance.action,
            object_type=instance.object_type,
        )
