"""Reads with rules: progress per activity, module and level; what stops a submission; who is behind."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Prefetch, QuerySet
from django.urls import reverse
from django.utils.text import Truncator

from access.models import RoleAssignment
from people.models import StaffMember
from portfolios import credentials
from portfolios.models import (
    Attachment,
    Certificate,
    DifficultIssue,
    Entry,
    EvaluationResponse,
    MentorMeeting,
    Portfolio,
    Review,
    SupportingStatement,
)
from portfolios.terms import MEETINGS_PER_TERM, TermSpan, current_term
from qualifications.models import Activity, Enrolment, Module

NOT_STARTED, DRAFT, COMPLETE = "not_started", "draft", "complete"
STATUS_LABELS = {NOT_STARTED: "Not started", DRAFT: "Draft", COMPLETE: "Complete"}


@dataclass
class ActivityProgress:
    activity: Activity
    entries: list[Entry]
    status: str
    done_count: int
    needed: int  # records needed (minimum count), 1 otherwise
    skipped: bool = False
    # For an activity such as ISQAM 2.2: whether a complete record addressed a difficult issue (or, for an aspiring
    # participant, is the alternative). True for every other activity.
    condition_met: bool = True

    @property
    def status_label(self) -> str:
        return "Skipped (optional)" if self.skipped else STATUS_LABELS[self.status]

    @property
    def counts_for_submission(self) -> bool:
        return self.activity.kind != Activity.Kind.OPTIONAL


@dataclass
class ModuleProgress:
    module: Module
    activities: list[ActivityProgress] = field(default_factory=list)

    @property
    def required(self) -> list[ActivityProgress]:
        return [a for a in self.activities if a.counts_for_submission]

    @property
    def complete_count(self) -> int:
        return sum(1 for a in self.required if a.status == COMPLETE)

    @property
    def percent(self) -> int:
        return round(100 * self.complete_count / len(self.required)) if self.required else 100


def offers_aspiring_alternative(activity: Activity, enrolment: Any) -> bool:
    """Whether this participant may meet the activity's difficult-issue rule with the alternative: they are marked
    aspiring (not yet in post) and the activity names an alternative for aspiring participants."""
    return bool(activity.requires_difficult_issue and enrolment.is_aspiring and activity.aspiring_alternative)


def meets_difficult_issue_rule(entry: Entry, aspiring: bool) -> bool:
    """A complete record that addressed a difficult issue, or the alternative when the participant is aspiring."""
    return entry.difficult_issue == DifficultIssue.YES or (
        aspiring and entry.difficult_issue == DifficultIssue.ALTERNATIVE
    )


def entry_for(portfolio: Portfolio, activity: Activity, sequence: int) -> Entry | None:
    """One record of an activity in a portfolio, with its attachments and comments (None before its first save)."""
    return (
        Entry.objects.filter(portfolio=portfolio, activity=activity, sequence=sequence)
        .prefetch_related("attachments", Prefetch("comments", to_attr="comment_list"))
        .first()
    )


def records_offered(portfolio: Portfolio, activity: Activity) -> list[tuple[int, Entry | None]]:
    """The records a minimum-count activity's page links to, each number with its entry (None if not started): at
    least the minimum and up to the highest started, and one more once as many records as the minimum exist (drafts
    included), so another can be added; an empty list for any other kind of activity."""
    if activity.kind != Activity.Kind.MINIMUM:
        return []
    minimum = activity.minimum_count or 1
    started = {e.sequence: e for e in Entry.objects.filter(portfolio=portfolio, activity=activity)}
    count = max(minimum, max(started, default=0) + (1 if len(started) >= minimum else 0))
    return [(n, started.get(n)) for n in range(1, count + 1)]


def _activity_status(activity: Activity, entries: list[Entry], aspiring: bool = False) -> ActivityProgress:
    needed = (
        activity.minimum_count if activity.kind == Activity.Kind.MINIMUM and activity.minimum_count else 1
    )
    done = [e for e in entries if e.status == Entry.Status.COMPLETE]
    if activity.kind == Activity.Kind.CHOICE:
        done = [e for e in done if e.alternative or not activity.alternatives]
    skipped = activity.kind == Activity.Kind.OPTIONAL and any(
        e.status == Entry.Status.SKIPPED for e in entries
    )
    condition_met = not activity.requires_difficult_issue or any(
        meets_difficult_issue_rule(e, aspiring) for e in done
    )
    if (len(done) >= needed and condition_met) or skipped:
        status = COMPLETE
    elif entries:
        status = DRAFT
    else:
        status = NOT_STARTED
    return ActivityProgress(activity, entries, status, len(done), needed, skipped, condition_met)


def activity_progress(portfolio: Portfolio) -> list[ModuleProgress]:
    """Every module of the portfolio's level with each activity's status; two queries in all."""
    aspiring = portfolio.enrolment.is_aspiring
    modules = list(
        Module.objects.filter(level_id=portfolio.enrolment.level_id)
        .prefetch_related("activities")
        .order_by("number")
    )
    by_activity: dict[int, list[Entry]] = defaultdict(list)
    for entry in Entry.objects.filter(portfolio=portfolio).order_by("sequence"):
        by_activity[entry.activity_id].append(entry)
    result = []
    for module in modules:
        mp = ModuleProgress(module)
        for activity in module.activities.all():
            mp.activities.append(_activity_status(activity, by_activity.get(activity.pk, []), aspiring))
        result.append(mp)
    return result


def level_percent(progress: list[ModuleProgress]) -> int:
    required = [a for m in progress for a in m.required]
    if not required:
        return 100
    return round(100 * sum(1 for a in required if a.status == COMPLETE) / len(required))


def submission_deadline(portfolio: Portfolio) -> datetime.date:
    """The last day this portfolio may be submitted: the deadline, an extension, or the resubmission window."""
    if portfolio.status == Portfolio.Status.RESUBMISSION and portfolio.resubmit_by:
        return portfolio.resubmit_by
    deadline = portfolio.enrolment.edition.portfolio_deadline
    if portfolio.extension_until and portfolio.extension_until > deadline:
        return portfolio.extension_until
    return deadline


TITLE_WORDS = 12  # an activity title in a list of problems: about a line


def submission_problems(
    portfolio: Portfolio, today: datetime.date, progress: list[ModuleProgress] | None = None
) -> list[str]:
    """Every reason the portfolio cannot be submitted today, in words the participant can act on."""
    problems: list[str] = []
    if portfolio.status not in (Portfolio.Status.IN_PROGRESS, Portfolio.Status.RESUBMISSION):
        return ["This portfolio has already been submitted."]
    deadline = submission_deadline(portfolio)
    if today > deadline:
        if portfolio.status == Portfolio.Status.RESUBMISSION:
            problems.append(f"The resubmission window closed on {deadline:%-d %B %Y}.")
        else:
            problems.append(
                f"The submission deadline was {deadline:%-d %B %Y}. Only the programme administrator can "
                "grant an extension; ask them before submitting."
            )
    if not SupportingStatement.objects.filter(portfolio=portfolio).exists():
        problems.append(
            "Your mentor has not yet written the supporting statement; it is required before submission."
        )
    for module in progress if progress is not None else activity_progress(portfolio):
        for item in module.required:
            if item.status == COMPLETE:
                continue
            activity = item.activity
            if activity.kind == Activity.Kind.MINIMUM:
                if item.done_count < item.needed:
                    problems.append(
                        f"Activity {activity.number} needs at least {item.needed} complete records; "
                        f"{item.done_count} {'is' if item.done_count == 1 else 'are'} complete."
                    )
                if not item.condition_met:
                    problems.append(_difficult_issue_problem(activity, portfolio.enrolment))
            elif activity.kind == Activity.Kind.CHOICE:
                problems.append(f"Activity {activity.number}: choose an alternative and complete it.")
            else:
                problems.append(f"Activity {activity.number} ({_short_title(activity)}) is not complete.")
    return problems


def _short_title(activity: Activity) -> str:
    """An activity's title shortened at a word boundary, with an ellipsis when it was longer."""
    return Truncator(activity.title).words(TITLE_WORDS, truncate="…")


