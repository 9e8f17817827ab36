"""Every write to portfolios: entries, attachments, meetings, statements, submission, review, moderation,
certificates. Keyword-only, validated, one transaction for anything spanning rows."""

from __future__ import annotations

import datetime
import hashlib
import random
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from access.models import RoleAssignment
from audit.services import record_event
from pastoral import uploads
from people.models import StaffMember
from portfolios import credentials, sampling, selectors
from portfolios.models import (
    Attachment,
    Certificate,
    Comment,
    DifficultIssue,
    Entry,
    EvaluationResponse,
    MentorMeeting,
    ModerationSample,
    ModuleJudgement,
    Outcome,
    Portfolio,
    Review,
    SampleItem,
    SigningKey,
    Submission,
    SupportingStatement,
)
from qualifications import services as qualification_services
from qualifications.models import Activity, Enrolment

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "blockquote", "h3", "h4", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
RESUBMISSION_WEEKS = 6


def sanitise(html: str) -> str:
    """Rich text as participants may write it: a small set of tags, safe links, nothing else.

    Plain text (nothing that looks like a tag) becomes paragraphs, one per blank-line-separated block.
    """
    text = html or ""
    if not re.search(r"<[a-zA-Z/!]", text) and text.strip():
        blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
        text = "".join("<p>" + escape(b).replace("\n", "<br>") + "</p>" for b in blocks)
    return nh3.clean(text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel="noopener noreferrer")


def _notify(recipients: list[str], subject: str, body: str) -> None:
    """E-mail after the surrounding transaction commits (never for a rolled-back change)."""
    from portfolios.tasks import send_notice

    transaction.on_commit(lambda: send_notice.enqueue(recipients, subject, body))


# --- Portfolios and entries ---------------------------------------------------------------------


def portfolio_for_enrolment(*, enrolment: Enrolment) -> Portfolio:
    """The enrolment's portfolio, made on first use (one per enrolment)."""
    portfolio, _ = Portfolio.objects.get_or_create(
        enrolment=enrolment,
        defaults={"organisation_id": enrolment.organisation_id, "provider_id": enrolment.provider_id},
    )
    return portfolio


def _check_activity(portfolio: Portfolio, activity: Activity) -> None:
    if activity.module.level_id != portfolio.enrolment.level_id:
        raise ValidationError("That activity is not part of this portfolio's level.")


def save_entry(
    *,
    actor: Any,
    portfolio: Portfolio,
    activity: Activity,
    sequence: int = 1,
    body: str = "",
    reflection: dict[str, str] | None = None,
    record: dict[str, str] | None = None,
    alternative: str = "",
    difficult_issue: str = "",
    complete: bool = False,
) -> Entry:
    """Save a draft (or mark complete) of one activity's entry; the rich text is sanitised. A record of an activity
    that needs one addressing a difficult issue (ISQAM 2.2) says whether it did before it can be complete."""
    _check_activity(portfolio, activity)
    difficult_issue = _check_difficult_issue(portfolio, activity, difficult_issue, complete)
    limit = (activity.minimum_count or 1) + 40 if activity.kind == Activity.Kind.MINIMUM else 1
    if sequence < 1 or sequence > limit:
        raise ValidationError("That record number is out of range.")
    if activity.kind == Activity.Kind.CHOICE and complete and not alternative:
        raise ValidationError({"alternative": "Choose which alternative you completed."})
    if activity.alternatives and alternative and alternative not in activity.alternatives:
        raise ValidationError({"alternative": "Choose one of the alternatives listed."})
    clean = sanitise(body)
    if (
        complete
        and not nh3.clean(clean, tags=set()).strip()
        and not any((reflection or {}).values())
        and not any((record or {}).values())
    ):
        raise ValidationError("Write something before marking the entry complete.")
    with transaction.atomic():
        entry, _ = Entry.objects.select_for_update().get_or_create(
            portfolio=portfolio,
            activity=activity,
            sequence=sequence,
            defaults={"organisation_id": portfolio.organisation_id},
        )
        entry.body = clean
        entry.reflection = {k: str(v)[:4000] for k, v in (reflection or {}).items()}
        entry.record = {k: str(v)[:4000] for k, v in (record or {}).items()}
        entry.alternative = alternative
        entry.difficult_issue = difficult_issue
        entry.status = Entry.Status.COMPLETE if complete else Entry.Status.DRAFT
        entry.full_clean()
        entry.save()
    return entry


