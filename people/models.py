from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from organisations.models import AcademicYear, Organisation, Site
from organisations.vocabulary import COLLEGE_WORDS, vocabulary_for, year_label


class StaffMember(models.Model):
    """A member of staff of one organisation; signs in as their user."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_records")
    mis_id = models.CharField("MIS id", max_length=50, blank=True)
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    job_title = models.CharField(max_length=150, blank=True)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="staff_unique_user"),
            models.UniqueConstraint(
                fields=["organisation", "mis_id"], condition=~Q(mis_id=""), name="staff_unique_mis_id"
            ),
        ]

    def __str__(self) -> str:
        return " ".join(p for p in [self.title, self.first_name, self.last_name] if p)


def _in_college(pupil: Pupil) -> bool:
    """Whether the pupil's organisation, when already loaded, is a college (no query for the label)."""
    organisation = pupil._state.fields_cache.get("organisation")
    return organisation is not None and vocabulary_for(organisation) is COLLEGE_WORDS


class Pupil(models.Model):
    """A pupil or student on roll (or once on roll) at an organisation."""

    class SenStatus(models.TextChoices):
        NONE = "N", "No special educational need"
        SUPPORT = "K", "SEN support"
        EHCP = "E", "Education, health and care plan"

    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        UNKNOWN = "", "Not recorded"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="pupils")
    mis_id = models.CharField("MIS id", max_length=50, blank=True)
    upn = models.CharField("UPN", max_length=13, blank=True)
    uln = models.CharField("ULN", max_length=10, blank=True)
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_first_name = models.CharField(max_length=100, blank=True)
    preferred_last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True, default="")
    year_group = models.SmallIntegerField(
        help_text="National curriculum year: 0 is Reception, 12 and 13 the sixth form; 14 and above adult."
    )
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="pupils")
    sen_status = models.CharField(
        "SEN status", max_length=1, choices=SenStatus.choices, default=SenStatus.NONE
    )
    admitted_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    retention_hold = models.CharField(
        "retention hold",
        max_length=200,
        blank=True,
        help_text="A legal hold (a claim, an inquiry, a police request): say why. While this is filled in, the "
        "retention jobs delete none of the pupil's records (attendance, behaviour, support plans) nor the audit "
        "events about them.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "upn"], condition=~Q(upn=""), name="pupil_unique_upn"
            ),
            models.UniqueConstraint(
                fields=["organisation", "mis_id"], condition=~Q(mis_id=""), name="pupil_unique_mis_id"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "year_group"]),
            models.Index(fields=["organisation", "legal_last_name"]),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def first_name(self) -> str:
        return self.preferred_first_name or self.legal_first_name

    @property
    def last_name(self) -> str:
        return self.preferred_last_name or self.legal_last_name

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def year_label(self) -> str:
        return year_label(self.year_group, college=_in_college(self))

    @property
    def is_on_roll(self) -> bool:
        return self.left_on is None or self.left_on >= timezone.localdate()


class Contact(models.Model):
    """A parent, carer or other contact of one or more pupils."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    mis_id = models.CharField("MIS id", max_length=50, blank=True)
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    mobile = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "mis_id"], condition=~Q(mis_id=""), name="contact_unique_mis_id"
            ),
        ]

    def __str__(self) -> str:
        return " ".join(p for p in [self.title, self.first_name, self.last_name] if p)


class PupilContact(models.Model):
    """How a contact relates to a pupil, and in what order to call them."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        PARENT = "parent", "Parent"
        STEP_PARENT = "step_parent", "Step-parent"
        GRANDPARENT = "grandparent", "Grandparent"
        CARER = "carer", "Carer"
        FOSTER_CARER = "foster_carer", "Foster carer"
        SOCIAL_WORKER = "social_worker", "Social worker"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="contact_links")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="pupil_links")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    has_parental_responsibility = models.BooleanField(default=True)
    priority = models.PositiveSmallIntegerField(default=1, help_text="1 is called first.")
    lives_with_pupil = models.BooleanField(default=True)
    no_contact = models.BooleanField(
        "no contact",
        default=False,
        help_text="A court order or safeguarding decision: the school must not contact this person about the "
        "pupil. Pastoral never e-mails them or sends them a link.",
    )

    class Meta:
        ordering = ["priority"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "pupil", "contact"], name="pupil_contact_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contact} ({self.get_relationship_display()} of {self.pupil})"


class Group(models.Model):
    """A tutor/form group, year group, house, course or teaching group."""

    class Kind(models.TextChoices):
        TUTOR = "tutor", "Tutor / form group"
        YEAR = "year", "Year group"
        HOUSE = "house", "House"
        COURSE = "course", "Course"
        TEACHING = "teaching", "Teaching group"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="groups")
    academic_year = models.ForeignKey(AcademicYear, null=True, blank=True, on_delete=models.PROTECT)
    mis_id = models.CharField("MIS id", max_length=50, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=100)
    year_group = models.SmallIntegerField(null=True, blank=True)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="groups")

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "mis_id"], condition=~Q(mis_id=""), name="group_unique_mis_id"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CurrentMembershipQuerySet(models.QuerySet["GroupMembership"]):
    def current(self, on: datetime.date | None = None) -> CurrentMembershipQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)


class GroupMembership(models.Model):
    """A pupil's membership of a group over a period."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="memberships")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    objects = CurrentMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]
        indexes = [models.Index(fields=["group", "pupil"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start_people",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil} in {self.group}"
