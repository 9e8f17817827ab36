from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

# How long audit events are kept when a school has not chosen: six years, as attendance amendments are. Events with
# no organisation (sign-in failures for unknown addresses, refusals before a school is known) are kept this long too.
DEFAULT_RETENTION_YEARS = 6


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    # Only the retention job deletes events (`audit.services.apply_retention`), by a raw delete past this guard.
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:  # type: ignore[override]
        raise TypeError("The audit log is append-only.")


class AuditEvent(models.Model):
    """One entry of the append-only audit log: who did what to which record, and when."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        READ = "read", "Read (sensitive)"
        DENIED = "denied", "Access refused"
        IMPORT = "import", "Imported"
        EXPORT = "export", "Exported"
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Sign-in failed"
        LOGOUT = "logout", "Signed out"

    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(
        max_length=254, blank=True, help_text="Who, as text, kept if the user goes."
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type} {self.object_id}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")


# Actions recorded with no organisation, by design: signing in, a failed sign-in and signing out belong to the
# person, not to one of the organisations they work for (docs/scale-out.md). An organisation's log can never hold
# them, so its filter does not offer them (docs/security.md, "Sign-ins and the audit log").
NO_ORGANISATION_ACTIONS = frozenset(
    {AuditEvent.Action.LOGIN, AuditEvent.Action.LOGIN_FAILED, AuditEvent.Action.LOGOUT}
)


class AuditSettings(models.Model):
    """An organisation's choice of how long its audit events are kept (six years unless it sets another)."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="audit_settings"
    )
    events_years = models.PositiveSmallIntegerField(
        "Keep audit events for (years)",
        default=DEFAULT_RETENTION_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text=f"1 to 25 years; {DEFAULT_RETENTION_YEARS} unless you choose otherwise. The monthly retention "
        "job deletes older events, except those about a pupil under a retention hold.",
    )

    class Meta:
        verbose_name_plural = "audit settings"

    def __str__(self) -> str:
        return f"Audit settings for {self.organisation}"
