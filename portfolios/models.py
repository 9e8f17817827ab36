"""E-portfolios, mentor meetings and statements, submissions, review, moderation and certificates.

Tenancy: a portfolio and everything in it belongs to the participant's school (`organisation`) and carries the
`provider` so the provider's administrators, reviewers (and, through the sample, the university's moderators)
can reach it. Samples, signing keys and certificates belong to the provider.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.uploads import random_name
from organisations.models import Organisation


def new_code() -> str:
    """A verification code: 12 characters, no look-alikes, printed on the certificate."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def normalise_code(code: str) -> str:
    """A code as typed ("abcd-efgh jklm") as stored ("ABCDEFGHJKLM"): spaces and hyphens dropped, upper case."""
    return "".join(ch for ch in code if not ch.isspace() and ch not in "-‐‑‒–—").upper()


class Outcome(models.TextChoices):
    SATISFACTORY = "satisfactory", "Satisfactory"
    NOT_YET = "not_yet", "Not yet satisfactory"


class Portfolio(models.Model):
    """One participant's e-portfolio for one enrolment (a level of an edition)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        REVIEWED = "reviewed", "Reviewed"
        RESUBMISSION = "resubmission", "Open for resubmission"
        FINAL = "final", "Outcome final"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="portfolios")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="provided_portfolios")
    enrolment = models.OneToOneField(
        "qualifications.Enrolment", on_delete=models.PROTECT, related_name="portfolio"
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.IN_PROGRESS)
    extension_until = models.DateField(null=True, blank=True, help_text="Granted by an administrator.")
    extension_reason = models.CharField(max_length=300, blank=True)
    resubmit_by = models.DateField(
        null=True, blank=True, help_text="The one resubmission window after 'not yet'."
    )
    final_outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enrolment__participant__full_name"]
        indexes = [models.Index(fields=["provider", "status"])]

    def __str__(self) -> str:
        return f"Portfolio of {self.enrolment.participant} ({self.enrolment.level})"

    @property
    def participant(self):  # noqa: ANN201
        return self.enrolment.participant

    @property
    def mentor(self):  # noqa: ANN201
        return self.enrolment.mentor


class DifficultIssue(models.TextChoices):
    """Whether one record of an activity such as ISQAM 2.2 addressed a difficult issue."""

    YES = "yes", "Yes, it addressed a difficult issue"
    NO = "no", "No"
    ALTERNATIVE = "alternative", "It is the alternative for aspiring participants"


class Entry(models.Model):
    """What the participant wrote for one activity (one record of a minimum-count activity)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETE = "complete", "Complete"
        SKIPPED = "skipped", "Skipped (optional)"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="entries")
    activity = models.ForeignKey("qualifications.Activity", on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveSmallIntegerField(
        default=1, help_text="Which record, for a minimum-count activity."
    )
    alternative = models.CharField(
        max_length=300, blank=True, help_text="For a choice: the alternative chosen."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    body = models.TextField(blank=True, help_text="Sanitised HTML.")
    reflection = models.JSONField(default=dict, blank=True, help_text="Answers to the structured prompts.")
    record = models.JSONField(
        default=dict, blank=True, help_text="A structured record (lesson observation…)."
    )
    difficult_issue = models.CharField(
        max_length=12,
        choices=DifficultIssue.choices,
        blank=True,
        help_text="For an activity that needs a record addressing a difficult issue (ISQAM 2.2): whether this "
        "record did, or is the alternative for aspiring participants.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["activity__module__number", "activity__position", "sequence"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "portfolio", "activity", "sequence"], name="entry_unique_record"
            )
        ]

    def __str__(self) -> str:
        suffix = f" (record {self.sequence})" if self.sequence > 1 else ""
        return f"{self.activity.number}{suffix}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return random_name(f"portfolios/{instance.entry.portfolio_id}")


class Attachment(models.Model):
    """A file attached to an entry, stored under MEDIA_ROOT (outside the web root) with a random name."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Comment(models.Model):
    """A mentor's (or the participant's reply) comment on an entry."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.entry}"


class MentorMeeting(models.Model):
    """A mentor meeting, logged by either side and confirmed by both."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(5), MaxValueValidator(480)])
    topics = models.TextField(max_length=4000)
    agreed_actions = models.TextField(max_length=4000, blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mentor_confirmed_at = models.DateTimeField(null=True, blank=True)
    participant_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"Mentor meeting on {self.held_on:%d %B %Y}"

    @property
    def confirmed(self) -> bool:
        return bool(self.mentor_confirmed_at and self.participant_confirmed_at)


class SupportingStatement(models.Model):
    """The mentor's supporting statement, written after reviewing the portfolio; required to submit."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    portfolio = models.OneToOneField(Portfolio, on_delete=models.CASCADE, related_name="statement")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=8000)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Supporting statement for {self.portfolio}"


