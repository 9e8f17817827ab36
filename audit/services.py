"""Writing to the audit log. Models opt in with `track`; reads of sensitive records call `record_read`."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from audit import selectors
from audit.context import current_actor
from audit.models import AuditEvent, AuditSettings
from audit.signals import event_recorded

_TRACKED: dict[type[models.Model], frozenset[str]] = {}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _snapshot(instance: models.Model, exclude: frozenset[str]) -> dict[str, Any]:
    values = {}
    for f in instance._meta.concrete_fields:
        if f.name in exclude:
            continue
        values[f.attname] = _jsonable(getattr(instance, f.attname))
    return values


def _organisation_id(instance: Any) -> int | None:
    if type(instance).__name__ == "Organisation":
        return instance.pk
    return getattr(instance, "organisation_id", None)


def _event(
    *,
    action: str,
    actor: Any,
    organisation_id: int | None,
    obj: models.Model | None,
    object_type: str,
    object_id: str,
    changes: dict[str, Any] | None,
    note: str,
) -> dict[str, Any]:
    """The field values of one event (`actor` the user or None): whoever is acting when no actor is given, the
    object's label, id, text and organisation when there is an object."""
    context = current_actor()
    if actor is None and context is not None:
        actor = context.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        if organisation_id is None:
            organisation_id = _organisation_id(obj)
    return {
        "action": action,
        "actor": actor,
        "actor_label": (actor.email if actor is not None else "system"),
        "organisation_id": organisation_id,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": (str(obj)[:200] if obj is not None else ""),
        "changes": changes or {},
        "note": note,
        "ip_address": context.ip_address if context else None,
    }


