from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from access.roles import Role
from organisations.models import Organisation, Site
from organisations.vocabulary import year_label


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def current(self, on: datetime.date | None = None) -> RoleAssignmentQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)


class RoleAssignment(models.Model):
    """A role a person holds in an organisation, optionally narrowed to a site, year group or group.

    A tutor's form group, a head of year's year and each group of a PAL's caseload are all role
    assignments: one mechanism answers who may see which pupils.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="role_assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    year_group = models.SmallIntegerField(null=True, blank=True)
    group = models.ForeignKey(
        "people.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="staff_roles"
    )
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "role"]
        indexes = [models.Index(fields=["user", "organisation"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="role_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        scope = self.scope_label
        return f"{self.get_role_display()} at {self.organisation}" + (f" ({scope})" if scope else "")

    @property
    def scope_label(self) -> str:
        if self.group_id:
            return str(self.group)
        if self.year_group is not None:
            return year_label(self.year_group)
        if self.site_id:
            return str(self.site)
        return ""