def _check_difficult_issue(portfolio: Portfolio, activity: Activity, answer: str, complete: bool) -> str:
    """The record's answer to "did it address a difficult issue?", checked: required to complete a record of an
    activity with the rule, the alternative only for an aspiring participant whose activity offers one."""
    if not activity.requires_difficult_issue:
        return ""
    if answer and answer not in DifficultIssue.values:
        raise ValidationError({"difficult_issue": "Choose one of the answers listed."})
    if complete and not answer:
        raise ValidationError(
            {
                "difficult_issue": f"Say whether this record of activity {activity.number} addressed a difficult "
                "issue before marking it complete."
            }
        )
    if answer == DifficultIssue.ALTERNATIVE and not selectors.offers_aspiring_alternative(
        activity, portfolio.enrolment
    ):
        raise ValidationError(
            {
                "difficult_issue": f"The alternative to addressing a difficult issue in activity {activity.number} "
                "is only for aspiring participants (not yet in post)."
            }
        )
    return answer


def skip_activity(*, actor: Any, portfolio: Portfolio, activity: Activity) -> Entry:
    """Record that an optional activity is skipped."""
    _check_activity(portfolio, activity)
    if activity.kind != Activity.Kind.OPTIONAL:
        raise ValidationError("Only optional activities may be skipped.")
    entry, _ = Entry.objects.get_or_create(
        portfolio=portfolio,
        activity=activity,
        sequence=1,
        defaults={"organisation_id": portfolio.organisation_id},
    )
    entry.status = Entry.Status.SKIPPED
    entry.save()
    return entry