class Submission(models.Model):
    """A submitted portfolio: an immutable JSON snapshot of every entry as it stood."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveSmallIntegerField(help_text="1 for the first submission, 2 for the resubmission.")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    late = models.BooleanField(default=False, help_text="After the deadline, under an extension.")
    snapshot = models.JSONField()

    class Meta:
        ordering = ["portfolio", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "portfolio", "number"], name="submission_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"Submission {self.number} of {self.portfolio}"

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        if self.pk is not None:
            raise ValidationError("A submission is a frozen snapshot and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise ValidationError("A submission is a frozen snapshot and cannot be deleted.")


class Review(models.Model):
    """One reviewer's judgement of one submission: each module and the whole."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="review")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="portfolio_reviews"
    )
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField()
    outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="Strength of the portfolio, 1 (weakest) to 5 (strongest); used to sample for moderation.",
    )
    borderline = models.BooleanField(default=False)
    feedback = models.TextField(blank=True, max_length=8000)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-allocated_at"]

    def __str__(self) -> str:
        return f"Review of {self.submission}"


class ModuleJudgement(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="module_judgements")
    module = models.ForeignKey("qualifications.Module", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    feedback = models.TextField(max_length=4000)

    class Meta:
        ordering = ["module__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "review", "module"], name="judgement_unique_module"
            )
        ]

    def __str__(self) -> str:
        return f"{self.module}: {self.get_outcome_display()}"


class ModerationSample(models.Model):
    """A moderation sample of an edition's reviewed portfolios, with the seed and rule that drew it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="Provider."
    )
    edition = models.ForeignKey("qualifications.Edition", on_delete=models.PROTECT, related_name="+")
    seed = models.BigIntegerField()
    minimum = models.PositiveSmallIntegerField()
    population = models.JSONField(help_text="Ids of the reviews the sample was drawn from.")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField()
    finalised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"Moderation sample for {self.edition} (seed {self.seed})"


class SampleItem(models.Model):
    """One sampled review, the moderator's verdict and, on disagreement, the administrator's resolution."""

    class Verdict(models.TextChoices):
        AGREE = "agree", "Agree"
        DISAGREE = "disagree", "Disagree"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="Provider."
    )
    sample = models.ForeignKey(ModerationSample, on_delete=models.CASCADE, related_name="items")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="sample_items")
    reasons = models.JSONField(default=list, help_text="Why the rule chose it.")
    pseudonym = models.CharField(max_length=20, help_text="What moderators see instead of names.")
    verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderator_reasons = models.TextField(blank=True, max_length=4000)
    moderated_at = models.DateTimeField(null=True, blank=True)
    resolved_outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    resolution_note = models.TextField(blank=True, max_length=4000)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pseudonym"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "sample", "review"], name="sample_item_unique")
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def settled(self) -> bool:
        return self.verdict == self.Verdict.AGREE or bool(self.resolved_outcome)


class SigningKey(models.Model):
    """The provider's Ed25519 key pair for Open Badges 3.0; the private half encrypted (see credentials.py)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="signing_key")
    public_pem = models.TextField()
    private_pem_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Signing key of {self.organisation}"


class Certificate(models.Model):
    """A certificate of completion for one level, with its verification code and OB3 credential."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="certificates", help_text="Provider."
    )
    portfolio = models.OneToOneField(Portfolio, on_delete=models.PROTECT, related_name="certificate")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    holder_name = models.CharField(max_length=200)
    qualification = models.CharField(max_length=200)
    level_number = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=12, unique=True, default=new_code)
    status_index = models.PositiveIntegerField()
    credential_jwt = models.TextField()
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "status_index"], name="certificate_unique_status_bit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.qualification} Level {self.level_number}: {self.holder_name}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class EvaluationResponse(models.Model):
    """A participant's end-of-year evaluation of the programme."""

    SCALE = [(i, str(i)) for i in range(1, 6)]

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    portfolio = models.OneToOneField(Portfolio, on_delete=models.CASCADE, related_name="evaluation")
    training_rating = models.PositiveSmallIntegerField(choices=SCALE)
    mentor_rating = models.PositiveSmallIntegerField(choices=SCALE)
    portfolio_rating = models.PositiveSmallIntegerField(choices=SCALE)
    impact_rating = models.PositiveSmallIntegerField(choices=SCALE)
    most_useful = models.TextField(blank=True, max_length=2000)
    improve = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Evaluation for {self.portfolio}"