def _difficult_issue_problem(activity: Activity, enrolment: Any) -> str:
    what = f"Activity {activity.number} ({_short_title(activity)})"
    if offers_aspiring_alternative(activity, enrolment):
        return (
            f"{what} needs a complete record that addressed a difficult issue or, as you are an aspiring participant, "
            f"one of the alternative for aspiring participants ({activity.aspiring_alternative}); none does yet."
        )
    return f"{what} needs at least one complete record that addressed a difficult issue; none does yet."


def requirement_notes(portfolio: Portfolio) -> list[str]:
    """How the portfolio meets each activity's difficult-issue rule, in words for the reviewer (frozen into the
    submission's snapshot): which records addressed a difficult issue, and for an aspiring participant which are
    the alternative."""
    enrolment = portfolio.enrolment
    aspiring = enrolment.is_aspiring
    notes = []
    activities = Activity.objects.filter(module__level_id=enrolment.level_id, requires_difficult_issue=True)
    for activity in activities.order_by("module__number", "position"):
        done = list(
            Entry.objects.filter(
                portfolio=portfolio, activity=activity, status=Entry.Status.COMPLETE
            ).order_by("sequence")
        )
        yes = [str(e.sequence) for e in done if e.difficult_issue == DifficultIssue.YES]
        alternative = [
            str(e.sequence) for e in done if aspiring and e.difficult_issue == DifficultIssue.ALTERNATIVE
        ]
        label = f"Activity {activity.number}" + (" (aspiring participant)" if aspiring else "")
        parts = []
        if yes:
            parts.append(f"record {', '.join(yes)} addressed a difficult issue")
        if alternative:
            parts.append(
                f"record {', '.join(alternative)} is the alternative for aspiring participants "
                f"({activity.aspiring_alternative})"
            )
        notes.append(f"{label}: {'; '.join(parts) if parts else 'no record addressed a difficult issue'}.")
    return notes


