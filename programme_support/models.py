"""Course materials and support during the year: what every edition's fee includes besides the training days
("online and distance-learning materials, support for participants and mentors … during the year").

Tenancy: a resource (course material) and the record of a person's last visit to an edition's materials belong to
the provider (`organisation`); a question, its messages and their attachments belong to the participant's school
(`organisation`, as the place they are about) and carry the `provider` so its programme administrators can answer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.uploads import random_name
from organisations.models import Organisation


def resource_path(instance: Resource, filename: str) -> str:
    return random_name(f"materials/{instance.edition_id}")


def message_attachment_path(instance: MessageAttachment, filename: str) -> str:
    return random_name(f"questions/{instance.message.question_id}")


class Resource(models.Model):
    """A course material: a file or a link, for a whole edition, one of its modules or one training day."""

    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Link"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="The provider."
    )
    edition = models.ForeignKey("qualifications.Edition", on_delete=models.PROTECT, related_name="resources")
    module = models.ForeignKey(
        "qualifications.Module", null=True, blank=True, on_delete=models.CASCADE, related_name="resources"
    )
    training_day = models.ForeignKey(
        "qualifications.TrainingDay",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="resources",
    )
    kind = models.CharField(max_length=4, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=1000)
    url = models.URLField(blank=True, max_length=500, help_text="For a link: an http or https address.")
    file = models.FileField(upload_to=resource_path, blank=True, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-added_at", "-pk"]
        indexes = [models.Index(fields=["edition", "added_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(module__isnull=True) | Q(training_day__isnull=True),
                name="resource_one_scope",
            ),
            models.CheckConstraint(
                condition=(Q(kind="link") & ~Q(url="")) | (Q(kind="file") & ~Q(file="")),
                name="resource_file_or_link",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scope(self) -> str:
        """Where the material belongs, in words."""
        if self.training_day_id:
            day = self.training_day
            return f"{day.cluster.name}, {day.starts_at:%-d %B %Y}" if day else "A training day"
        if self.module_id:
            return f"Module {self.module.number}" if self.module else "A module"
        return "The whole programme"


class ResourceVisit(models.Model):
    """When a person last opened an edition's course materials: what is newer is "new since your last visit"."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="The provider."
    )
    edition = models.ForeignKey("qualifications.Edition", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_visited_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "edition", "user"], name="resource_visit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} last opened the materials of {self.edition} at {self.last_visited_at:%d %b %Y %H:%M}"


class Question(models.Model):
    """A participant's or mentor's question to the provider about a place on a programme: a private thread between
    the asker (and, when the participant asks, their mentor) and the provider's programme administrators."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="The participant's school."
    )
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(
        "qualifications.Enrolment", on_delete=models.PROTECT, related_name="questions"
    )
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    first_answered_at = models.DateTimeField(
        null=True, blank=True, help_text="When the provider first answered (for the answered-in figures)."
    )
    awaiting_answer_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the asker's side writes, cleared when the provider answers: the unanswered list.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["provider", "closed_at", "awaiting_answer_since"])]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Message(models.Model):
    """One message of a question's thread (the first is the question itself)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="The participant's school."
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_provider = models.BooleanField(
        default=False, help_text="Written by one of the provider's programme administrators."
    )
    body = models.TextField(max_length=8000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Message by {self.author} on {self.question}"


class MessageAttachment(models.Model):
    """A file sent with a message: stored outside the web root with a random name, served only after the check."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="The participant's school."
    )
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=message_attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
