from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q


class Organisation(models.Model):
    """A tenant: a school, college or group of schools; or the provider and its university partner."""

    class Kind(models.TextChoices):
        PROVIDER = "provider", "Qualification provider"
        UNIVERSITY = "university", "University partner"
        SCHOOL = "school", "School"
        COLLEGE = "college", "College"
        GROUP = "group", "Group of schools or colleges"

    class Phase(models.TextChoices):
        JUNIOR = "junior", "Junior / prep"
        SENIOR = "senior", "Senior"
        ALL_THROUGH = "all_through", "All-through"
        FURTHER = "further", "Further education"
        NONE = "", "Not applicable"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    phase = models.CharField(max_length=20, choices=Phase.choices, blank=True, default="")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text="The group this school or college belongs to.",
    )
    urn = models.CharField("URN / UKPRN", max_length=20, blank=True)
    address = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_school_like(self) -> bool:
        return self.kind in {self.Kind.SCHOOL, self.Kind.COLLEGE, self.Kind.GROUP}

    def associations_on(self, on: datetime.date) -> set[str]:
        """Association codes (HMC, GSA…) this organisation belongs to on a date."""
        return set(
            self.memberships.filter(
                Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on
            ).values_list("association", flat=True)
        )


class Site(models.Model):
    """A campus of a school or college."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=120)
    address = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="site_unique_name")]

    def __str__(self) -> str:
        return self.name


class Association(models.TextChoices):
    HMC = "HMC", "HMC (The Heads' Conference)"
    HMCJ = "HMCJ", "HMCJ (HMC junior schools)"
    GSA = "GSA", "Girls' Schools Association"
    IAPS = "IAPS", "IAPS"
    SOH = "SOH", "Society of Heads"
    AOC = "AOC", "Association of Colleges"


class AssociationMembership(models.Model):
    """Membership of an association over a period: fees for qualifications depend on it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    association = models.CharField(max_length=10, choices=Association.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["association", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.association} from {self.starts_on}"


class AcademicYear(models.Model):
    """A school year, 1 September to 31 August; shared reference data."""

    name = models.CharField(max_length=9, unique=True, help_text="For example 2025-26.")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def for_date(cls, on: datetime.date) -> AcademicYear | None:
        return cls.objects.filter(starts_on__lte=on, ends_on__gte=on).first()


class Term(models.Model):
    """One organisation's term dates for a year."""

    class Kind(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="terms")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="terms")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "academic_year", "kind"], name="term_unique_kind"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.academic_year}"


class Closure(models.Model):
    """A day or days inside term when the organisation (or one site) is closed: INSET, half term…"""

    class Kind(models.TextChoices):
        HALF_TERM = "half_term", "Half term"
        INSET = "inset", "INSET / training day"
        BANK_HOLIDAY = "bank_holiday", "Bank holiday"
        PLANNED = "planned", "Other planned closure"
        UNEXPECTED = "unexpected", "Unexpected closure"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="closures")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.CASCADE, related_name="closures")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="closure_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"