# A portfolio is being written (and its mentor meetings counted) while in progress or back for resubmission.
OPEN_STATUSES = (Portfolio.Status.IN_PROGRESS, Portfolio.Status.RESUBMISSION)


@dataclass
class MeetingStatus:
    portfolio: Portfolio
    term: TermSpan | None
    confirmed: int
    logged: int

    @property
    def needed(self) -> bool:
        """Whether meetings are still asked for: not once the portfolio is submitted (nor after its outcome)."""
        return self.portfolio.status in OPEN_STATUSES

    @property
    def behind(self) -> bool:
        return self.needed and self.term is not None and self.confirmed < MEETINGS_PER_TERM


def meeting_status(
    portfolios: QuerySet[Portfolio] | list[Portfolio], today: datetime.date
) -> list[MeetingStatus]:
    """For each portfolio: this term's logged and confirmed meetings against 'at least twice per term'."""
    result = []
    for portfolio in portfolios:
        term = current_term(portfolio.organisation_id, today)
        if term is None:
            result.append(MeetingStatus(portfolio, None, 0, 0))
            continue
        meetings = [m for m in portfolio.meetings.all() if term.starts_on <= m.held_on <= term.ends_on]
        result.append(MeetingStatus(portfolio, term, sum(1 for m in meetings if m.confirmed), len(meetings)))
    return result


def open_portfolios(qs: QuerySet[Portfolio]) -> QuerySet[Portfolio]:
    return (
        qs.filter(status__in=OPEN_STATUSES)
        .select_related(
            "enrolment__participant", "enrolment__mentor", "enrolment__level", "enrolment__edition"
        )
        .prefetch_related("meetings")
    )


@dataclass
class PortfolioRow:
    """One line of the administrator's list of portfolios: the portfolio and its level's percentage complete."""

    portfolio: Portfolio
    percent: int


def provider_portfolios(provider_ids: set[int], *, open_only: bool = True) -> QuerySet[Portfolio]:
    """The providers' portfolios for their administrators' list, by participant; only the open ones unless asked."""
    qs = Portfolio.objects.filter(provider_id__in=provider_ids)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    return qs.select_related("enrolment__participant", "enrolment__level__edition", "organisation").order_by(
        "enrolment__participant__full_name", "pk"
    )


def portfolio_rows(portfolios: Iterable[Portfolio]) -> list[PortfolioRow]:
    """Each portfolio (a page of them) with its progress; two queries a portfolio."""
    return [PortfolioRow(p, level_percent(activity_progress(p))) for p in portfolios]


def late_portfolios(qs: QuerySet[Portfolio], today: datetime.date) -> list[Portfolio]:
    """Portfolios still open after their deadline (counting extensions)."""
    return [p for p in open_portfolios(qs) if today > submission_deadline(p)]


