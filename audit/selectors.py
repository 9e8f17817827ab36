from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps
from django.db.models import BooleanField, Case, CharField, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from access.permissions import organisations_with_role
from access.roles import SAFEGUARDING_ROLES
from audit.models import DEFAULT_RETENTION_YEARS, AuditEvent, AuditSettings
from audit.permissions import audit_organisation_ids
from core.retention import years_before
from people.models import Pupil


def audit_events(
    *,
    user: Any,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit events the user may read, filtered; each says whether its content is `withheld`
    (`safeguarding_withheld`)."""
    qs = (
        AuditEvent.objects.filter(organisation_id__in=audit_organisation_ids(user))
        .select_related("organisation")
        .annotate(withheld=safeguarding_withheld(user))
    )
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs


def safeguarding_withheld(user: Any) -> Case:
    """True for an event about a safeguarding record (`safeguarding_events`) of a school where the user is not on
    the DSL team: an administrator or senior leader reading the log sees that it happened, who did it and when,
    never the record's text, its changes or the child it names (Keeping Children Safe in Education: the file is
    the DSL team's)."""
    on_team = organisations_with_role(user, SAFEGUARDING_ROLES)
    return Case(
        When(safeguarding_events() & ~Q(organisation_id__in=on_team), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


# --- Retention ---------------------------------------------------------------------------------


def retention_years(organisation: Any) -> int:
    """How many years the organisation keeps its audit events (its setting, else the default); events with no
    organisation (`organisation=None`) are kept the default."""
    if organisation is None:
        return DEFAULT_RETENTION_YEARS
    years = (
        AuditSettings.objects.filter(organisation=organisation).values_list("events_years", flat=True).first()
    )
    return years or DEFAULT_RETENTION_YEARS


def retention_cutoff(organisation: Any, today: datetime.date) -> datetime.datetime:
    """Events before this moment (local midnight, the organisation's period before today) are past retention."""
    day = years_before(today, retention_years(organisation))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def about_held_pupils() -> Q:
    """Events about a pupil under a retention hold (`Pupil.retention_hold`): the pupil's own record, and any record
    with a foreign key to the pupil (a mark, a contact log, a plan, an incident link…), found by its id while it
    exists and, once it is gone, by the pupil id in the changes of any event about it (its creation, its deletion).
    Records further down (a plan's targets, an incident itself) name no pupil and are not matched."""
    held = list(Pupil.objects.exclude(retention_hold="").values_list("pk", flat=True))
    if not held:
        return Q(pk__in=[])
    about = Q(object_type=Pupil._meta.label, object_id__in=[str(pk) for pk in held])
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not (field.is_relation and field.related_model is Pupil):
                continue
            rows = (
                model._base_manager.filter(**{f"{field.name}__in": held})
                .annotate(object_id_text=Cast("pk", CharField()))
                .values("object_id_text")
            )
            # Once the record is gone, its creation's or deletion's event still names the pupil: every event
            # about that record id stays (its updates and reads name no pupil).
            named = AuditEvent.objects.filter(
                Q(**{f"changes__{field.attname}__0__in": held})
                | Q(**{f"changes__{field.attname}__1__in": held}),
                object_type=model._meta.label,
            ).values("object_id")
            about |= Q(object_type=model._meta.label) & (Q(object_id__in=rows) | Q(object_id__in=named))
    return about


def safeguarding_events() -> Q:
    """Events about safeguarding records: every read and write of them (`safeguarding.*` records, and the reads
    of a child's file recorded against the pupil, whose notes all begin "safeguarding"). They are kept with the
    file, to the child's date of birth + 25 years and its review, and go only with the file when the DSL destroys
    it (`safeguarding.services.retention.file_destroy`); this job never deletes them, whatever the period."""
    return Q(object_type__startswith="safeguarding") | Q(note__startswith="safeguarding")


def expired_events(organisation: Any, today: datetime.date, *, held: Q | None = None) -> QuerySet[AuditEvent]:
    """The organisation's events past its period (with `organisation=None`: the events with no organisation past
    the default), those about a pupil under a retention hold (`held`, else `about_held_pupils()`) and those about
    safeguarding records (`safeguarding_events`) left out."""
    return (
        AuditEvent.objects.filter(organisation=organisation, at__lt=retention_cutoff(organisation, today))
        .exclude(about_held_pupils() if held is None else held)
        .exclude(safeguarding_events())
    )


def held_events(organisation: Any, today: datetime.date, *, held: Q | None = None) -> QuerySet[AuditEvent]:
    """The organisation's events past its period that stay because they are about a pupil under a hold."""
    return AuditEvent.objects.filter(
        about_held_pupils() if held is None else held,
        organisation=organisation,
        at__lt=retention_cutoff(organisation, today),
    )