def record_event(
    *,
    action: str,
    actor: Any = None,
    organisation_id: int | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Append one event. The actor defaults to whoever is acting (request user or `acting_as`)."""
    return AuditEvent.objects.create(
        **_event(
            action=action,
            actor=actor,
            organisation_id=organisation_id,
            obj=obj,
            object_type=object_type,
            object_id=object_id,
            changes=changes,
            note=note,
        )
    )


def record_event_row(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> None:
    """Append the event `record_event` would, as a plain INSERT: no model instance, nothing returned.

    For the busiest writes (every register save records one), where the ORM's building of the insert was the
    largest step of the save above its required writes."""
    values = _event(
        action=action,
        actor=actor,
        organisation_id=None,
        obj=obj,
        object_type="",
        object_id="",
        changes=changes,
        note=note,
    )
    actor = values.pop("actor")
    values["actor_id"] = actor.pk if actor is not None else None
    values["at"] = timezone.now()
    _insert_events(list(values), [_db_values(values)], prepared=True)
    event_recorded.send(
        sender=AuditEvent,
        organisation_id=values["organisation_id"],
        action=action,
        object_type=values["object_type"],
    )


_FIELDS: dict[str, models.Field] = {}  # AuditEvent's fields by attname, once
# The fields whose values the database takes only once prepared (JSON, datetimes, addresses); the others' values
# (text, ids) go as they are.
_PREPARED_KINDS = (models.JSONField, models.DateTimeField, models.GenericIPAddressField)


def _db_values(values: dict[str, Any]) -> tuple[Any, ...]:
    """Field values (by attname) as the database takes them: JSON adapted, datetimes and addresses prepared."""
    from django.db import connection

    if not _FIELDS:
        _FIELDS.update(
            (f.attname, f) for f in AuditEvent._meta.concrete_fields if isinstance(f, _PREPARED_KINDS)
        )
    return tuple(
        field.get_db_prep_save(value, connection) if (field := _FIELDS.get(name)) is not None else value
        for name, value in values.items()
    )


_INSERTS: dict[tuple[str, tuple[str, ...]], str] = {}  # the INSERT of each set of columns, made once a vendor


def _insert_events(columns: list[str], rows: list[tuple[Any, ...]], *, prepared: bool = False) -> None:
    """Insert rows of prepared values in `columns` (attnames) order: one statement, executed once a row;
    `prepared`: a statement run very often (every register save's event), prepared on the connection."""
    from django.db import connection

    from core.db import prepared_cursor

    key = (connection.vendor, tuple(columns))
    sql = _INSERTS.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        # Identifiers come from the model, every value is a bound parameter.
        names, marks = ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
        sql = _INSERTS[key] = f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    with prepared_cursor() if prepared else connection.cursor() as cursor:
        if len(rows) == 1:
            cursor.execute(sql, rows[0])
        else:
            cursor.executemany(sql, rows)


def record_read(*, actor: Any, obj: models.Model, note: str = "") -> AuditEvent:
    """Record that a user opened a sensitive record (safeguarding, SEN)."""
    return record_event(action=AuditEvent.Action.READ, actor=actor, obj=obj, note=note)


def record_reads(*, actor: Any, objs: Sequence[models.Model], note: str = "") -> int:
    """Record that a user saw many sensitive records at once (a list page): one READ event each, written in one
    executemany (a queue of hundreds of concerns costs one round trip, not one INSERT a row)."""
    from django.db import connection

    if not objs:
        return 0
    context = current_actor()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    meta = AuditEvent._meta
    shared = {
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": actor.email if actor is not None else "system",
        "action": AuditEvent.Action.READ.value,
        "changes": meta.get_field("changes").get_db_prep_save({}, connection),
        "note": note,
        "ip_address": context.ip_address if context else None,
        "at": meta.get_field("at").get_db_prep_save(timezone.now(), connection),
    }
    columns = ["organisation_id", "object_type", "object_id", "object_repr", *shared]
    rows = [
        (_organisation_id(obj), obj._meta.label, str(obj.pk), str(obj)[:200], *shared.values())
        for obj in objs
    ]
    _insert_events(columns, rows)
    return len(rows)


def record_denied(
    *, actor: Any, model: type[models.Model], lookup: dict[str, Any], reason: str, obj: Any = None
) -> None:
    """Record a refused access decision that is not an HTTP answer (a service refusing a token, say). Refusals
    answered with a 403 or 404 are recorded by `record_refusal`, from the middleware: do not call both."""
    record_event(
        action=AuditEvent.Action.DENIED,
        actor=actor,
        obj=obj,
        object_type=model._meta.label,
        object_id=str(lookup.get("pk", lookup.get("id", "")) or ""),
        organisation_id=_organisation_id(obj) if obj is not None else None,
        note=f"{reason}; lookup {sorted((k, str(v)) for k, v in lookup.items())}",
    )


def record_refusal(
    *,
    actor: Any,
    status: int,
    method: str,
    path: str,
    organisation_id: int | None = None,
    model: type[models.Model] | None = None,
    lookup: dict[str, Any] | None = None,
    reason: str = "",
    obj: Any = None,
) -> AuditEvent:
    """Record a 403 or 404 answered to a signed-in user: who, which URL with which method, and the object where
    known (`model` and `lookup` asked for, `obj` when it was found). The organisation is the object's, else the
    one the user was working in (`organisation_id`)."""
    lookup = lookup or {}
    object_type = model._meta.label if model is not None else (obj._meta.label if obj is not None else "")
    object_id = str(lookup.get("pk", lookup.get("id", "")) or "") or (str(obj.pk) if obj is not None else "")
    if obj is not None and _organisation_id(obj) is not None:
        organisation_id = _organisation_id(obj)
    parts = [f"{status} {method} {path}", reason or ("refused" if status == 403 else "not found")]
    if lookup:
        parts.append(f"lookup {sorted((k, str(v)) for k, v in lookup.items())}")
    return record_event(
        action=AuditEvent.Action.DENIED,
        actor=actor,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        organisation_id=organisation_id,
        note="; ".join(parts),
    )


def _pre_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None or instance._state.adding:
        instance._audit_before = None  # type: ignore[attr-defined]
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = _snapshot(old, _TRACKED[sender]) if old else None  # type: ignore[attr-defined]


def _post_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    exclude = _TRACKED[sender]
    after = _snapshot(instance, exclude)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        record_event(
            action=AuditEvent.Action.CREATE, obj=instance, changes={k: [None, v] for k, v in after.items()}
        )
        return
    diff = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if diff:
        record_event(action=AuditEvent.Action.UPDATE, obj=instance, changes=diff)


def _post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    before = _snapshot(instance, _TRACKED[sender])
    record_event(
        action=AuditEvent.Action.DELETE, obj=instance, changes={k: [v, None] for k, v in before.items()}
    )


def track(model: type[models.Model], exclude: tuple[str, ...] = ()) -> type[models.Model]:
    """Audit every create, update and delete of `model` made through the ORM's save and delete.

    Bulk writes bypass signals: services that bulk-write (imports) record their own summary event.
    """
    _TRACKED[model] = frozenset(exclude) | {"password", "updated_at"}
    uid = f"audit-{model._meta.label}"
    pre_save.connect(_pre_save, sender=model, dispatch_uid=uid + "-pre")
    post_save.connect(_post_save, sender=model, dispatch_uid=uid + "-post")
    post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + "-del")
    return model


# --- Settings and retention ---------------------------------------------------------------------


def settings_for(organisation: Any) -> AuditSettings:
    """The organisation's audit settings (unsaved defaults if it never chose)."""
    found = AuditSettings.objects.filter(organisation=organisation).first()
    return found or AuditSettings(organisation=organisation)


def settings_save(*, actor: Any, organisation: Any, events_years: int) -> AuditSettings:
    """Set how many years the organisation's audit events are kept (the change is itself audited)."""
    obj = settings_for(organisation)
    obj.events_years = events_years
    obj.full_clean()
    obj.save()
    return obj


@dataclass
class RetentionCounts:
    organisation: Any  # None: the events that belong to no organisation
    years: int
    events: int = 0
    held: int = 0


def retention_counts(
    *, organisation: Any, today: datetime.date | None = None, held: Q | None = None
) -> RetentionCounts:
    """What the retention job would delete for an organisation today (the dry run), and what a hold keeps.

    `held` is `selectors.about_held_pupils()` when the caller already has it (a run over many organisations)."""
    today = today or timezone.localdate()
    held = selectors.about_held_pupils() if held is None else held
    return RetentionCounts(
        organisation,
        selectors.retention_years(organisation),
        events=selectors.expired_events(organisation, today, held=held).count(),
        held=selectors.held_events(organisation, today, held=held).count(),
    )


def apply_retention(
    *, organisation: Any, today: datetime.date | None = None, actor: Any = None, held: Q | None = None
) -> RetentionCounts:
    """Delete the organisation's audit events older than its period (with `organisation=None`: the events with no
    organisation, older than the default), except those about a pupil under a retention hold, in one transaction,
    and record one audit event of the counts (new, so it stays)."""
    today = today or timezone.localdate()
    held = selectors.about_held_pupils() if held is None else held
    with transaction.atomic():
        counts = retention_counts(organisation=organisation, today=today, held=held)
        if counts.events:
            expired = selectors.expired_events(organisation, today, held=held)
            counts.events = _delete_past_append_only_guard(expired)
            kept = f"; {counts.held} kept for pupils under a retention hold" if counts.held else ""
            record_event(
                action=AuditEvent.Action.DELETE,
                actor=actor,
                organisation_id=organisation.pk if organisation is not None else None,
                object_type=AuditEvent._meta.label,
                note=f"retention: {counts.events} audit event(s) older than {counts.years} year(s) (before "
                f"{selectors.retention_cutoff(organisation, today):%Y-%m-%d}) deleted{kept}",
            )
    return counts


def destroyed_file_events_delete(events: QuerySet[AuditEvent]) -> int:
    """Delete the events about a child's safeguarding file that the DSL destroys after its retention review
    (`safeguarding.services.retention.file_destroy`, in its transaction): their changes hold the records' content,
    so they go with it, and the destruction's own event stays. The only caller besides `apply_retention`."""
    return _delete_past_append_only_guard(events)


def _delete_past_append_only_guard(events: QuerySet[AuditEvent]) -> int:
    """Delete `events` with one raw SQL delete, past `AuditEventQuerySet.delete`'s refusal. The retention job
    (`apply_retention`) and a safeguarding file's destruction (`destroyed_file_events_delete`) are the only
    callers: nothing else may remove audit events."""
    return events._raw_delete(events.db)