def meetings_for(portfolio: Portfolio) -> QuerySet[MentorMeeting]:
    return portfolio.meetings.select_related("logged_by")


def evaluation_summary(provider_ids: set[int]) -> dict[str, Any]:
    """Average ratings and the comments, by edition, for the provider."""
    qs = EvaluationResponse.objects.filter(provider_id__in=provider_ids)
    by_edition = (
        qs.values(
            "portfolio__enrolment__edition__programme__code",
            "portfolio__enrolment__edition__academic_year__name",
        )
        .annotate(
            n=Count("id"),
            training=Avg("training_rating"),
            mentor=Avg("mentor_rating"),
            portfolio=Avg("portfolio_rating"),
            impact=Avg("impact_rating"),
        )
        .order_by("portfolio__enrolment__edition__programme__code")
    )
    comments = list(qs.exclude(most_useful="", improve="").values("most_useful", "improve")[:200])
    return {"rows": list(by_edition), "comments": comments, "count": qs.count()}


def meetings_by_term(portfolio: Portfolio, today: datetime.date) -> list[dict[str, Any]]:
    """This school year's terms with the meetings logged and confirmed in each (the rule: two a term)."""
    from portfolios.terms import terms_for

    meetings = list(portfolio.meetings.all())
    rows = []
    for term in terms_for(portfolio.organisation_id, today):
        held = [m for m in meetings if term.starts_on <= m.held_on <= term.ends_on]
        confirmed = sum(1 for m in held if m.confirmed)
        rows.append(
            {
                "term": term,
                "logged": len(held),
                "confirmed": confirmed,
                "met": confirmed >= MEETINGS_PER_TERM,
                "future": term.starts_on > today,
            }
        )
    return rows


# --- The evidence beside the judgement (review and moderation pages) ----------------------------


@dataclass
class ModuleEvidence:
    """One module of a submitted portfolio: its frozen entries (each attachment with the `pk` of the file still
    stored, or None if it is gone) and, on the moderator's page, the reviewer's judgement of it."""

    module: Module
    entries: list[dict[str, Any]]
    judgement: Any = None


def _module_number(entry: dict[str, Any]) -> int:
    if "module" in entry:
        return int(entry["module"])
    return int(str(entry.get("activity", "0")).split(".")[0] or 0)


def evidence_by_module(submission: Any, modules: list[Module], judgements: Any = ()) -> list[ModuleEvidence]:
    """The submission's snapshot grouped by module, attachments linked to their stored files.

    Snapshots made before attachments carried their id are matched by activity, record and file name against the
    portfolio's files; a file deleted since (a resubmission) stays listed, without a link."""
    from portfolios.models import Attachment

    stored = {
        (a.entry.activity.number, a.entry.sequence, a.original_name): a.pk
        for a in Attachment.objects.filter(entry__portfolio_id=submission.portfolio_id).select_related(
            "entry__activity"
        )
    }
    stored_ids = set(stored.values())
    by_module: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for raw in submission.snapshot.get("entries", []):
        entry = dict(raw)
        entry["attachments"] = [
            {
                **a,
                "pk": a["id"]
                if a.get("id") in stored_ids
                else (None if "id" in a else stored.get((entry["activity"], entry["sequence"], a["name"]))),
            }
            for a in raw.get("attachments", [])
        ]
        by_module[_module_number(entry)].append(entry)
    judged = {j.module_id: j for j in judgements}
    return [ModuleEvidence(m, by_module.get(m.number, []), judged.get(m.pk)) for m in modules]


def snapshot_attachment_ids(submission: Any) -> set[int]:
    """The stored files a submission's snapshot links to (what its reviewer and moderator may open)."""
    modules = list(Module.objects.filter(level_id=submission.portfolio.enrolment.level_id))
    return {
        a["pk"]
        for group in evidence_by_module(submission, modules)
        for e in group.entries
        for a in e["attachments"]
        if a["pk"] is not None
    }


# --- Submission snapshots and credentials -------------------------------------------------------


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
        "requirements": requirement_notes(portfolio),
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


def credential_data(certificate: Certificate, base_url: str) -> credentials.CredentialData:
    """What a certificate's signed credential says, with the public addresses it names."""
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


# --- Review and moderation ------------------------------------------------------------------------


def reviewer_school_ids(reviewers: list[Any]) -> dict[int, set[int]]:
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