def add_attachment(*, actor: Any, entry: Entry, upload: UploadedFile) -> Attachment:
    """Attach a file: allowed types only (checked by extension and content), at most 10 MB
    (`PORTFOLIOS_MAX_ATTACHMENT_BYTES`); see pastoral.uploads."""
    checked = uploads.check_upload(
        upload, max_bytes=uploads.max_upload_bytes("PORTFOLIOS_MAX_ATTACHMENT_BYTES"), action="attached"
    )
    attachment = Attachment(
        organisation_id=entry.organisation_id,
        entry=entry,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    attachment.file.save(checked.name, upload, save=False)
    attachment.save()
    return attachment


def delete_attachment(*, actor: Any, attachment: Attachment) -> None:
    attachment.file.delete(save=False)
    attachment.delete()


def add_comment(*, actor: Any, entry: Entry, body: str) -> Comment:
    comment = Comment(organisation_id=entry.organisation_id, entry=entry, author=actor, body=body.strip())
    comment.full_clean()
    comment.save()
    return comment


# --- Mentor meetings and the supporting statement ----------------------------------------------


def log_meeting(
    *,
    actor: Any,
    portfolio: Portfolio,
    held_on: datetime.date,
    minutes: int,
    topics: str,
    agreed_actions: str = "",
    today: datetime.date | None = None,
) -> MentorMeeting:
    """Log a meeting; it counts as confirmed by whoever logged it, and awaits the other's confirmation."""
    today = today or timezone.localdate()
    if held_on > today:
        raise ValidationError({"held_on": "A meeting can only be logged once it has happened."})
    now = timezone.now()
    meeting = MentorMeeting(
        organisation_id=portfolio.organisation_id,
        portfolio=portfolio,
        held_on=held_on,
        minutes=minutes,
        topics=topics.strip(),
        agreed_actions=agreed_actions.strip(),
        logged_by=actor,
        mentor_confirmed_at=now if actor.pk == portfolio.enrolment.mentor_id else None,
        participant_confirmed_at=now if actor.pk == portfolio.enrolment.participant_id else None,
    )
    meeting.full_clean()
    meeting.save()
    return meeting


def confirm_meeting(*, actor: Any, meeting: MentorMeeting) -> MentorMeeting:
    enrolment = meeting.portfolio.enrolment
    now = timezone.now()
    if actor.pk == enrolment.mentor_id and not meeting.mentor_confirmed_at:
        meeting.mentor_confirmed_at = now
    elif actor.pk == enrolment.participant_id and not meeting.participant_confirmed_at:
        meeting.participant_confirmed_at = now
    else:
        raise ValidationError("You have already confirmed this meeting.")
    meeting.save()
    return meeting


def save_statement(*, actor: Any, portfolio: Portfolio, body: str) -> SupportingStatement:
    if portfolio.enrolment.mentor_id != actor.pk:
        raise ValidationError("Only the participant's mentor writes the supporting statement.")
    if len(body.strip()) < 50:
        raise ValidationError({"body": "Write at least a few sentences (50 characters or more)."})
    statement, _ = SupportingStatement.objects.update_or_create(
        portfolio=portfolio,
        defaults={"organisation_id": portfolio.organisation_id, "mentor": actor, "body": body.strip()},
    )
    return statement


# --- Submission --------------------------------------------------------------------------------


def snapshot(portfolio: Portfolio) -> dict[str, Any]:
    """A JSON copy of everything a reviewer judges: entries, attachments' names and sizes, the statement."""
    entries = (
        portfolio.entries.select_related("activity__module")
        .prefetch_related("attachments")
        .order_by("activity__module__number", "activity__position", "sequence")
    )
    statement = getattr(portfolio, "statement", None)
    return {
        "participant": portfolio.enrolment.participant.full_name,
        "level": portfolio.enrolment.level.number,
        "aspiring": portfolio.enrolment.is_aspiring,
        "requirements": selectors.requirement_notes(portfolio),
        "entries": [
            {
                "activity": e.activity.number,
                "title": e.activity.title,
                "module": e.activity.module.number,
                "sequence": e.sequence,
                "status": e.status,
                "alternative": e.alternative,
                "body": e.body,
                "reflection": e.reflection,
                "record": e.record,
                "difficult_issue": e.difficult_issue,
                "attachments": [
                    {"id": a.pk, "name": a.original_name, "size": a.size, "sha256": _sha256(a)}
                    for a in e.attachments.all()
                ],
            }
            for e in entries
        ],
        "statement": statement.body if statement else "",
        "meetings": [
            {
                "held_on": m.held_on.isoformat(),
                "minutes": m.minutes,
                "topics": m.topics,
                "confirmed": m.confirmed,
            }
            for m in portfolio.meetings.all()
        ],
    }


def _sha256(attachment: Attachment) -> str:
    digest = hashlib.sha256()
    try:
        with attachment.file.open("rb") as fh:
            for chunk in iter(lambda: fh.read(65536), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return ""
    return digest.hexdigest()


def submit(*, actor: Any, portfolio: Portfolio, today: datetime.date | None = None) -> Submission:
    """Submit: refused with every reason that applies; otherwise freezes an immutable snapshot."""
    today = today or timezone.localdate()
    if actor.pk != portfolio.enrolment.participant_id:
        raise ValidationError("Only the participant submits their portfolio.")
    problems = selectors.submission_problems(portfolio, today)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
        number = (locked.submissions.aggregate(n=Max("number"))["n"] or 0) + 1
        submission = Submission(
            organisation_id=locked.organisation_id,
            portfolio=locked,
            number=number,
            submitted_by=actor,
            submitted_at=timezone.now(),
            late=today > locked.enrolment.edition.portfolio_deadline,
            snapshot=snapshot(locked),
        )
        submission.full_clean()
        submission.save()
        locked.status = Portfolio.Status.SUBMITTED
        locked.save(update_fields=["status", "updated_at"])
    portfolio.refresh_from_db()
    return submission


def grant_extension(*, actor: Any, portfolio: Portfolio, until: datetime.date, reason: str) -> Portfolio:
    if until <= portfolio.enrolment.edition.portfolio_deadline:
        raise ValidationError({"until": "An extension must end after the edition's deadline."})
    portfolio.extension_until = until
    portfolio.extension_reason = reason.strip()
    portfolio.full_clean()
    portfolio.save(update_fields=["extension_until", "extension_reason", "updated_at"])
    return portfolio


# --- Review ------------------------------------------------------------------------------------


@dataclass
class Allocation:
    """What `allocate` did: the reviews made, and the portfolios no chosen reviewer may take (with why)."""

    reviews: list[Review] = field(default_factory=list)
    unallocated: list[tuple[Submission, str]] = field(default_factory=list)


def _reviewer_school_ids(reviewers: list[Any]) -> dict[int, set[int]]:
    """For each reviewer, the organisations where they work: an active staff record or a current role."""
    schools: dict[int, set[int]] = {r.pk: set() for r in reviewers}
    for user_id, org_id in StaffMember.objects.filter(user__in=reviewers, is_active=True).values_list(
        "user_id", "organisation_id"
    ):
        schools[user_id].add(org_id)
    for user_id, org_id in (
        RoleAssignment.objects.current().filter(user__in=reviewers).values_list("user_id", "organisation_id")
    ):
        schools[user_id].add(org_id)
    return schools


def reviewer_conflict(reviewer: Any, enrolment: Enrolment, school_ids: set[int]) -> str:
    """Why this reviewer may not review this participant's portfolio ('' when they may)."""
    if enrolment.mentor_id == reviewer.pk:
        return f"{reviewer.full_name} is the participant's mentor"
    if enrolment.participant_id == reviewer.pk:
        return f"{reviewer.full_name} is the participant"
    if enrolment.organisation_id in school_ids:
        return f"{reviewer.full_name} works at {enrolment.organisation}"
    return ""


def allocate(*, actor: Any, provider: Any, reviewers: list[Any], submissions: list[Submission]) -> Allocation:
    """Allocate unallocated submissions to reviewers, always to the one with the fewest reviews so far.

    A reviewer never gets a participant from a school where they work, nor one they mentor; a portfolio that
    none of the chosen reviewers may take is left unallocated and reported with the reason.
    """
    if not reviewers:
        raise ValidationError("Choose at least one reviewer.")
    loads = dict(
        Review.objects.filter(provider=provider, reviewer__in=reviewers)
        .values("reviewer")
        .annotate(n=Count("id"))
        .values_list("reviewer", "n")
    )
    by_id = {r.pk: r for r in reviewers}
    load = {r.pk: loads.get(r.pk, 0) for r in reviewers}
    schools = _reviewer_school_ids(reviewers)
    result = Allocation()
    now = timezone.now()
    with transaction.atomic():
        for submission in sorted(submissions, key=lambda s: s.pk):
            if Review.objects.filter(submission=submission).exists():
                continue
            enrolment = submission.portfolio.enrolment
            conflicts = {pk: reviewer_conflict(by_id[pk], enrolment, schools[pk]) for pk in by_id}
            eligible = [pk for pk in by_id if not conflicts[pk]]
            if not eligible:
                reasons = "; ".join(conflicts[pk] for pk in sorted(by_id))
                result.unallocated.append(
                    (
                        submission,
                        f"{enrolment.participant.full_name} ({enrolment.organisation}) is not allocated: "
                        f"no chosen reviewer is independent of their school ({reasons}). "
                        "Choose another reviewer.",
                    )
                )
                continue
            previous = Review.objects.filter(submission__portfolio=submission.portfolio).first()
            # A resubmission goes back to the reviewer who judged it first, where possible.
            if previous is not None and previous.reviewer_id in eligible:
                chosen = previous.reviewer_id
            else:
                chosen = min(eligible, key=lambda pk: (load[pk], by_id[pk].full_name, pk))
            review = Review(
                organisation_id=submission.organisation_id,
                provider=provider,
                submission=submission,
                reviewer=by_id[chosen],
                allocated_by=actor,
                allocated_at=now,
            )
            review.full_clean()
            review.save()
            load[chosen] += 1
            result.reviews.append(review)
    return result


def record_review(
    *,
    actor: Any,
    review: Review,
    judgements: dict[int, tuple[str, str]],
    outcome: str,
    feedback: str,
    rating: int,
    borderline: bool,
    today: datetime.date | None = None,
) -> Review:
    """The reviewer's judgement of each module and the whole; 'not yet' opens the one resubmission window."""
    today = today or timezone.localdate()
    if review.reviewer_id != actor.pk:
        raise ValidationError("Only the allocated reviewer may judge this portfolio.")
    if review.completed_at:
        raise ValidationError("This review is already complete.")
    portfolio = review.submission.portfolio
    modules = list(portfolio.enrolment.level.modules.all())
    missing = [m for m in modules if m.pk not in judgements]
    if missing:
        raise ValidationError(f"Judge every module: {', '.join(str(m) for m in missing)}.")
    if outcome == Outcome.SATISFACTORY and any(judgements[m.pk][0] != Outcome.SATISFACTORY for m in modules):
        raise ValidationError("The whole cannot be satisfactory while a module is not yet satisfactory.")
    with transaction.atomic():
        for module in modules:
            module_outcome, module_feedback = judgements[module.pk]
            judgement = ModuleJudgement(
                organisation_id=review.organisation_id,
                review=review,
                module=module,
                outcome=module_outcome,
                feedback=module_feedback.strip(),
            )
            judgement.full_clean()
            judgement.save()
        review.outcome = outcome
        review.feedback = feedback.strip()
        review.rating = rating
        review.borderline = borderline
        review.completed_at = timezone.now()
        review.full_clean()
        review.save()
        if outcome == Outcome.NOT_YET and review.submission.number == 1:
            portfolio.status = Portfolio.Status.RESUBMISSION
            portfolio.resubmit_by = today + datetime.timedelta(weeks=RESUBMISSION_WEEKS)
        else:
            portfolio.status = Portfolio.Status.REVIEWED
        portfolio.save(update_fields=["status", "resubmit_by", "updated_at"])
        participant = portfolio.enrolment.participant
        if portfolio.status == Portfolio.Status.RESUBMISSION:
            next_step = f"You may revise and resubmit it once, by {portfolio.resubmit_by:%-d %B %Y}."
        else:
            next_step = "The outcome becomes final after external moderation."
        _notify(
            [participant.email],
            "Your portfolio has been reviewed",
            f"Your portfolio for {portfolio.enrolment.level} has been reviewed: "
            f"{review.get_outcome_display().lower()}. {next_step} The feedback is in Pastoral.",
        )
    return review


# --- Moderation --------------------------------------------------------------------------------


def moderation_population(edition: Any) -> list[Review]:
    """The latest completed review of each reviewed portfolio of the edition."""
    reviews = (
        Review.objects.filter(submission__portfolio__enrolment__edition=edition, completed_at__isnull=False)
        .select_related("submission__portfolio__enrolment__cluster", "reviewer")
        .order_by("submission__portfolio_id", "-submission__number")
    )
    latest: dict[int, Review] = {}
    for review in reviews:
        latest.setdefault(review.submission.portfolio_id, review)
    return list(latest.values())


def draw_sample(*, actor: Any, edition: Any, seed: int | None = None) -> ModerationSample:
    """Draw (and record) the moderation sample by the rule in standards.md."""
    population = moderation_population(edition)
    if not population:
        raise ValidationError("No portfolios of this edition have been reviewed yet.")
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
    minimum = getattr(settings, "PORTFOLIOS_MODERATION_MINIMUM", sampling.DEFAULT_MINIMUM)
    items = [
        sampling.Reviewed(
            id=r.pk,
            cluster=str(r.submission.portfolio.enrolment.cluster_id),
            reviewer=str(r.reviewer_id),
            delivery_model=r.submission.portfolio.enrolment.cluster.delivery_model,
            satisfactory=r.outcome == Outcome.SATISFACTORY,
            borderline=r.borderline,
            rating=r.rating or 3,
        )
        for r in population
    ]
    picks = sampling.draw_sample(items, seed=seed, minimum=minimum)
    with transaction.atomic():
        sample = ModerationSample(
            organisation_id=edition.organisation_id,
            edition=edition,
            seed=seed,
            minimum=minimum,
            population=sorted(r.pk for r in population),
            drawn_by=actor,
            drawn_at=timezone.now(),
        )
        sample.full_clean()
        sample.save()
        for n, pick in enumerate(picks, start=1):
            SampleItem.objects.create(
                organisation_id=edition.organisation_id,
                sample=sample,
                review_id=pick.id,
                reasons=list(pick.reasons),
                pseudonym=f"Portfolio {n:03d}",
            )
    record_event(
        action="sample", actor=actor, obj=sample, note=f"seed {seed}, {len(picks)} of {len(population)}"
    )
    return sample


def moderate(*, actor: Any, item: SampleItem, verdict: str, reasons: str) -> SampleItem:
    if ModerationSample.objects.filter(pk=item.sample_id, finalised_at__isnull=False).exists():
        raise ValidationError("Outcomes are final; moderation is closed.")
    if verdict not in SampleItem.Verdict.values:
        raise ValidationError({"verdict": "Choose agree or disagree."})
    if verdict == SampleItem.Verdict.DISAGREE and len(reasons.strip()) < 10:
        raise ValidationError({"moderator_reasons": "Give your reasons for disagreeing."})
    item.verdict = verdict
    item.moderator_reasons = reasons.strip()
    item.moderator = actor
    item.moderated_at = timezone.now()
    item.full_clean()
    item.save()
    return item


def resolve(*, actor: Any, item: SampleItem, outcome: str, note: str) -> SampleItem:
    if item.verdict != SampleItem.Verdict.DISAGREE:
        raise ValidationError("Only a disagreement needs resolving.")
    if outcome not in Outcome.values or not note.strip():
        raise ValidationError("Choose the final outcome and say why.")
    item.resolved_outcome = outcome
    item.resolution_note = note.strip()
    item.resolved_by = actor
    item.resolved_at = timezone.now()
    item.save()
    return item


def finalise(*, actor: Any, sample: ModerationSample, base_url: str) -> list[Certificate]:
    """Make outcomes final once every sampled portfolio is agreed or resolved; certify satisfactory ones."""
    unsettled = [i for i in sample.items.all() if not i.settled]
    if unsettled:
        raise ValidationError(
            f"{len(unsettled)} sampled portfolio(s) still need a moderator's verdict or a resolution."
        )
    if sample.finalised_at:
        raise ValidationError("These outcomes are already final.")
    overrides = {i.review_id: i.resolved_outcome for i in sample.items.all() if i.resolved_outcome}
    issued = []
    with transaction.atomic():
        for review in Review.objects.filter(pk__in=sample.population).select_related("submission__portfolio"):
            portfolio = review.submission.portfolio
            outcome = overrides.get(review.pk, review.outcome)
            if outcome == Outcome.NOT_YET and portfolio.status == Portfolio.Status.RESUBMISSION:
                continue  # the resubmission window is still open
            portfolio.final_outcome = outcome
            portfolio.finalised_at = timezone.now()
            portfolio.status = Portfolio.Status.FINAL
            portfolio.save(update_fields=["final_outcome", "finalised_at", "status", "updated_at"])
            if outcome == Outcome.SATISFACTORY:
                issued.append(issue_certificate(portfolio=portfolio, base_url=base_url, actor=actor))
        sample.finalised_at = timezone.now()
        sample.save(update_fields=["finalised_at"])
    return issued


# --- Certificates ------------------------------------------------------------------------------


def signing_key(provider: Any) -> SigningKey:
    key = SigningKey.objects.filter(organisation=provider).first()
    if key is None:
        pair = credentials.generate_key_pair()
        key, _ = SigningKey.objects.get_or_create(
            organisation=provider,
            defaults={"public_pem": pair.public_pem, "private_pem_encrypted": pair.private_pem_encrypted},
        )
    return key


def credential_data(certificate: Certificate, base_url: str) -> credentials.CredentialData:
    provider = certificate.organisation
    return credentials.CredentialData(
        credential_url=base_url + reverse("portfolios:credential_public", args=[certificate.code]),
        issuer_url=base_url + reverse("portfolios:public_issuer", args=[provider.slug]),
        issuer_name=provider.name,
        achievement_url=base_url
        + reverse("portfolios:public_issuer", args=[provider.slug])
        + f"#{certificate.qualification.split()[0].lower()}-level-{certificate.level_number}",
        achievement_name=f"{certificate.qualification} Level {certificate.level_number}",
        achievement_description=f"Certificate of completion of {certificate.qualification}, "
        f"Level {certificate.level_number}.",
        criteria="A portfolio of the level's activities, supported by the in-school mentor, reviewed as "
        "satisfactory and confirmed after external moderation.",
        holder_name=certificate.holder_name,
        holder_email=certificate.holder.email,
        issued_at=certificate.issued_at,
        status_list_url=base_url + reverse("portfolios:public_status_list", args=[provider.slug]),
        status_index=certificate.status_index,
        salt=certificate.code,
    )


def issue_certificate(
    *,
    portfolio: Portfolio,
    base_url: str,
    actor: Any = None,
    randbelow: Callable[[int], int] = secrets.randbelow,
) -> Certificate:
    """Issue the level's certificate (once), with its signed OB3 credential and a random free status-list bit, and
    complete the participant's place in the same transaction (so a certified Level 1 counts when their school books
    Level 2)."""
    if portfolio.final_outcome != Outcome.SATISFACTORY:
        raise ValidationError("A certificate needs a final satisfactory outcome.")
    existing = Certificate.objects.filter(portfolio=portfolio).first()
    if existing:
        return existing
    enrolment = portfolio.enrolment
    provider = portfolio.provider
    key = signing_key(provider)
    with transaction.atomic():
        # The provider's key row serialises allocation: two issues at once never draw the same free bit.
        SigningKey.objects.select_for_update().get(pk=key.pk)
        used = Certificate.objects.filter(organisation=provider).values_list("status_index", flat=True)
        try:
            status_index = credentials.draw_status_index(used, randbelow=randbelow)
        except credentials.StatusListFull as full:
            raise ValidationError("The provider's certificate status list is full.") from full
        cert = Certificate(
            organisation=provider,
            portfolio=portfolio,
            holder=enrolment.participant,
            holder_name=enrolment.participant.full_name,
            qualification=enrolment.edition.programme.name,
            level_number=enrolment.level.number,
            status_index=status_index,
            issued_at=timezone.now().replace(microsecond=0),
            credential_jwt="pending",
        )
        cert.full_clean()
        cert.save()
        cert.credential_jwt = credentials.sign_credential(
            credential_data(cert, base_url), key.private_pem_encrypted
        )
        cert.save(update_fields=["credential_jwt"])
        qualification_services.complete_enrolment(
            actor=actor, enrolment=enrolment, at=cert.issued_at, note=f"certificate {cert.code} issued"
        )
    record_event(action="certificate", obj=cert, note=f"issued {cert.code}")
    _notify(
        [cert.holder.email],
        f"Your certificate: {cert.qualification} Level {cert.level_number}",
        f"Congratulations. Your certificate (verification code {cert.code}) and its Open Badges credential are ready "
        f"to download in Pastoral. Anyone can check it at {base_url}"
        f"{reverse('portfolios:verify', args=[cert.code])}.",
    )
    return cert


def revoke_certificate(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate; in the same transaction the place it completed goes back to enrolled (see
    qualifications.services.reopen_enrolment), so the level no longer counts as done."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the certificate is revoked."})
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update()
            .select_related("portfolio__enrolment")
            .get(pk=certificate.pk)
        )
        if locked.revoked_at:
            raise ValidationError("This certificate is already revoked.")
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason.strip()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        qualification_services.reopen_enrolment(
            actor=actor,
            enrolment=locked.portfolio.enrolment,
            reason=f"{locked.code}: {locked.revoked_reason}",
        )
    certificate.refresh_from_db()
    return certificate


def status_list_jwt(*, provider: Any, base_url: str) -> str:
    key = signing_key(provider)
    revoked = list(
        Certificate.objects.filter(organisation=provider, revoked_at__isnull=False).values_list(
            "status_index", flat=True
        )
    )
    return credentials.signed_status_list(
        issuer_url=base_url + reverse("portfolios:public_issuer", args=[provider.slug]),
        list_url=base_url + reverse("portfolios:public_status_list", args=[provider.slug]),
        revoked_indices=revoked,
        private_pem_encrypted=key.private_pem_encrypted,
        now=timezone.now().replace(microsecond=0),
    )


# --- Evaluation --------------------------------------------------------------------------------


def submit_evaluation(*, actor: Any, portfolio: Portfolio, answers: dict[str, Any]) -> EvaluationResponse:
    if actor.pk != portfolio.enrolment.participant_id:
        raise ValidationError("Only the participant answers the evaluation.")
    if EvaluationResponse.objects.filter(portfolio=portfolio).exists():
        raise ValidationError("You have already answered the evaluation. Thank you.")
    response = EvaluationResponse(
        organisation_id=portfolio.organisation_id,
        provider_id=portfolio.provider_id,
        portfolio=portfolio,
        **answers,
    )
    response.full_clean()
    response.save()
    return response
